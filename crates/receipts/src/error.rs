//! The crate's error type for storage, trusted keys, import and export.

use std::io;
use std::path::{Path, PathBuf};

use serde::ser::SerializeStruct;

/// A failure reading or writing receipts, the library index or the trusted
/// keys, naming the path involved and the reason.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("failed to {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path} is not a readable receipt: {reason}")]
    InvalidReceipt { path: PathBuf, reason: String },
    #[error("receipt {path} failed verification, so it was not filed: {reason}")]
    VerificationFailed { path: PathBuf, reason: String },
    #[error("invalid receipt id {id:?}: expected \"sgn_\" followed by 1 to 120 letters, digits, '_' or '-'")]
    InvalidId { id: String },
    #[error("no receipt {id} in {root}")]
    NotFound { id: String, root: PathBuf },
    #[error("a different receipt with id {id} is already stored at {path}; it was left unchanged")]
    Conflict { id: String, path: PathBuf },
    #[error("the trusted keys file {path} is unreadable: {reason}")]
    KeysFile { path: PathBuf, reason: String },
    #[error("invalid matter-keys.json from {source_url}: {reason}")]
    InvalidKeys { source_url: String, reason: String },
    #[error("failed to write the archive {path}: {reason}")]
    Archive { path: PathBuf, reason: String },
}

impl StoreError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        StoreError::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// Returns a stable, machine-readable code for front ends.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Io { .. } => "receipt_io_failed",
            StoreError::InvalidReceipt { .. } => "receipt_invalid",
            StoreError::VerificationFailed { .. } => "receipt_verification_failed",
            StoreError::InvalidId { .. } => "receipt_id_invalid",
            StoreError::NotFound { .. } => "receipt_not_found",
            StoreError::Conflict { .. } => "receipt_conflict",
            StoreError::KeysFile { .. } => "trusted_keys_unreadable",
            StoreError::InvalidKeys { .. } => "matter_keys_invalid",
            StoreError::Archive { .. } => "receipt_archive_failed",
        }
    }

    /// Returns the file or directory the error is about, when there is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            StoreError::Io { path, .. }
            | StoreError::InvalidReceipt { path, .. }
            | StoreError::VerificationFailed { path, .. }
            | StoreError::Conflict { path, .. }
            | StoreError::KeysFile { path, .. }
            | StoreError::Archive { path, .. } => Some(path),
            StoreError::NotFound { root, .. } => Some(root),
            StoreError::InvalidId { .. } | StoreError::InvalidKeys { .. } => None,
        }
    }
}

/// Serialises as `{code, message}` for front ends.
impl serde::Serialize for StoreError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("StoreError", 2)?;
        state.serialize_field("code", self.code())?;
        state.serialize_field("message", &self.to_string())?;
        state.end()
    }
}
