//! `sign` and `demo`: run the engine's signing flow and report the receipt.

use std::sync::Arc;

use matter_engine::clock::SystemClock;
use matter_engine::config::{Config, Mode};
use matter_engine::deep_link::{parse_link, LinkError, SigningRequest};
use matter_engine::flow::{Engine, FrontEnd, SignOutcome};
use matter_engine::interaction::{Interaction, PaperCopyMethod};
use matter_engine::secrets::{open_secret_store, service_name, SecretStore};
use matter_receipts::Rendering;
use matter_sandbox::seed;

use crate::cli::{DemoArgs, GlobalOptions, PaperCopyArg, PresetArgs, SignArgs};
use crate::commands::verify;
use crate::embedded::{AutoSignIn, EmbeddedSandbox};
use crate::exit::{CliError, CliResult, Exit};
use crate::settings;
use crate::terminal::{validate_typed_name, Presets, TerminalInteraction};

/// Marker lines around the receipt JSON printed when it could not be saved.
pub const UNSAVED_BEGIN: &str = "-----BEGIN MATTER SIGNER RECEIPT-----";
pub const UNSAVED_END: &str = "-----END MATTER SIGNER RECEIPT-----";

pub async fn demo(global: &GlobalOptions, args: &DemoArgs) -> CliResult<()> {
    let presets = presets(&args.presets, Mode::Test, true)?;
    let link = format!(
        "mattermode://sign?document_id={}&stakeholder_id={}",
        seed::BOARD_CONSENT_DOC_ID,
        seed::JANE_STAKEHOLDER_ID
    );
    let request = parse_link(&link).map_err(link_error)?;

    let data_dir = settings::data_dir_for(global, Mode::Test)?;
    let sandbox = EmbeddedSandbox::start().await?;
    let result = async {
        let engine = build_engine(sandbox.config(global, data_dir), EmbeddedSandbox::secrets())?;
        eprintln!(
            "Demo: signing {} as {} against the embedded sandbox.",
            seed::BOARD_CONSENT_DOC_ID,
            seed::JANE_STAKEHOLDER_ID
        );
        let terminal = TerminalInteraction::new(presets);
        let ui = AutoSignIn::new(&terminal);
        let outcome = run_flow(&engine, &request, &ui, &terminal).await?;
        report_outcome(outcome)
    }
    .await;
    sandbox.shutdown().await;
    result
}

pub async fn sign(global: &GlobalOptions, args: &SignArgs) -> CliResult<()> {
    // The link is checked first, so a bad link is named before anything else happens.
    let request = parse_link(&args.link).map_err(link_error)?;

    if global.sandbox {
        let presets = presets(&args.presets, Mode::Test, true)?;
        let data_dir = settings::data_dir_for(global, Mode::Test)?;
        let sandbox = EmbeddedSandbox::start().await?;
        let result = async {
            let engine =
                build_engine(sandbox.config(global, data_dir), EmbeddedSandbox::secrets())?;
            let terminal = TerminalInteraction::new(presets);
            let outcome = if global.sandbox_auto_login {
                run_flow(&engine, &request, &AutoSignIn::new(&terminal), &terminal).await?
            } else {
                run_flow(&engine, &request, &terminal, &terminal).await?
            };
            report_outcome(outcome)
        }
        .await;
        sandbox.shutdown().await;
        return result;
    }

    let config = settings::load_config(global)?;
    let presets = presets(&args.presets, config.mode, config.embedded_sandbox)?;
    let secrets = keyring_store(config.mode).await;
    let engine = build_engine(config, secrets)?;
    let terminal = TerminalInteraction::new(presets);
    let outcome = run_flow(&engine, &request, &terminal, &terminal).await?;
    report_outcome(outcome)
}

/// Checks `--typed-name` and `--agree-esra` against the mode: both are rejected in
/// live mode unless the engine runs against the embedded sandbox.
fn presets(args: &PresetArgs, mode: Mode, embedded_sandbox: bool) -> CliResult<Presets> {
    let typed_name = match &args.typed_name {
        Some(raw) => Some(validate_typed_name(raw).map_err(|problem| {
            CliError::usage(format!("--typed-name {raw:?} is invalid: {problem}"))
        })?),
        None => None,
    };
    if mode == Mode::Live && !embedded_sandbox {
        for (given, flag) in [
            (typed_name.is_some(), "--typed-name"),
            (args.agree_esra.is_some(), "--agree-esra"),
        ] {
            if given {
                return Err(CliError::usage(format!(
                    "{flag} is not accepted in live mode, where a signature is legally binding: \
                     type your answer at the terminal, or use --mode test or --sandbox"
                )));
            }
        }
    }
    Ok(Presets {
        typed_name,
        esra: args.agree_esra.map(|method| match method {
            PaperCopyArg::Email => PaperCopyMethod::Email,
            PaperCopyArg::PostalMail => PaperCopyMethod::PostalMail,
        }),
        embedded_sandbox,
    })
}

pub fn link_error(error: LinkError) -> CliError {
    let code = error.code();
    CliError::usage(format!("invalid link: {error}")).with_code(code)
}

/// Opens the OS keyring for `mode`, or memory with a warning when there is none.
pub async fn keyring_store(mode: Mode) -> Arc<dyn SecretStore> {
    let service = service_name(mode);
    let store = tokio::task::spawn_blocking(move || open_secret_store(&service))
        .await
        .unwrap_or_else(|error| {
            tracing::warn!(%error, "opening the keyring failed");
            Arc::new(matter_engine::secrets::MemoryStore::new(format!(
                "opening the keyring failed: {error}"
            )))
        });
    if let matter_engine::secrets::StorageKind::Memory { reason } = store.kind() {
        eprintln!("warning: your sign-in will last only until this command ends ({reason})");
    }
    store
}

pub fn build_engine(config: Config, secrets: Arc<dyn SecretStore>) -> CliResult<Engine> {
    Engine::new(config, secrets, Arc::new(SystemClock), FrontEnd::Cli).map_err(CliError::from)
}

/// Runs the flow. Ctrl-C cancels it until the signing session is being created; from
/// then on it is ignored, because a signature may exist whose receipt is not saved yet.
async fn run_flow(
    engine: &Engine,
    request: &SigningRequest,
    ui: &dyn Interaction,
    terminal: &TerminalInteraction,
) -> CliResult<SignOutcome> {
    let flow = engine.sign(request, ui);
    tokio::pin!(flow);
    loop {
        tokio::select! {
            result = &mut flow => return result.map_err(CliError::from),
            signal = tokio::signal::ctrl_c() => {
                if let Err(error) = signal {
                    tracing::warn!(%error, "cannot listen for Ctrl-C");
                    return flow.await.map_err(CliError::from);
                }
                if terminal.past_point_of_no_return() {
                    eprintln!("Signing is under way and cannot be stopped now; waiting for the receipt to be saved.");
                    continue;
                }
                eprintln!();
                return Err(CliError::cancelled());
            }
        }
    }
}

/// Prints where the receipt went and its verification, or, when it could not be
/// saved, prints the receipt JSON on stdout and returns exit code 6.
fn report_outcome(outcome: SignOutcome) -> CliResult<()> {
    let saved = match outcome.saved {
        Ok(saved) => saved,
        Err(unsaved) => {
            eprintln!(
                "The document was signed (signature {}), but the receipt could not be saved: {}",
                outcome.receipt_id, unsaved.error
            );
            eprintln!(
                "The receipt follows on stdout between the marker lines. Copy it into a file now, \
                 then run: matter-signer receipts import FILE"
            );
            println!("{UNSAVED_BEGIN}");
            print!(
                "{}",
                String::from_utf8_lossy(&unsaved.receipt.to_json_pretty())
            );
            println!("{UNSAVED_END}");
            return Err(CliError::new(
                Exit::ReceiptNotSaved,
                format!(
                    "signed, but the receipt {} was not saved: {}; it was printed above for `matter-signer receipts import`",
                    outcome.receipt_id, unsaved.error
                ),
            )
            .with_code(unsaved.error.code()));
        }
    };

    println!();
    println!(
        "Signed. Signature {} on document {}.",
        outcome.receipt_id, outcome.document_id
    );
    if outcome.replayed {
        println!("(Matter replayed the answer to an earlier attempt of this same signature.)");
    }
    println!("Receipt saved:");
    println!("  {}", saved.json_path.display());
    for (label, rendering) in [("HTML", &saved.html), ("PDF", &saved.pdf)] {
        match rendering {
            Rendering::Written { path } => println!("  {}", path.display()),
            Rendering::Failed { path, reason } => eprintln!(
                "warning: the {label} copy {} was not written ({reason}); the JSON receipt above is complete",
                path.display()
            ),
        }
    }
    if let Some(reason) = &saved.index_error {
        eprintln!(
            "warning: the receipts index was not updated ({reason}); `receipts list` repairs it"
        );
    }
    println!();
    println!("Offline verification of the saved receipt:");
    verify::print_report(&saved.json_path, &outcome.verification, false)
}
