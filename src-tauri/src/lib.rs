//! Matter Signer desktop shell: a thin Tauri v2 layer over `matter-engine`.
//!
//! The shell routes links, commands and events; everything that decides or protects
//! anything lives in the engine.
//!
//! Plugins are registered in the order the Tauri deep-linking guide requires
//! (<https://v2.tauri.app/plugin/deep-linking/>). Single-instance, with its `deep-link`
//! feature, comes first, so that a second launch forwards its argv to the running app
//! and exits before doing anything else. Deep-link follows, then opener and dialog,
//! which only Rust uses.

pub mod args;
pub mod backend;
pub mod bench;
pub mod browser;
pub mod commands;
pub mod engine_backend;
pub mod error;
pub mod events;
pub mod interaction;
pub mod state;
pub mod unconfigured;
pub mod unsaved;

use std::sync::Arc;

use tauri::{AppHandle, Manager, Runtime, WebviewWindowBuilder, WindowEvent};

use crate::args::{Args, Parsed};
use crate::browser::SystemBrowser;
use crate::events::{IpcLog, WindowEvents, MAIN_WINDOW};
use crate::state::{CloseDecision, Shell};

/// The handler for every command in [`commands`]; the list matches `build.rs`.
pub fn invoke_handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        commands::app_state,
        commands::parse_link,
        commands::start_signing,
        commands::submit_decision,
        commands::submit_esra,
        commands::cancel_flow,
        commands::sign_in,
        commands::sign_out,
        commands::list_receipts,
        commands::verify_receipt,
        commands::open_receipt,
        commands::reveal_receipt,
        commands::export_receipt,
        commands::save_unsaved_receipt,
        commands::export_unsaved_receipt,
        commands::first_paint,
        commands::confirm_close,
    ]
}

/// Runs the app; returns the process exit code.
pub fn run() -> i32 {
    bench::mark_start();
    init_tracing();

    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(args)) => args,
        Ok(Parsed::Help) => {
            print!("{}", args::USAGE);
            return 0;
        }
        Ok(Parsed::Version) => {
            println!("matter-signer-desktop {}", env!("CARGO_PKG_VERSION"));
            return 0;
        }
        Err(message) => {
            eprintln!("matter-signer-desktop: {message}\n\n{}", args::USAGE);
            return 2;
        }
    };
    tracing::info!(
        sandbox = args.sandbox,
        link = args.link.is_some(),
        "starting"
    );

    let builder = tauri::Builder::default();
    #[cfg(desktop)]
    let builder = builder.plugin(tauri_plugin_single_instance::init(on_second_launch));
    let result = builder
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(invoke_handler())
        .setup(move |app| {
            // Tauri panics on an error returned here, so it is reported and the app
            // exits with status 1 instead. Backend errors never get here: the window
            // shows them (see `engine_backend::start`).
            if let Err(error) = setup(app, &args) {
                tracing::error!(%error, "the app could not open its window");
                eprintln!("matter-signer-desktop: could not open the window: {error}");
                app.handle().exit(1);
            }
            Ok(())
        })
        .on_window_event(on_window_event)
        .run(tauri::generate_context!("../tauri.conf.json"));
    match result {
        Ok(()) => {
            tracing::info!("stopped");
            0
        }
        Err(error) => {
            tracing::error!(%error, "the app stopped with an error");
            eprintln!("matter-signer-desktop: {error}");
            1
        }
    }
}

/// Starts the backend, manages the shell state, opens the window and reads the
/// cold-start link. Runs after the plugins, so a second launch never gets here.
fn setup(app: &mut tauri::App, args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let ipc_log = Arc::new(IpcLog::from_env());
    let backend = engine_backend::start(args, app.handle());
    let events = Arc::new(WindowEvents::new(app.handle().clone(), ipc_log.clone()));
    app.manage(Shell::new(
        backend,
        events,
        ipc_log,
        Arc::new(SystemBrowser),
    ));

    register_scheme_for_development(app.handle());
    create_main_window(app.handle())?;

    // Linux and Windows pass the link as an argument; macOS delivers it as an event.
    if let Some(link) = &args.link {
        app.state::<Shell>().receive_link(link);
    }
    #[cfg(target_os = "macos")]
    {
        use tauri_plugin_deep_link::DeepLinkExt;
        let handle = app.handle().clone();
        app.deep_link().on_open_url(move |event| {
            for url in event.urls() {
                handle.state::<Shell>().receive_link(url.as_str());
            }
        });
    }
    Ok(())
}

/// Creates the main window from its `tauri.conf.json` entry (`create: false` there,
/// so the bench initialization script can be added here).
fn create_main_window<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|window| window.label == MAIN_WINDOW)
        .cloned()
        .expect("tauri.conf.json declares the main window");
    let mut builder = WebviewWindowBuilder::from_config(app, &config)?;
    if bench::enabled() {
        builder = builder.initialization_script(bench::FIRST_PAINT_SCRIPT);
    }
    builder.build()?;
    Ok(())
}

/// Receives the argv of a second launch: focuses the window and opens its link.
#[cfg(desktop)]
fn on_second_launch<R: Runtime>(app: &AppHandle<R>, argv: Vec<String>, _cwd: String) {
    tracing::info!(
        arguments = argv.len().saturating_sub(1),
        "second launch forwarded"
    );
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.unminimize();
        let _ = window.show();
        if let Err(error) = window.set_focus() {
            tracing::warn!(%error, "could not focus the main window");
        }
    }
    if let Some(link) = args::forwarded_link(&argv) {
        app.state::<Shell>().receive_link(link);
    }
}

/// Handles the main window's close. While signed receipts are unsaved and the human
/// has not confirmed losing them, the close is prevented and the UI asks (see
/// [`Shell::close_requested`]). Otherwise pending waits are cancelled, so the flow
/// ends before signing.
pub fn on_window_event<R: Runtime>(window: &tauri::Window<R>, event: &WindowEvent) {
    let Some(shell) = window.try_state::<Shell>() else {
        return;
    };
    match event {
        WindowEvent::CloseRequested { api, .. } => {
            if shell.close_requested() == CloseDecision::Prevent {
                api.prevent_close();
                return;
            }
        }
        WindowEvent::Destroyed => {}
        _ => return,
    }
    if let Err(error) = shell.cancel() {
        tracing::warn!(code = %error.code, "window closed while signing was under way");
    }
}

/// Registers `mattermode://` with the desktop in Linux development builds, so that
/// `xdg-open 'mattermode://…'` reaches this binary. Installed packages declare the
/// scheme in their `.desktop` file instead.
fn register_scheme_for_development<R: Runtime>(app: &AppHandle<R>) {
    #[cfg(all(debug_assertions, target_os = "linux"))]
    {
        use tauri_plugin_deep_link::DeepLinkExt;
        match app.deep_link().register_all() {
            Ok(()) => tracing::info!("registered the mattermode scheme for this build"),
            Err(error) => {
                tracing::warn!(%error, "could not register the mattermode scheme; links from the browser will not reach this build")
            }
        }
    }
    #[cfg(not(all(debug_assertions, target_os = "linux")))]
    let _ = app;
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
