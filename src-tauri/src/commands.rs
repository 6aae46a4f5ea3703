//! The commands the web UI may call; each is a small wrapper over [`Shell`] and its
//! backend. Every result passes through the IPC log (see [`crate::events::IpcLog`]).
//!
//! The UI never sends a file path: receipts are named by id and the shell looks the
//! path up itself.
//!
//! Every command takes `snake_case` argument names (`receipt_id`), as `docs/ipc.md`
//! specifies; without `rename_all`, Tauri v2 would expect `receiptId`.

use std::path::{Path, PathBuf};

use matter_engine::interaction::{Decision, EsraAnswer, UserView};
use serde::Serialize;
use serde_json::Value;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::backend::{ReceiptForm, ReceiptQuery, StorageView};
use crate::error::ShellError;
use crate::state::Shell;
use crate::unconfigured::StartupError;
use crate::unsaved::{UnsavedCopy, UnsavedReceiptView};

/// The state the window draws its first screen from.
#[derive(Debug, Serialize)]
pub struct AppState {
    pub mode: matter_engine::config::Mode,
    pub sandbox: bool,
    pub version: &'static str,
    pub user: Option<UserView>,
    pub storage: StorageView,
    pub pending_link: Option<String>,
    /// Signed receipts the library could not store; the home screen warns while any
    /// remain.
    pub unsaved_receipts: Vec<UnsavedReceiptView>,
    /// The reason the engine did not start, or `None` when it runs. While it is set,
    /// every other command fails with the same error and the window shows only it.
    pub startup_error: Option<StartupErrorView>,
}

/// The startup error as `app_state` reports it.
#[derive(Debug, Serialize)]
pub struct StartupErrorView {
    #[serde(flatten)]
    pub startup: StartupError,
    /// Whether a signing link arrived and was not opened.
    pub link_not_opened: bool,
}

fn logged<T: Serialize>(
    shell: &Shell,
    command: &str,
    result: Result<T, ShellError>,
) -> Result<T, ShellError> {
    let payload = match &result {
        Ok(value) => serde_json::to_value(value).unwrap_or(Value::Null),
        Err(error) => serde_json::json!({ "error": error }),
    };
    shell.ipc_log.record("response", command, &payload);
    if let Err(error) = &result {
        tracing::warn!(command, code = %error.code, "command failed");
    }
    result
}

#[tauri::command(rename_all = "snake_case")]
pub async fn app_state(shell: State<'_, Shell>) -> Result<AppState, ShellError> {
    let state = AppState {
        mode: shell.backend.mode(),
        sandbox: shell.backend.sandbox(),
        version: env!("CARGO_PKG_VERSION"),
        user: shell.backend.current_user().await,
        storage: shell.backend.storage(),
        pending_link: shell.pending_link(),
        unsaved_receipts: shell.unsaved.list(),
        startup_error: shell
            .backend
            .startup_error()
            .map(|startup| StartupErrorView {
                startup,
                link_not_opened: shell.link_not_opened(),
            }),
    };
    logged(&shell, "app_state", Ok(state))
}

#[tauri::command(rename_all = "snake_case")]
pub fn parse_link(shell: State<'_, Shell>, link: String) -> Result<Value, ShellError> {
    let result = shell.backend.parse_link(&link);
    logged(&shell, "parse_link", result)
}

/// Starts the signing flow in the background; events report its progress and end.
#[tauri::command(rename_all = "snake_case")]
pub fn start_signing<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    link: String,
) -> Result<(), ShellError> {
    let result = start_signing_inner(app, &shell, link);
    logged(&shell, "start_signing", result)
}

fn start_signing_inner<R: Runtime>(
    app: AppHandle<R>,
    shell: &Shell,
    link: String,
) -> Result<(), ShellError> {
    // Validate before reserving the slot, so a bad link reports `link_*` at once.
    shell.backend.parse_link(&link)?;
    let (id, ui) = shell.begin_flow()?;
    let backend = shell.backend.clone();
    tracing::info!(flow = id, "signing flow started");
    let task = tauri::async_runtime::spawn(async move {
        let outcome = backend.sign(&link, ui).await;
        let Some(shell) = app.try_state::<Shell>() else {
            return;
        };
        shell.end_flow(id);
        match outcome {
            Ok(finished) => {
                tracing::info!(flow = id, "signing flow finished");
                shell.finish_signing(finished);
            }
            Err(error) => {
                tracing::warn!(flow = id, code = %error.code, "signing flow failed");
                shell.emit_error(&error);
            }
        }
    });
    shell.attach_task(id, task);
    Ok(())
}

#[tauri::command(rename_all = "snake_case")]
pub fn submit_decision(shell: State<'_, Shell>, decision: Decision) -> Result<(), ShellError> {
    let result = shell.answers.submit_decision(decision);
    logged(&shell, "submit_decision", result)
}

#[tauri::command(rename_all = "snake_case")]
pub fn submit_esra(shell: State<'_, Shell>, answer: EsraAnswer) -> Result<(), ShellError> {
    let result = shell.answers.submit_esra(answer);
    logged(&shell, "submit_esra", result)
}

#[tauri::command(rename_all = "snake_case")]
pub fn cancel_flow(shell: State<'_, Shell>) -> Result<(), ShellError> {
    let result = shell.cancel().map(|_| ());
    logged(&shell, "cancel_flow", result)
}

/// Signs in through the system browser and returns the user; `flow://sign-in` is
/// emitted as in the signing flow.
#[tauri::command(rename_all = "snake_case")]
pub async fn sign_in(shell: State<'_, Shell>) -> Result<UserView, ShellError> {
    let result = sign_in_inner(&shell).await;
    logged(&shell, "sign_in", result)
}

async fn sign_in_inner(shell: &Shell) -> Result<UserView, ShellError> {
    let (id, ui) = shell.begin_flow()?;
    let result = shell.backend.sign_in(ui).await;
    shell.end_flow(id);
    result
}

#[tauri::command(rename_all = "snake_case")]
pub async fn sign_out(shell: State<'_, Shell>) -> Result<(), ShellError> {
    let result = shell.backend.sign_out().await;
    logged(&shell, "sign_out", result)
}

#[tauri::command(rename_all = "snake_case")]
pub fn list_receipts(shell: State<'_, Shell>, query: ReceiptQuery) -> Result<Value, ShellError> {
    let result = shell.backend.list_receipts(&query);
    logged(&shell, "list_receipts", result)
}

#[tauri::command(rename_all = "snake_case")]
pub fn verify_receipt(shell: State<'_, Shell>, receipt_id: String) -> Result<Value, ShellError> {
    let result = shell.backend.verify_receipt(&receipt_id);
    logged(&shell, "verify_receipt", result)
}

/// Opens one form of a receipt with the desktop's default application.
#[tauri::command(rename_all = "snake_case")]
pub fn open_receipt(
    shell: State<'_, Shell>,
    receipt_id: String,
    form: ReceiptForm,
) -> Result<(), ShellError> {
    let result = shell
        .backend
        .receipt_file(&receipt_id, form)
        .and_then(|path| {
            tauri_plugin_opener::open_path(&path, None::<&str>)
                .map_err(|error| open_failed(&path, error))
        });
    logged(&shell, "open_receipt", result)
}

/// Shows a receipt's JSON file in the file manager.
#[tauri::command(rename_all = "snake_case")]
pub fn reveal_receipt(shell: State<'_, Shell>, receipt_id: String) -> Result<(), ShellError> {
    let result = shell
        .backend
        .receipt_file(&receipt_id, ReceiptForm::Json)
        .and_then(|path| {
            tauri_plugin_opener::reveal_item_in_dir(&path)
                .map_err(|error| open_failed(&path, error))
        });
    logged(&shell, "reveal_receipt", result)
}

/// Asks for a folder and copies every file of the receipt into it. Returns the folder,
/// or `null` when the picker was cancelled.
#[tauri::command(rename_all = "snake_case")]
pub async fn export_receipt<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    receipt_id: String,
) -> Result<Option<String>, ShellError> {
    let result = export_receipt_inner(app, &shell, &receipt_id).await;
    logged(&shell, "export_receipt", result)
}

async fn export_receipt_inner<R: Runtime>(
    app: AppHandle<R>,
    shell: &Shell,
    receipt_id: &str,
) -> Result<Option<String>, ShellError> {
    let files = shell.backend.receipt_files(receipt_id)?;
    let folder = tauri::async_runtime::spawn_blocking(move || {
        use tauri_plugin_dialog::DialogExt;
        app.dialog()
            .file()
            .set_title("Export receipt to folder")
            .blocking_pick_folder()
    })
    .await
    .map_err(|error| {
        ShellError::new(
            "export_failed",
            format!("The folder picker failed: {error}."),
        )
    })?;
    let Some(folder) = folder else {
        return Ok(None);
    };
    let folder = folder.into_path().map_err(|error| {
        ShellError::new(
            "export_failed",
            format!("The chosen folder is not a local path: {error}."),
        )
    })?;
    copy_into(&files, &folder)?;
    tracing::info!(receipt_id, folder = %folder.display(), "receipt exported");
    Ok(Some(folder.display().to_string()))
}

/// Tries again to write an unsaved receipt into the library. Returns `SignDone` with
/// `saved: true` and releases the receipt, or fails with `receipt_not_saved` and keeps it.
#[tauri::command(rename_all = "snake_case")]
pub async fn save_unsaved_receipt(
    shell: State<'_, Shell>,
    receipt_id: String,
) -> Result<Value, ShellError> {
    let result = save_unsaved_receipt_inner(&shell, &receipt_id).await;
    logged(&shell, "save_unsaved_receipt", result)
}

async fn save_unsaved_receipt_inner(shell: &Shell, receipt_id: &str) -> Result<Value, ShellError> {
    let receipt = shell.unsaved.receipt(receipt_id)?;
    tracing::info!(receipt_id, "retrying the save of an unsaved receipt");
    let backend = shell.backend.clone();
    // The store does blocking file I/O with fsync and renders the PDF.
    let saved = tauri::async_runtime::spawn_blocking(move || backend.save_receipt(&receipt))
        .await
        .map_err(|error| {
            ShellError::new(
                "receipt_not_saved",
                format!("Receipt {receipt_id} is not saved: the save task failed ({error}). Try again, or choose Save a copy… to write it to another folder."),
            )
        })?;
    match saved {
        Ok(done) => {
            shell.unsaved.release(receipt_id);
            Ok(done)
        }
        Err(error) => {
            tracing::warn!(receipt_id, code = error.code(), %error, "retried save failed");
            Err(shell.unsaved.save_failed(receipt_id, &error))
        }
    }
}

/// Asks where to save a copy of an unsaved receipt's JSON and writes it there
/// atomically, then releases the receipt. Returns where it went, or `null` when the
/// dialog was cancelled (the receipt stays held).
#[tauri::command(rename_all = "snake_case")]
pub async fn export_unsaved_receipt<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    receipt_id: String,
) -> Result<Option<UnsavedCopy>, ShellError> {
    let result = export_unsaved_receipt_inner(app, &shell, &receipt_id).await;
    logged(&shell, "export_unsaved_receipt", result)
}

async fn export_unsaved_receipt_inner<R: Runtime>(
    app: AppHandle<R>,
    shell: &Shell,
    receipt_id: &str,
) -> Result<Option<UnsavedCopy>, ShellError> {
    // Fails with `not_found` before any dialog opens.
    shell.unsaved.receipt(receipt_id)?;
    let file_name = format!("{receipt_id}.json");
    let chosen = tauri::async_runtime::spawn_blocking(move || {
        use tauri_plugin_dialog::DialogExt;
        app.dialog()
            .file()
            .set_title("Save a copy of the receipt")
            .set_file_name(file_name)
            .add_filter("Receipt JSON", &["json"])
            .blocking_save_file()
    })
    .await
    .map_err(|error| {
        ShellError::new(
            "export_failed",
            format!("The save dialog failed: {error}. The app still holds receipt {receipt_id}; try again."),
        )
    })?;
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    let path = chosen.into_path().map_err(|error| {
        ShellError::new(
            "export_failed",
            format!("The chosen file is not a local path: {error}. The app still holds receipt {receipt_id}; choose a file on this computer."),
        )
    })?;
    let written = shell.unsaved.write_copy(receipt_id, &path)?;
    Ok(Some(written))
}

/// Copies `files` into `folder`, refusing to overwrite an existing file.
pub(crate) fn copy_into(files: &[PathBuf], folder: &Path) -> Result<(), ShellError> {
    for source in files {
        let name = source.file_name().ok_or_else(|| {
            ShellError::new(
                "export_failed",
                format!("{} has no file name.", source.display()),
            )
        })?;
        let target = folder.join(name);
        if target.exists() {
            return Err(ShellError::new(
                "export_failed",
                format!(
                    "{} already exists. Choose another folder or move that file.",
                    target.display()
                ),
            ));
        }
        std::fs::copy(source, &target).map_err(|error| {
            ShellError::new(
                "export_failed",
                format!(
                    "Could not copy {} to {}: {error}.",
                    source.display(),
                    target.display()
                ),
            )
        })?;
    }
    Ok(())
}

fn open_failed(path: &Path, error: tauri_plugin_opener::Error) -> ShellError {
    ShellError::new(
        "open_failed",
        format!(
            "Could not open {}: {error}. The file is still there; open it from your file manager.",
            path.display()
        ),
    )
}

/// Records the time of the UI's first painted frame. The window calls it through an
/// initialization script that is added only when `MATTER_SIGNER_BENCH_FIRST_PAINT`
/// names a file (see `benches/desktop.sh`); otherwise it only logs.
#[tauri::command(rename_all = "snake_case")]
pub fn first_paint(shell: State<'_, Shell>) -> Result<(), ShellError> {
    let elapsed = crate::bench::record_first_paint();
    logged(&shell, "first_paint", Ok(elapsed.as_millis() as u64)).map(|_| ())
}

/// Records that the human agreed to lose the unsaved receipts and closes the main
/// window. The close request that follows is allowed (see [`Shell::close_requested`]).
#[tauri::command(rename_all = "snake_case")]
pub fn confirm_close<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
) -> Result<(), ShellError> {
    shell.confirm_close();
    let result = match app.get_webview_window(crate::events::MAIN_WINDOW) {
        Some(window) => window.close().map_err(|error| {
            ShellError::new(
                "close_failed",
                format!("The window could not close: {error}. Choose Close and lose them again; if the window still stays open, save copies of the receipts first and then end the app from your desktop's task manager."),
            )
        }),
        None => Ok(()),
    };
    logged(&shell, "confirm_close", result)
}
