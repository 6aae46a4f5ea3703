//! The HTML and PDF forms: round trip, content, tagging and bad input.
//!
//! Needs `pdftotext`, `pdfinfo` and `pdffonts` from Debian's poppler-utils.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use matter_receipts::testing::{signing_key, trusted_test_keys, SampleReceipt};
use matter_receipts::{verify_path, Receipt, ReceiptKind, ReceiptStore, TrustedKeys};

struct Saved {
    _dir: tempfile::TempDir,
    receipt: Receipt,
    keys: TrustedKeys,
    json: PathBuf,
    html: PathBuf,
    pdf: PathBuf,
}

fn saved(build: impl FnOnce(&mut SampleReceipt)) -> Saved {
    let dir = tempfile::tempdir().unwrap();
    let store = ReceiptStore::open(dir.path().join("receipts")).unwrap();
    let key = signing_key(7);
    let mut input = SampleReceipt::new(1);
    build(&mut input);
    let receipt = input.build(&key);
    let saved = store.save(&receipt).unwrap();
    assert!(saved.html.is_written(), "{:?}", saved.html);
    assert!(saved.pdf.is_written(), "{:?}", saved.pdf);
    let paths = store.paths(&receipt.receipt_id).unwrap();
    Saved {
        _dir: dir,
        receipt,
        keys: trusted_test_keys(&key),
        json: paths.json,
        html: paths.html,
        pdf: paths.pdf,
    }
}

/// Runs a poppler tool, failing with the package to install when it is missing.
fn poppler(tool: &str, args: &[&str], file: &Path) -> String {
    let output = Command::new(tool)
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("{tool} failed to start ({e}); install Debian's poppler-utils"));
    assert!(
        output.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn pdftotext(file: &Path) -> String {
    let out = file.with_extension("txt");
    poppler("pdftotext", &["-enc", "UTF-8"], file);
    let text = fs::read_to_string(&out).unwrap();
    fs::remove_file(out).unwrap();
    text
}

#[test]
fn json_form_verifies_from_file() {
    let s = saved(|_| {});
    let report = verify_path(&s.json, &s.keys);
    assert_eq!(report.kind, ReceiptKind::Json);
    assert!(report.integrity.passed, "{}", report.integrity.reason);
    assert!(report.trust.passed, "{}", report.trust.reason);
}

#[test]
fn html_form_round_trips() {
    let s = saved(|_| {});
    let report = verify_path(&s.html, &s.keys);
    assert_eq!(report.kind, ReceiptKind::Html);
    assert!(report.integrity.passed, "{}", report.integrity.reason);
    assert!(report.trust.passed, "{}", report.trust.reason);
    assert_eq!(report.receipt.as_ref(), Some(&s.receipt));
}

#[test]
fn pdf_form_round_trips() {
    let s = saved(|_| {});
    let report = verify_path(&s.pdf, &s.keys);
    assert_eq!(report.kind, ReceiptKind::Pdf);
    assert!(report.integrity.passed, "{}", report.integrity.reason);
    assert!(report.trust.passed, "{}", report.trust.reason);
    assert_eq!(report.receipt.as_ref(), Some(&s.receipt));
}

#[test]
fn html_has_no_network_reference() {
    let s = saved(|_| {});
    let html = fs::read_to_string(&s.html).unwrap().to_lowercase();
    for pattern in [
        "src=", "href=", "url(", "@import", "<link", "<iframe", "<img", "<object", "<embed",
        "srcset",
    ] {
        assert!(!html.contains(pattern), "the HTML contains {pattern}");
    }
    assert!(html.contains("default-src 'none'"));
    let scripts = html.matches("<script").count();
    let json_scripts = html.matches("<script type=\"application/json\"").count();
    assert_eq!(
        scripts, json_scripts,
        "every script element holds data only"
    );
}

#[test]
fn html_shows_fields_as_text() {
    let s = saved(|_| {});
    let html = fs::read_to_string(&s.html).unwrap();
    let r = &s.receipt;
    for needle in [
        r.typed_name.as_str(),
        r.document.sha256.as_str(),
        r.disclosure_packet_hash.as_str(),
        r.signing_session_id.as_str(),
        r.receipt_id.as_str(),
        r.request_ids.sign.as_str(),
        r.signing_key.kid.as_str(),
        r.signed_in_user.user_id.as_str(),
        "(UTC+02:00)",
        "How to verify",
    ] {
        assert!(html.contains(needle), "the HTML lacks {needle}");
    }
    assert!(html.contains("Text with &lt;b&gt;markup&lt;/b&gt; stays text."));
    assert!(!html.contains("<b>markup</b>"));
    assert!(html.contains("TEST"));
}

#[test]
fn html_edited_visible_text_fails_integrity() {
    let s = saved(|_| {});
    let html = fs::read_to_string(&s.html).unwrap();
    let edited = html.replacen(
        "You approve the issuance of 1,000,000 shares.",
        "You approve nothing.",
        1,
    );
    assert_ne!(edited, html);
    fs::write(&s.html, edited).unwrap();
    let report = verify_path(&s.html, &s.keys);
    assert!(!report.integrity.passed);
    assert!(
        report
            .integrity
            .reason
            .contains("visible HTML page was changed"),
        "{}",
        report.integrity.reason
    );
}

#[test]
fn html_edited_embedded_json_fails_integrity() {
    let s = saved(|_| {});
    let html = fs::read_to_string(&s.html).unwrap();
    let edited = html.replace(
        "\"typed_name\": \"Jane Q. Founder\"",
        "\"typed_name\": \"John Doe\"",
    );
    assert_ne!(edited, html);
    fs::write(&s.html, edited).unwrap();
    assert!(!verify_path(&s.html, &s.keys).integrity.passed);
}

#[test]
fn html_truncated_gets_reason() {
    let s = saved(|_| {});
    let bytes = fs::read(&s.html).unwrap();
    fs::write(&s.html, &bytes[..bytes.len() - 40]).unwrap();
    let report = verify_path(&s.html, &s.keys);
    assert!(!report.integrity.passed);
    assert!(
        report.integrity.reason.contains("truncated"),
        "{}",
        report.integrity.reason
    );
}

#[test]
fn pdftotext_shows_hashes_and_typed_name() {
    let s = saved(|_| {});
    let text = pdftotext(&s.pdf);
    let r = &s.receipt;
    for needle in [
        r.typed_name.as_str(),
        r.document.sha256.as_str(),
        r.disclosure_packet_hash.as_str(),
        r.document.title.as_str(),
        r.signing_session_id.as_str(),
        r.receipt_id.as_str(),
        r.request_ids.sign.as_str(),
        r.signing_key.kid.as_str(),
        r.stakeholder.id.as_str(),
        r.signed_in_user.email.as_str(),
        "(UTC+02:00)",
        "You approve the issuance of 1,000,000 shares.",
        "How to verify",
    ] {
        assert!(text.contains(needle), "pdftotext lacks {needle:?}");
    }
}

#[test]
fn pdfinfo_reports_tagged_titled_pdf() {
    let s = saved(|_| {});
    let info = poppler("pdfinfo", &[], &s.pdf);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Tagged:") && l.ends_with("yes")),
        "{info}"
    );
    let title = info
        .lines()
        .find(|l| l.starts_with("Title:"))
        .unwrap_or_default();
    assert!(title.contains("Signing receipt: Board consent 1"), "{info}");
}

#[test]
fn pdffonts_reports_embedded_fonts() {
    let s = saved(|_| {});
    let fonts = poppler("pdffonts", &[], &s.pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        // Columns end with: emb sub uni object ID.
        let emb = columns[columns.len() - 5];
        assert_eq!(emb, "yes", "font not embedded: {row}");
    }
}

#[test]
fn pdf_lists_json_attachment() {
    let s = saved(|_| {});
    let attachments = poppler("pdfdetach", &["-list"], &s.pdf);
    assert!(attachments.contains("matter-receipt.json"), "{attachments}");
}

#[test]
fn test_mode_pdf_has_watermark_text() {
    let s = saved(|_| {});
    let text = pdftotext(&s.pdf);
    assert!(text.contains("TEST"));
}

#[test]
fn live_mode_pdf_has_no_test_banner() {
    let s = saved(|input| input.mode = matter_receipts::Mode::Live);
    let text = pdftotext(&s.pdf);
    assert!(!text.contains("no legal effect"));
}

#[test]
fn pdf_truncated_gets_reason() {
    let s = saved(|_| {});
    let bytes = fs::read(&s.pdf).unwrap();
    for length in [10, bytes.len() / 3, bytes.len() - 100] {
        fs::write(&s.pdf, &bytes[..length]).unwrap();
        let report = verify_path(&s.pdf, &s.keys);
        assert_eq!(report.kind, ReceiptKind::Pdf);
        assert!(!report.integrity.passed, "length {length}");
        assert!(!report.integrity.reason.is_empty(), "length {length}");
    }
}

#[test]
fn pdf_without_attachment_gets_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.pdf");
    let mut document = krilla::Document::new();
    let page = document.start_page();
    page.finish();
    fs::write(&path, document.finish().unwrap()).unwrap();
    let report = verify_path(&path, &TrustedKeys::pinned());
    assert!(!report.integrity.passed);
    assert!(
        report
            .integrity
            .reason
            .contains("no attachment named matter-receipt.json"),
        "{}",
        report.integrity.reason
    );
}

#[test]
fn non_latin_text_survives_in_pdf() {
    let s = saved(|input| input.typed_name = "Zoë Ångström 王小明".into());
    let report = verify_path(&s.pdf, &s.keys);
    assert!(report.integrity.passed, "{}", report.integrity.reason);
    let text = pdftotext(&s.pdf);
    assert!(text.contains("Zoë Ångström"), "{text}");
}

#[test]
fn missing_file_gets_reason() {
    let report = verify_path(
        Path::new("/nonexistent/receipt.pdf"),
        &TrustedKeys::pinned(),
    );
    assert_eq!(report.kind, ReceiptKind::Pdf);
    assert!(!report.integrity.passed);
    assert!(
        report.integrity.reason.contains("failed to read"),
        "{}",
        report.integrity.reason
    );
}

#[test]
fn image_file_gets_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("photo.png");
    fs::write(&path, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let report = verify_path(&path, &TrustedKeys::pinned());
    assert!(!report.integrity.passed);
    assert!(
        report.integrity.reason.contains("not JSON"),
        "{}",
        report.integrity.reason
    );
}

#[test]
fn pdf_with_damaged_bytes_never_panics() {
    let s = saved(|_| {});
    let original = fs::read(&s.pdf).unwrap();
    let step = original.len() / 97;
    for position in (0..original.len()).step_by(step.max(1)) {
        let mut damaged = original.clone();
        damaged[position] ^= 0x5a;
        fs::write(&s.pdf, &damaged).unwrap();
        let report = verify_path(&s.pdf, &s.keys);
        assert!(!report.integrity.reason.is_empty(), "position {position}");
        if report.integrity.passed {
            assert_eq!(
                report.receipt.as_ref(),
                Some(&s.receipt),
                "position {position}"
            );
        }
    }
}

/// Asserts that `report` fails integrity because the layout cannot be compared.
fn assert_layout_not_comparable(report: &matter_receipts::VerificationReport) {
    assert!(!report.integrity.passed, "{}", report.integrity.reason);
    assert!(
        report.integrity.reason.contains("cannot be compared"),
        "{}",
        report.integrity.reason
    );
    assert!(
        report.integrity.reason.contains("verify the JSON receipt"),
        "{}",
        report.integrity.reason
    );
}

#[test]
fn html_unknown_layout_version_fails_integrity() {
    let s = saved(|_| {});
    let html = fs::read_to_string(&s.html).unwrap();
    let visible_edit = html.replacen(
        "You approve the issuance",
        "You approve nothing and the issuance",
        1,
    );
    assert_ne!(visible_edit, html);
    for version in ["0", "2", ""] {
        let edited = visible_edit.replace(
            "name=\"matter-receipt-renderer\" content=\"1\"",
            &format!("name=\"matter-receipt-renderer\" content=\"{version}\""),
        );
        assert_ne!(edited, visible_edit, "version {version:?}");
        fs::write(&s.html, edited).unwrap();
        assert_layout_not_comparable(&verify_path(&s.html, &s.keys));
    }
}

#[test]
fn html_without_layout_marker_fails_integrity() {
    let s = saved(|_| {});
    let html = fs::read_to_string(&s.html).unwrap();
    let split = html.find("<script type=\"application/json\"").unwrap();
    let (visible, embedded) = html.split_at(split);
    let visible = visible
        .replace(
            "<meta name=\"matter-receipt-renderer\" content=\"1\">\n",
            "",
        )
        .replace("Jane Q. Founder", "Mallory X. Attacker");
    assert!(!visible.contains("<meta name=\"matter-receipt-renderer\""));
    let edited = visible + embedded;
    fs::write(&s.html, edited).unwrap();
    assert_layout_not_comparable(&verify_path(&s.html, &s.keys));
}

#[test]
fn html_unchanged_page_matches_receipt() {
    let s = saved(|_| {});
    let report = verify_path(&s.html, &s.keys);
    assert!(report.integrity.passed, "{}", report.integrity.reason);
    assert!(
        report
            .integrity
            .reason
            .contains("the visible page matches the embedded receipt"),
        "{}",
        report.integrity.reason
    );
}

/// Replaces every occurrence of `from` with `to` (same length) in `bytes`.
fn replace_bytes(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut out = bytes.to_vec();
    let mut found = 0;
    let mut i = 0;
    while i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to);
            found += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    assert!(found > 0, "{} not found", String::from_utf8_lossy(from));
    out
}

#[test]
fn pdf_unknown_layout_version_fails_integrity() {
    let s = saved(|_| {});
    let original = fs::read(&s.pdf).unwrap();
    let edited = replace_bytes(
        &replace_bytes(&original, b"Jane Q. Founder", b"Mall O. Rytaker"),
        b"matter-receipt-renderer=1",
        b"matter-receipt-renderer=2",
    );
    fs::write(&s.pdf, edited).unwrap();
    assert_layout_not_comparable(&verify_path(&s.pdf, &s.keys));
}

#[test]
fn pdf_without_layout_keyword_fails_integrity() {
    let s = saved(|_| {});
    let original = fs::read(&s.pdf).unwrap();
    let edited = replace_bytes(
        &original,
        b"matter-receipt-renderer=1",
        b"xxxxxx-xxxxxxx-xxxxxxxx=1",
    );
    fs::write(&s.pdf, edited).unwrap();
    assert_layout_not_comparable(&verify_path(&s.pdf, &s.keys));
}

#[test]
fn pdf_with_zeroed_middle_fails_integrity() {
    let s = saved(|_| {});
    let mut bytes = fs::read(&s.pdf).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle - 1000..middle + 1000].fill(0);
    fs::write(&s.pdf, &bytes).unwrap();
    let report = verify_path(&s.pdf, &s.keys);
    assert!(!report.integrity.passed, "{}", report.integrity.reason);
}

#[test]
fn pdf_changed_after_writing_fails_integrity() {
    let s = saved(|_| {});
    let mut bytes = fs::read(&s.pdf).unwrap();
    // An incremental update, as a viewer appends when it saves an annotation.
    bytes.extend_from_slice(b"\n% edited by a viewer\n%%EOF\n");
    fs::write(&s.pdf, &bytes).unwrap();
    let report = verify_path(&s.pdf, &s.keys);
    assert!(!report.integrity.passed);
    assert!(
        report
            .integrity
            .reason
            .contains("PDF was changed after it was written"),
        "{}",
        report.integrity.reason
    );
    assert!(report.trust.passed, "{}", report.trust.reason);
}

#[test]
fn pdf_pages_match_attached_receipt() {
    let s = saved(|_| {});
    let report = verify_path(&s.pdf, &s.keys);
    assert!(
        report
            .integrity
            .reason
            .contains("the pages match the attached receipt"),
        "{}",
        report.integrity.reason
    );
}
