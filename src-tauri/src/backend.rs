//! What the shell needs from the engine, behind one trait.
//!
//! The shell routes and presents; [`Backend`] is where it reaches the signing engine
//! and the receipt store. [`crate::engine_backend::EngineBackend`] implements it over
//! `matter-engine`; the shell's tests implement it with scripted answers so commands
//! and events can be checked through Tauri's mock runtime.
//!
//! Views the shell only forwards (the parsed link, receipt summaries, verification
//! results, the finished signing) travel as `serde_json::Value` produced by the
//! engine's own `Serialize` impls, so the UI sees them unchanged.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use matter_engine::config::Mode;
use matter_engine::flow::UnsavedReceipt;
use matter_engine::interaction::{Interaction, UserView};
use matter_receipts::{Receipt, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ShellError;
use crate::unconfigured::StartupError;

/// Where the refresh token is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StorageView {
    /// `"keyring"` or `"memory"`.
    pub kind: String,
    /// Why the keyring is not used, when `kind` is `"memory"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Filters for the receipt library; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptQuery {
    pub text: Option<String>,
    pub entity_id: Option<String>,
    pub stakeholder_id: Option<String>,
    /// RFC 3339 date or date-time, inclusive.
    pub from: Option<String>,
    /// RFC 3339 date or date-time, inclusive.
    pub to: Option<String>,
}

/// Which file of a receipt to open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReceiptForm {
    Json,
    Html,
    Pdf,
}

/// The end of a signing flow that Matter recorded.
#[derive(Debug)]
pub struct SignFinished {
    /// `SignDone` for `flow://done`. When the receipt was not saved, the shell adds
    /// `unsaved` and `save_error` from [`Self::unsaved`].
    pub done: Value,
    /// The receipt the store could not write, for the shell to hold.
    pub unsaved: Option<UnsavedReceipt>,
}

/// The engine and receipt store as the shell uses them.
#[async_trait]
pub trait Backend: Send + Sync + 'static {
    /// The Matter environment in use.
    fn mode(&self) -> Mode;
    /// Whether the app runs against the embedded sandbox.
    fn sandbox(&self) -> bool;
    /// Where the refresh token is kept.
    fn storage(&self) -> StorageView;
    /// The signed-in user, if any; never starts a sign-in.
    async fn current_user(&self) -> Option<UserView>;
    /// Returns the reason the engine could not start, when this backend only
    /// reports that.
    fn startup_error(&self) -> Option<StartupError> {
        None
    }

    /// Validates a `mattermode://` link with the engine's parser and returns the
    /// request it names (`SigningRequestView`).
    fn parse_link(&self, link: &str) -> Result<Value, ShellError>;
    /// Runs the signing flow for `link`.
    async fn sign(&self, link: &str, ui: Arc<dyn Interaction>) -> Result<SignFinished, ShellError>;
    /// Signs in through the system browser.
    async fn sign_in(&self, ui: Arc<dyn Interaction>) -> Result<UserView, ShellError>;
    /// Forgets the session and its stored refresh token.
    async fn sign_out(&self) -> Result<(), ShellError>;

    /// Lists receipts: `{entries: ReceiptSummary[], unreadable: [...]}`.
    fn list_receipts(&self, query: &ReceiptQuery) -> Result<Value, ShellError>;
    /// Verifies a receipt offline and returns `Verification`.
    fn verify_receipt(&self, receipt_id: &str) -> Result<Value, ShellError>;
    /// The path of one form of a receipt; `not_found` when the receipt or that form
    /// does not exist.
    fn receipt_file(&self, receipt_id: &str, form: ReceiptForm) -> Result<PathBuf, ShellError>;
    /// Every file of a receipt, for export.
    fn receipt_files(&self, receipt_id: &str) -> Result<Vec<PathBuf>, ShellError>;
    /// Writes a signed receipt into the library (blocking file I/O with fsync) and
    /// returns `SignDone` with `saved: true`, verified from disk. Saving the same
    /// receipt again is allowed. The error is the store's own, for the shell to word.
    fn save_receipt(&self, receipt: &Receipt) -> Result<Value, StoreError>;
}
