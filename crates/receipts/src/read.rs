//! Reading a receipt from any of its three forms, for verification and import.

use std::io::Read as _;
use std::path::Path;

use crate::keys::TrustedKeys;
use crate::model::Receipt;
use crate::store::{render_pdf, JSON_FILE};
use crate::verify::{verify_json_bytes_as, ReceiptKind, Verdict, VerificationReport};
use crate::{html, pdf};

/// Largest receipt file read; real receipts are well under 1 MiB.
pub const MAX_RECEIPT_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A receipt file read into memory, with its kind and embedded JSON.
#[derive(Debug, Clone)]
pub struct ReceiptFile {
    pub kind: ReceiptKind,
    bytes: Vec<u8>,
    /// The receipt JSON bytes, or why they could not be found.
    json: Result<Vec<u8>, String>,
}

impl ReceiptFile {
    /// Reads `path` (at most [`MAX_RECEIPT_FILE_BYTES`]) and finds the receipt JSON in it.
    pub fn read(path: &Path) -> std::io::Result<ReceiptFile> {
        let file = std::fs::File::open(path)?;
        let mut bytes = Vec::new();
        file.take(MAX_RECEIPT_FILE_BYTES + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_RECEIPT_FILE_BYTES {
            let kind = sniff_kind(path, &bytes);
            return Ok(ReceiptFile {
                kind,
                bytes: Vec::new(),
                json: Err(format!(
                    "the file is larger than {} MiB, far larger than any receipt",
                    MAX_RECEIPT_FILE_BYTES / 1024 / 1024
                )),
            });
        }
        Ok(ReceiptFile::from_bytes(path, bytes))
    }

    /// Classifies `bytes` (using `path`'s extension only when the content
    /// gives no sign) and extracts the receipt JSON.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> ReceiptFile {
        let kind = sniff_kind(path, &bytes);
        let json = match kind {
            ReceiptKind::Json => Ok(bytes.clone()),
            ReceiptKind::Html => match std::str::from_utf8(&bytes) {
                Ok(text) => html::extract_json(text).map(String::into_bytes),
                Err(e) => Err(format!(
                    "the HTML is not valid UTF-8 ({e}); it may be damaged"
                )),
            },
            // The PDF parser meets hostile input here, so a panic inside it
            // becomes a verdict instead of ending the program.
            ReceiptKind::Pdf => std::panic::catch_unwind(|| pdf::extract_json(&bytes))
                .unwrap_or_else(|_| {
                    Err("the PDF is damaged: its structure could not be parsed".into())
                }),
        };
        ReceiptFile { kind, bytes, json }
    }

    /// Returns the embedded or plain receipt JSON, when found.
    pub fn receipt_json(&self) -> Option<Vec<u8>> {
        self.json.as_ref().ok().cloned()
    }

    /// Verifies the receipt in this file. An HTML page or PDF must also equal,
    /// byte for byte, a fresh rendering of its embedded receipt with the
    /// current layout version, so an edit to the visible text fails integrity.
    /// A page whose layout version is missing, altered or unknown cannot be
    /// compared, so it fails integrity too.
    pub fn verify(&self, keys: &TrustedKeys) -> VerificationReport {
        let json = match &self.json {
            Ok(json) => json,
            Err(reason) => return VerificationReport::unreadable(self.kind, reason.clone()),
        };
        let mut report = verify_json_bytes_as(self.kind, json, keys);
        if !report.integrity.passed {
            return report;
        }
        let Some(receipt) = &report.receipt else {
            return report;
        };
        let page_check = match self.kind {
            ReceiptKind::Json => Ok(""),
            ReceiptKind::Html => check_html_page(&self.bytes, receipt)
                .map(|()| "; the visible page matches the embedded receipt"),
            ReceiptKind::Pdf => check_pdf_pages(&self.bytes, receipt)
                .map(|()| "; the pages match the attached receipt"),
        };
        match page_check {
            Ok(note) => report.integrity.reason.push_str(note),
            Err(reason) => report.integrity = Verdict::fail(reason),
        }
        report
    }
}

/// Explains a layout version that this version cannot re-create.
fn unknown_layout(rendering: &str, declared: Option<&str>, json_name: &str) -> String {
    let declared = match declared {
        Some(version) => {
            format!("declares layout version {version:?}, which this version does not know")
        }
        None => "declares no layout version".to_string(),
    };
    format!(
        "the embedded receipt verifies, but the {rendering} {declared}, so the visible content cannot be compared with the embedded receipt and may have been edited; verify the JSON receipt ({json_name}) instead"
    )
}

/// Checks that an HTML receipt page equals a fresh rendering of its embedded
/// receipt. Only layout version [`html::HTML_RENDERER_VERSION`] exists, so a
/// page declaring another version, or none, fails.
fn check_html_page(bytes: &[u8], receipt: &Receipt) -> Result<(), String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("the HTML is not valid UTF-8 ({e}); it may be damaged"))?;
    let declared = html::declared_renderer_version(text);
    if declared != Some(html::HTML_RENDERER_VERSION) {
        return Err(unknown_layout("HTML page", declared, JSON_FILE));
    }
    let expected = html::render(receipt).map_err(|e| {
        format!("the visible HTML page could not be compared with the embedded receipt, because rendering it failed ({e}); verify the JSON receipt ({JSON_FILE}) instead")
    })?;
    if expected == bytes {
        Ok(())
    } else {
        Err("the embedded receipt verifies, but the visible HTML page was changed after it was written: it differs from the page this receipt renders to".into())
    }
}

/// Checks that a receipt PDF equals a fresh rendering of its attached
/// receipt, so an edit to the drawn text or the document information, an
/// added annotation, an incremental update or damaged bytes fail integrity.
/// krilla's output is byte-for-byte deterministic for the same receipt,
/// fonts and version. Only layout version [`pdf::PDF_RENDERER_VERSION`]
/// exists, so a PDF declaring another version, or none, fails.
fn check_pdf_pages(bytes: &[u8], receipt: &Receipt) -> Result<(), String> {
    let declared = std::panic::catch_unwind(|| pdf::declared_renderer_version(bytes))
        .ok()
        .flatten();
    if declared.as_deref() != Some(pdf::PDF_RENDERER_VERSION) {
        return Err(unknown_layout("PDF", declared.as_deref(), JSON_FILE));
    }
    let expected = render_pdf(receipt).map_err(|e| {
        format!("the PDF pages could not be compared with the attached receipt, because rendering it failed ({e}); verify the JSON receipt ({JSON_FILE}) instead")
    })?;
    if expected == bytes {
        Ok(())
    } else {
        Err("the attached receipt verifies, but the PDF was changed after it was written: it differs from the PDF this receipt renders to".into())
    }
}

/// Reads and verifies a receipt file in any of its forms. A file that cannot
/// be read as a receipt fails both verdicts with the reason. The PDF parser
/// and writer run under `catch_unwind`, so a panic in them becomes a verdict.
pub fn verify_path(path: &Path, keys: &TrustedKeys) -> VerificationReport {
    match ReceiptFile::read(path) {
        Ok(file) => file.verify(keys),
        Err(error) => VerificationReport::unreadable(
            sniff_kind(path, &[]),
            format!("failed to read {}: {error}", path.display()),
        ),
    }
}

fn sniff_kind(path: &Path, bytes: &[u8]) -> ReceiptKind {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return ReceiptKind::Pdf;
    }
    let trimmed = String::from_utf8_lossy(&head[..head.len().min(64)]);
    let trimmed = trimmed.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<') {
        return ReceiptKind::Html;
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return ReceiptKind::Json;
    }
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("pdf") => ReceiptKind::Pdf,
        Some("html" | "htm") => ReceiptKind::Html,
        _ => ReceiptKind::Json,
    }
}
