//! The signing flow both front ends run, behind one type: [`Engine`].
//!
//! # Public API (called by the terminal front end and the desktop shell)
//!
//! ```text
//! Engine::new(config, secrets, clock, front_end) -> Result<Engine, EngineError>
//! Engine::with_retry_policy(config, secrets, clock, front_end, policy)   // tests, benches
//! engine.sign(&SigningRequest, &dyn Interaction).await -> Result<SignOutcome, EngineError>
//! engine.sign_in(&dyn Interaction).await -> Result<UserView, EngineError>
//! engine.sign_out().await -> Result<(), EngineError>
//! engine.whoami().await -> Result<Option<UserView>, EngineError>
//! engine.receipts() -> &ReceiptStore
//! engine.trusted_keys() -> TrustedKeys
//! engine.config() -> &Config
//! ```
//!
//! # What [`Engine::sign`] does, in order
//!
//! 1. Signs in when nobody is signed in.
//! 2. Fetches, concurrently, the document (or the envelope), the dry-run disclosure
//!    packet, the document's bytes (hashed as they stream) and Matter's public keys.
//! 3. Requires the packet's `packet_hash` to equal the RFC 8785 SHA-256 computed here,
//!    the document's SHA-256 to agree across the document, the packet and the bytes,
//!    every `livemode` to agree with the configured mode, and the signer's slot to be
//!    open; any disagreement stops the flow and names both values.
//! 4. Shows the packet, its text and hash ([`crate::interaction::Review`]) and waits
//!    for the human to type their name; the name must match the stakeholder's.
//! 5. Runs a new interactive sign-in when the last one is older than 4 minutes (Matter
//!    wants one within 5; a refresh never counts).
//! 6. Creates the signing session. On `reauthentication_required`: one more sign-in,
//!    then one retry with a new `Idempotency-Key`. On `state_esra_consent_required`:
//!    shows the E-SIGN disclosure, records the affirmation, retries with a new key.
//! 7. Requires the session's `disclosure_packet_hash` to equal the hash the human saw.
//! 8. Spends the `sig_…` token at once on the sign call (one key for all retries, no
//!    retry past the token's expiry), and drops it.
//! 9. Writes the receipt's JSON atomically (up to three attempts) and reports
//!    [`Step::RenderingReceipt`](crate::interaction::Step::RenderingReceipt) the
//!    moment it is fsynced; then writes the HTML and PDF copies and the index entry,
//!    verifies the receipt from disk, and returns the [`SignOutcome`]. A receipt that
//!    could not be written comes back in memory ([`UnsavedReceipt`]) so the front end
//!    can retry or print it.

mod receipt;
mod sign;

use std::sync::{Arc, Mutex};

use serde::Serialize;

use matter_receipts::{
    Receipt, ReceiptStore, SavedReceipt, StoreError, TrustedKeys, VerificationReport,
};

use crate::api::{ApiClient, ApiSettings, RetryPolicy};
use crate::auth::Authenticator;
use crate::clock::Clock;
use crate::config::Config;
use crate::deep_link::SigningRequest;
use crate::error::EngineError;
use crate::interaction::{Interaction, SignInReason, UserView};
use crate::secrets::SecretStore;

/// The front end driving the engine, recorded in every receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FrontEnd {
    Cli,
    Desktop,
}

impl FrontEnd {
    pub fn as_str(self) -> &'static str {
        match self {
            FrontEnd::Cli => "cli",
            FrontEnd::Desktop => "desktop",
        }
    }
}

/// The result of a signature that Matter recorded.
#[derive(Debug)]
pub struct SignOutcome {
    /// The receipt's id (Matter's signature id, `sgn_…`).
    pub receipt_id: String,
    pub document_id: String,
    /// The receipt as written, or kept in memory with the write error.
    pub saved: Result<SavedReceipt, UnsavedReceipt>,
    /// Offline verification of the receipt (read back from disk when it was saved).
    pub verification: VerificationReport,
    /// Matter replayed an earlier attempt's response to the sign call.
    pub replayed: bool,
    /// The member that carried the signing token (`signature_token` or `signing_token`).
    pub token_field: &'static str,
}

/// A signed receipt that could not be written, kept in memory for the front end to
/// retry the write or print it.
#[derive(Debug)]
pub struct UnsavedReceipt {
    pub receipt: Box<Receipt>,
    pub error: StoreError,
}

/// The signing engine: configuration, sign-in, the API client, receipts and keys.
pub struct Engine {
    config: Config,
    auth: Authenticator,
    api: ApiClient,
    receipts: ReceiptStore,
    trusted_keys: Mutex<TrustedKeys>,
    clock: Arc<dyn Clock>,
    front_end: FrontEnd,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("api_base", &self.config.api_base.as_str())
            .field("mode", &self.config.mode)
            .field("front_end", &self.front_end)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Builds the engine with Matter's documented retry policy.
    pub fn new(
        config: Config,
        secrets: Arc<dyn SecretStore>,
        clock: Arc<dyn Clock>,
        front_end: FrontEnd,
    ) -> Result<Engine, EngineError> {
        Engine::with_retry_policy(config, secrets, clock, front_end, RetryPolicy::default())
    }

    /// Builds the engine with a custom retry policy (short waits in tests).
    pub fn with_retry_policy(
        config: Config,
        secrets: Arc<dyn SecretStore>,
        clock: Arc<dyn Clock>,
        front_end: FrontEnd,
        retry: RetryPolicy,
    ) -> Result<Engine, EngineError> {
        let api = ApiClient::new(
            ApiSettings {
                api_base: config.api_base.clone(),
                keys_url: config.keys_url(),
                matter_version: config.matter_version.clone(),
                http_timeout: config.http_timeout,
                retry,
            },
            clock.clone(),
        )?;
        let auth = Authenticator::new(&config, secrets, clock.clone()).map_err(sign_in_error)?;
        let receipts =
            ReceiptStore::open(config.data_dir.join("receipts")).map_err(storage_error)?;
        let trusted_keys = match TrustedKeys::load(&config.data_dir) {
            Ok(keys) => keys,
            Err(error) => {
                // An unreadable key cache must not stop signing: `remember` moves it
                // aside and writes a new one on the next signature.
                tracing::warn!(%error, "the trusted keys cache is unreadable; starting from the pinned keys");
                TrustedKeys::pinned()
            }
        };
        tracing::info!(
            api_base = %config.api_base,
            mode = %config.mode,
            front_end = front_end.as_str(),
            "engine started"
        );
        Ok(Engine {
            config,
            auth,
            api,
            receipts,
            trusted_keys: Mutex::new(trusted_keys),
            clock,
            front_end,
        })
    }

    /// Runs the whole signing flow for one link (see the module docs).
    pub async fn sign(
        &self,
        request: &SigningRequest,
        ui: &dyn Interaction,
    ) -> Result<SignOutcome, EngineError> {
        sign::run(self, request, ui).await
    }

    /// Runs an interactive browser sign-in.
    pub async fn sign_in(&self, ui: &dyn Interaction) -> Result<UserView, EngineError> {
        let reason = if self.auth.current_user().is_some() {
            SignInReason::StepUp {
                minutes_ago: self.minutes_since_sign_in(),
            }
        } else {
            SignInReason::NotSignedIn
        };
        self.auth.sign_in(ui, reason).await.map_err(sign_in_error)
    }

    /// Forgets the sign-in, here and in the secret store.
    pub async fn sign_out(&self) -> Result<(), EngineError> {
        self.auth.sign_out().await.map_err(sign_in_error)
    }

    /// Returns who is signed in, if anyone.
    pub async fn whoami(&self) -> Result<Option<UserView>, EngineError> {
        self.auth.whoami().await.map_err(sign_in_error)
    }

    pub fn receipts(&self) -> &ReceiptStore {
        &self.receipts
    }

    /// Returns a snapshot of the keys receipts are verified against.
    pub fn trusted_keys(&self) -> TrustedKeys {
        self.trusted_keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Returns the API client, for front ends that show raw state (for example `doctor`).
    pub fn api(&self) -> &ApiClient {
        &self.api
    }

    fn minutes_since_sign_in(&self) -> Option<u64> {
        let at = self.auth.last_interactive_sign_in_at()?;
        let age = self.clock.now_utc() - at;
        Some(age.whole_minutes().max(0) as u64)
    }
}

fn sign_in_error(error: crate::auth::AuthError) -> EngineError {
    EngineError::from(error)
}

fn storage_error(error: StoreError) -> EngineError {
    EngineError::Storage(error.to_string())
}
