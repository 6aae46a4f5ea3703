//! What the signing flow asks of a front end, and the views it hands over.
//!
//! The flow in [`crate::flow`] drives; a front end (the terminal or the desktop window)
//! implements [`Interaction`] to show things and to return the human's answers. Every
//! type here is `Serialize` so the desktop shell can pass it over IPC unchanged, and
//! none of them holds a token, code, verifier or `sig_` value: secrets stay inside
//! the engine. The authorize URL in [`SignInPrompt`] carries only public values
//! (client id, redirect URI, `state`, `nonce`, the PKCE challenge), never the verifier.

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::Mode;

/// The front end's side of the signing flow.
///
/// Calls arrive in flow order and never overlap. A method that returns
/// [`InteractionError::Cancelled`] stops the flow before anything is signed.
#[async_trait]
pub trait Interaction: Send + Sync {
    /// Opens the system browser at `prompt.authorize_url` and shows the URL as a
    /// fallback. Returns once the browser was asked to open; the engine itself waits
    /// for the loopback redirect, up to `prompt.timeout`.
    async fn open_sign_in(&self, prompt: &SignInPrompt) -> Result<(), InteractionError>;

    /// Shows the document, the full disclosure packet and its SHA-256, and waits for
    /// the human's explicit decision.
    async fn review(&self, review: &Review) -> Result<Decision, InteractionError>;

    /// Shows the E-SIGN consumer disclosure and waits for the human's affirmation.
    /// Called only when Matter reports that the stakeholder has no ESRA consent.
    async fn esra_consent(&self, prompt: &EsraPrompt) -> Result<EsraAnswer, InteractionError>;

    /// Reports progress. Must not block.
    fn progress(&self, step: Step);
}

/// Why a front end could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InteractionError {
    /// The human cancelled, or closed the window.
    #[error("cancelled by the user")]
    Cancelled,
    /// The front end cannot ask (for example no terminal to confirm on in live mode).
    #[error("{0}")]
    Unavailable(String),
}

/// A browser sign-in the engine needs.
#[derive(Debug, Clone, Serialize)]
pub struct SignInPrompt {
    /// The Clerk-style authorize URL to open in the system browser.
    pub authorize_url: Url,
    /// Why a sign-in is needed now.
    pub reason: SignInReason,
    /// How long the engine waits for the redirect before giving up.
    #[serde(with = "seconds")]
    pub timeout: Duration,
}

/// Why the engine asks for a browser sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignInReason {
    /// Nobody is signed in.
    NotSignedIn,
    /// Matter accepts a signing session only within 5 minutes of an interactive
    /// sign-in; the last one was `minutes_ago` minutes ago (unknown if `None`).
    StepUp { minutes_ago: Option<u64> },
    /// Matter answered `reauthentication_required` although the engine thought the
    /// sign-in was fresh.
    ServerRequested,
}

/// Everything the human must see before deciding to sign.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub mode: Mode,
    pub document: DocumentView,
    pub envelope: Option<EnvelopeView>,
    pub stakeholder: StakeholderView,
    pub signed_in_user: UserView,
    /// The disclosure packet exactly as Matter returned it, `packet_hash` included.
    /// Front ends render it as text, never as markup.
    pub packet: serde_json::Value,
    /// The packet as plain text, in reading order; the terminal prints this and the
    /// desktop window shows the same words.
    pub packet_text: String,
    /// Lowercase hex SHA-256 of the packet's RFC 8785 canonical JSON, computed here
    /// and already checked against Matter's `packet_hash`.
    pub packet_hash: String,
    /// The attestation the typed name completes; sent verbatim as
    /// `electronic_signature_text` with the name filled in.
    pub signature_attestation: String,
}

/// The document being signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentView {
    pub id: String,
    pub title: String,
    pub entity_id: String,
    pub entity_name: String,
    /// Lowercase hex SHA-256 of the document's bytes, as Matter reports it.
    pub sha256: String,
    pub byte_length: u64,
    pub execution_status: String,
}

/// The envelope slot being signed, when the link names one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeView {
    pub id: String,
    pub subject: String,
    pub signer_id: String,
    /// 1-based position of this signer in the signing order.
    pub position: u32,
    pub signer_count: u32,
}

/// The stakeholder asked to sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakeholderView {
    pub id: String,
    pub name: String,
}

/// The human signed in to the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    /// The identity provider's user id (`sub`).
    pub user_id: String,
    pub email: String,
    pub name: String,
}

/// The human's decision on a [`Review`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Decision {
    /// Sign, with the full name the human typed.
    Sign { typed_name: String },
    /// Do not sign.
    Cancel,
}

/// The E-SIGN consumer disclosure to show before recording consent.
#[derive(Debug, Clone, Serialize)]
pub struct EsraPrompt {
    pub stakeholder: StakeholderView,
    pub version: String,
    pub text: String,
}

/// The human's answer to an [`EsraPrompt`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EsraAnswer {
    /// The human affirms they can access electronic records and consents.
    Affirm {
        paper_copy_request_method: PaperCopyMethod,
    },
    /// The human does not consent; nothing is signed.
    Decline,
}

/// How the human would ask for a paper copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaperCopyMethod {
    Email,
    PostalMail,
}

/// Progress through the flow, in order. Some steps are skipped when not needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    SigningIn,
    FetchingDocument,
    VerifyingPacket,
    AwaitingDecision,
    CheckingFreshness,
    RecordingConsent,
    CreatingSession,
    Signing,
    SavingReceipt,
    /// The receipt's JSON is fsynced (the signature's record is safe); its HTML and
    /// PDF copies are being written.
    RenderingReceipt,
    Done,
}

mod seconds {
    use std::time::Duration;

    pub fn serialize<S: serde::Serializer>(
        value: &Duration,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(value.as_secs())
    }
}
