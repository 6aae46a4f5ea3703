//! One function per command; each returns `Ok(())` or the [`CliError`] to report.

mod account;
mod receipts;
mod sign;
mod verify;

use matter_receipts::TrustedKeys;

use crate::cli::{Cli, Command, GlobalOptions, ReceiptsCommand, VerifyArgs};
use crate::exit::CliResult;
use crate::settings;

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> CliResult<()> {
    let Cli { global, command } = cli;
    match command {
        Command::Demo(args) => sign::demo(&global, &args).await,
        Command::Sign(args) => sign::sign(&global, &args).await,
        Command::Login => account::login(&global).await,
        Command::Logout => account::logout(&global).await,
        Command::Whoami(args) => account::whoami(&global, &args).await,
        Command::Receipts(command) => run_receipts(&global, command),
    }
}

/// The receipt commands work on local files only: none builds an HTTP client.
fn run_receipts(global: &GlobalOptions, command: ReceiptsCommand) -> CliResult<()> {
    match command {
        ReceiptsCommand::List(args) => receipts::list(global, &args),
        ReceiptsCommand::Show(args) => receipts::show(global, &args),
        ReceiptsCommand::Verify(args) => receipts_verify(global, &args),
        ReceiptsCommand::Export(args) => receipts::export(global, &args),
        ReceiptsCommand::ExportAll(args) => receipts::export_all(global, &args),
        ReceiptsCommand::Import(args) => receipts::import(global, &args, &trusted_keys(global)?),
    }
}

fn receipts_verify(global: &GlobalOptions, args: &VerifyArgs) -> CliResult<()> {
    let keys = trusted_keys(global)?;
    let report = verify::verify_file(&args.path, &keys)?;
    verify::print_report(&args.path, &report, args.json)
}

/// Loads the pinned keys plus the keys cached in every local data directory.
fn trusted_keys(global: &GlobalOptions) -> CliResult<TrustedKeys> {
    let mut keys = TrustedKeys::pinned();
    for dir in settings::local_data_dirs(global)? {
        let cached = TrustedKeys::load(&dir).map_err(receipts::store_error)?;
        for key in cached.keys() {
            keys.insert(key.clone());
        }
    }
    Ok(keys)
}
