//! Exit codes and the CLI's one error type.
//!
//! Every failure that reaches `main` is a [`CliError`]: a plain-words message, the
//! [`Exit`] code it maps to, and the Matter `code` and `request_id` when the API
//! answered with a problem document. `main` prints it as `error: <message>` on stderr.
//! The table in [`EXIT_CODES_HELP`] is shown by `--help` and repeated in `docs/cli.md`;
//! the integration tests pin each code.

use std::fmt;
use std::process::ExitCode;

/// The process exit codes, stable for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// The command did what it was asked.
    Success = 0,
    /// An unexpected local failure: a file or keyring that cannot be read or written,
    /// or a bug.
    Failure = 1,
    /// Invalid usage or input: an unknown flag, a bad link, a bad configuration
    /// value, an unknown receipt id, a file that is not a receipt.
    Usage = 2,
    /// The browser sign-in failed, was refused or timed out; or nobody is signed in.
    SignIn = 3,
    /// The Matter API refused the request; the message carries its code and request id.
    ApiRefused = 4,
    /// The Matter API or the identity provider could not be reached.
    Network = 5,
    /// The document was signed but the receipt could not be saved; the receipt JSON
    /// was printed on stdout for `receipts import`.
    ReceiptNotSaved = 6,
    /// Verification: the receipt was altered or its signature does not verify.
    IntegrityFailed = 7,
    /// Verification: the receipt is intact but its signing key is not trusted.
    KeyNotTrusted = 8,
    /// The disclosure packet's hash did not match; nothing was signed.
    HashMismatch = 9,
    /// The human cancelled (an empty name, end of input, Ctrl-C, a declined consent).
    Cancelled = 130,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

/// The exit-code table printed after `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
    0    success
    1    unexpected local failure (file or keyring error, bug)
    2    invalid usage or input (bad link, bad configuration, unknown receipt,
         --typed-name in live mode)
    3    sign-in failed, was refused or timed out; or not signed in
    4    the Matter API refused the request (its code and request id are shown)
    5    network failure: the API or the identity provider could not be reached
    6    signed, but the receipt could not be saved (its JSON is printed on
         stdout; save it and run `matter-signer receipts import FILE`)
    7    verification failed: the receipt was altered or its signature is invalid
    8    verification: the receipt is intact but its key is not trusted
    9    the disclosure packet hash did not match; nothing was signed
    130  cancelled by the user";

/// A failure reported to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
    /// Matter's error code, when the API or the engine named one.
    pub code: Option<String>,
    /// Matter's request id (`req_…`), when the API answered.
    pub request_id: Option<String>,
}

impl CliError {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
            code: None,
            request_id: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(Exit::Failure, message)
    }

    pub fn cancelled() -> Self {
        Self::new(Exit::Cancelled, "cancelled; nothing was signed")
    }

    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }
}

impl fmt::Display for CliError {
    /// Writes the message, then the code and request id in brackets unless the message
    /// already names them (the engine's messages for Matter problems do).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        let code = self
            .code
            .as_deref()
            .filter(|code| !self.message.contains(&format!("code {code}")));
        let request_id = self
            .request_id
            .as_deref()
            .filter(|id| !self.message.contains(*id));
        match (code, request_id) {
            (Some(code), Some(request_id)) => write!(f, " (code {code}, request id {request_id})"),
            (Some(code), None) => write!(f, " (code {code})"),
            (None, Some(request_id)) => write!(f, " (request id {request_id})"),
            (None, None) => Ok(()),
        }
    }
}

impl std::error::Error for CliError {}

pub type CliResult<T> = Result<T, CliError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_appends_code_and_request_id() {
        let error = CliError::new(Exit::ApiRefused, "Matter refused the signing session")
            .with_code("reauthentication_required")
            .with_request_id(Some("req_123".into()));
        assert_eq!(
            error.to_string(),
            "Matter refused the signing session (code reauthentication_required, request id req_123)"
        );
    }

    #[test]
    fn display_skips_ids_already_in_the_message() {
        let error = CliError::new(
            Exit::ApiRefused,
            "Could not sign (HTTP 409, code x, request req_9)",
        )
        .with_code("x")
        .with_request_id(Some("req_9".into()));
        assert_eq!(
            error.to_string(),
            "Could not sign (HTTP 409, code x, request req_9)"
        );
    }

    #[test]
    fn display_without_ids_is_the_message() {
        let error = CliError::usage("the link is not a mattermode:// link");
        assert_eq!(error.to_string(), "the link is not a mattermode:// link");
    }

    #[test]
    fn exit_table_lists_every_code() {
        for exit in [
            Exit::Success,
            Exit::Failure,
            Exit::Usage,
            Exit::SignIn,
            Exit::ApiRefused,
            Exit::Network,
            Exit::ReceiptNotSaved,
            Exit::IntegrityFailed,
            Exit::KeyNotTrusted,
            Exit::HashMismatch,
            Exit::Cancelled,
        ] {
            let row = format!("\n    {:<4} ", exit.code());
            assert!(EXIT_CODES_HELP.contains(&row), "no row for {exit:?}");
        }
    }
}
