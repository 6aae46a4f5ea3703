//! Signed sample receipts for tests and benchmarks.
//!
//! Receipts built here are signed with a key the caller supplies, so they pass
//! the trust verdict only if the caller also adds that key to a
//! [`TrustedKeys`]; no Matter key is involved.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};
use time::{Duration, OffsetDateTime, UtcOffset};

use crate::hash::{jcs_bytes, packet_sha256};
use crate::keys::{KeyOrigin, TrustedKey, TrustedKeys};
use crate::model::*;

/// The key id sample receipts are signed under.
pub const SAMPLE_KID: &str = "test-receipts-2026";

/// Returns a deterministic Ed25519 key derived from `seed`.
pub fn signing_key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

/// Returns trusted keys holding `key` as a test-mode key under [`SAMPLE_KID`].
pub fn trusted_test_keys(key: &SigningKey) -> TrustedKeys {
    let mut keys = TrustedKeys::pinned();
    keys.insert(TrustedKey {
        mode: Mode::Test,
        kid: SAMPLE_KID.into(),
        public_key: URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes()),
        status: Some("active".into()),
        origin: KeyOrigin::Cached {
            source: "http://127.0.0.1:1/.well-known/matter-keys.json".into(),
            first_seen_at: OffsetDateTime::UNIX_EPOCH,
        },
    });
    keys
}

/// Inputs that vary between sample receipts.
#[derive(Debug, Clone)]
pub struct SampleReceipt {
    /// Numeric suffix of every id (`sgn_test{n}`, `doc_test{n}`, …).
    pub number: u32,
    pub typed_name: String,
    pub document_title: String,
    pub entity_id: String,
    pub stakeholder_id: String,
    pub signed_at: OffsetDateTime,
    pub mode: Mode,
    /// Signs slot 1 of 2 of envelope `env_test{n}` as signer `sgr_test{n}` when set.
    pub in_envelope: bool,
}

impl SampleReceipt {
    pub fn new(number: u32) -> Self {
        SampleReceipt {
            number,
            typed_name: "Jane Q. Founder".into(),
            document_title: format!("Board consent {number}"),
            entity_id: format!("ent_test{}", number % 7),
            stakeholder_id: format!("stk_test{}", number % 13),
            signed_at: OffsetDateTime::from_unix_timestamp(1_780_000_000 + i64::from(number) * 60)
                .expect("timestamp in range"),
            mode: Mode::Test,
            in_envelope: false,
        }
    }

    /// Builds the receipt and signs its payload with `key`.
    pub fn build(&self, key: &SigningKey) -> Receipt {
        let n = self.number;
        let livemode = self.mode.is_live();
        let document_sha = crate::hash::sha256_hex(format!("document {n}").as_bytes());
        let attestation_template = format!(
            "I, {{typed_name}}, intend to sign \"{}\" electronically and agree that this typed name is my signature.",
            self.document_title
        );
        let attestation =
            crate::attestation::electronic_signature_text(&attestation_template, &self.typed_name);
        let envelope = self.in_envelope.then(|| EnvelopeInfo {
            id: format!("env_test{n}"),
            subject: format!("Closing set {n}"),
            signer_id: format!("sgr_test{n}"),
            position: 1,
            signer_count: 2,
        });
        let (target, packet_envelope) = match &envelope {
            Some(e) => (
                json!({"type": "signing_envelope_signer", "signing_envelope_id": e.id, "signer_id": e.signer_id}),
                json!({"id": e.id, "subject": e.subject, "position": e.position, "signer_count": e.signer_count}),
            ),
            None => (
                json!({"type": "document", "document_id": format!("doc_test{n}")}),
                Value::Null,
            ),
        };
        let envelope_id = envelope.as_ref().map(|e| e.id.clone());
        let signer_id = envelope.as_ref().map(|e| e.signer_id.clone());
        let mut packet = json!({
            "object": "disclosure_packet",
            "packet_version": "2026-06-10",
            "livemode": livemode,
            "action": if envelope.is_some() { "sign_envelope_slot" } else { "sign_document" },
            "target": target,
            "document": {
                "id": format!("doc_test{n}"), "title": self.document_title,
                "entity_id": self.entity_id, "entity_name": "Acme <Robotics> & Co",
                "sha256": document_sha, "byte_length": 1234
            },
            "envelope": packet_envelope,
            "stakeholder": {"id": self.stakeholder_id, "name": self.typed_name, "natural_person": true},
            "consequences": ["You approve the issuance of 1,000,000 shares.", "Text with <b>markup</b> stays text."],
            "irreversible_effects": ["Shares once issued cannot be recalled without a new resolution."],
            "ongoing_obligations": ["Keep the company's registered agent informed."],
            "who_bears_risk": "customer",
            "acknowledgements": [{"slug": "esra_consent", "version": "2026-04-01", "text": "I agree to sign electronically."}],
            "signature_attestation": attestation_template,
            "disclaimers": ["Matter is software, not a law firm."]
        });
        let packet_hash = packet_sha256(&packet).expect("sample packet is an object");
        packet["packet_hash"] = Value::String(packet_hash.clone());

        let signed_at = self.signed_at.unix_timestamp();
        let payload = json!({
            "receipt_version": 1,
            "signature_id": format!("sgn_test{n}"),
            "signing_session_id": format!("ssn_test{n}"),
            "document_id": format!("doc_test{n}"),
            "document_title": self.document_title,
            "document_sha256": document_sha,
            "signing_envelope_id": envelope_id,
            "signer_id": signer_id,
            "entity_id": self.entity_id,
            "stakeholder_id": self.stakeholder_id,
            "human_clerk_user_id": format!("user_test{n}"),
            "electronic_signature_text": attestation,
            "disclosure_packet_hash": packet_hash,
            "legal_basis": "esra_consent",
            "consent_id": format!("esc_test{n}"),
            "signed_at": signed_at,
            "request_id": format!("req_sign{n}"),
            "livemode": livemode
        });
        let signature = key.sign(&jcs_bytes(&payload).expect("payload canonicalises"));
        let record = json!({
            "id": format!("sgn_test{n}"), "object": "signature",
            "document_id": format!("doc_test{n}"), "signing_envelope_id": envelope_id, "signer_id": signer_id,
            "signing_session_id": format!("ssn_test{n}"), "stakeholder_id": self.stakeholder_id,
            "human_clerk_user_id": format!("user_test{n}"), "legal_basis": "esra_consent",
            "consent_record": {"consent_id": format!("esc_test{n}"), "captured_at": signed_at - 3600},
            "electronic_signature_text": attestation, "disclosure_packet_hash": packet_hash,
            "document_sha256": document_sha, "signed_at": signed_at,
            "execution_status": "partially_signed", "livemode": livemode
        });
        let local_offset = UtcOffset::from_hms(2, 0, 0).expect("valid offset");

        Receipt {
            format: RECEIPT_FORMAT.into(),
            format_version: RECEIPT_FORMAT_VERSION,
            receipt_id: format!("sgn_test{n}"),
            mode: self.mode,
            api_base: "http://127.0.0.1:8787/v1".into(),
            app: AppInfo {
                name: "Matter Signer".into(),
                version: "0.1.0".into(),
                front_end: "cli".into(),
            },
            document: DocumentInfo {
                id: format!("doc_test{n}"),
                title: self.document_title.clone(),
                entity_id: self.entity_id.clone(),
                entity_name: "Acme <Robotics> & Co".into(),
                sha256: document_sha,
                byte_length: 1234,
            },
            envelope,
            stakeholder: StakeholderInfo {
                id: self.stakeholder_id.clone(),
                name: self.typed_name.clone(),
            },
            signed_in_user: SignedInUser {
                user_id: format!("user_test{n}"),
                email: "jane@example.com".into(),
                name: self.typed_name.clone(),
                issuer: "http://127.0.0.1:8787".into(),
            },
            typed_name: self.typed_name.clone(),
            electronic_signature_text: attestation,
            disclosure_packet: packet,
            disclosure_packet_hash: packet_hash,
            signing_session_id: format!("ssn_test{n}"),
            signature: record,
            server_receipt: ServerReceipt {
                payload,
                alg: "Ed25519".into(),
                kid: SAMPLE_KID.into(),
                signature: URL_SAFE_NO_PAD.encode(signature.to_bytes()),
            },
            signing_key: SigningKeyInfo {
                kid: SAMPLE_KID.into(),
                alg: "Ed25519".into(),
                public_key: URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes()),
                mode: self.mode,
                source: "http://127.0.0.1:8787/.well-known/matter-keys.json".into(),
                fetched_at: self.signed_at - Duration::minutes(2),
            },
            request_ids: RequestIds {
                document: format!("req_doc{n}"),
                dry_run: format!("req_dry{n}"),
                create_session: format!("req_ssn{n}"),
                sign: format!("req_sign{n}"),
            },
            timestamps: Timestamps {
                server_signed_at: self.signed_at,
                local_signed_at: self.signed_at.to_offset(local_offset),
                session_created_at: self.signed_at - Duration::seconds(5),
                session_expires_at: self.signed_at + Duration::minutes(10),
                signed_in_at: self.signed_at - Duration::minutes(1),
            },
        }
    }
}

/// Re-signs `receipt.server_receipt.payload` with `key` after a test changed it.
pub fn resign(receipt: &mut Receipt, key: &SigningKey) {
    let signature =
        key.sign(&jcs_bytes(&receipt.server_receipt.payload).expect("payload canonicalises"));
    receipt.server_receipt.signature = URL_SAFE_NO_PAD.encode(signature.to_bytes());
}
