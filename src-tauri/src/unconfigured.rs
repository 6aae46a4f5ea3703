//! The [`Backend`] used in place of the engine when it could not start, so the
//! window can explain the reason instead of the app exiting.
//!
//! A missing or invalid configuration, a config file that cannot be read, or a data
//! directory that cannot be opened all end here. Every command that would reach the
//! engine fails with the startup error, so no link is opened and nothing is signed
//! until the human fixes the cause and starts the app again.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use matter_engine::config::{Environment, Mode, APP_DIR, CONFIG_FILE};
use matter_engine::interaction::{Interaction, UserView};
use matter_receipts::{Receipt, StoreError};
use serde::Serialize;
use serde_json::Value;

use crate::backend::{Backend, ReceiptForm, ReceiptQuery, SignFinished, StorageView};
use crate::error::ShellError;

/// The code of a configuration the engine rejected.
pub const NOT_CONFIGURED: &str = "not_configured";
/// The code of any other failure to start the engine (data directory, sandbox).
pub const STARTUP_FAILED: &str = "startup_failed";

/// The reason the engine could not start, as `app_state` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StartupError {
    /// `code` is [`NOT_CONFIGURED`] or [`STARTUP_FAILED`]; `cause_code` is the
    /// engine's own code, such as `config_missing_issuer`.
    #[serde(flatten)]
    pub error: ShellError,
    /// The config file the engine reads, when the user's config directory is known.
    pub config_file: Option<String>,
}

impl StartupError {
    /// Creates a startup error for a configuration the engine rejected.
    pub fn not_configured(cause_code: &str, message: String) -> Self {
        Self::with_code(NOT_CONFIGURED, cause_code, message)
    }

    /// Creates a startup error for any other failure to start the engine.
    pub fn startup_failed(cause_code: &str, message: String) -> Self {
        Self::with_code(STARTUP_FAILED, cause_code, message)
    }

    fn with_code(code: &str, cause_code: &str, message: String) -> Self {
        let mut error = ShellError::new(code, message);
        error.cause_code = (cause_code != code).then(|| cause_code.to_owned());
        Self {
            error,
            config_file: default_config_file().map(|path| path.display().to_string()),
        }
    }
}

/// Returns `$XDG_CONFIG_HOME/matter-signer/config.toml` (or the platform's
/// equivalent), the file `Config::load` reads when no `--config` flag is given.
fn default_config_file() -> Option<PathBuf> {
    Environment::from_process()
        .config_home
        .map(|home| home.join(APP_DIR).join(CONFIG_FILE))
}

/// A backend that fails every engine command with its [`StartupError`].
pub struct UnconfiguredBackend {
    startup: StartupError,
}

impl UnconfiguredBackend {
    pub fn new(startup: StartupError) -> Self {
        Self { startup }
    }

    fn error(&self) -> ShellError {
        self.startup.error.clone()
    }
}

#[async_trait]
impl Backend for UnconfiguredBackend {
    /// Returns `Live` because the real mode is unknown; a screen that shows it
    /// then warns as for binding signatures. The UI shows the startup error instead.
    fn mode(&self) -> Mode {
        Mode::Live
    }

    fn sandbox(&self) -> bool {
        false
    }

    fn storage(&self) -> StorageView {
        StorageView {
            kind: "memory".into(),
            reason: Some("the app is not set up, so no sign-in is kept".into()),
        }
    }

    async fn current_user(&self) -> Option<UserView> {
        None
    }

    fn startup_error(&self) -> Option<StartupError> {
        Some(self.startup.clone())
    }

    fn parse_link(&self, _link: &str) -> Result<Value, ShellError> {
        Err(self.error())
    }

    async fn sign(
        &self,
        _link: &str,
        _ui: Arc<dyn Interaction>,
    ) -> Result<SignFinished, ShellError> {
        Err(self.error())
    }

    async fn sign_in(&self, _ui: Arc<dyn Interaction>) -> Result<UserView, ShellError> {
        Err(self.error())
    }

    async fn sign_out(&self) -> Result<(), ShellError> {
        Err(self.error())
    }

    fn list_receipts(&self, _query: &ReceiptQuery) -> Result<Value, ShellError> {
        Err(self.error())
    }

    fn verify_receipt(&self, _receipt_id: &str) -> Result<Value, ShellError> {
        Err(self.error())
    }

    fn receipt_file(&self, _receipt_id: &str, _form: ReceiptForm) -> Result<PathBuf, ShellError> {
        Err(self.error())
    }

    fn receipt_files(&self, _receipt_id: &str) -> Result<Vec<PathBuf>, ShellError> {
        Err(self.error())
    }

    /// Fails with the startup message. Unsaved receipts come only from a finished
    /// signature, which this backend never produces.
    fn save_receipt(&self, _receipt: &Receipt) -> Result<Value, StoreError> {
        Err(StoreError::Io {
            action: "open",
            path: PathBuf::from("the receipts library"),
            source: std::io::Error::other(self.startup.error.message.clone()),
        })
    }
}
