//! The [`Backend`] over `matter-engine` and its receipt store, with an embedded
//! sandbox for `--sandbox`.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use matter_engine::clock::SystemClock;
use matter_engine::config::{Config, ConfigOverrides, Mode};
use matter_engine::deep_link::{parse_link, LinkError, SigningRequest, SigningTarget};
use matter_engine::error::EngineError;
use matter_engine::flow::{Engine, FrontEnd, SignOutcome};
use matter_engine::interaction::{Interaction, UserView};
use matter_engine::secrets::{
    open_secret_store, service_name, MemoryStore, SecretStore, StorageKind,
};
use matter_receipts::{verify_path, Receipt, ReceiptFilter, StoreError, VerificationReport};
use matter_sandbox::{Sandbox, SandboxConfig, SandboxHandle};
use serde_json::{json, Value};
use tauri::{AppHandle, Runtime};

use crate::args::Args;
use crate::backend::{Backend, ReceiptForm, ReceiptQuery, SignFinished, StorageView};
use crate::error::ShellError;
use crate::unconfigured::{StartupError, UnconfiguredBackend};

/// The engine, and the sandbox it talks to in `--sandbox` runs.
pub struct EngineBackend {
    engine: Engine,
    storage: StorageKind,
    /// Kept so the sandbox serves until the app exits.
    _sandbox: Option<SandboxHandle>,
    /// The sandbox run's data directory (receipts, keys), removed at exit.
    _sandbox_data: Option<tempfile::TempDir>,
}

/// Starts the engine for this run: against an embedded sandbox with `--sandbox`,
/// otherwise with the configuration from the environment and the config file.
///
/// Never fails: when the engine cannot start, the error is logged once and an
/// [`UnconfiguredBackend`] carries it to the window, which explains it.
pub fn start<R: Runtime>(args: &Args, _app: &AppHandle<R>) -> Arc<dyn Backend> {
    let started = if args.sandbox {
        tauri::async_runtime::block_on(start_sandbox())
    } else {
        start_configured()
    };
    match started {
        Ok(backend) => Arc::new(backend),
        Err(startup) => {
            tracing::error!(
                code = %startup.error.code,
                cause_code = startup.error.cause_code.as_deref().unwrap_or(""),
                config_file = startup.config_file.as_deref().unwrap_or(""),
                error = %startup.error.message,
                "the engine could not start; the window shows why"
            );
            Arc::new(UnconfiguredBackend::new(startup))
        }
    }
}

async fn start_sandbox() -> Result<EngineBackend, StartupError> {
    // The default binds 127.0.0.1 on a free port.
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .map_err(|error| {
            StartupError::startup_failed(
                "sandbox_failed",
                format!("The embedded sandbox could not start: {error}."),
            )
        })?;
    let data = tempfile::Builder::new()
        .prefix("matter-signer-sandbox-")
        .tempdir()
        .map_err(|error| {
            StartupError::startup_failed(
                "sandbox_failed",
                format!(
                    "Could not create the sandbox's data directory in {}: {error}.",
                    std::env::temp_dir().display()
                ),
            )
        })?;
    let config = Config::for_sandbox(
        sandbox.api_base(),
        sandbox.issuer(),
        data.path().to_path_buf(),
    );
    // Sandbox sign-ins are throwaway; keeping them out of the OS keyring leaves the
    // human's real sign-in untouched.
    let mut backend = EngineBackend::in_memory(config).map_err(engine_startup_error)?;
    tracing::info!(api_base = %sandbox.api_base(), data_dir = %data.path().display(), "embedded sandbox started");
    backend._sandbox = Some(sandbox);
    backend._sandbox_data = Some(data);
    Ok(backend)
}

impl EngineBackend {
    /// Creates a backend over `config` that keeps the sign-in in memory and never
    /// touches the OS keyring. Sandbox runs and tests use it.
    pub fn in_memory(config: Config) -> Result<EngineBackend, EngineError> {
        let secrets: Arc<dyn SecretStore> =
            Arc::new(MemoryStore::new("sandbox runs keep the sign-in in memory"));
        let storage = secrets.kind();
        let engine = Engine::new(config, secrets, Arc::new(SystemClock), FrontEnd::Desktop)?;
        Ok(EngineBackend {
            engine,
            storage,
            _sandbox: None,
            _sandbox_data: None,
        })
    }
}

fn start_configured() -> Result<EngineBackend, StartupError> {
    let config = Config::load(&ConfigOverrides::default()).map_err(|error| {
        StartupError::not_configured(error.code(), capitalise(&error.to_string()))
    })?;
    // An unusable keyring does not stop the app: the store falls back to memory and
    // `app_state` reports why.
    let secrets = open_secret_store(&service_name(config.mode));
    let storage = secrets.kind();
    let engine = Engine::new(config, secrets, Arc::new(SystemClock), FrontEnd::Desktop)
        .map_err(engine_startup_error)?;
    Ok(EngineBackend {
        engine,
        storage,
        _sandbox: None,
        _sandbox_data: None,
    })
}

/// Converts an error of `Engine::new` (an unusable setting, or a receipts folder
/// that cannot be opened) into the error the window shows.
fn engine_startup_error(error: EngineError) -> StartupError {
    match error {
        EngineError::Config(_) => StartupError::not_configured(error.code(), error.to_string()),
        _ => StartupError::startup_failed(error.code(), error.to_string()),
    }
}

fn engine_error(error: EngineError) -> ShellError {
    ShellError::from_engine(
        error.code(),
        error.to_string(),
        error.request_id().map(str::to_owned),
    )
}

fn link_error(error: LinkError) -> ShellError {
    ShellError::from_engine(error.code(), capitalise(&error.to_string()), None)
}

fn store_error(error: StoreError) -> ShellError {
    ShellError::from_engine(error.code(), error.to_string(), None)
}

/// Starts a sentence with a capital letter (the parser's messages are clauses).
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}

/// Converts a parsed link to the UI's `SigningRequestView` shape.
fn request_view(request: &SigningRequest) -> Value {
    match &request.target {
        SigningTarget::Document { document_id } => json!({
            "kind": "document",
            "document_id": document_id.as_str(),
            "stakeholder_id": request.stakeholder_id.as_str(),
        }),
        SigningTarget::EnvelopeSlot {
            envelope_id,
            signer_id,
        } => json!({
            "kind": "envelope_slot",
            "signing_envelope_id": envelope_id.as_str(),
            "signer_id": signer_id.as_str(),
            "stakeholder_id": request.stakeholder_id.as_str(),
        }),
    }
}

/// Converts a receipt to the UI's `ReceiptSummary` shape, with the paths of the files
/// that exist.
fn receipt_summary(receipt: &Receipt, files: &ReceiptFiles) -> Value {
    json!({
        "receipt_id": receipt.receipt_id,
        "document_id": receipt.document.id,
        "document_title": receipt.document.title,
        "entity_id": receipt.document.entity_id,
        "entity_name": receipt.document.entity_name,
        "stakeholder_id": receipt.stakeholder.id,
        "stakeholder_name": receipt.stakeholder.name,
        "typed_name": receipt.typed_name,
        "mode": receipt.mode,
        "server_signed_at": rfc3339(receipt.timestamps.server_signed_at),
        "local_signed_at": rfc3339(receipt.timestamps.local_signed_at),
        "packet_hash": receipt.disclosure_packet_hash,
        "files": {
            "json": files.json.display().to_string(),
            "html": files.html.as_ref().map(|path| path.display().to_string()),
            "pdf": files.pdf.as_ref().map(|path| path.display().to_string()),
        },
    })
}

fn rfc3339(time: time::OffsetDateTime) -> String {
    time.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| time.to_string())
}

/// Converts a verification report to the UI's `Verification` shape, without the receipt.
fn verification_view(report: &VerificationReport) -> Value {
    json!({
        "kind": report.kind,
        "integrity": report.integrity,
        "trust": report.trust,
    })
}

/// The files of one receipt that exist on disk.
struct ReceiptFiles {
    json: PathBuf,
    html: Option<PathBuf>,
    pdf: Option<PathBuf>,
}

impl EngineBackend {
    fn files(&self, receipt_id: &str) -> Result<ReceiptFiles, ShellError> {
        let paths = self
            .engine
            .receipts()
            .paths(receipt_id)
            .map_err(store_error)?;
        if !paths.json.is_file() {
            return Err(ShellError::new(
                "not_found",
                format!(
                    "No receipt {receipt_id} in {}.",
                    self.engine.receipts().root().display()
                ),
            ));
        }
        Ok(ReceiptFiles {
            json: paths.json,
            html: paths.html.is_file().then_some(paths.html),
            pdf: paths.pdf.is_file().then_some(paths.pdf),
        })
    }

    /// Converts the engine's outcome to `SignDone`, handing an unsaved receipt to the
    /// shell instead of dropping it.
    fn sign_done(&self, outcome: SignOutcome) -> SignFinished {
        let verification = verification_view(&outcome.verification);
        match outcome.saved {
            Ok(saved) => SignFinished {
                done: self.saved_done(&saved.receipt_id, verification),
                unsaved: None,
            },
            Err(unsaved) => {
                tracing::error!(receipt_id = %outcome.receipt_id, error = %unsaved.error, "receipt not saved; handing it to the shell to keep");
                SignFinished {
                    done: json!({
                        "receipt": null,
                        "saved": false,
                        "save_error": null,
                        "verification": verification,
                    }),
                    unsaved: Some(unsaved),
                }
            }
        }
    }

    /// Returns `SignDone` for a receipt that is in the library, with its summary read
    /// back from disk.
    fn saved_done(&self, receipt_id: &str, verification: Value) -> Value {
        let summary = self
            .engine
            .receipts()
            .load(receipt_id)
            .map_err(store_error)
            .and_then(|receipt| Ok(receipt_summary(&receipt, &self.files(receipt_id)?)));
        match summary {
            Ok(summary) => json!({
                "receipt": summary,
                "saved": true,
                "save_error": null,
                "verification": verification,
            }),
            Err(error) => {
                tracing::error!(receipt_id, code = %error.code, "saved receipt could not be read back");
                json!({
                    "receipt": null,
                    "saved": true,
                    "save_error": error.message,
                    "verification": verification,
                })
            }
        }
    }
}

#[async_trait]
impl Backend for EngineBackend {
    fn mode(&self) -> Mode {
        self.engine.config().mode
    }

    fn sandbox(&self) -> bool {
        self.engine.config().embedded_sandbox
    }

    fn storage(&self) -> StorageView {
        match &self.storage {
            StorageKind::Keyring => StorageView {
                kind: "keyring".into(),
                reason: None,
            },
            StorageKind::Memory { reason } => StorageView {
                kind: "memory".into(),
                reason: Some(reason.clone()),
            },
        }
    }

    async fn current_user(&self) -> Option<UserView> {
        match self.engine.whoami().await {
            Ok(user) => user,
            Err(error) => {
                tracing::warn!(code = error.code(), %error, "could not tell who is signed in");
                None
            }
        }
    }

    fn parse_link(&self, link: &str) -> Result<Value, ShellError> {
        parse_link(link)
            .map(|request| request_view(&request))
            .map_err(link_error)
    }

    async fn sign(&self, link: &str, ui: Arc<dyn Interaction>) -> Result<SignFinished, ShellError> {
        let request = parse_link(link).map_err(link_error)?;
        let outcome = self
            .engine
            .sign(&request, ui.as_ref())
            .await
            .map_err(engine_error)?;
        tracing::info!(receipt_id = %outcome.receipt_id, document_id = %outcome.document_id, "signed");
        Ok(self.sign_done(outcome))
    }

    async fn sign_in(&self, ui: Arc<dyn Interaction>) -> Result<UserView, ShellError> {
        self.engine.sign_in(ui.as_ref()).await.map_err(engine_error)
    }

    async fn sign_out(&self) -> Result<(), ShellError> {
        self.engine.sign_out().await.map_err(engine_error)
    }

    fn list_receipts(&self, query: &ReceiptQuery) -> Result<Value, ShellError> {
        let filter = receipt_filter(query)?;
        let listing = self.engine.receipts().list(&filter).map_err(store_error)?;
        let mut entries = Vec::new();
        let mut unreadable: Vec<Value> = listing
            .unreadable
            .iter()
            .map(|(path, reason)| json!({ "path": path.display().to_string(), "reason": reason }))
            .collect();
        // NOTE: each listed receipt is read from disk, because the index lacks the
        // packet hash. That is quick for hundreds of receipts and slow for many thousands.
        for entry in &listing.entries {
            let loaded = self
                .engine
                .receipts()
                .load(&entry.receipt_id)
                .map_err(store_error)
                .and_then(|receipt| Ok((self.files(&entry.receipt_id)?, receipt)));
            match loaded {
                Ok((files, receipt)) => {
                    if matches_text(&receipt, query.text.as_deref()) {
                        entries.push(receipt_summary(&receipt, &files));
                    }
                }
                Err(error) => unreadable.push(json!({
                    "path": self.engine.receipts().root().join(&entry.receipt_id).display().to_string(),
                    "reason": error.message,
                })),
            }
        }
        Ok(json!({ "entries": entries, "unreadable": unreadable }))
    }

    fn verify_receipt(&self, receipt_id: &str) -> Result<Value, ShellError> {
        let files = self.files(receipt_id)?;
        let report = verify_path(&files.json, &self.engine.trusted_keys());
        tracing::info!(receipt_id, passed = report.passed(), "receipt verified");
        Ok(verification_view(&report))
    }

    fn receipt_file(&self, receipt_id: &str, form: ReceiptForm) -> Result<PathBuf, ShellError> {
        let files = self.files(receipt_id)?;
        let (path, name) = match form {
            ReceiptForm::Json => (Some(files.json), "JSON"),
            ReceiptForm::Html => (files.html, "HTML"),
            ReceiptForm::Pdf => (files.pdf, "PDF"),
        };
        path.ok_or_else(|| {
            ShellError::new(
                "not_found",
                format!(
                    "Receipt {receipt_id} has no {name} rendering; open its JSON form instead."
                ),
            )
        })
    }

    fn receipt_files(&self, receipt_id: &str) -> Result<Vec<PathBuf>, ShellError> {
        let files = self.files(receipt_id)?;
        Ok([Some(files.json), files.html, files.pdf]
            .into_iter()
            .flatten()
            .collect())
    }

    fn save_receipt(&self, receipt: &Receipt) -> Result<Value, StoreError> {
        let saved = self.engine.receipts().save(receipt)?;
        tracing::info!(receipt_id = %saved.receipt_id, path = %saved.json_path.display(), "unsaved receipt saved on retry");
        let report = verify_path(&saved.json_path, &self.engine.trusted_keys());
        Ok(self.saved_done(&saved.receipt_id, verification_view(&report)))
    }
}

/// Builds the store's filter from the structured fields of `query`. The free `text` is
/// matched afterwards by [`matches_text`].
fn receipt_filter(query: &ReceiptQuery) -> Result<ReceiptFilter, ShellError> {
    Ok(ReceiptFilter {
        entity: query.entity_id.clone(),
        stakeholder: query.stakeholder_id.clone(),
        signed_from: query
            .from
            .as_deref()
            .map(|value| parse_bound(value, "from", false))
            .transpose()?,
        signed_until: query
            .to
            .as_deref()
            .map(|value| parse_bound(value, "to", true))
            .transpose()?,
        ..ReceiptFilter::default()
    })
}

/// Parses an RFC 3339 date-time, or a date (`YYYY-MM-DD`) meaning its first or last
/// instant in UTC.
fn parse_bound(
    value: &str,
    field: &str,
    end_of_day: bool,
) -> Result<time::OffsetDateTime, ShellError> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(at) = time::OffsetDateTime::parse(value, &Rfc3339) {
        return Ok(at);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(value, &format).map_err(|_| {
        ShellError::new(
            "invalid_query",
            format!("The {field} date {value:?} is invalid; use YYYY-MM-DD or an RFC 3339 time."),
        )
    })?;
    let time = if end_of_day {
        time::Time::from_hms_nano(23, 59, 59, 999_999_999).expect("valid time of day")
    } else {
        time::Time::MIDNIGHT
    };
    Ok(date.with_time(time).assume_utc())
}

/// Returns whether `text` (case-insensitive) appears in the receipt's titles, names or ids.
fn matches_text(receipt: &Receipt, text: Option<&str>) -> bool {
    let Some(needle) = text.map(str::trim).filter(|text| !text.is_empty()) else {
        return true;
    };
    let needle = needle.to_lowercase();
    [
        &receipt.document.id,
        &receipt.document.title,
        &receipt.document.entity_id,
        &receipt.document.entity_name,
        &receipt.stakeholder.id,
        &receipt.stakeholder.name,
        &receipt.typed_name,
    ]
    .iter()
    .any(|field| field.to_lowercase().contains(&needle))
}
