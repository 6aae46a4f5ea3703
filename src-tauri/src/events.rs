//! Event names and the sink that delivers them to the main window.
//!
//! Every payload that leaves the shell (events and command results) passes through
//! [`IpcLog`] as well, which writes it to a file only when `MATTER_SIGNER_IPC_LOG`
//! names one. End-to-end tests set it to prove that no token crosses IPC.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use serde_json::Value;
use tauri::{AppHandle, Emitter, Runtime};

/// A `mattermode://` link arrived (cold start or forwarded from a second launch).
pub const LINK_OPENED: &str = "link://opened";
/// Progress through the signing flow.
pub const FLOW_PROGRESS: &str = "flow://progress";
/// The system browser was opened for sign-in.
pub const FLOW_SIGN_IN: &str = "flow://sign-in";
/// The document and packet to review; the UI replies with `submit_decision`.
pub const FLOW_REVIEW: &str = "flow://review";
/// The E-SIGN consumer disclosure; the UI replies with `submit_esra`.
pub const FLOW_ESRA: &str = "flow://esra";
/// The flow finished and a receipt was (or could not be) saved.
pub const FLOW_DONE: &str = "flow://done";
/// The flow stopped with an error.
pub const FLOW_ERROR: &str = "flow://error";
/// The human asked to close the window while signed receipts are unsaved; the close
/// was prevented and the UI asks for confirmation (`confirm_close`).
pub const CLOSE_REQUESTED: &str = "app://close-requested";

/// The label of the app's only window; every event goes to it.
pub const MAIN_WINDOW: &str = "main";

/// A destination for the events the shell sends to the UI.
pub trait EventSink: Send + Sync {
    /// Sends `payload` as event `name` to the main window. Failures are logged, not
    /// returned: a flow must not stop because the window is gone.
    fn emit(&self, name: &str, payload: Value);
}

/// Delivers events to the main window of a running app.
pub struct WindowEvents<R: Runtime> {
    app: AppHandle<R>,
    log: std::sync::Arc<IpcLog>,
}

impl<R: Runtime> WindowEvents<R> {
    pub fn new(app: AppHandle<R>, log: std::sync::Arc<IpcLog>) -> Self {
        Self { app, log }
    }
}

impl<R: Runtime> EventSink for WindowEvents<R> {
    fn emit(&self, name: &str, payload: Value) {
        self.log.record("event", name, &payload);
        if let Err(error) = self.app.emit_to(MAIN_WINDOW, name, payload) {
            tracing::warn!(event = name, %error, "could not deliver event to the main window");
        }
    }
}

/// An opt-in record of every IPC payload, one JSON object per line.
pub struct IpcLog {
    file: Option<Mutex<File>>,
}

impl IpcLog {
    /// The environment variable naming the log file; unset means no log.
    pub const ENV: &'static str = "MATTER_SIGNER_IPC_LOG";

    /// Opens the file named by [`Self::ENV`] for appending, if the variable is set.
    /// A file that cannot be opened is logged and leaves the log off.
    pub fn from_env() -> Self {
        let Some(path) = std::env::var_os(Self::ENV).map(PathBuf::from) else {
            return Self::disabled();
        };
        match Self::to_file(&path) {
            Ok(log) => {
                tracing::info!(path = %path.display(), "recording IPC payloads");
                log
            }
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "could not open the IPC log; not recording");
                Self::disabled()
            }
        }
    }

    /// Records to `path`, creating or appending to it.
    pub fn to_file(path: &std::path::Path) -> std::io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self {
            file: Some(Mutex::new(file)),
        })
    }

    /// Creates a log that records nothing.
    pub fn disabled() -> Self {
        Self { file: None }
    }

    /// Appends `{kind, name, payload}` as one line.
    pub fn record(&self, kind: &str, name: &str, payload: &Value) {
        let Some(file) = &self.file else { return };
        let line = serde_json::json!({ "kind": kind, "name": name, "payload": payload });
        let mut file = file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Err(error) = writeln!(file, "{line}") {
            tracing::warn!(%error, "could not append to the IPC log");
        }
    }
}
