//! The command line: every command, option and its help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit::EXIT_CODES_HELP;

const CONFIG_AND_LOGGING_HELP: &str = "\
Configuration is read from the flags, then the environment (MATTER_API_BASE, MATTER_ISSUER, \
MATTER_CLIENT_ID, MATTER_MODE, MATTER_VERSION, MATTER_REDIRECT_PORT, MATTER_DATA_DIR), then the \
configuration file (--config or MATTER_CONFIG, else $XDG_CONFIG_HOME/matter-signer/config.toml); \
the first value found wins.

Logging goes to stderr; RUST_LOG (for example RUST_LOG=debug) or -v/-vv sets the level. \
No token, code or signing token is ever printed or logged.";

/// The text after `--help`: configuration sources, logging, and the exit-code table.
fn after_help() -> String {
    format!("{CONFIG_AND_LOGGING_HELP}\n\n{EXIT_CODES_HELP}")
}

/// Signs Matter documents from the terminal and verifies signing receipts offline.
///
/// A `mattermode://` link names a document or an envelope slot. `matter-signer sign LINK`
/// signs you in through your browser, shows the disclosure packet and its SHA-256, asks
/// for your typed full name, signs, and saves a receipt that verifies without a network.
/// `matter-signer demo` does the same against an embedded sandbox.
#[derive(Debug, Parser)]
#[command(name = "matter-signer", version, after_help = after_help())]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOptions,

    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct GlobalOptions {
    /// Matter API base URL, for example http://127.0.0.1:8080/v1 [env: MATTER_API_BASE]
    /// [default: https://api.mattermode.com/v1]
    #[arg(long, value_name = "URL", global = true)]
    pub api_base: Option<String>,

    /// OAuth issuer (the identity provider's origin); required except with --sandbox
    /// [env: MATTER_ISSUER]
    #[arg(long, value_name = "URL", global = true)]
    pub issuer: Option<String>,

    /// OAuth client id of this app [env: MATTER_CLIENT_ID] [default: matter_signer_desktop]
    #[arg(long, value_name = "ID", global = true)]
    pub client_id: Option<String>,

    /// Test or live. Live signatures are legally binding and must be confirmed at a
    /// terminal [env: MATTER_MODE] [default: live]
    #[arg(long, value_enum, global = true)]
    pub mode: Option<ModeArg>,

    /// Matter-Version header sent on every API call, YYYY-MM-DD [env: MATTER_VERSION]
    /// [default: 2026-06-10]
    #[arg(long, value_name = "DATE", global = true)]
    pub matter_version: Option<String>,

    /// Configuration file (TOML); when named, it must exist
    /// [default: $XDG_CONFIG_HOME/matter-signer/config.toml]
    #[arg(long, value_name = "FILE", global = true, env = "MATTER_CONFIG")]
    pub config: Option<PathBuf>,

    /// Data directory for receipts and cached keys, used as given for both modes
    /// [env: MATTER_DATA_DIR] [default: $XDG_DATA_HOME/matter-signer/<mode>]
    #[arg(long, value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,

    /// Loopback port for the sign-in redirect; 0 picks a free port
    /// [env: MATTER_REDIRECT_PORT] [default: 0]
    #[arg(long, value_name = "PORT", global = true)]
    pub redirect_port: Option<u16>,

    /// How long to wait for the browser sign-in, in seconds [default: 300]
    #[arg(long, value_name = "SECONDS", global = true)]
    pub sign_in_timeout: Option<u64>,

    /// Timeout of each HTTP request, in seconds [default: 30]
    #[arg(long, value_name = "SECONDS", global = true)]
    pub http_timeout: Option<u64>,

    /// Run the command against a sandbox started inside this process, on 127.0.0.1.
    /// Its sign-ins and tokens end with the process; receipts go to the test-mode data
    /// directory
    #[arg(long, global = true)]
    pub sandbox: bool,

    /// With --sandbox: sign in automatically as the sandbox demo user
    /// jane@acme.example instead of opening the browser
    #[arg(long, global = true, requires = "sandbox")]
    pub sandbox_auto_login: bool,

    /// More log output on stderr: -v for debug, -vv for trace (RUST_LOG overrides)
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    Test,
    Live,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign the seeded demo document against an embedded sandbox, with no setup.
    ///
    /// Starts a sandbox on 127.0.0.1 inside this process, signs in automatically as the
    /// demo user jane@acme.example (allowed only against the embedded sandbox, and
    /// announced), shows the disclosure packet and its SHA-256, asks for your typed
    /// full name, signs, saves the receipt in the test-mode data directory, and
    /// verifies it offline.
    Demo(DemoArgs),

    /// Sign the document or envelope slot named by a mattermode:// link.
    ///
    /// Opens your browser to sign in (honouring $BROWSER) and prints the URL too,
    /// shows the disclosure packet and its SHA-256, and asks for your typed full name.
    /// In live mode the name must be typed at a terminal.
    Sign(SignArgs),

    /// Sign in through the browser and keep the sign-in for later commands.
    Login,

    /// Sign out: forget the stored sign-in on this computer.
    Logout,

    /// Show who is signed in (exit code 3 when nobody is).
    Whoami(JsonFlag),

    /// List, show, verify, export and import signing receipts.
    #[command(subcommand)]
    Receipts(ReceiptsCommand),
}

/// Answers that replace prompts; accepted only in test mode or with --sandbox.
#[derive(Debug, Args)]
pub struct PresetArgs {
    /// Your full name as the signature, instead of typing it at the prompt. Accepted
    /// only in test mode or against the embedded sandbox
    #[arg(long, value_name = "NAME")]
    pub typed_name: Option<String>,

    /// Consent to electronic records if Matter asks, naming how you would request a
    /// paper copy, instead of answering at the prompt. Accepted only where
    /// --typed-name is
    #[arg(long, value_enum, value_name = "METHOD")]
    pub agree_esra: Option<PaperCopyArg>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub presets: PresetArgs,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The signing link, for example mattermode://sign?document_id=doc_board_consent_2026&stakeholder_id=stk_jane_founder
    #[arg(value_name = "LINK")]
    pub link: String,

    #[command(flatten)]
    pub presets: PresetArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaperCopyArg {
    Email,
    PostalMail,
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print JSON on stdout instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReceiptsCommand {
    /// List saved receipts, newest first, from the receipts index.
    List(ListArgs),

    /// Show one saved receipt by its id (sgn_…).
    Show(ShowArgs),

    /// Verify a receipt file offline (JSON, HTML or PDF); makes no network call.
    ///
    /// Reports two verdicts: integrity (the receipt is unchanged since Matter signed it)
    /// and trust (the signing key is one of Matter's keys for the receipt's mode).
    Verify(VerifyArgs),

    /// Copy one receipt (JSON, HTML and PDF) into a directory.
    Export(ExportArgs),

    /// Write every saved receipt into one archive file.
    ExportAll(ExportAllArgs),

    /// Save a receipt that could not be saved when it was signed.
    ///
    /// When saving fails after signing, matter-signer prints the receipt JSON and exits
    /// with code 6; put that JSON in a file and import it here. The receipt is verified
    /// before it is saved.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only receipts whose document id or title contains TEXT (case-insensitive)
    #[arg(long, value_name = "TEXT")]
    pub document: Option<String>,

    /// Only receipts whose entity id or name contains TEXT (case-insensitive)
    #[arg(long, value_name = "TEXT")]
    pub entity: Option<String>,

    /// Only receipts whose stakeholder id or name contains TEXT (case-insensitive)
    #[arg(long, value_name = "TEXT")]
    pub stakeholder: Option<String>,

    /// Only receipts signed on or after this day, YYYY-MM-DD (UTC)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// Only receipts signed on or before this day, YYYY-MM-DD (UTC)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,

    /// Print JSON on stdout instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Receipt id (the signature id, sgn_…)
    #[arg(value_name = "ID")]
    pub id: String,

    /// Print the receipt JSON on stdout instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The receipt file: receipt.json, receipt.html or receipt.pdf
    #[arg(value_name = "PATH")]
    pub path: PathBuf,

    /// Print the verification report as JSON on stdout instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Receipt id (sgn_…)
    #[arg(value_name = "ID")]
    pub id: String,

    /// Directory to copy the receipt's files into; created if missing
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ExportAllArgs {
    /// Archive file to write; it must not exist yet
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// File holding the receipt JSON that matter-signer printed
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn after_help_holds_the_exit_table() {
        assert!(after_help().ends_with(EXIT_CODES_HELP));
    }

    #[test]
    fn sandbox_auto_login_requires_sandbox() {
        let parsed = Cli::try_parse_from(["matter-signer", "login", "--sandbox-auto-login"]);
        assert!(parsed.is_err());
    }
}
