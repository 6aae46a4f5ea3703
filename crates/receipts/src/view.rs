//! The human-readable content of a receipt, shared by the HTML and PDF
//! renderings so that both show the same fields in the same order.

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::model::{Mode, Receipt};

/// URL where Matter publishes its receipt-signing keys; shown as text only.
pub(crate) const MATTER_KEYS_URL: &str = "https://mattermode.com/.well-known/matter-keys.json";

/// One titled part of the receipt.
pub(crate) struct Section {
    pub title: &'static str,
    pub blocks: Vec<Block>,
}

pub(crate) enum Block {
    /// A labelled value.
    Field { label: String, value: String },
    /// A labelled SHA-256 or other long hex value, shown grouped and whole.
    Hash { label: String, hex: String },
    /// A paragraph of prose.
    Paragraph(String),
    /// Preformatted text, e.g. JSON or a command.
    Code(String),
}

fn field(label: impl Into<String>, value: impl Into<String>) -> Block {
    Block::Field {
        label: label.into(),
        value: value.into(),
    }
}

fn hash(label: impl Into<String>, hex: impl Into<String>) -> Block {
    Block::Hash {
        label: label.into(),
        hex: hex.into(),
    }
}

/// Splits a 64-character hex digest into four groups of 16 for reading;
/// other strings are returned unchanged.
pub(crate) fn group_hex(hex: &str) -> String {
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        hex.as_bytes()
            .chunks(16)
            .map(|chunk| std::str::from_utf8(chunk).expect("ASCII hex"))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        hex.to_owned()
    }
}

/// Formats a time as RFC 3339 followed by its UTC offset in words.
pub(crate) fn time_text(time: OffsetDateTime) -> String {
    let text = time.format(&Rfc3339).unwrap_or_else(|_| time.to_string());
    let offset = time.offset();
    let (hours, minutes, _) = offset.as_hms();
    let sign = if offset.is_negative() { '-' } else { '+' };
    format!(
        "{text} (UTC{sign}{:02}:{:02})",
        hours.unsigned_abs(),
        minutes.unsigned_abs()
    )
}

/// The one-line summary at the top of every rendering.
pub(crate) fn summary(receipt: &Receipt) -> String {
    format!(
        "{} ({}) typed the name \"{}\" and signed \"{}\" for {} on {}.",
        receipt.stakeholder.name,
        receipt.stakeholder.id,
        receipt.typed_name,
        receipt.document.title,
        receipt.document.entity_name,
        time_text(receipt.timestamps.server_signed_at)
    )
}

/// The document title shown in the window or PDF viewer title bar.
pub(crate) fn document_title(receipt: &Receipt) -> String {
    let test = if receipt.mode == Mode::Test {
        " [TEST]"
    } else {
        ""
    };
    format!("Signing receipt: {}{test}", receipt.document.title)
}

pub(crate) fn mode_text(mode: Mode) -> &'static str {
    match mode {
        Mode::Test => "TEST: made with Matter test credentials; this signature has no legal effect",
        Mode::Live => "live",
    }
}

/// Builds every section of the receipt in display order.
pub(crate) fn sections(receipt: &Receipt) -> Vec<Section> {
    vec![
        document_section(receipt),
        signer_section(receipt),
        times_section(receipt),
        identifiers_section(receipt),
        key_section(receipt),
        packet_section(receipt),
        verify_section(receipt),
    ]
}

fn document_section(receipt: &Receipt) -> Section {
    let document = &receipt.document;
    let mut blocks = vec![
        field("Title", &document.title),
        hash("Document SHA-256", &document.sha256),
        field("Document id", &document.id),
        field("Size", format!("{} bytes", document.byte_length)),
        field(
            "Entity",
            format!("{} ({})", document.entity_name, document.entity_id),
        ),
    ];
    if let Some(envelope) = &receipt.envelope {
        blocks.push(field(
            "Envelope",
            format!("{} ({})", envelope.subject, envelope.id),
        ));
        blocks.push(field(
            "Signer slot",
            format!(
                "{}, position {} of {}",
                envelope.signer_id, envelope.position, envelope.signer_count
            ),
        ));
    }
    Section {
        title: "Document",
        blocks,
    }
}

fn signer_section(receipt: &Receipt) -> Section {
    let user = &receipt.signed_in_user;
    Section {
        title: "Who signed",
        blocks: vec![
            field("Typed name", &receipt.typed_name),
            field(
                "Stakeholder",
                format!("{} ({})", receipt.stakeholder.name, receipt.stakeholder.id),
            ),
            field(
                "Signed-in user",
                format!("{} <{}> ({})", user.name, user.email, user.user_id),
            ),
            field("Sign-in issuer", &user.issuer),
            field(
                "Electronic signature text",
                &receipt.electronic_signature_text,
            ),
        ],
    }
}

fn times_section(receipt: &Receipt) -> Section {
    let times = &receipt.timestamps;
    Section {
        title: "When",
        blocks: vec![
            field("Signed (server time)", time_text(times.server_signed_at)),
            field(
                "Signed (this computer's time)",
                time_text(times.local_signed_at),
            ),
            field(
                "Signing session created",
                time_text(times.session_created_at),
            ),
            field(
                "Signing session expires",
                time_text(times.session_expires_at),
            ),
            field("Signed in interactively", time_text(times.signed_in_at)),
        ],
    }
}

fn identifiers_section(receipt: &Receipt) -> Section {
    let ids = &receipt.request_ids;
    Section {
        title: "Identifiers",
        blocks: vec![
            field("Mode", mode_text(receipt.mode)),
            field("Signature id (receipt id)", &receipt.receipt_id),
            field("Signing session id", &receipt.signing_session_id),
            field("Request id: sign", &ids.sign),
            field("Request id: signing session", &ids.create_session),
            field("Request id: disclosure dry run", &ids.dry_run),
            field("Request id: document", &ids.document),
            field("API base URL", &receipt.api_base),
            field(
                "App",
                format!(
                    "{} {} ({})",
                    receipt.app.name, receipt.app.version, receipt.app.front_end
                ),
            ),
        ],
    }
}

fn key_section(receipt: &Receipt) -> Section {
    let key = &receipt.signing_key;
    Section {
        title: "Signing key",
        blocks: vec![
            field("Key id (kid)", &key.kid),
            field("Algorithm", &key.alg),
            field("Key mode", key.mode.as_str()),
            field("Public key (base64url)", &key.public_key),
            field("Key source", &key.source),
            field("Key fetched", time_text(key.fetched_at)),
            field(
                "Matter's signature (base64url)",
                &receipt.server_receipt.signature,
            ),
        ],
    }
}

fn packet_section(receipt: &Receipt) -> Section {
    let mut blocks = vec![
        hash("Disclosure packet SHA-256", &receipt.disclosure_packet_hash),
        Block::Paragraph(
            "The disclosure packet exactly as it was shown before signing. Each value is listed below, then the complete packet as JSON."
                .into(),
        ),
    ];
    packet_fields(&receipt.disclosure_packet, "", &mut blocks);
    let json = serde_json::to_string_pretty(&receipt.disclosure_packet)
        .unwrap_or_else(|_| receipt.disclosure_packet.to_string());
    blocks.push(Block::Code(json));
    Section {
        title: "Disclosure packet as shown",
        blocks,
    }
}

/// Flattens the packet into labelled fields, keeping member order.
fn packet_fields(value: &Value, label: &str, blocks: &mut Vec<Block>) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                let name = humanize(key);
                let child = if label.is_empty() {
                    name
                } else {
                    format!("{label} › {name}")
                };
                packet_fields(member, &child, blocks);
            }
        }
        Value::Array(items) if items.is_empty() => blocks.push(field(label, "(none)")),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                packet_fields(item, &format!("{label} {}", i + 1), blocks);
            }
        }
        Value::String(text) if label.ends_with("hash") || label.ends_with("Sha256") => {
            blocks.push(hash(label, text))
        }
        Value::String(text) => blocks.push(field(label, text)),
        Value::Null => blocks.push(field(label, "(none)")),
        other => blocks.push(field(label, other.to_string())),
    }
}

/// Turns `who_bears_risk` into `Who bears risk`.
fn humanize(key: &str) -> String {
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn verify_section(receipt: &Receipt) -> Section {
    Section {
        title: "How to verify",
        blocks: vec![
            Block::Paragraph(
                "This receipt can be checked offline, without an account and without contacting Matter. With Matter Signer installed, run:".into(),
            ),
            Block::Code("matter-signer receipts verify receipt.pdf   (or receipt.html, receipt.json)".into()),
            Block::Paragraph(
                "It reports two verdicts. Integrity: the receipt is unchanged since signing. Trust: it was signed by a known Matter key of its mode (test or live).".into(),
            ),
            Block::Paragraph(format!(
                "To check by hand: the receipt JSON is embedded in this file (the HTML in the script element with id \"matter-receipt\", the PDF as the attachment matter-receipt.json). Compute the RFC 8785 (JCS) canonical JSON of server_receipt.payload and verify the Ed25519 signature server_receipt.signature (base64url) with signing_key.public_key. Then check that the key id {} with that public key is listed under \"{}\" in Matter's key list, published at {MATTER_KEYS_URL}. Finally compute the SHA-256 of the JCS bytes of disclosure_packet without its packet_hash member: it must equal the disclosure packet SHA-256 above and disclosure_packet_hash in the signed payload.",
                receipt.signing_key.kid,
                receipt.mode.as_str()
            )),
            Block::Paragraph(
                "Covered by Matter's signature: the signature and session ids, document id, title, SHA-256 and entity id, envelope and signer ids, stakeholder id, signed-in user id, the electronic signature text (which contains the typed name), the disclosure packet hash and so the whole packet (which includes the stakeholder's name, the entity name and the document size), the legal basis and consent id, the server signing time, the sign request id and the mode. Recorded by this app alone: this computer's signing time and offset, the session and sign-in times, the other request ids, the signed-in user's name, email and issuer, the API base URL, the app version, and the key's source and fetch time.".into(),
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_hex_splits_digest() {
        let hex = "0123456789abcdef".repeat(4);
        assert_eq!(
            group_hex(&hex),
            "0123456789abcdef 0123456789abcdef 0123456789abcdef 0123456789abcdef"
        );
    }

    #[test]
    fn group_hex_keeps_other_text() {
        assert_eq!(group_hex("not a hash"), "not a hash");
    }

    #[test]
    fn time_text_shows_offset() {
        let time = OffsetDateTime::from_unix_timestamp(0)
            .unwrap()
            .to_offset(time::UtcOffset::from_hms(-5, -30, 0).unwrap());
        assert_eq!(time_text(time), "1969-12-31T18:30:00-05:30 (UTC-05:30)");
    }

    #[test]
    fn humanize_capitalises() {
        assert_eq!(humanize("who_bears_risk"), "Who bears risk");
    }
}
