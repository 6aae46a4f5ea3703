//! `matter-signer`: the terminal front end of Matter Signer.
//!
//! This binary parses the command line, sets up logging and routes each command to
//! the engine (`matter-engine`), the receipts library (`matter-receipts`) or the
//! embedded sandbox (`matter-sandbox`). It decides nothing about signing itself.

mod browser;
mod cli;
mod commands;
mod embedded;
mod engine_error;
mod exit;
mod render;
mod settings;
mod terminal;

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::cli::Cli;
use crate::exit::{CliError, Exit};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.global.verbose);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            report(&CliError::failure(format!(
                "could not start the async runtime: {error}"
            )));
            return Exit::Failure.into();
        }
    };

    let result = runtime.block_on(commands::run(cli));
    // A prompt abandoned by Ctrl-C leaves a thread blocked on stdin; do not wait for it.
    runtime.shutdown_background();
    match result {
        Ok(()) => Exit::Success.into(),
        Err(error) => {
            tracing::debug!(exit = error.exit.code(), code = ?error.code, request_id = ?error.request_id, "command failed");
            report(&error);
            error.exit.into()
        }
    }
}

/// Prints a failure on stderr as `error: <message>`.
fn report(error: &CliError) {
    eprintln!("error: {error}");
}

/// Logs to stderr. `RUST_LOG` wins when set; otherwise `-v` means debug, `-vv` trace
/// and the default is warnings only, so normal output stays readable.
fn init_logging(verbose: u8) {
    let default_level = match verbose {
        0 => "warn",
        1 => "debug",
        _ => "trace",
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true)
        .try_init();
}
