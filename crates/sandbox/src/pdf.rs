//! A minimal, deterministic PDF 1.4 writer: Helvetica text on US Letter pages.
//!
//! The output has no timestamps or random ids, so the same lines always give the same
//! bytes and the same SHA-256. Text is limited to printable ASCII; other characters are
//! replaced with `?` so that the WinAnsi encoding of the base-14 font shows them.

use std::fmt::Write as _;

const LINES_PER_PAGE: usize = 54;
const WRAP_COLUMNS: usize = 92;

/// Renders `title` and `lines` as a PDF, wrapping long lines and adding pages as needed.
pub fn render(title: &str, lines: &[String]) -> Vec<u8> {
    let mut wrapped: Vec<String> = Vec::new();
    for line in lines {
        wrap_into(&sanitize(line), &mut wrapped);
    }
    let pages: Vec<&[String]> = if wrapped.is_empty() {
        vec![&[][..]]
    } else {
        wrapped.chunks(LINES_PER_PAGE).collect()
    };

    // Object numbers: 1 catalog, 2 page tree, 3 font, 4 info, then per page (page, content).
    let page_count = pages.len();
    let mut objects: Vec<Vec<u8>> = Vec::new();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = (0..page_count)
        .map(|index| format!("{} 0 R", 5 + index * 2))
        .collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            page_count
        )
        .into_bytes(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    objects.push(
        format!(
            "<< /Title ({}) /Producer (matter-sandbox) >>",
            escape(&sanitize(title))
        )
        .into_bytes(),
    );
    for (index, page_lines) in pages.iter().enumerate() {
        let content_number = 6 + index * 2;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
                 /Resources << /Font << /F1 3 0 R >> >> /Contents {content_number} 0 R >>"
            )
            .into_bytes(),
        );
        let stream = content_stream(page_lines);
        let mut object = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
        object.extend_from_slice(stream.as_bytes());
        object.extend_from_slice(b"\nendstream");
        objects.push(object);
    }

    let mut out: Vec<u8> = Vec::new();
    out.extend_from_slice(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_offset = out.len();
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        // Each xref entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, EOL.
        let _ = writeln!(xref, "{offset:010} 00000 n ");
    }
    let _ = write!(
        xref,
        "trailer\n<< /Size {} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{}\n%%EOF\n",
        objects.len() + 1,
        xref_offset
    );
    out.extend_from_slice(xref.as_bytes());
    out
}

fn content_stream(lines: &[String]) -> String {
    let mut stream = String::from("BT\n/F1 10 Tf\n13 TL\n54 740 Td\n");
    for line in lines {
        let _ = writeln!(stream, "({}) Tj T*", escape(line));
    }
    stream.push_str("ET");
    stream
}

fn sanitize(text: &str) -> String {
    text.chars()
        .map(|character| match character {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            ' '..='~' => character,
            _ => '?',
        })
        .collect()
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(character, '(' | ')' | '\\') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

fn wrap_into(line: &str, out: &mut Vec<String>) {
    if line.len() <= WRAP_COLUMNS {
        out.push(line.to_owned());
        return;
    }
    let mut current = String::new();
    for word in line.split(' ') {
        if !current.is_empty() && current.len() + 1 + word.len() > WRAP_COLUMNS {
            out.push(std::mem::take(&mut current));
            current.push_str("    ");
        }
        if !current.is_empty() && !current.ends_with("    ") {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_is_deterministic() {
        let lines = vec!["First (line)".to_owned(), "Second \\ line".to_owned()];
        assert_eq!(render("T", &lines), render("T", &lines));
    }

    #[test]
    fn xref_offsets_point_at_objects() {
        let bytes = render("Title", &["Hello".to_owned()]);
        let text = String::from_utf8_lossy(&bytes);
        let xref_start = text.find("xref\n").expect("xref present");
        let entries: Vec<&str> = text[xref_start..].lines().skip(3).take(6).collect();
        for (index, entry) in entries.iter().enumerate() {
            let offset: usize = entry[..10].parse().expect("numeric offset");
            let expected = format!("{} 0 obj", index + 1);
            assert!(
                bytes[offset..].starts_with(expected.as_bytes()),
                "entry {index} does not point at `{expected}`"
            );
        }
    }
}
