//! `/.well-known/matter-keys.json`: Matter's receipt-signing public keys.

use reqwest::Method;

use super::{ApiClient, Bearer, Call, CallTarget};
use crate::error::EngineError;

impl ApiClient {
    /// Fetches the keys document as text, for `TrustedKeys::remember` to parse and
    /// cache. Needs no credential.
    pub async fn matter_keys(&self) -> Result<String, EngineError> {
        const OPERATION: &str = "fetch Matter's public keys";
        let url = self.keys_url().clone();
        let response = self
            .execute(Call {
                method: Method::GET,
                target: CallTarget::Absolute(&url),
                query: &[],
                bearer: Bearer::None,
                body: None,
                idempotency_key: None,
                deadline: None,
                operation: OPERATION,
            })
            .await?;
        String::from_utf8(response.body.to_vec()).map_err(|_| EngineError::InvalidResponse {
            operation: OPERATION,
            detail: "the keys document is not UTF-8".into(),
            request_id: response.request_id,
        })
    }
}
