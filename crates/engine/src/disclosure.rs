//! The disclosure packet: what the human must read before signing, and its hash.
//!
//! Matter's dry run (`POST /v1/signing_sessions?dry_run=true`) returns the packet with a
//! `packet_hash`: the lowercase hex SHA-256 of the RFC 8785 canonical JSON of the packet
//! without its `packet_hash` member. The engine recomputes it with
//! [`matter_receipts::hash::packet_sha256`] (the one implementation the receipt verifier
//! also uses), refuses to go on when the two differ, and later requires the signing
//! session to bind to the same value.
//!
//! [`DisclosurePacket`] keeps the packet's raw JSON for hashing, display and the
//! receipt, beside the typed fields the flow checks.

use serde::Deserialize;
use serde_json::Value;

use crate::error::EngineError;

/// A disclosure packet, verified against its own `packet_hash`.
#[derive(Debug, Clone)]
pub struct DisclosurePacket {
    /// The packet exactly as Matter returned it, `packet_hash` included.
    pub raw: Value,
    /// The locally computed hash, equal to the packet's `packet_hash`.
    pub hash: String,
    pub fields: PacketFields,
}

/// The members the flow reads. Unknown members are kept in [`DisclosurePacket::raw`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PacketFields {
    #[serde(default)]
    pub packet_version: String,
    #[serde(default)]
    pub livemode: bool,
    #[serde(default)]
    pub action: String,
    pub document: PacketDocument,
    #[serde(default)]
    pub envelope: Option<PacketEnvelope>,
    pub stakeholder: PacketStakeholder,
    /// The sentence the typed name completes; `{typed_name}` marks where it goes.
    pub signature_attestation: String,
    pub packet_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PacketDocument {
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub entity_id: String,
    #[serde(default)]
    pub entity_name: String,
    pub sha256: String,
    #[serde(default)]
    pub byte_length: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PacketEnvelope {
    pub id: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub position: u32,
    #[serde(default)]
    pub signer_count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PacketStakeholder {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub natural_person: Option<bool>,
}

/// The placeholder in `signature_attestation` that the typed name replaces.
pub use matter_receipts::TYPED_NAME_PLACEHOLDER;

impl DisclosurePacket {
    /// Reads a packet and checks its `packet_hash` against the hash computed here.
    pub fn verify(raw: Value) -> Result<DisclosurePacket, EngineError> {
        let fields: PacketFields =
            serde_json::from_value(raw.clone()).map_err(|error| EngineError::InvalidResponse {
                operation: "read the disclosure packet",
                detail: error.to_string(),
                request_id: None,
            })?;
        let hash = compute_hash(&raw)?;
        if !hash.eq_ignore_ascii_case(&fields.packet_hash) || fields.packet_hash.len() != 64 {
            return Err(EngineError::PacketHashMismatch {
                served: fields.packet_hash,
                computed: hash,
            });
        }
        Ok(DisclosurePacket { raw, hash, fields })
    }

    /// Returns the attestation with the typed name filled in, sent verbatim as
    /// `electronic_signature_text`. When the attestation has no placeholder, the name is
    /// appended after a signature mark so that the text still carries it. This is the
    /// receipts crate's rule, the one receipt verification checks against.
    pub fn attestation_for(&self, typed_name: &str) -> String {
        matter_receipts::electronic_signature_text(&self.fields.signature_attestation, typed_name)
    }

    /// Renders the packet as plain text, in reading order.
    pub fn text(&self) -> String {
        packet_text(&self.raw)
    }
}

/// Computes the packet's hash (see the module docs).
pub fn compute_hash(packet: &Value) -> Result<String, EngineError> {
    matter_receipts::hash::packet_sha256(packet).map_err(|error| EngineError::InvalidResponse {
        operation: "hash the disclosure packet",
        detail: error.to_string(),
        request_id: None,
    })
}

/// True when `typed` is `expected` up to letter case and runs of whitespace.
pub fn names_match(typed: &str, expected: &str) -> bool {
    let normalise = |name: &str| {
        name.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let typed = normalise(typed);
    !typed.is_empty() && typed == normalise(expected)
}

/// Renders a packet as plain text in reading order: title, document identity and
/// SHA-256, consequences, irreversible effects, ongoing obligations, who bears the
/// risk, acknowledgements, the attestation and disclaimers. Members missing from the
/// packet are skipped; control characters in Matter's text are dropped so that the
/// text cannot move a terminal's cursor or clear its screen.
pub fn packet_text(packet: &Value) -> String {
    let mut out = String::new();
    let text = |value: &Value| clean(value.as_str().unwrap_or_default());
    let document = &packet["document"];

    let title = text(&document["title"]);
    if !title.is_empty() {
        out.push_str(&title);
        out.push('\n');
        out.push_str(&"=".repeat(title.chars().count().min(72)));
        out.push_str("\n\n");
    }
    let mut line = |label: &str, value: String| {
        if !value.is_empty() {
            out.push_str(&format!("{label}: {value}\n"));
        }
    };
    line("Document", text(&document["id"]));
    line(
        "Entity",
        join_present(&[text(&document["entity_name"]), text(&document["entity_id"])]),
    );
    line("Document SHA-256", text(&document["sha256"]));
    if let Some(length) = document["byte_length"].as_u64() {
        line("Size", format!("{length} bytes"));
    }
    let envelope = &packet["envelope"];
    if envelope.is_object() {
        line(
            "Envelope",
            join_present(&[text(&envelope["subject"]), text(&envelope["id"])]),
        );
        if let (Some(position), Some(count)) = (
            envelope["position"].as_u64(),
            envelope["signer_count"].as_u64(),
        ) {
            line(
                "Your place in the signing order",
                format!("{position} of {count}"),
            );
        }
    }
    let stakeholder = &packet["stakeholder"];
    line(
        "Signer",
        join_present(&[text(&stakeholder["name"]), text(&stakeholder["id"])]),
    );
    if let Some(live) = packet["livemode"].as_bool() {
        line(
            "Mode",
            if live {
                "live (legally binding)".into()
            } else {
                "test (not binding)".into()
            },
        );
    }

    list_section(
        &mut out,
        "What this signature does",
        &packet["consequences"],
    );
    list_section(
        &mut out,
        "What cannot be undone",
        &packet["irreversible_effects"],
    );
    list_section(
        &mut out,
        "What you commit to afterwards",
        &packet["ongoing_obligations"],
    );
    let risk = text(&packet["who_bears_risk"]);
    if !risk.is_empty() {
        out.push_str(&format!("\nWho bears the risk: {risk}\n"));
    }
    if let Some(acknowledgements) = packet["acknowledgements"].as_array() {
        if !acknowledgements.is_empty() {
            out.push_str("\nAcknowledgements\n");
            for ack in acknowledgements {
                let body = text(&ack["text"]);
                let tag = join_present(&[text(&ack["slug"]), text(&ack["version"])]);
                if tag.is_empty() {
                    out.push_str(&format!("  - {body}\n"));
                } else {
                    out.push_str(&format!("  - {body} [{tag}]\n"));
                }
            }
        }
    }
    let attestation = text(&packet["signature_attestation"]);
    if !attestation.is_empty() {
        out.push_str(&format!(
            "\nBy typing your name you attest:\n  {attestation}\n"
        ));
    }
    list_section(&mut out, "Disclaimers", &packet["disclaimers"]);
    out
}

fn list_section(out: &mut String, heading: &str, items: &Value) {
    let Some(items) = items.as_array() else {
        return;
    };
    if items.is_empty() {
        return;
    }
    out.push_str(&format!("\n{heading}\n"));
    for item in items {
        let line = match item {
            Value::String(s) => clean(s),
            other => clean(&other.to_string()),
        };
        out.push_str(&format!("  - {line}\n"));
    }
}

fn join_present(parts: &[String]) -> String {
    let present: Vec<&str> = parts
        .iter()
        .map(String::as_str)
        .filter(|p| !p.is_empty())
        .collect();
    match present.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [first, rest @ ..] => format!("{first} ({})", rest.join(", ")),
    }
}

/// Drops control characters (line breaks become spaces).
fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() => None,
            // Bidirectional overrides can make text read differently than it is stored.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn packet() -> Value {
        let mut packet = json!({
            "object": "disclosure_packet",
            "packet_version": "2026-06-10",
            "livemode": false,
            "action": "sign_document",
            "target": {"type": "document", "document_id": "doc_board"},
            "document": {"id": "doc_board", "title": "Board consent", "entity_id": "ent_acme",
                         "entity_name": "Acme", "sha256": "ab".repeat(32), "byte_length": 10},
            "envelope": null,
            "stakeholder": {"id": "stk_jane", "name": "Jane Doe", "natural_person": true},
            "consequences": ["You approve the plan."],
            "irreversible_effects": ["Shares are issued."],
            "ongoing_obligations": ["Keep records."],
            "who_bears_risk": "customer",
            "acknowledgements": [{"slug": "not_legal_advice", "version": "1", "text": "Not advice."}],
            "signature_attestation": "I, {typed_name}, sign.",
            "disclaimers": ["Matter is software."]
        });
        let hash = matter_receipts::hash::packet_sha256(&packet).unwrap();
        packet["packet_hash"] = json!(hash);
        packet
    }

    #[test]
    fn verify_accepts_matching_hash() {
        let verified = DisclosurePacket::verify(packet()).unwrap();
        assert_eq!(verified.hash, verified.fields.packet_hash);
    }

    #[test]
    fn verify_rejects_tampered_packet() {
        let mut tampered = packet();
        tampered["consequences"][0] = json!("You approve nothing.");
        let error = DisclosurePacket::verify(tampered).unwrap_err();
        assert_eq!(error.code(), "packet_hash_mismatch");
    }

    #[test]
    fn attestation_fills_typed_name() {
        let verified = DisclosurePacket::verify(packet()).unwrap();
        assert_eq!(verified.attestation_for("Jane Doe"), "I, Jane Doe, sign.");
    }

    #[test]
    fn names_match_ignores_case_and_spacing() {
        assert!(names_match("  jane   DOE ", "Jane Doe"));
        assert!(!names_match("Jane", "Jane Doe"));
        assert!(!names_match("   ", ""));
    }

    #[test]
    fn text_follows_reading_order() {
        let text = packet_text(&packet());
        let order = [
            "Board consent",
            "Document SHA-256",
            "What this signature does",
            "What cannot be undone",
            "What you commit to afterwards",
            "Who bears the risk: customer",
            "Acknowledgements",
            "Disclaimers",
        ];
        let positions: Vec<usize> = order
            .iter()
            .map(|needle| {
                text.find(needle)
                    .unwrap_or_else(|| panic!("{needle} missing"))
            })
            .collect();
        let mut sorted = positions.clone();
        sorted.sort_unstable();
        assert_eq!(positions, sorted);
    }

    #[test]
    fn text_drops_terminal_control_sequences() {
        let mut packet = packet();
        packet["consequences"][0] = json!("safe\u{1b}[2Jtext\u{202E}");
        let text = packet_text(&packet);
        assert!(!text.contains('\u{1b}'));
        assert!(!text.contains('\u{202E}'));
    }
}
