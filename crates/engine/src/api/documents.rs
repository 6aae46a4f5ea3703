//! `GET /v1/documents/{id}` and `GET /v1/documents/{id}/content`.

use reqwest::Method;
use secrecy::SecretString;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{ApiClient, Bearer, Call, CallTarget};
use crate::error::EngineError;

/// A document as Matter describes it. Unknown members are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Document {
    pub id: String,
    pub title: String,
    pub entity_id: String,
    #[serde(default)]
    pub entity_name: String,
    /// `sent`, `partially_signed`, `executed`, or a later addition.
    pub execution_status: String,
    #[serde(default)]
    pub content_type: String,
    pub byte_length: u64,
    /// Lowercase hex SHA-256 of the document's bytes.
    pub sha256: String,
    #[serde(default)]
    pub signers: Vec<DocumentSigner>,
    #[serde(default)]
    pub livemode: bool,
}

/// One person asked to sign a document.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DocumentSigner {
    pub stakeholder_id: String,
    #[serde(default)]
    pub name: String,
    /// `pending` or `signed`.
    #[serde(default)]
    pub status: String,
}

/// A fetched resource with the request id of the response.
#[derive(Debug, Clone)]
pub struct Fetched<T> {
    pub value: T,
    pub request_id: Option<String>,
}

/// The SHA-256 of a document's downloaded bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentDigest {
    /// Lowercase hex.
    pub sha256: String,
    pub byte_length: u64,
    pub request_id: Option<String>,
}

/// An incremental SHA-256 over a document's bytes, fed chunk by chunk as they arrive.
#[derive(Debug, Clone, Default)]
pub struct ContentHasher {
    hasher: Sha256,
    byte_length: u64,
}

impl ContentHasher {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, chunk: &[u8]) {
        self.hasher.update(chunk);
        self.byte_length += chunk.len() as u64;
    }

    /// Returns the lowercase hex digest and the number of bytes hashed.
    pub fn finish(self) -> (String, u64) {
        (hex::encode(self.hasher.finalize()), self.byte_length)
    }
}

impl ApiClient {
    /// Fetches a document with the human's access token.
    pub async fn get_document(
        &self,
        id: &str,
        access_token: &SecretString,
    ) -> Result<Fetched<Document>, EngineError> {
        self.get_json(
            &format!("documents/{id}"),
            access_token,
            "fetch the document",
        )
        .await
    }

    /// Downloads a document's bytes and hashes them as they arrive, so memory stays
    /// flat whatever the document's size.
    pub async fn document_content_sha256(
        &self,
        id: &str,
        access_token: &SecretString,
    ) -> Result<ContentDigest, EngineError> {
        let path = format!("documents/{id}/content");
        let mut hasher = ContentHasher::new();
        let request_id = self
            .stream(
                Call {
                    method: Method::GET,
                    target: CallTarget::Api(&path),
                    query: &[],
                    bearer: Bearer::Access(access_token),
                    body: None,
                    idempotency_key: None,
                    deadline: None,
                    operation: "download the document",
                },
                |chunk| hasher.update(chunk),
            )
            .await?;
        let (sha256, byte_length) = hasher.finish();
        Ok(ContentDigest {
            sha256,
            byte_length,
            request_id,
        })
    }
}
