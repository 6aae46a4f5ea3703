//! ESRA (E-SIGN §101(c)) consent: the disclosure text and recording the affirmation.
//!
//! Matter's pages disagree on how consent is recorded; this follows the API reference
//! (`POST /v1/consents/esra` with `hardware_capability_affirmed` and
//! `paper_copy_request_method`) behind these two functions, so a change of endpoint
//! touches only this file.

use reqwest::Method;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;

use super::documents::Fetched;
use super::retry::IdempotencyKey;
use super::{ApiClient, Bearer, Call, CallTarget};
use crate::error::EngineError;
use crate::interaction::PaperCopyMethod;

/// `GET /v1/acknowledgements/esra_consent`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EsraText {
    #[serde(default)]
    pub slug: String,
    pub version: String,
    pub text: String,
}

/// A recorded consent.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EsraConsent {
    pub id: String,
    pub stakeholder_id: String,
    #[serde(default)]
    pub disclosure_version: String,
}

impl ApiClient {
    /// Fetches the canonical E-SIGN consumer disclosure.
    pub async fn esra_text(
        &self,
        access_token: &SecretString,
    ) -> Result<Fetched<EsraText>, EngineError> {
        self.get_json(
            "acknowledgements/esra_consent",
            access_token,
            "fetch the electronic-records disclosure",
        )
        .await
    }

    /// Records the stakeholder's affirmation.
    pub async fn record_esra_consent(
        &self,
        stakeholder_id: &str,
        paper_copy: PaperCopyMethod,
        access_token: &SecretString,
    ) -> Result<Fetched<EsraConsent>, EngineError> {
        const OPERATION: &str = "record your electronic-records consent";
        let method = match paper_copy {
            PaperCopyMethod::Email => "email",
            PaperCopyMethod::PostalMail => "postal_mail",
        };
        let body = json!({
            "stakeholder_id": stakeholder_id,
            "hardware_capability_affirmed": true,
            "paper_copy_request_method": method,
        });
        let key = IdempotencyKey::new();
        let response = self
            .execute(Call {
                method: Method::POST,
                target: CallTarget::Api("consents/esra"),
                query: &[],
                bearer: Bearer::Access(access_token),
                body: Some(&body),
                idempotency_key: Some(&key),
                deadline: None,
                operation: OPERATION,
            })
            .await?;
        Ok(Fetched {
            value: response.json(OPERATION)?,
            request_id: response.request_id,
        })
    }
}
