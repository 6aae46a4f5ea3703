//! The self-contained HTML rendering.
//!
//! The page loads nothing: styles are inline, there is no script to run, and
//! a Content-Security-Policy of `default-src 'none'` blocks any load a later
//! edit might add. The receipt JSON is embedded in
//! `<script type="application/json" id="matter-receipt">`, which browsers do
//! not execute, with `<`, `>` and `&` written as JSON escapes so the text can
//! never close the element.

use std::fmt::Write as _;

use crate::model::{Mode, Receipt};
use crate::view::{self, Block};

/// Version of this page layout, written in a `meta` element. Verification
/// compares the visible page with a fresh rendering only when the versions match.
pub const HTML_RENDERER_VERSION: &str = "1";

/// Id of the element that contains the embedded receipt JSON.
pub const EMBEDDED_JSON_ID: &str = "matter-receipt";

const STYLE: &str = "
body{margin:0;background:#f4f4f2;color:#1a1a1a;font:16px/1.5 -apple-system,'Segoe UI',Roboto,'DejaVu Sans',Arial,sans-serif}
main{max-width:52rem;margin:0 auto;padding:2rem 1.5rem;background:#fff;position:relative}
h1{font-size:1.7rem;margin:0 0 .5rem}
h2{font-size:1.2rem;margin:2rem 0 .5rem;padding-bottom:.2rem;border-bottom:2px solid #1a1a1a}
dl{display:grid;grid-template-columns:minmax(10rem,16rem) 1fr;gap:.35rem 1rem;margin:0}
dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere;white-space:pre-wrap}
code,pre{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:.9rem}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f4f2;padding:.75rem;border:1px solid #ccc}
.hash .groups{display:block;font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;letter-spacing:.02em}
.hash .whole{display:block;font-size:.8rem;color:#444}
.summary{font-size:1.1rem}
.mode-test{border:3px solid #b00020;color:#b00020;padding:.5rem .75rem;font-weight:700}
.watermark{position:fixed;top:40%;left:0;right:0;text-align:center;font-size:9rem;font-weight:800;color:rgba(176,0,32,.12);transform:rotate(-30deg);pointer-events:none;z-index:10}
@media print{body{background:#fff}main{padding:0}.watermark{position:fixed}}
@media (max-width:40rem){dl{grid-template-columns:1fr}dt{margin-top:.5rem}}
";

/// Renders the receipt as one HTML file.
pub fn render(receipt: &Receipt) -> Result<Vec<u8>, std::fmt::Error> {
    let mut out = String::with_capacity(32 * 1024);
    let title = view::document_title(receipt);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    writeln!(
        out,
        "<meta name=\"matter-receipt-renderer\" content=\"{HTML_RENDERER_VERSION}\">"
    )?;
    writeln!(out, "<title>{}</title>", escape(&title))?;
    writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>")?;
    if receipt.mode == Mode::Test {
        out.push_str("<div class=\"watermark\" aria-hidden=\"true\">TEST</div>\n");
    }
    out.push_str("<main>\n<h1>Signing receipt</h1>\n");
    if receipt.mode == Mode::Test {
        writeln!(
            out,
            "<p class=\"mode-test\">{}</p>",
            escape(view::mode_text(Mode::Test))
        )?;
    }
    writeln!(
        out,
        "<p class=\"summary\">{}</p>",
        escape(&view::summary(receipt))
    )?;

    for section in view::sections(receipt) {
        writeln!(out, "<section>\n<h2>{}</h2>", escape(section.title))?;
        let mut in_list = false;
        for block in &section.blocks {
            let is_field = matches!(block, Block::Field { .. } | Block::Hash { .. });
            if is_field && !in_list {
                out.push_str("<dl>\n");
                in_list = true;
            } else if !is_field && in_list {
                out.push_str("</dl>\n");
                in_list = false;
            }
            write_block(&mut out, block)?;
        }
        if in_list {
            out.push_str("</dl>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n");

    writeln!(
        out,
        "<script type=\"application/json\" id=\"{EMBEDDED_JSON_ID}\">{}</script>",
        embed_json(&receipt.to_json_pretty())
    )?;
    out.push_str("</body>\n</html>\n");
    Ok(out.into_bytes())
}

fn write_block(out: &mut String, block: &Block) -> std::fmt::Result {
    match block {
        Block::Field { label, value } => {
            writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(label), escape(value))
        }
        Block::Hash { label, hex } => writeln!(
            out,
            "<dt>{}</dt><dd class=\"hash\"><span class=\"groups\">{}</span><span class=\"whole\">{}</span></dd>",
            escape(label),
            escape(&view::group_hex(hex)),
            escape(hex)
        ),
        Block::Paragraph(text) => writeln!(out, "<p>{}</p>", escape(text)),
        Block::Code(text) => writeln!(out, "<pre>{}</pre>", escape(text)),
    }
}

/// Escapes text for HTML element content and double-quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Makes JSON text safe inside a `<script>` element. The JSON stays valid
/// because `\u003c` and friends are JSON string escapes, and `<`, `>` and `&`
/// only occur inside strings.
fn embed_json(json: &[u8]) -> String {
    let text = String::from_utf8_lossy(json);
    text.replace('&', "\\u0026")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
}

/// Extracts the embedded receipt JSON from an HTML file.
pub(crate) fn extract_json(html: &str) -> Result<String, String> {
    let marker = format!("id=\"{EMBEDDED_JSON_ID}\">");
    let start = html
        .find(&marker)
        .ok_or("the HTML has no embedded receipt (no script element with id \"matter-receipt\"); it is not a Matter Signer receipt page, or it was truncated")?
        + marker.len();
    let length = html[start..].find("</script>").ok_or(
        "the embedded receipt in the HTML has no closing </script>; the file is truncated",
    )?;
    Ok(html[start..start + length].to_owned())
}

/// Returns the renderer version a page declares, if any.
pub(crate) fn declared_renderer_version(html: &str) -> Option<&str> {
    let marker = "<meta name=\"matter-receipt-renderer\" content=\"";
    let start = html.find(marker)? + marker.len();
    let length = html[start..].find('"')?;
    Some(&html[start..start + length])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup() {
        assert_eq!(
            escape("<b a=\"x\">'&'</b>"),
            "&lt;b a=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;"
        );
    }

    /// Verification compares an HTML receipt with a fresh rendering when the
    /// page declares this layout version, so any change to the output must
    /// come with a new [`HTML_RENDERER_VERSION`]; otherwise receipts written
    /// earlier would fail integrity. Update the digest after bumping it.
    #[test]
    fn layout_change_needs_version_bump() {
        use crate::testing::{signing_key, SampleReceipt};
        let receipt = SampleReceipt::new(1).build(&signing_key(7));
        let digest = crate::hash::sha256_hex(&render(&receipt).unwrap());
        assert_eq!(HTML_RENDERER_VERSION, "1");
        assert_eq!(
            digest, "0551d50ad63f03551b6634f721633b43b4e55eda89986de3dfa8ba64db3c19fa",
            "the HTML output changed: bump HTML_RENDERER_VERSION (unless only the sample receipt changed), then update this digest"
        );
    }

    #[test]
    fn embed_json_cannot_close_script() {
        let embedded = embed_json(br#"{"a":"</script><script>alert(1)</script>"}"#);
        assert!(!embedded.contains('<'));
        let value: serde_json::Value = serde_json::from_str(&embedded).unwrap();
        assert_eq!(value["a"], "</script><script>alert(1)</script>");
    }
}
