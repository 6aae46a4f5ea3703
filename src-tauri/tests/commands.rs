//! The shell's commands and events through Tauri's mock runtime, with a scripted
//! backend standing in for the engine so each routing path can be driven exactly.

mod common;

use std::future::pending;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use matter_engine::config::Mode;
use matter_engine::flow::UnsavedReceipt;
use matter_engine::interaction::{
    Decision, DocumentView, Interaction, Review, SignInPrompt, SignInReason, StakeholderView, Step,
    UserView,
};
use matter_receipts::testing::{signing_key, SampleReceipt};
use matter_receipts::{Receipt, StoreError};
use matter_signer_desktop::backend::{
    Backend, ReceiptForm, ReceiptQuery, SignFinished, StorageView,
};
use matter_signer_desktop::browser::BrowserOpener;
use matter_signer_desktop::error::ShellError;
use matter_signer_desktop::events::{IpcLog, WindowEvents};
use matter_signer_desktop::state::{close_decision, CloseDecision, Shell};
use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::{App, Listener, Manager, WebviewWindow, WebviewWindowBuilder};

const LINK: &str =
    "mattermode://sign?document_id=doc_board_consent_2026&stakeholder_id=stk_jane_founder";
const STEP_TIMEOUT: Duration = Duration::from_secs(10);

/// How the scripted flow behaves after opening the sign-in.
#[derive(Clone, Copy)]
enum Script {
    /// Sign-in, review, then finish with the human's decision.
    Review,
    /// Sign-in, then wait forever (as if the browser never redirected).
    HangAfterSignIn,
    /// Sign-in, review, then finish with a receipt the store could not write.
    Unsaved,
}

struct ScriptedBackend {
    script: Script,
    signed: Mutex<Vec<String>>,
    receipts_dir: PathBuf,
    /// Whether `save_receipt` fails, as a full disk would.
    disk_full: Mutex<bool>,
    /// The receipt ids `save_receipt` stored.
    saved: Mutex<Vec<String>>,
}

impl ScriptedBackend {
    fn new(script: Script, receipts_dir: PathBuf) -> Self {
        Self {
            script,
            signed: Mutex::new(Vec::new()),
            receipts_dir,
            disk_full: Mutex::new(true),
            saved: Mutex::new(Vec::new()),
        }
    }

    fn disk_full_error(&self) -> StoreError {
        StoreError::Io {
            action: "write",
            path: self.receipts_dir.join("sgn_test1/receipt.json"),
            // ENOSPC: "No space left on device".
            source: std::io::Error::from_raw_os_error(28),
        }
    }
}

fn sample_receipt() -> Receipt {
    SampleReceipt::new(1).build(&signing_key(1))
}

fn user() -> UserView {
    UserView {
        user_id: "user_jane".into(),
        email: "jane@example.test".into(),
        name: "Jane Q. Founder".into(),
    }
}

fn review() -> Review {
    Review {
        mode: Mode::Test,
        document: DocumentView {
            id: "doc_board_consent_2026".into(),
            title: "Board consent".into(),
            entity_id: "ent_acme".into(),
            entity_name: "Acme, Inc.".into(),
            sha256: "ab".repeat(32),
            byte_length: 1234,
            execution_status: "awaiting_signatures".into(),
        },
        envelope: None,
        stakeholder: StakeholderView {
            id: "stk_jane_founder".into(),
            name: "Jane Q. Founder".into(),
        },
        signed_in_user: user(),
        packet: json!({ "packet_hash": "cd".repeat(32) }),
        packet_text: "Board consent\n".into(),
        packet_hash: "cd".repeat(32),
        signature_attestation: "I, {name}, sign.".into(),
    }
}

#[async_trait]
impl Backend for ScriptedBackend {
    fn mode(&self) -> Mode {
        Mode::Test
    }

    fn sandbox(&self) -> bool {
        true
    }

    fn storage(&self) -> StorageView {
        StorageView {
            kind: "memory".into(),
            reason: Some("no keyring in tests".into()),
        }
    }

    async fn current_user(&self) -> Option<UserView> {
        None
    }

    fn parse_link(&self, link: &str) -> Result<Value, ShellError> {
        if link.starts_with("mattermode://sign?") {
            Ok(
                json!({ "kind": "document", "document_id": "doc_board_consent_2026", "stakeholder_id": "stk_jane_founder" }),
            )
        } else {
            Err(ShellError::new(
                "link_invalid",
                format!("{link} is not a signing link."),
            ))
        }
    }

    async fn sign(
        &self,
        _link: &str,
        ui: Arc<dyn Interaction>,
    ) -> Result<SignFinished, ShellError> {
        ui.progress(Step::SigningIn);
        ui.open_sign_in(&SignInPrompt {
            authorize_url: "http://127.0.0.1:9/oauth/authorize?state=s"
                .parse()
                .unwrap(),
            reason: SignInReason::NotSignedIn,
            timeout: Duration::from_secs(300),
        })
        .await
        .map_err(|_| ShellError::cancelled())?;
        if let Script::HangAfterSignIn = self.script {
            pending::<()>().await;
        }
        ui.progress(Step::AwaitingDecision);
        match ui.review(&review()).await {
            Ok(Decision::Sign { typed_name }) => {
                self.signed.lock().unwrap().push(typed_name.clone());
                ui.progress(Step::Done);
                if let Script::Unsaved = self.script {
                    return Ok(SignFinished {
                        done: json!({ "receipt": null, "saved": false, "save_error": null, "verification": null }),
                        unsaved: Some(UnsavedReceipt {
                            receipt: Box::new(sample_receipt()),
                            error: self.disk_full_error(),
                        }),
                    });
                }
                Ok(SignFinished {
                    done: json!({ "receipt": null, "saved": true, "save_error": null, "verification": null, "typed_name": typed_name }),
                    unsaved: None,
                })
            }
            Ok(Decision::Cancel) | Err(_) => Err(ShellError::cancelled()),
        }
    }

    async fn sign_in(&self, _ui: Arc<dyn Interaction>) -> Result<UserView, ShellError> {
        Ok(user())
    }

    async fn sign_out(&self) -> Result<(), ShellError> {
        Ok(())
    }

    fn list_receipts(&self, query: &ReceiptQuery) -> Result<Value, ShellError> {
        Ok(json!({ "entries": [], "unreadable": [], "query_text": query.text }))
    }

    fn verify_receipt(&self, receipt_id: &str) -> Result<Value, ShellError> {
        Err(ShellError::new(
            "not_found",
            format!("No receipt {receipt_id}."),
        ))
    }

    fn receipt_file(&self, receipt_id: &str, _form: ReceiptForm) -> Result<PathBuf, ShellError> {
        Ok(self.receipts_dir.join(format!("{receipt_id}.json")))
    }

    fn receipt_files(&self, receipt_id: &str) -> Result<Vec<PathBuf>, ShellError> {
        Ok(vec![self.receipts_dir.join(format!("{receipt_id}.json"))])
    }

    fn save_receipt(&self, receipt: &Receipt) -> Result<Value, StoreError> {
        if *self.disk_full.lock().unwrap() {
            return Err(self.disk_full_error());
        }
        self.saved.lock().unwrap().push(receipt.receipt_id.clone());
        Ok(
            json!({ "receipt": { "receipt_id": receipt.receipt_id }, "saved": true, "save_error": null, "verification": null }),
        )
    }
}

#[derive(Default)]
struct RecordingBrowser(Mutex<Vec<String>>);

impl BrowserOpener for RecordingBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        self.0.lock().unwrap().push(url.to_owned());
        Ok(())
    }
}

struct Harness {
    app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    events: Receiver<(String, Value)>,
    browser: Arc<RecordingBrowser>,
    backend: Arc<ScriptedBackend>,
    _dir: tempfile::TempDir,
    ipc_log: PathBuf,
}

const EVENTS: &[&str] = &[
    "link://opened",
    "flow://progress",
    "flow://sign-in",
    "flow://review",
    "flow://esra",
    "flow://done",
    "flow://error",
    "app://close-requested",
];

fn harness(script: Script) -> Harness {
    harness_with(script, mock_context(noop_assets()))
}

/// Creates a harness with the app's real context, so its capabilities and CSP apply.
fn harness_with_app_acl() -> Harness {
    harness_with(
        Script::Review,
        tauri::generate_context!("../tauri.conf.json", test = true),
    )
}

fn harness_with(script: Script, context: tauri::Context<MockRuntime>) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let app = mock_builder()
        .invoke_handler(matter_signer_desktop::invoke_handler())
        .build(context)
        .unwrap();
    let ipc_log = dir.path().join("ipc.jsonl");
    let log = Arc::new(IpcLog::to_file(&ipc_log).unwrap());
    let backend = Arc::new(ScriptedBackend::new(script, dir.path().to_path_buf()));
    let browser = Arc::new(RecordingBrowser::default());
    let events = Arc::new(WindowEvents::new(app.handle().clone(), log.clone()));
    app.manage(Shell::new(backend.clone(), events, log, browser.clone()));

    let (sender, receiver) = channel();
    for name in EVENTS {
        let sender = sender.clone();
        let name = name.to_string();
        app.listen_any(name.clone(), move |event| {
            let payload = serde_json::from_str(event.payload()).unwrap();
            let _ = sender.send((name.clone(), payload));
        });
    }
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        app,
        window,
        events: receiver,
        browser,
        backend,
        _dir: dir,
        ipc_log,
    }
}

impl Harness {
    fn invoke(&self, command: &str, body: Value) -> Result<Value, Value> {
        common::invoke(&self.window, command, body)
    }

    /// Waits for event `name`, skipping others; fails after [`STEP_TIMEOUT`].
    fn next_event(&self, name: &str) -> Value {
        loop {
            let (event, payload) = self
                .events
                .recv_timeout(STEP_TIMEOUT)
                .unwrap_or_else(|_| panic!("no {name} event within {STEP_TIMEOUT:?}"));
            if event == name {
                return payload;
            }
        }
    }
}

#[test]
fn app_state_reports_mode_and_link() {
    let harness = harness(Script::Review);
    harness.app.state::<Shell>().receive_link(LINK);
    let state = harness.invoke("app_state", json!({})).unwrap();
    assert_eq!(state["mode"], "test");
    assert_eq!(state["sandbox"], true);
    assert_eq!(state["user"], Value::Null);
    assert_eq!(state["storage"]["kind"], "memory");
    assert_eq!(state["pending_link"], LINK);
}

#[test]
fn valid_link_emits_link_opened() {
    let harness = harness(Script::Review);
    harness.app.state::<Shell>().receive_link(LINK);
    assert_eq!(harness.next_event("link://opened")["link"], LINK);
}

#[test]
fn invalid_link_emits_error_not_link() {
    let harness = harness(Script::Review);
    harness
        .app
        .state::<Shell>()
        .receive_link("mattermode://evil");
    let error = harness.next_event("flow://error");
    assert_eq!(error["code"], "link_invalid");
    let state = harness.invoke("app_state", json!({})).unwrap();
    assert_eq!(state["pending_link"], Value::Null);
}

#[test]
fn parse_link_returns_request() {
    let harness = harness(Script::Review);
    let request = harness
        .invoke("parse_link", json!({ "link": LINK }))
        .unwrap();
    assert_eq!(request["kind"], "document");
    assert_eq!(request["document_id"], "doc_board_consent_2026");
}

#[test]
fn parse_link_error_has_code_and_message() {
    let harness = harness(Script::Review);
    let error = harness
        .invoke("parse_link", json!({ "link": "nope" }))
        .unwrap_err();
    assert_eq!(error["code"], "link_invalid");
    assert!(error["message"].as_str().unwrap().contains("nope"));
}

#[test]
fn signing_flow_routes_review_and_decision() {
    let harness = harness(Script::Review);
    let started = harness.invoke("start_signing", json!({ "link": LINK }));
    assert_eq!(started, Ok(Value::Null));

    let prompt = harness.next_event("flow://sign-in");
    assert_eq!(prompt["reason"]["kind"], "not_signed_in");
    assert_eq!(prompt["timeout"], 300);
    assert_eq!(harness.browser.0.lock().unwrap().len(), 1);

    let review = harness.next_event("flow://review");
    assert_eq!(review["document"]["id"], "doc_board_consent_2026");
    assert_eq!(review["packet_hash"], "cd".repeat(32));

    let decision = json!({ "decision": { "kind": "sign", "typed_name": "Jane Q. Founder" } });
    assert_eq!(harness.invoke("submit_decision", decision), Ok(Value::Null));

    let done = harness.next_event("flow://done");
    assert_eq!(done["saved"], true);
    assert_eq!(
        *harness.backend.signed.lock().unwrap(),
        vec!["Jane Q. Founder".to_string()]
    );
}

/// Runs the `Unsaved` script to its end and returns the `flow://done` payload.
fn sign_with_unsaved_receipt(harness: &Harness) -> Value {
    harness
        .invoke("start_signing", json!({ "link": LINK }))
        .unwrap();
    harness.next_event("flow://review");
    let decision = json!({ "decision": { "kind": "sign", "typed_name": "Jane Q. Founder" } });
    harness.invoke("submit_decision", decision).unwrap();
    harness.next_event("flow://done")
}

#[test]
fn unsaved_receipt_done_names_id_and_reason() {
    let harness = harness(Script::Unsaved);
    let done = sign_with_unsaved_receipt(&harness);
    assert_eq!(done["saved"], false);
    assert_eq!(done["unsaved"]["receipt_id"], "sgn_test1");
    assert_eq!(done["unsaved"]["document_title"], "Board consent 1");
    assert_eq!(done["unsaved"]["error"]["code"], "receipt_not_saved");
    assert_eq!(done["unsaved"]["error"]["cause_code"], "receipt_io_failed");
    let save_error = done["save_error"].as_str().unwrap();
    assert!(save_error.contains("sgn_test1"), "{save_error}");
    assert!(
        save_error.contains("No space left on device"),
        "{save_error}"
    );
    assert!(!save_error.contains("sign again"), "{save_error}");
}

#[test]
fn saved_receipt_done_has_null_unsaved() {
    let harness = harness(Script::Review);
    harness
        .invoke("start_signing", json!({ "link": LINK }))
        .unwrap();
    harness.next_event("flow://review");
    let decision = json!({ "decision": { "kind": "sign", "typed_name": "Jane Q. Founder" } });
    harness.invoke("submit_decision", decision).unwrap();
    let done = harness.next_event("flow://done");
    assert_eq!(done["unsaved"], Value::Null);
    let state = harness.invoke("app_state", json!({})).unwrap();
    assert_eq!(state["unsaved_receipts"], json!([]));
}

#[test]
fn app_state_lists_unsaved_receipts() {
    let harness = harness(Script::Unsaved);
    sign_with_unsaved_receipt(&harness);
    let state = harness.invoke("app_state", json!({})).unwrap();
    let unsaved = state["unsaved_receipts"].as_array().unwrap();
    assert_eq!(unsaved.len(), 1);
    assert_eq!(unsaved[0]["receipt_id"], "sgn_test1");
    assert_eq!(unsaved[0]["server_signed_at"], "2026-05-28T20:27:40Z");
}

#[test]
fn close_decision_prevents_with_unconfirmed_unsaved() {
    assert_eq!(close_decision(2, false), CloseDecision::Prevent);
}

#[test]
fn close_decision_allows_after_confirmation() {
    assert_eq!(close_decision(2, true), CloseDecision::Allow);
}

#[test]
fn close_decision_allows_without_unsaved() {
    assert_eq!(close_decision(0, false), CloseDecision::Allow);
}

#[test]
fn close_request_without_unsaved_is_allowed() {
    let harness = harness(Script::Review);
    let shell = harness.app.state::<Shell>();
    assert_eq!(shell.close_requested(), CloseDecision::Allow);
}

#[test]
fn close_with_unsaved_is_prevented() {
    let harness = harness(Script::Unsaved);
    sign_with_unsaved_receipt(&harness);
    let shell = harness.app.state::<Shell>();
    assert_eq!(shell.close_requested(), CloseDecision::Prevent);
    let payload = harness.next_event("app://close-requested");
    let unsaved = payload["unsaved_receipts"].as_array().unwrap();
    assert_eq!(unsaved.len(), 1);
    assert_eq!(unsaved[0]["receipt_id"], "sgn_test1");
    assert_eq!(unsaved[0]["document_title"], "Board consent 1");
}

#[test]
fn confirm_close_records_the_confirmation() {
    let harness = harness(Script::Unsaved);
    sign_with_unsaved_receipt(&harness);
    let shell = harness.app.state::<Shell>();
    assert!(!shell.close_confirmed());
    assert_eq!(harness.invoke("confirm_close", json!({})), Ok(Value::Null));
    assert!(shell.close_confirmed());
    assert_eq!(shell.close_requested(), CloseDecision::Allow);
}

#[test]
fn confirm_close_does_not_cover_a_later_receipt() {
    let harness = harness(Script::Unsaved);
    let shell = harness.app.state::<Shell>();
    harness.invoke("confirm_close", json!({})).unwrap();
    sign_with_unsaved_receipt(&harness);
    assert!(!shell.close_confirmed());
}

#[test]
fn window_close_waits_for_confirm_close() {
    use std::sync::atomic::{AtomicUsize, Ordering};

    let harness = harness(Script::Unsaved);
    sign_with_unsaved_receipt(&harness);
    let Harness {
        app,
        window,
        events,
        _dir,
        ..
    } = harness;
    let exits = Arc::new(AtomicUsize::new(0));
    let handle = app.handle().clone();
    let driver_exits = exits.clone();
    let (ready_sender, ready) = channel();
    let driver = std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // Before the event loop runs, the mock runtime drops a closed window
            // without asking, so the close waits for it.
            ready.recv_timeout(STEP_TIMEOUT).unwrap();
            window.close().unwrap();
            let payload = loop {
                let (name, payload) = events
                    .recv_timeout(STEP_TIMEOUT)
                    .expect("no app://close-requested event");
                if name == "app://close-requested" {
                    break payload;
                }
            };
            // A task queued after the close request runs once the event loop has
            // acted on it, so the exit count read then is final for that request.
            let (sender, receiver) = channel();
            handle
                .run_on_main_thread(move || sender.send(()).unwrap())
                .unwrap();
            receiver.recv_timeout(STEP_TIMEOUT).unwrap();
            let exits_before_confirm = driver_exits.load(Ordering::SeqCst);
            let confirmed = common::invoke(&window, "confirm_close", json!({})).map(|_| ());
            (payload, exits_before_confirm, confirmed)
        }));
        // Ends the event loop whatever happened above, so a failure cannot hang the test.
        let _ = window.destroy();
        outcome
    });
    let loop_exits = exits.clone();
    // The mock runtime reports window events to the run callback only, not to the
    // builder's window handler, so the callback hands them to the app's handler.
    app.run_return(move |handle, event| match event {
        tauri::RunEvent::WindowEvent { label, event, .. } => {
            if let Some(window) = handle.get_webview_window(&label) {
                matter_signer_desktop::on_window_event(&window.as_ref().window(), &event);
            }
        }
        tauri::RunEvent::Ready => {
            let _ = ready_sender.send(());
        }
        tauri::RunEvent::ExitRequested { .. } => {
            loop_exits.fetch_add(1, Ordering::SeqCst);
        }
        _ => {}
    });
    let (payload, exits_before_confirm, confirmed) = match driver.join().unwrap() {
        Ok(outcome) => outcome,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    assert_eq!(payload["unsaved_receipts"][0]["receipt_id"], "sgn_test1");
    assert_eq!(exits_before_confirm, 0);
    assert!(confirmed.is_ok(), "{confirmed:?}");
    assert_eq!(exits.load(Ordering::SeqCst), 1);
}

#[test]
fn save_unsaved_retry_keeps_receipt_on_failure() {
    let harness = harness(Script::Unsaved);
    sign_with_unsaved_receipt(&harness);
    let error = harness
        .invoke("save_unsaved_receipt", json!({ "receipt_id": "sgn_test1" }))
        .unwrap_err();
    assert_eq!(error["code"], "receipt_not_saved");
    assert_eq!(error["cause_code"], "receipt_io_failed");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("No space left on device"), "{message}");
    assert!(message.contains("Save a copy…"), "{message}");
    let state = harness.invoke("app_state", json!({})).unwrap();
    assert_eq!(state["unsaved_receipts"][0]["receipt_id"], "sgn_test1");
}

#[test]
fn save_unsaved_retry_saves_and_releases() {
    let harness = harness(Script::Unsaved);
    sign_with_unsaved_receipt(&harness);
    harness
        .invoke("save_unsaved_receipt", json!({ "receipt_id": "sgn_test1" }))
        .unwrap_err();
    *harness.backend.disk_full.lock().unwrap() = false;

    let done = harness
        .invoke("save_unsaved_receipt", json!({ "receipt_id": "sgn_test1" }))
        .unwrap();
    assert_eq!(done["saved"], true);
    assert_eq!(done["receipt"]["receipt_id"], "sgn_test1");
    assert_eq!(*harness.backend.saved.lock().unwrap(), ["sgn_test1"]);
    let state = harness.invoke("app_state", json!({})).unwrap();
    assert_eq!(state["unsaved_receipts"], json!([]));

    let again = harness
        .invoke("save_unsaved_receipt", json!({ "receipt_id": "sgn_test1" }))
        .unwrap_err();
    assert_eq!(again["code"], "not_found");
}

#[test]
fn save_unsaved_unknown_id_is_not_found() {
    let harness = harness(Script::Review);
    let error = harness
        .invoke("save_unsaved_receipt", json!({ "receipt_id": "sgn_nope" }))
        .unwrap_err();
    assert_eq!(error["code"], "not_found");
    assert!(error["message"].as_str().unwrap().contains("sgn_nope"));
    assert!(harness.backend.saved.lock().unwrap().is_empty());
}

#[test]
fn export_unsaved_unknown_id_is_not_found() {
    let harness = harness(Script::Review);
    let error = harness
        .invoke(
            "export_unsaved_receipt",
            json!({ "receipt_id": "sgn_nope" }),
        )
        .unwrap_err();
    assert_eq!(error["code"], "not_found");
}

#[test]
fn unsaved_receipt_copy_releases_it() {
    let harness = harness(Script::Unsaved);
    sign_with_unsaved_receipt(&harness);
    let path = harness._dir.path().join("sgn_test1.json");
    // The same step `export_unsaved_receipt` runs after its save dialog.
    let copy = harness
        .app
        .state::<Shell>()
        .unsaved
        .write_copy("sgn_test1", &path)
        .unwrap();
    assert_eq!(copy.path, path.display().to_string());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        sample_receipt().to_json_pretty()
    );
    let state = harness.invoke("app_state", json!({})).unwrap();
    assert_eq!(state["unsaved_receipts"], json!([]));
}

#[test]
fn unsaved_payloads_hold_no_token_shapes() {
    let harness = harness(Script::Unsaved);
    sign_with_unsaved_receipt(&harness);
    harness.invoke("app_state", json!({})).unwrap();
    harness
        .invoke("save_unsaved_receipt", json!({ "receipt_id": "sgn_test1" }))
        .unwrap_err();
    let log = std::fs::read_to_string(&harness.ipc_log).unwrap();
    assert!(
        log.contains("sgn_test1"),
        "the log recorded the unsaved receipt"
    );
    for prefix in ["sig_", "oat_", "clk_"] {
        assert!(!log.contains(prefix), "IPC log contains {prefix}");
    }
}

#[test]
fn second_start_while_running_is_busy() {
    let harness = harness(Script::HangAfterSignIn);
    harness
        .invoke("start_signing", json!({ "link": LINK }))
        .unwrap();
    harness.next_event("flow://sign-in");
    let error = harness
        .invoke("start_signing", json!({ "link": LINK }))
        .unwrap_err();
    assert_eq!(error["code"], "flow_busy");
}

#[test]
fn cancel_during_review_ends_flow_unsigned() {
    let harness = harness(Script::Review);
    harness
        .invoke("start_signing", json!({ "link": LINK }))
        .unwrap();
    harness.next_event("flow://review");
    assert_eq!(harness.invoke("cancel_flow", json!({})), Ok(Value::Null));
    let error = harness.next_event("flow://error");
    assert_eq!(error["code"], "cancelled");
    assert!(harness.backend.signed.lock().unwrap().is_empty());
}

#[test]
fn cancel_while_waiting_for_browser_stops_flow() {
    let harness = harness(Script::HangAfterSignIn);
    harness
        .invoke("start_signing", json!({ "link": LINK }))
        .unwrap();
    harness.next_event("flow://sign-in");
    assert_eq!(harness.invoke("cancel_flow", json!({})), Ok(Value::Null));
    assert_eq!(harness.next_event("flow://error")["code"], "cancelled");
    // The slot is free again, so a new flow can start.
    assert_eq!(
        harness.invoke("start_signing", json!({ "link": LINK })),
        Ok(Value::Null)
    );
}

#[test]
fn decision_without_flow_is_rejected() {
    let harness = harness(Script::Review);
    let decision = json!({ "decision": { "kind": "cancel" } });
    let error = harness.invoke("submit_decision", decision).unwrap_err();
    assert_eq!(error["code"], "no_pending_decision");
}

#[test]
fn malformed_decision_is_rejected() {
    let harness = harness(Script::Review);
    let decision = json!({ "decision": { "kind": "sign_everything" } });
    assert!(harness.invoke("submit_decision", decision).is_err());
}

#[test]
fn esra_without_prompt_is_rejected() {
    let harness = harness(Script::Review);
    let answer = json!({ "answer": { "kind": "affirm", "paper_copy_request_method": "email" } });
    let error = harness.invoke("submit_esra", answer).unwrap_err();
    assert_eq!(error["code"], "no_pending_consent");
}

#[test]
fn sign_in_returns_user() {
    let harness = harness(Script::Review);
    let user = harness.invoke("sign_in", json!({})).unwrap();
    assert_eq!(user["email"], "jane@example.test");
}

#[test]
fn list_receipts_passes_query() {
    let harness = harness(Script::Review);
    let listed = harness
        .invoke("list_receipts", json!({ "query": { "text": "board" } }))
        .unwrap();
    assert_eq!(listed["query_text"], "board");
}

#[test]
fn list_receipts_rejects_unknown_filter() {
    let harness = harness(Script::Review);
    let result = harness.invoke("list_receipts", json!({ "query": { "path": "/etc" } }));
    assert!(result.is_err());
}

#[test]
fn verify_receipt_error_reaches_ui() {
    let harness = harness(Script::Review);
    let error = harness
        .invoke("verify_receipt", json!({ "receipt_id": "rcpt_missing" }))
        .unwrap_err();
    assert_eq!(error["code"], "not_found");
}

#[test]
fn verify_receipt_rejects_camel_case_argument() {
    let harness = harness(Script::Review);
    let error = harness
        .invoke("verify_receipt", json!({ "receiptId": "rcpt_missing" }))
        .unwrap_err();
    assert!(error.to_string().contains("receipt_id"), "{error}");
}

#[test]
fn open_receipt_missing_file_is_open_failed() {
    let harness = harness(Script::Review);
    let error = harness
        .invoke(
            "open_receipt",
            json!({ "receipt_id": "rcpt_gone", "form": "json" }),
        )
        .unwrap_err();
    assert_eq!(error["code"], "open_failed");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("rcpt_gone.json"));
}

#[test]
fn ipc_log_records_events_and_responses() {
    let harness = harness(Script::Review);
    harness.app.state::<Shell>().receive_link(LINK);
    harness.next_event("link://opened");
    harness.invoke("app_state", json!({})).unwrap();
    let log = std::fs::read_to_string(&harness.ipc_log).unwrap();
    let lines: Vec<Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(lines
        .iter()
        .any(|line| line["kind"] == "event" && line["name"] == "link://opened"));
    assert!(lines
        .iter()
        .any(|line| line["kind"] == "response" && line["name"] == "app_state"));
}

#[test]
fn capability_allows_own_commands() {
    let harness = harness_with_app_acl();
    let state = harness.invoke("app_state", json!({}));
    assert!(state.is_ok(), "{state:?}");
}

#[test]
fn capability_allows_unsaved_receipt_commands() {
    let harness = harness_with_app_acl();
    for command in ["save_unsaved_receipt", "export_unsaved_receipt"] {
        let error = harness
            .invoke(command, json!({ "receipt_id": "sgn_nope" }))
            .unwrap_err();
        assert_eq!(error["code"], "not_found", "{command}: {error}");
    }
}

#[test]
fn capability_allows_event_listening() {
    let harness = harness_with_app_acl();
    let listened = harness.invoke(
        "plugin:event|listen",
        json!({ "event": "flow://progress", "target": { "kind": "Any" }, "handler": 7 }),
    );
    assert!(listened.is_ok(), "{listened:?}");
}

#[test]
fn capability_denies_window_control() {
    let harness = harness_with_app_acl();
    let denied = harness.invoke("plugin:window|close", json!({ "label": "main" }));
    assert!(denied.unwrap_err().to_string().contains("not allowed"));
}

#[test]
fn capability_denies_event_emit() {
    let harness = harness_with_app_acl();
    let denied = harness.invoke(
        "plugin:event|emit",
        json!({ "event": "flow://done", "payload": {} }),
    );
    assert!(denied.unwrap_err().to_string().contains("not allowed"));
}
