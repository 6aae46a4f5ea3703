//! Builds the Tauri context from the repository-root `tauri.conf.json` and declares
//! the app's commands, so that only those granted in `capabilities/` reach the webview.

/// The commands the shell registers; keep in step with `generate_handler!` in `lib.rs`
/// and with the grants in `capabilities/main-window.json`.
const COMMANDS: &[&str] = &[
    "app_state",
    "parse_link",
    "start_signing",
    "submit_decision",
    "submit_esra",
    "cancel_flow",
    "sign_in",
    "sign_out",
    "list_receipts",
    "verify_receipt",
    "open_receipt",
    "reveal_receipt",
    "export_receipt",
    "save_unsaved_receipt",
    "export_unsaved_receipt",
    "first_paint",
    "confirm_close",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed; see the message above");
}
