//! `GET /v1/signing_envelopes/{id}`.

use secrecy::SecretString;
use serde::Deserialize;

use super::documents::Fetched;
use super::ApiClient;
use crate::error::EngineError;

/// A signing envelope. Unknown members are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Envelope {
    pub id: String,
    #[serde(default)]
    pub subject: String,
    /// `sent`, `completed`, `declined`, or a later addition.
    pub status: String,
    /// `sequential` or `parallel`.
    #[serde(default)]
    pub routing: String,
    #[serde(default)]
    pub document_ids: Vec<String>,
    #[serde(default)]
    pub signers: Vec<EnvelopeSigner>,
    #[serde(default)]
    pub livemode: bool,
}

/// One slot in an envelope's signing order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EnvelopeSigner {
    pub id: String,
    pub stakeholder_id: String,
    #[serde(default)]
    pub name: String,
    /// 1-based position in the signing order.
    #[serde(default)]
    pub order: u32,
    /// `pending` or `signed`.
    #[serde(default)]
    pub status: String,
}

impl Envelope {
    /// Returns the slot `signer_id`.
    pub fn signer(&self, signer_id: &str) -> Option<&EnvelopeSigner> {
        self.signers.iter().find(|s| s.id == signer_id)
    }

    /// Returns the slots before `signer` in a sequential envelope that have not signed.
    pub fn pending_before(&self, signer: &EnvelopeSigner) -> Vec<&EnvelopeSigner> {
        if self.routing != "sequential" {
            return Vec::new();
        }
        self.signers
            .iter()
            .filter(|s| s.order < signer.order && s.status != "signed")
            .collect()
    }
}

impl ApiClient {
    /// Fetches an envelope with the human's access token.
    pub async fn get_envelope(
        &self,
        id: &str,
        access_token: &SecretString,
    ) -> Result<Fetched<Envelope>, EngineError> {
        self.get_json(
            &format!("signing_envelopes/{id}"),
            access_token,
            "fetch the signing envelope",
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(routing: &str, first_status: &str) -> Envelope {
        serde_json::from_value(serde_json::json!({
            "id": "env_test", "status": "sent", "routing": routing,
            "signers": [
                {"id": "sgr_a", "stakeholder_id": "stk_a", "order": 1, "status": first_status},
                {"id": "sgr_b", "stakeholder_id": "stk_b", "order": 2, "status": "pending"}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn sequential_envelope_reports_pending_earlier_signer() {
        let envelope = envelope("sequential", "pending");
        let second = envelope.signer("sgr_b").unwrap();
        assert_eq!(envelope.pending_before(second).len(), 1);
    }

    #[test]
    fn parallel_envelope_has_no_order() {
        let envelope = envelope("parallel", "pending");
        let second = envelope.signer("sgr_b").unwrap();
        assert!(envelope.pending_before(second).is_empty());
    }
}
