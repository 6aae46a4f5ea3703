//! The terminal's side of the signing flow: [`TerminalInteraction`].
//!
//! The review (mode banner, document, packet, hash, attestation) goes to stdout;
//! progress lines, sign-in instructions and warnings go to stderr. Answers are read
//! from stdin one line at a time. In live mode an answer is accepted only from a
//! terminal, and the preset answers of `--typed-name` and `--agree-esra` are rejected
//! unless the engine runs against the embedded sandbox.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use matter_engine::config::Mode;
use matter_engine::interaction::{
    Decision, EsraAnswer, EsraPrompt, Interaction, InteractionError, PaperCopyMethod, Review,
    SignInPrompt, SignInReason, Step,
};

use crate::browser;
use crate::render;

/// Maximum length of a typed name, in characters. The sign call caps the whole
/// attestation at 2,000 characters; no legal name comes near this.
pub const MAX_TYPED_NAME_CHARS: usize = 200;

/// How many times an invalid name is asked for again before the flow is cancelled.
const NAME_ATTEMPTS: usize = 3;

/// Answers given on the command line instead of at a prompt.
#[derive(Debug, Clone, Default)]
pub struct Presets {
    /// `--typed-name`, already checked by [`validate_typed_name`].
    pub typed_name: Option<String>,
    /// `--agree-esra METHOD`.
    pub esra: Option<PaperCopyMethod>,
    /// True when the engine talks to the embedded sandbox, the only place besides
    /// test mode where presets are accepted.
    pub embedded_sandbox: bool,
}

/// Reads answers from the terminal and prints the review.
#[derive(Debug, Clone)]
pub struct TerminalInteraction {
    presets: Presets,
    last_step: Arc<AtomicU8>,
}

impl TerminalInteraction {
    pub fn new(presets: Presets) -> Self {
        Self {
            presets,
            last_step: Arc::new(AtomicU8::new(0)),
        }
    }

    /// True once the flow has started creating the signing session: from then on a
    /// Ctrl-C must not drop the flow, because a signature may exist whose receipt is
    /// not written yet.
    pub fn past_point_of_no_return(&self) -> bool {
        self.last_step.load(Ordering::SeqCst) >= step_rank(Step::CreatingSession)
    }

    fn check_preset_allowed(&self, mode: Mode, flag: &str) -> Result<(), InteractionError> {
        if mode == Mode::Live && !self.presets.embedded_sandbox {
            return Err(InteractionError::Unavailable(format!(
                "{flag} is accepted only in test mode or with --sandbox; in live mode type \
                 your answer at the terminal"
            )));
        }
        Ok(())
    }

    fn check_terminal(&self, mode: Mode) -> Result<(), InteractionError> {
        if mode == Mode::Live && !std::io::stdin().is_terminal() {
            return Err(InteractionError::Unavailable(
                "live mode needs a terminal to confirm the signature, and stdin is not a \
                 terminal; run matter-signer from an interactive shell"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// Checks a typed full name and returns it trimmed, or says what is wrong with it.
pub fn validate_typed_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("the typed name is empty; type your full name".into());
    }
    if name.chars().any(char::is_control) {
        return Err(
            "the typed name contains control characters; type letters, spaces and punctuation only"
                .into(),
        );
    }
    if name.chars().count() > MAX_TYPED_NAME_CHARS {
        return Err(format!(
            "the typed name is longer than {MAX_TYPED_NAME_CHARS} characters; type your full name only"
        ));
    }
    if !name.chars().any(char::is_alphabetic) {
        return Err("the typed name contains no letter; type your full name".into());
    }
    Ok(name.to_owned())
}

/// Parses an answer to the paper-copy question.
pub fn parse_paper_copy_method(answer: &str) -> Option<PaperCopyMethod> {
    match answer
        .trim()
        .to_ascii_lowercase()
        .replace(['-', '_'], " ")
        .as_str()
    {
        "email" | "e mail" => Some(PaperCopyMethod::Email),
        "postal" | "postal mail" | "mail" | "post" => Some(PaperCopyMethod::PostalMail),
        _ => None,
    }
}

fn step_rank(step: Step) -> u8 {
    match step {
        Step::SigningIn => 1,
        Step::FetchingDocument => 2,
        Step::VerifyingPacket => 3,
        Step::AwaitingDecision => 4,
        Step::CheckingFreshness => 5,
        Step::RecordingConsent => 6,
        Step::CreatingSession => 7,
        Step::Signing => 8,
        Step::SavingReceipt => 9,
        Step::RenderingReceipt => 10,
        Step::Done => 11,
    }
}

fn step_text(step: Step) -> &'static str {
    match step {
        Step::SigningIn => "Signing in",
        Step::FetchingDocument => "Fetching the document",
        Step::VerifyingPacket => {
            "Checking the disclosure packet's SHA-256 against Matter's packet_hash"
        }
        Step::AwaitingDecision => "Waiting for your decision",
        Step::CheckingFreshness => {
            "Checking that you signed in within the last 5 minutes (Matter requires it)"
        }
        Step::RecordingConsent => "Recording your E-SIGN consent",
        Step::CreatingSession => "Creating the signing session",
        Step::Signing => "Signing",
        Step::SavingReceipt => "Saving the receipt",
        Step::RenderingReceipt => "Receipt saved; writing its HTML and PDF copies",
        Step::Done => "Done",
    }
}

fn sign_in_reason_text(reason: &SignInReason) -> String {
    match reason {
        SignInReason::NotSignedIn => "You are not signed in.".into(),
        SignInReason::StepUp {
            minutes_ago: Some(minutes),
        } => format!(
            "Matter accepts a signature only within 5 minutes of signing in; you last signed in {minutes} minutes ago."
        ),
        SignInReason::StepUp { minutes_ago: None } => {
            "Matter accepts a signature only within 5 minutes of signing in.".into()
        }
        SignInReason::ServerRequested => "Matter asked for a fresh sign-in.".into(),
    }
}

/// Prints `prompt` on stdout and reads one line from stdin; `None` at end of input.
async fn ask(prompt: String) -> Result<Option<String>, InteractionError> {
    tokio::task::spawn_blocking(move || {
        let mut stdout = std::io::stdout().lock();
        let _ = write!(stdout, "{prompt}");
        let _ = stdout.flush();
        drop(stdout);

        let mut line = String::new();
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) => Ok(None),
            Ok(_) => Ok(Some(line.trim_end_matches(['\n', '\r']).to_owned())),
            Err(error) => Err(InteractionError::Unavailable(format!(
                "could not read from the terminal: {error}"
            ))),
        }
    })
    .await
    .map_err(|error| InteractionError::Unavailable(format!("the prompt failed: {error}")))?
}

fn print_stdout(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

#[async_trait]
impl Interaction for TerminalInteraction {
    async fn open_sign_in(&self, prompt: &SignInPrompt) -> Result<(), InteractionError> {
        let url = prompt.authorize_url.as_str();
        eprintln!("{}", sign_in_reason_text(&prompt.reason));
        eprintln!("Opening your browser to sign in. If it does not open, visit this URL:");
        eprintln!();
        eprintln!("  {url}");
        eprintln!();
        if let Err(message) = browser::open(url) {
            eprintln!("warning: {message}");
        }
        eprintln!(
            "Waiting up to {} seconds for the sign-in to finish in the browser (Ctrl-C cancels).",
            prompt.timeout.as_secs()
        );
        Ok(())
    }

    async fn review(&self, review: &Review) -> Result<Decision, InteractionError> {
        print_stdout(&render::review_text(review));

        if let Some(name) = &self.presets.typed_name {
            self.check_preset_allowed(review.mode, "--typed-name")?;
            print_stdout(&format!(
                "\nTyped name (from --typed-name): {}\n",
                render::sanitize_line(name)
            ));
            return Ok(Decision::Sign {
                typed_name: name.clone(),
            });
        }

        self.check_terminal(review.mode)?;
        print_stdout(
            "\nTyping your full name and pressing Enter signs this document. \
             Press Enter on an empty line (or Ctrl-D) to cancel.\n",
        );
        for _ in 0..NAME_ATTEMPTS {
            let Some(answer) = ask("Your full name: ".into()).await? else {
                return Err(InteractionError::Cancelled);
            };
            if answer.trim().is_empty() {
                return Err(InteractionError::Cancelled);
            }
            match validate_typed_name(&answer) {
                Ok(typed_name) => return Ok(Decision::Sign { typed_name }),
                Err(message) => eprintln!("error: {message}"),
            }
        }
        eprintln!("error: no valid name after {NAME_ATTEMPTS} attempts");
        Err(InteractionError::Cancelled)
    }

    async fn esra_consent(&self, prompt: &EsraPrompt) -> Result<EsraAnswer, InteractionError> {
        print_stdout(&format!(
            "\n----- E-SIGN consumer disclosure (version {}) for {} ({}) -----\n{}\n----- End of disclosure -----\n",
            render::sanitize_line(&prompt.version),
            render::sanitize_line(&prompt.stakeholder.name),
            render::sanitize_line(&prompt.stakeholder.id),
            render::sanitize(&prompt.text).trim_end(),
        ));

        // Presets were checked against the mode before the flow started.
        if let Some(method) = self.presets.esra {
            print_stdout(&format!(
                "Consent given with --agree-esra; paper copies by {}.\n",
                paper_copy_text(method)
            ));
            return Ok(EsraAnswer::Affirm {
                paper_copy_request_method: method,
            });
        }

        if !std::io::stdin().is_terminal() && self.presets.typed_name.is_some() {
            return Err(InteractionError::Unavailable(
                "Matter needs your E-SIGN consent first; run again with --agree-esra email \
                 (or postal-mail), or answer at a terminal"
                    .into(),
            ));
        }
        let Some(answer) =
            ask("Type \"I agree\" to consent to electronic records and signatures, or press Enter to decline: ".into())
                .await?
        else {
            return Err(InteractionError::Cancelled);
        };
        if !answer.trim().eq_ignore_ascii_case("i agree") {
            return Ok(EsraAnswer::Decline);
        }
        for _ in 0..NAME_ATTEMPTS {
            let Some(answer) =
                ask("How would you ask for a paper copy? [email/postal]: ".into()).await?
            else {
                return Err(InteractionError::Cancelled);
            };
            if let Some(method) = parse_paper_copy_method(&answer) {
                return Ok(EsraAnswer::Affirm {
                    paper_copy_request_method: method,
                });
            }
            eprintln!("error: answer \"email\" or \"postal\"");
        }
        Err(InteractionError::Cancelled)
    }

    fn progress(&self, step: Step) {
        self.last_step.store(step_rank(step), Ordering::SeqCst);
        eprintln!("> {}", step_text(step));
    }
}

fn paper_copy_text(method: PaperCopyMethod) -> &'static str {
    match method {
        PaperCopyMethod::Email => "email",
        PaperCopyMethod::PostalMail => "postal mail",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_name_is_trimmed() {
        assert_eq!(
            validate_typed_name("  Jane Q. Founder \n").unwrap(),
            "Jane Q. Founder"
        );
    }

    #[test]
    fn typed_name_empty_is_rejected() {
        assert!(validate_typed_name("   ").is_err());
    }

    #[test]
    fn typed_name_with_escape_is_rejected() {
        assert!(validate_typed_name("Jane\u{1b}[2J").is_err());
    }

    #[test]
    fn typed_name_too_long_is_rejected() {
        let name = "a".repeat(MAX_TYPED_NAME_CHARS + 1);
        assert!(validate_typed_name(&name).is_err());
    }

    #[test]
    fn typed_name_without_letters_is_rejected() {
        assert!(validate_typed_name("12345").is_err());
    }

    #[test]
    fn typed_name_accepts_non_latin_letters() {
        assert_eq!(validate_typed_name("Zoë Ñúñez").unwrap(), "Zoë Ñúñez");
    }

    #[test]
    fn paper_copy_answers_parse() {
        assert_eq!(
            parse_paper_copy_method("Email"),
            Some(PaperCopyMethod::Email)
        );
        assert_eq!(
            parse_paper_copy_method("postal-mail"),
            Some(PaperCopyMethod::PostalMail)
        );
        assert_eq!(
            parse_paper_copy_method("postal"),
            Some(PaperCopyMethod::PostalMail)
        );
        assert_eq!(parse_paper_copy_method("fax"), None);
    }

    #[test]
    fn point_of_no_return_starts_at_session_creation() {
        let terminal = TerminalInteraction::new(Presets::default());
        terminal
            .last_step
            .store(step_rank(Step::RecordingConsent), Ordering::SeqCst);
        assert!(!terminal.past_point_of_no_return());
        terminal
            .last_step
            .store(step_rank(Step::CreatingSession), Ordering::SeqCst);
        assert!(terminal.past_point_of_no_return());
    }
}
