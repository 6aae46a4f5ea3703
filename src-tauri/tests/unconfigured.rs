//! The shell over [`UnconfiguredBackend`] through Tauri's mock runtime: the startup
//! error reaches `app_state`, and every command that would reach the engine fails
//! with it instead of panicking or opening a link.

mod common;

use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;
use std::time::Duration;

use matter_signer_desktop::browser::BrowserOpener;
use matter_signer_desktop::events::{IpcLog, WindowEvents};
use matter_signer_desktop::state::Shell;
use matter_signer_desktop::unconfigured::{StartupError, UnconfiguredBackend, NOT_CONFIGURED};
use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::{App, Listener, Manager, WebviewWindow, WebviewWindowBuilder};

const LINK: &str = "mattermode://sign?document_id=doc_x&stakeholder_id=stk_x";
const MESSAGE: &str = "No OAuth issuer is configured: set MATTER_ISSUER to the issuer URL Matter gave you, or run with --sandbox.";
const EVENT_TIMEOUT: Duration = Duration::from_secs(10);

struct NoBrowser;

impl BrowserOpener for NoBrowser {
    fn open(&self, _url: &str) -> Result<(), String> {
        panic!("an unconfigured app must never open the browser");
    }
}

struct Harness {
    app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    errors: Receiver<Value>,
    link_events: Receiver<Value>,
}

fn harness() -> Harness {
    let app = mock_builder()
        .invoke_handler(matter_signer_desktop::invoke_handler())
        .build(mock_context(noop_assets()))
        .unwrap();
    let startup = StartupError::not_configured("config_missing_issuer", MESSAGE.into());
    let backend = Arc::new(UnconfiguredBackend::new(startup));
    let log = Arc::new(IpcLog::disabled());
    let events = Arc::new(WindowEvents::new(app.handle().clone(), log.clone()));
    app.manage(Shell::new(backend, events, log, Arc::new(NoBrowser)));

    let (error_sender, errors) = channel();
    app.listen_any("flow://error", move |event| {
        let _ = error_sender.send(serde_json::from_str(event.payload()).unwrap());
    });
    let (link_sender, link_events) = channel();
    app.listen_any("link://opened", move |event| {
        let _ = link_sender.send(serde_json::from_str(event.payload()).unwrap());
    });
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        app,
        window,
        errors,
        link_events,
    }
}

impl Harness {
    fn invoke(&self, command: &str, body: Value) -> Result<Value, Value> {
        common::invoke(&self.window, command, body)
    }
}

#[test]
fn app_state_carries_startup_error() {
    let harness = harness();
    let state = harness.invoke("app_state", json!({})).unwrap();
    let startup = &state["startup_error"];
    assert_eq!(startup["code"], NOT_CONFIGURED);
    assert_eq!(startup["cause_code"], "config_missing_issuer");
    assert_eq!(startup["message"], MESSAGE);
    assert_eq!(startup["link_not_opened"], false);
    assert_eq!(state["user"], Value::Null);
    assert_eq!(state["pending_link"], Value::Null);
}

#[test]
fn startup_error_names_config_file() {
    let harness = harness();
    let state = harness.invoke("app_state", json!({})).unwrap();
    let config_file = state["startup_error"]["config_file"].as_str().unwrap();
    assert!(
        config_file.ends_with("matter-signer/config.toml"),
        "config_file was {config_file}"
    );
}

#[test]
fn engine_commands_return_not_configured() {
    let harness = harness();
    let calls = [
        ("parse_link", json!({ "link": LINK })),
        ("start_signing", json!({ "link": LINK })),
        ("sign_in", json!({})),
        ("sign_out", json!({})),
        ("list_receipts", json!({ "query": {} })),
        ("verify_receipt", json!({ "receipt_id": "sgn_1" })),
        (
            "open_receipt",
            json!({ "receipt_id": "sgn_1", "form": "json" }),
        ),
        ("reveal_receipt", json!({ "receipt_id": "sgn_1" })),
        ("export_receipt", json!({ "receipt_id": "sgn_1" })),
    ];
    for (command, body) in calls {
        let error = harness
            .invoke(command, body)
            .expect_err(&format!("{command} succeeded without configuration"));
        assert_eq!(error["code"], NOT_CONFIGURED, "{command}");
        assert_eq!(error["message"], MESSAGE, "{command}");
    }
}

#[test]
fn received_link_reports_not_configured() {
    let harness = harness();
    harness.app.state::<Shell>().receive_link(LINK);

    let error = harness.errors.recv_timeout(EVENT_TIMEOUT).unwrap();
    assert_eq!(error["code"], NOT_CONFIGURED);
    assert_eq!(error["message"], MESSAGE);
    assert!(harness.link_events.try_recv().is_err());

    let state = harness.invoke("app_state", json!({})).unwrap();
    assert_eq!(state["pending_link"], Value::Null);
    assert_eq!(state["startup_error"]["link_not_opened"], true);
}
