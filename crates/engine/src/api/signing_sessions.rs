//! Signing sessions: the dry run that returns the disclosure packet, creation (which
//! returns the single-use `sig_…` token), and the sign call that spends the token.

use std::fmt;
use std::time::Instant;

use reqwest::Method;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::retry::IdempotencyKey;
use super::time_format;
use super::{ApiClient, Bearer, Call, CallTarget};
use crate::error::EngineError;

/// What a session is for: a whole document, or one slot of an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionTarget {
    Document {
        document_id: String,
    },
    EnvelopeSlot {
        envelope_id: String,
        signer_id: String,
    },
}

impl SessionTarget {
    /// The creation body: `stakeholder_id` and exactly one target.
    fn body(&self, stakeholder_id: &str) -> Value {
        match self {
            SessionTarget::Document { document_id } => json!({
                "document_id": document_id,
                "stakeholder_id": stakeholder_id,
            }),
            SessionTarget::EnvelopeSlot {
                envelope_id,
                signer_id,
            } => json!({
                "signing_envelope_id": envelope_id,
                "signer_id": signer_id,
                "stakeholder_id": stakeholder_id,
            }),
        }
    }

    /// The sign route below the API base.
    fn sign_path(&self) -> String {
        match self {
            SessionTarget::Document { document_id } => format!("documents/{document_id}/sign"),
            SessionTarget::EnvelopeSlot {
                envelope_id,
                signer_id,
            } => format!("signing_envelopes/{envelope_id}/signers/{signer_id}/sign"),
        }
    }
}

/// Which member carried the signing token; Matter's page names both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenField {
    SignatureToken,
    SigningToken,
}

impl TokenField {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenField::SignatureToken => "signature_token",
            TokenField::SigningToken => "signing_token",
        }
    }
}

/// A created signing session. Holds the token in a [`SecretString`]; `Debug` never
/// shows it.
pub struct SigningSession {
    pub id: String,
    pub stakeholder_id: String,
    pub human_clerk_user_id: Option<String>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub status: String,
    pub disclosure_packet_hash: String,
    pub livemode: bool,
    pub token: SecretString,
    pub token_field: TokenField,
    pub request_id: Option<String>,
    /// The answer was a replay of an earlier creation with the same key.
    pub replayed: bool,
}

impl fmt::Debug for SigningSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningSession")
            .field("id", &self.id)
            .field("stakeholder_id", &self.stakeholder_id)
            .field("expires_at", &self.expires_at)
            .field("status", &self.status)
            .field("disclosure_packet_hash", &self.disclosure_packet_hash)
            .field("token_field", &self.token_field)
            .field("token", &"[redacted]")
            .finish()
    }
}

#[derive(Deserialize)]
struct WireSession {
    id: String,
    stakeholder_id: String,
    #[serde(default)]
    human_clerk_user_id: Option<String>,
    #[serde(deserialize_with = "time_format::timestamp")]
    created_at: OffsetDateTime,
    #[serde(deserialize_with = "time_format::timestamp")]
    expires_at: OffsetDateTime,
    #[serde(default)]
    status: String,
    disclosure_packet_hash: String,
    #[serde(default)]
    livemode: bool,
    #[serde(default)]
    signature_token: Option<WireSecret>,
    #[serde(default)]
    signing_token: Option<WireSecret>,
}

/// A token read straight into a [`SecretString`].
struct WireSecret(SecretString);

impl<'de> Deserialize<'de> for WireSecret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Zeroizing::new(String::deserialize(deserializer)?);
        Ok(WireSecret(SecretString::from(text.as_str())))
    }
}

/// The sign call's answer: the server's signature record, kept whole for the receipt.
#[derive(Debug, Clone)]
pub struct SignatureRecord {
    /// The record as returned, `receipt` member included.
    pub raw: Value,
    pub id: String,
    pub signed_at: OffsetDateTime,
    pub disclosure_packet_hash: Option<String>,
    pub document_sha256: Option<String>,
    pub electronic_signature_text: Option<String>,
    pub livemode: bool,
    pub status: u16,
    pub request_id: Option<String>,
    pub replayed: bool,
}

#[derive(Deserialize)]
struct WireSignature {
    id: String,
    #[serde(deserialize_with = "time_format::timestamp")]
    signed_at: OffsetDateTime,
    #[serde(default)]
    disclosure_packet_hash: Option<String>,
    #[serde(default)]
    document_sha256: Option<String>,
    #[serde(default)]
    electronic_signature_text: Option<String>,
    #[serde(default)]
    livemode: bool,
}

/// The dry run's answer.
#[derive(Debug, Clone)]
pub struct DryRun {
    pub packet: Value,
    pub request_id: Option<String>,
}

impl ApiClient {
    /// `POST /v1/signing_sessions?dry_run=true`: the disclosure packet the human must
    /// see. Changes nothing on Matter's side.
    pub async fn dry_run_session(
        &self,
        target: &SessionTarget,
        stakeholder_id: &str,
        access_token: &SecretString,
    ) -> Result<DryRun, EngineError> {
        let body = target.body(stakeholder_id);
        let key = IdempotencyKey::new();
        let response = self
            .execute(Call {
                method: Method::POST,
                target: CallTarget::Api("signing_sessions"),
                query: &[("dry_run", "true")],
                bearer: Bearer::Access(access_token),
                body: Some(&body),
                idempotency_key: Some(&key),
                deadline: None,
                operation: "fetch the disclosure packet",
            })
            .await?;
        Ok(DryRun {
            packet: response.json("fetch the disclosure packet")?,
            request_id: response.request_id,
        })
    }

    /// `POST /v1/signing_sessions` with `key`, which the caller keeps for retries of
    /// this one creation and replaces after a re-authentication or a consent.
    pub async fn create_session(
        &self,
        target: &SessionTarget,
        stakeholder_id: &str,
        access_token: &SecretString,
        key: &IdempotencyKey,
    ) -> Result<SigningSession, EngineError> {
        const OPERATION: &str = "create the signing session";
        let body = target.body(stakeholder_id);
        let response = self
            .execute(Call {
                method: Method::POST,
                target: CallTarget::Api("signing_sessions"),
                query: &[],
                bearer: Bearer::Access(access_token),
                body: Some(&body),
                idempotency_key: Some(key),
                deadline: None,
                operation: OPERATION,
            })
            .await?;
        let wire: WireSession = response.json(OPERATION)?;
        let (token, token_field) = match (wire.signature_token, wire.signing_token) {
            (Some(token), _) => (token.0, TokenField::SignatureToken),
            (None, Some(token)) => (token.0, TokenField::SigningToken),
            (None, None) => {
                return Err(EngineError::InvalidResponse {
                    operation: OPERATION,
                    detail: "the session has neither `signature_token` nor `signing_token`; \
                             a replayed creation may omit it, so open the link again"
                        .into(),
                    request_id: response.request_id,
                })
            }
        };
        tracing::info!(
            session_id = %wire.id,
            token_field = token_field.as_str(),
            replayed = response.replayed,
            "signing session created"
        );
        Ok(SigningSession {
            id: wire.id,
            stakeholder_id: wire.stakeholder_id,
            human_clerk_user_id: wire.human_clerk_user_id,
            created_at: wire.created_at,
            expires_at: wire.expires_at,
            status: wire.status,
            disclosure_packet_hash: wire.disclosure_packet_hash,
            livemode: wire.livemode,
            token,
            token_field,
            request_id: response.request_id,
            replayed: response.replayed,
        })
    }

    /// Spends `token` on the sign route of `target`. One key covers every retry, so a
    /// retry after a lost answer gets Matter's replay of the first signature instead of
    /// a second one; no attempt starts after `deadline` (the token's expiry).
    #[allow(clippy::too_many_arguments)]
    pub async fn sign(
        &self,
        target: &SessionTarget,
        token: &SecretString,
        key: &IdempotencyKey,
        deadline: Instant,
        electronic_signature_text: &str,
        disclosure_packet_hash: &str,
        client_metadata: Map<String, Value>,
    ) -> Result<SignatureRecord, EngineError> {
        const OPERATION: &str = "sign";
        let path = target.sign_path();
        let body = json!({
            "electronic_signature_text": electronic_signature_text,
            "disclosure_packet_hash": disclosure_packet_hash,
            "client_metadata": client_metadata,
        });
        let response = self
            .execute(Call {
                method: Method::POST,
                target: CallTarget::Api(&path),
                query: &[],
                bearer: Bearer::Session(token),
                body: Some(&body),
                idempotency_key: Some(key),
                deadline: Some(deadline),
                operation: OPERATION,
            })
            .await?;
        let raw: Value = response.json(OPERATION)?;
        let wire: WireSignature = response.json(OPERATION)?;
        Ok(SignatureRecord {
            raw,
            id: wire.id,
            signed_at: wire.signed_at,
            disclosure_packet_hash: wire.disclosure_packet_hash,
            document_sha256: wire.document_sha256,
            electronic_signature_text: wire.electronic_signature_text,
            livemode: wire.livemode,
            status: response.status,
            request_id: response.request_id,
            replayed: response.replayed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn session_reads_either_token_field() {
        for field in ["signature_token", "signing_token"] {
            let body = json!({
                "id": "ssn_1", "stakeholder_id": "stk_a", "created_at": 1,
                "expires_at": "2026-06-10T00:15:00Z", "disclosure_packet_hash": "ab",
                field: "sig_canary"
            });
            let wire: WireSession = serde_json::from_value(body).unwrap();
            let token = wire.signature_token.or(wire.signing_token).unwrap();
            assert_eq!(token.0.expose_secret(), "sig_canary");
        }
    }

    #[test]
    fn session_debug_hides_token() {
        let session = SigningSession {
            id: "ssn_1".into(),
            stakeholder_id: "stk_a".into(),
            human_clerk_user_id: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            expires_at: OffsetDateTime::UNIX_EPOCH,
            status: "pending".into(),
            disclosure_packet_hash: "ab".into(),
            livemode: false,
            token: SecretString::from("sig_canary"),
            token_field: TokenField::SigningToken,
            request_id: None,
            replayed: false,
        };
        assert!(!format!("{session:?}").contains("sig_canary"));
    }

    #[test]
    fn envelope_body_names_exactly_one_target() {
        let target = SessionTarget::EnvelopeSlot {
            envelope_id: "env_a".into(),
            signer_id: "sgr_a".into(),
        };
        let body = target.body("stk_a");
        assert!(body.get("document_id").is_none());
        assert_eq!(body["signing_envelope_id"], "env_a");
        assert_eq!(body["signer_id"], "sgr_a");
    }
}
