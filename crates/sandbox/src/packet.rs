//! Disclosure packets and their `packet_hash`.
//!
//! `packet_hash` is the lowercase hex SHA-256 of the RFC 8785 (JCS) canonical JSON of the
//! packet without its `packet_hash` member. The packet has no timestamps, so the same target,
//! stakeholder and document bytes always give the same packet and hash.

use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

use crate::seed;
use crate::state::{Store, Target};

/// Version of the packet layout, echoed as `packet_version`.
pub const PACKET_VERSION: &str = "2026-06-10";

/// Builds the packet (without `packet_hash`) for `stakeholder_id` signing `target`.
/// The caller has checked that the target and stakeholder exist.
pub fn build(store: &Store, target: &Target, stakeholder_id: &str) -> Value {
    let (document_id, envelope) = match target {
        Target::Document { document_id } => (document_id.clone(), Value::Null),
        Target::EnvelopeSigner {
            envelope_id,
            signer_id,
        } => {
            let envelope = &store.envelopes[envelope_id];
            let position = envelope
                .signers
                .iter()
                .find(|signer| signer.id == signer_id)
                .map(|signer| signer.order)
                .unwrap_or(0);
            (
                envelope.document_ids[0].to_owned(),
                json!({
                    "id": envelope.id,
                    "subject": envelope.subject,
                    "position": position,
                    "signer_count": envelope.signers.len(),
                }),
            )
        }
    };
    let document = &store.documents[&document_id];
    let stakeholder = &store.stakeholders[stakeholder_id];
    let action = match target {
        Target::Document { .. } => "sign_document",
        Target::EnvelopeSigner { .. } => "sign_envelope_slot",
    };
    json!({
        "object": "disclosure_packet",
        "packet_version": PACKET_VERSION,
        "livemode": false,
        "action": action,
        "target": target.to_json(),
        "document": {
            "id": document.seed.id,
            "title": document.seed.title,
            "entity_id": seed::ENTITY_ID,
            "entity_name": seed::ENTITY_NAME,
            "sha256": document.sha256,
            "byte_length": document.bytes.len(),
        },
        "envelope": envelope,
        "stakeholder": {
            "id": stakeholder.seed.id,
            "name": stakeholder.seed.name,
            "natural_person": stakeholder.seed.natural_person,
        },
        "consequences": document.seed.consequences,
        "irreversible_effects": document.seed.irreversible_effects,
        "ongoing_obligations": document.seed.ongoing_obligations,
        "who_bears_risk": "customer",
        "acknowledgements": acknowledgements(document.seed.title, &document.sha256),
        "signature_attestation": format!(
            "I, {{typed_name}}, intend to sign \"{}\" (SHA-256 {}) electronically, and I agree that \
             my typed name is my signature and has the same effect as my handwritten signature.",
            document.seed.title, document.sha256
        ),
        "disclaimers": [
            seed::NOT_LEGAL_ADVICE,
            "Test mode: nothing signed in the sandbox is filed or binding.",
        ],
    })
}

fn acknowledgements(title: &str, sha256: &str) -> Value {
    json!([
        {
            "slug": "document_reviewed",
            "version": "2026-04-01",
            "text": format!(
                "I have read \"{title}\" in full, and the copy I reviewed has SHA-256 {sha256}."
            ),
        },
        {
            "slug": "consequences_understood",
            "version": "2026-04-01",
            "text": "I have read the consequences, irreversible effects and ongoing obligations above, and I understand that I, not Matter, bear the legal and tax risk of signing.",
        },
        {
            "slug": "not_legal_advice",
            "version": "2026-04-01",
            "text": seed::NOT_LEGAL_ADVICE,
        },
    ])
}

/// Returns the lowercase hex SHA-256 of the JCS canonical form of `packet` minus `packet_hash`.
pub fn hash(packet: &Value) -> String {
    let mut without_hash = packet.clone();
    if let Some(object) = without_hash.as_object_mut() {
        object.remove("packet_hash");
    }
    let canonical = serde_json_canonicalizer::to_vec(&without_hash)
        .expect("a serde_json::Value always canonicalises");
    hex::encode(Sha256::digest(canonical))
}
