//! The sandbox started inside this process for `demo` and `--sandbox`, and the
//! automatic sign-in that only it allows.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use matter_engine::config::Config;
use matter_engine::interaction::{
    Decision, EsraAnswer, EsraPrompt, Interaction, InteractionError, Review, SignInPrompt, Step,
};
use matter_engine::secrets::{MemoryStore, SecretStore};
use matter_sandbox::browser::SandboxBrowser;
use matter_sandbox::{seed, Sandbox, SandboxConfig, SandboxHandle};

use crate::cli::GlobalOptions;
use crate::exit::{CliError, CliResult};
use crate::terminal::TerminalInteraction;

/// A sandbox serving the Matter API and the OAuth provider on 127.0.0.1, alive until
/// [`EmbeddedSandbox::shutdown`] or the end of the process.
pub struct EmbeddedSandbox {
    handle: SandboxHandle,
}

impl EmbeddedSandbox {
    pub async fn start() -> CliResult<Self> {
        let handle = Sandbox::start(SandboxConfig::default())
            .await
            .map_err(|error| {
                CliError::failure(format!("could not start the embedded sandbox: {error}"))
            })?;
        eprintln!(
            "Started the embedded sandbox at {} (test mode; it stops when this command ends).",
            handle.issuer_str()
        );
        eprintln!(
            "Sign-ins against the embedded sandbox are kept in memory only, because its tokens \
             are worthless once it stops."
        );
        Ok(Self { handle })
    }

    /// The engine configuration for this sandbox: test mode, its API base and issuer,
    /// `data_dir` for receipts, and the timeouts and redirect port given as flags.
    pub fn config(&self, global: &GlobalOptions, data_dir: std::path::PathBuf) -> Config {
        let mut config =
            Config::for_sandbox(self.handle.api_base(), self.handle.issuer(), data_dir);
        if let Some(seconds) = global.sign_in_timeout {
            config.sign_in_timeout = Duration::from_secs(seconds);
        }
        if let Some(seconds) = global.http_timeout {
            config.http_timeout = Duration::from_secs(seconds);
        }
        if let Some(port) = global.redirect_port {
            config.redirect_port = port;
        }
        config
    }

    /// The secret store for a run against the sandbox: memory only.
    pub fn secrets() -> Arc<dyn SecretStore> {
        Arc::new(MemoryStore::new(
            "the embedded sandbox stops with this process, so its tokens are worthless later",
        ))
    }

    pub async fn shutdown(self) {
        self.handle.shutdown().await;
    }
}

/// The terminal interaction, except that sign-in is done by [`SandboxBrowser`] with the
/// demo user's credentials instead of the system browser.
///
/// Only ever built against the embedded sandbox: the credentials are the sandbox's
/// seeded demo account, and no other server would accept them.
pub struct AutoSignIn<'a> {
    terminal: &'a TerminalInteraction,
}

impl<'a> AutoSignIn<'a> {
    pub fn new(terminal: &'a TerminalInteraction) -> Self {
        Self { terminal }
    }
}

#[async_trait]
impl Interaction for AutoSignIn<'_> {
    async fn open_sign_in(&self, prompt: &SignInPrompt) -> Result<(), InteractionError> {
        eprintln!(
            "Signing in automatically as the sandbox demo user {} (allowed only against the embedded sandbox)",
            seed::JANE_EMAIL
        );
        let outcome = SandboxBrowser::new()
            .sign_in(&prompt.authorize_url, seed::JANE_EMAIL, seed::JANE_PASSWORD)
            .await
            .map_err(|error| {
                InteractionError::Unavailable(format!(
                    "the automatic sandbox sign-in failed: {error}"
                ))
            })?;
        if !(200..300).contains(&outcome.status) {
            return Err(InteractionError::Unavailable(format!(
                "the automatic sandbox sign-in failed: the redirect to this app returned HTTP {}",
                outcome.status
            )));
        }
        Ok(())
    }

    async fn review(&self, review: &Review) -> Result<Decision, InteractionError> {
        self.terminal.review(review).await
    }

    async fn esra_consent(&self, prompt: &EsraPrompt) -> Result<EsraAnswer, InteractionError> {
        self.terminal.esra_consent(prompt).await
    }

    fn progress(&self, step: Step) {
        self.terminal.progress(step);
    }
}
