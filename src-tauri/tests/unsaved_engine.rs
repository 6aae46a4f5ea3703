//! The recovery path for an unsaved receipt over the real `EngineBackend` and receipt
//! store, through Tauri's mock runtime.
//!
//! The library's folder is replaced by a regular file to make writes fail. Permission
//! bits would not do, because tests may run as root, and root writes into a 0500
//! folder. Creating a folder under a regular file fails for every user.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use matter_engine::config::Config;
use matter_engine::flow::UnsavedReceipt;
use matter_receipts::testing::{signing_key, trusted_test_keys, SampleReceipt};
use matter_receipts::{Receipt, ReceiptStore, StoreError};
use matter_signer_desktop::browser::BrowserOpener;
use matter_signer_desktop::engine_backend::EngineBackend;
use matter_signer_desktop::events::{IpcLog, WindowEvents};
use matter_signer_desktop::state::Shell;
use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets};
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};

struct NoBrowser;

impl BrowserOpener for NoBrowser {
    fn open(&self, _url: &str) -> Result<(), String> {
        Err("these tests never sign in".into())
    }
}

struct Harness {
    app: App<tauri::test::MockRuntime>,
    window: WebviewWindow<tauri::test::MockRuntime>,
    receipts_root: PathBuf,
    dir: tempfile::TempDir,
}

/// Starts the shell over an engine whose data lives in a temporary folder. Port 9
/// (discard) on loopback is never contacted: these tests neither sign in nor sign.
fn harness() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_sandbox(
        "http://127.0.0.1:9/v1".parse().unwrap(),
        "http://127.0.0.1:9/".parse().unwrap(),
        dir.path().join("data"),
    );
    config.config_dir = dir.path().join("config");
    let backend = Arc::new(EngineBackend::in_memory(config).unwrap());

    let app = mock_builder()
        .invoke_handler(matter_signer_desktop::invoke_handler())
        .build(mock_context(noop_assets()))
        .unwrap();
    let log = Arc::new(IpcLog::disabled());
    let events = Arc::new(WindowEvents::new(app.handle().clone(), log.clone()));
    app.manage(Shell::new(backend, events, log, Arc::new(NoBrowser)));
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        app,
        window,
        receipts_root: dir.path().join("data").join("receipts"),
        dir,
    }
}

impl Harness {
    fn invoke(&self, command: &str, body: Value) -> Result<Value, Value> {
        common::invoke(&self.window, command, body)
    }

    /// Holds `receipt` as the engine hands back one it could not write.
    fn hold(&self, receipt: &Receipt) {
        let error = StoreError::Io {
            action: "write",
            path: self.receipts_root.clone(),
            source: std::io::Error::from_raw_os_error(28),
        };
        self.app.state::<Shell>().unsaved.hold(UnsavedReceipt {
            receipt: Box::new(receipt.clone()),
            error,
        });
    }

    fn block_library(&self) {
        std::fs::remove_dir_all(&self.receipts_root).unwrap();
        std::fs::write(&self.receipts_root, b"not a folder").unwrap();
    }

    fn unblock_library(&self) {
        std::fs::remove_file(&self.receipts_root).unwrap();
        std::fs::create_dir(&self.receipts_root).unwrap();
    }

    fn unsaved_ids(&self) -> Vec<Value> {
        let state = self.invoke("app_state", json!({})).unwrap();
        state["unsaved_receipts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|view| view["receipt_id"].clone())
            .collect()
    }
}

fn sample() -> Receipt {
    SampleReceipt::new(7).build(&signing_key(3))
}

#[test]
fn retry_fails_while_library_is_blocked() {
    let harness = harness();
    harness.block_library();
    harness.hold(&sample());

    let error = harness
        .invoke("save_unsaved_receipt", json!({ "receipt_id": "sgn_test7" }))
        .unwrap_err();
    assert_eq!(error["code"], "receipt_not_saved");
    assert_eq!(error["cause_code"], "receipt_io_failed");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains(&harness.receipts_root.display().to_string()),
        "{message}"
    );
    assert_eq!(harness.unsaved_ids(), [json!("sgn_test7")]);
}

#[test]
fn retry_saves_once_library_is_writable() {
    let harness = harness();
    harness.block_library();
    harness.hold(&sample());
    harness
        .invoke("save_unsaved_receipt", json!({ "receipt_id": "sgn_test7" }))
        .unwrap_err();
    harness.unblock_library();

    let done = harness
        .invoke("save_unsaved_receipt", json!({ "receipt_id": "sgn_test7" }))
        .unwrap();
    assert_eq!(done["saved"], true);
    assert_eq!(done["receipt"]["receipt_id"], "sgn_test7");
    assert_eq!(done["verification"]["integrity"]["passed"], true);
    let json_path = harness.receipts_root.join("sgn_test7").join("receipt.json");
    assert_eq!(
        done["receipt"]["files"]["json"],
        json_path.display().to_string()
    );
    assert_eq!(
        std::fs::read(&json_path).unwrap(),
        sample().to_json_pretty()
    );
    assert!(harness.unsaved_ids().is_empty());

    let listed = harness
        .invoke("list_receipts", json!({ "query": {} }))
        .unwrap();
    assert_eq!(listed["entries"][0]["receipt_id"], "sgn_test7");
}

#[test]
fn copy_imports_into_a_library() {
    let harness = harness();
    harness.block_library();
    harness.hold(&sample());
    let copy_path = harness.dir.path().join("sgn_test7.json");
    harness
        .app
        .state::<Shell>()
        .unsaved
        .write_copy("sgn_test7", &copy_path)
        .unwrap();
    assert!(harness.unsaved_ids().is_empty());

    // `matter-signer receipts import FILE` runs this same store call.
    let library = ReceiptStore::open(harness.dir.path().join("other-library")).unwrap();
    let imported = library
        .import(&copy_path, &trusted_test_keys(&signing_key(3)))
        .unwrap();
    assert_eq!(imported.saved.receipt_id, "sgn_test7");
    assert!(imported.report.integrity.passed);
    assert!(imported.report.trust.passed);
    assert_eq!(library.load("sgn_test7").unwrap(), sample());
    assert!(!has_temporary_files(harness.dir.path()));
}

fn has_temporary_files(folder: &Path) -> bool {
    std::fs::read_dir(folder).unwrap().any(|entry| {
        entry
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp")
    })
}
