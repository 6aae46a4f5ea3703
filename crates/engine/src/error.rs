//! The engine's one error type, and its `{code, message, request_id?}` form for front
//! ends.
//!
//! Every variant's `Display` is a plain sentence naming the value at fault and the next
//! step. No variant holds a token, code or verifier: the values that reach an error are
//! ids, hashes, names and Matter's own problem text.

use std::fmt;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::api::ApiProblem;
use crate::config::Mode;
use crate::interaction::InteractionError;

/// How a request failed before any HTTP answer arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportKind {
    /// No connection could be made (refused, unreachable, DNS).
    Connect,
    /// The request or the answer took longer than the configured `http_timeout`.
    Timeout,
    /// The TLS handshake or certificate check failed; never retried.
    Tls,
    /// The connection broke while the request or answer was in flight.
    Interrupted,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "could not connect",
            TransportKind::Timeout => "timed out",
            TransportKind::Tls => "the secure connection (TLS) failed",
            TransportKind::Interrupted => "the connection broke",
        })
    }
}

/// Everything that can stop the engine.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// Matter answered with problem+json (or another non-success answer).
    #[error("{}", api_message(.0))]
    Api(Box<ApiProblem>),

    /// The network failed before Matter answered.
    #[error("Could not {operation}: {kind} ({detail}). Check your network connection and the `api_base` setting, then try again.")]
    Transport {
        operation: &'static str,
        kind: TransportKind,
        detail: String,
    },

    /// Matter answered with success but the body was not what the contract says.
    #[error("Could not {operation}: Matter's answer was not understood ({detail}). Update Matter Signer; if it persists, report it{}.", request_suffix(.request_id))]
    InvalidResponse {
        operation: &'static str,
        detail: String,
        request_id: Option<String>,
    },

    /// The sign call's outcome is unknown: the answer was lost on every attempt.
    #[error("The signature for session {session_id} may or may not have been recorded: {detail}. Nothing will be signed twice; open the link again to see the document's status, and check `matter-signer receipts list`.")]
    SignOutcomeUnknown { session_id: String, detail: String },

    /// The browser sign-in failed.
    #[error("Sign-in failed: {message}")]
    SignIn { code: &'static str, message: String },

    /// The human cancelled.
    #[error("Cancelled; nothing was signed.")]
    Cancelled,

    /// The front end cannot ask the human.
    #[error("The app cannot ask for your decision here: {0}. Run it from a terminal or the desktop app.")]
    FrontEndUnavailable(String),

    /// The human declined the E-SIGN consumer disclosure.
    #[error("You did not consent to electronic records, so Matter cannot accept an electronic signature from you; nothing was signed. Ask the sender for a paper process.")]
    EsraDeclined,

    /// The packet's hash as computed here differs from its `packet_hash`.
    #[error("The disclosure packet does not match its own hash: Matter sent packet_hash {served}, but the packet's content hashes to {computed}. The packet may have been altered; signing is blocked. Open the link again, and contact the sender if it repeats.")]
    PacketHashMismatch { served: String, computed: String },

    /// The session binds to a different packet than the one the human saw.
    #[error("The signing session is bound to disclosure hash {session}, but you reviewed {shown}. The disclosure changed after you read it, so nothing was signed. Open the link again to review the current version.")]
    SessionHashMismatch { shown: String, session: String },

    /// Two values that must agree about the document differ.
    #[error("The document's {first} ({first_value}) differs from {second} ({second_value}). Signing is blocked because you would not be signing what you reviewed. Open the link again, and contact the sender if it repeats.")]
    DocumentMismatch {
        first: &'static str,
        first_value: String,
        second: &'static str,
        second_value: String,
    },

    /// The typed name is not the stakeholder's name.
    #[error("The name you typed, {typed:?}, does not match the signer's name, {expected:?}. Type the full name exactly as shown (letter case and spacing do not matter).")]
    NameMismatch { typed: String, expected: String },

    /// Matter's `livemode` disagrees with the configured mode.
    #[error("Matter reports this {what} as {} mode, but the app is configured for {} mode. Nothing was signed; check `mode` and `api_base` in the configuration.", mode_name(*.server), mode_name(*.configured))]
    ModeMismatch {
        what: &'static str,
        server: Mode,
        configured: Mode,
    },

    /// The link's stakeholder is not the signed-in user.
    #[error("This link is for stakeholder {stakeholder_id}, but you are signed in as {user} and Matter does not link the two{}. Sign out, then sign in as the person the link was sent to.", detail_suffix(.problem))]
    NotYourLink {
        stakeholder_id: String,
        user: String,
        problem: Option<Box<ApiProblem>>,
    },

    /// The stakeholder already signed this document or slot.
    #[error("{stakeholder} has already signed {target}; nothing more is needed. Check your receipts with `matter-signer receipts list`.")]
    AlreadySigned { target: String, stakeholder: String },

    /// An earlier signer in a sequential envelope has not signed.
    #[error("Envelope {envelope_id} is signed in order, and {pending} must sign before {signer}. Wait for them, then open the link again.")]
    AwaitingPriorSigner {
        envelope_id: String,
        signer: String,
        pending: String,
    },

    /// The link names something that does not fit together.
    #[error("{0}")]
    LinkMismatch(String),

    /// The envelope can no longer be signed.
    #[error("Envelope {envelope_id} is {status} and can no longer be signed. Ask the sender for a new envelope.")]
    EnvelopeClosed { envelope_id: String, status: String },

    /// The signing session expired before the sign call could be sent.
    #[error("Signing session {session_id} expired at {expires_at} before the signature could be sent; nothing was signed. Open the link again.")]
    SessionExpired {
        session_id: String,
        expires_at: String,
    },

    /// The configuration is unusable.
    #[error("{0}")]
    Config(String),

    /// The receipt store or key cache could not be opened.
    #[error("{0}")]
    Storage(String),
}

fn api_message(problem: &ApiProblem) -> String {
    let explanation = problem.explanation();
    let mut text = format!(
        "Could not {}: {} {}",
        problem.operation, explanation.message, explanation.next_step
    );
    if let Some(detail) = problem.detail.as_deref().filter(|d| !d.is_empty()) {
        text.push_str(&format!(" Matter says: {detail}"));
        if !detail.ends_with('.') {
            text.push('.');
        }
    }
    let code = if problem.code.is_empty() {
        "none".to_string()
    } else {
        problem.code.clone()
    };
    text.push_str(&format!(" (HTTP {}, code {code}", problem.status));
    if let Some(request_id) = &problem.request_id {
        text.push_str(&format!(", request {request_id}"));
    }
    text.push(')');
    text
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Test => "test",
        Mode::Live => "live",
    }
}

fn request_suffix(request_id: &Option<String>) -> String {
    request_id
        .as_deref()
        .map(|id| format!(" with request id {id}"))
        .unwrap_or_default()
}

fn detail_suffix(problem: &Option<Box<ApiProblem>>) -> String {
    match problem {
        Some(problem) => {
            let mut text = String::new();
            if let Some(detail) = &problem.detail {
                text.push_str(&format!(" (Matter says: {detail}"));
            } else {
                text.push_str(" (");
            }
            if let Some(id) = &problem.request_id {
                if !text.ends_with('(') {
                    text.push_str("; ");
                }
                text.push_str(&format!("request {id}"));
            }
            text.push(')');
            if text == " ()" {
                String::new()
            } else {
                text
            }
        }
        None => String::new(),
    }
}

impl EngineError {
    /// A stable, machine-readable code. For a Matter problem it is the canonical code
    /// (synonyms folded; see [`crate::api::problem`]).
    pub fn code(&self) -> &'static str {
        match self {
            EngineError::Api(problem) => problem.canonical_code(),
            EngineError::Transport { kind, .. } => match kind {
                TransportKind::Connect => "network_unreachable",
                TransportKind::Timeout => "network_timeout",
                TransportKind::Tls => "tls_failed",
                TransportKind::Interrupted => "network_interrupted",
            },
            EngineError::InvalidResponse { .. } => "invalid_response",
            EngineError::SignOutcomeUnknown { .. } => "sign_outcome_unknown",
            EngineError::SignIn { code, .. } => code,
            EngineError::Cancelled => "cancelled",
            EngineError::FrontEndUnavailable(_) => "front_end_unavailable",
            EngineError::EsraDeclined => "esra_consent_declined",
            EngineError::PacketHashMismatch { .. } => "packet_hash_mismatch",
            EngineError::SessionHashMismatch { .. } => "session_packet_hash_mismatch",
            EngineError::DocumentMismatch { .. } => "document_hash_mismatch",
            EngineError::NameMismatch { .. } => "typed_name_mismatch",
            EngineError::ModeMismatch { .. } => "mode_mismatch",
            EngineError::NotYourLink { .. } => "stakeholder_not_linked_to_user",
            EngineError::AlreadySigned { .. } => "already_signed",
            EngineError::AwaitingPriorSigner { .. } => "awaiting_prior_signer",
            EngineError::LinkMismatch(_) => "link_mismatch",
            EngineError::EnvelopeClosed { .. } => "envelope_closed",
            EngineError::SessionExpired { .. } => "session_expired",
            EngineError::Config(_) => "invalid_configuration",
            EngineError::Storage(_) => "storage_failed",
        }
    }

    /// Matter's request id, when an answer carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            EngineError::Api(problem) => problem.request_id.as_deref(),
            EngineError::InvalidResponse { request_id, .. } => request_id.as_deref(),
            EngineError::NotYourLink {
                problem: Some(problem),
                ..
            } => problem.request_id.as_deref(),
            _ => None,
        }
    }

    /// The Matter problem behind this error, if any.
    pub fn problem(&self) -> Option<&ApiProblem> {
        match self {
            EngineError::Api(problem) => Some(problem),
            EngineError::NotYourLink {
                problem: Some(problem),
                ..
            } => Some(problem),
            _ => None,
        }
    }

    /// True when Matter answered `code` (any synonym of it).
    pub fn is_api_code(&self, canonical: &str) -> bool {
        matches!(self, EngineError::Api(problem) if problem.canonical_code() == canonical)
    }
}

impl From<InteractionError> for EngineError {
    fn from(error: InteractionError) -> Self {
        match error {
            InteractionError::Cancelled => EngineError::Cancelled,
            InteractionError::Unavailable(why) => EngineError::FrontEndUnavailable(why),
        }
    }
}

/// `{code, message, request_id?, api_code?, detail?}`: the form the desktop shell sends
/// over IPC. `api_code` is Matter's code as sent when it differs from `code`.
impl Serialize for EngineError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("code", self.code())?;
        map.serialize_entry("message", &self.to_string())?;
        if let Some(request_id) = self.request_id() {
            map.serialize_entry("request_id", request_id)?;
        }
        if let Some(problem) = self.problem() {
            if !problem.code.is_empty() && problem.code != self.code() {
                map.serialize_entry("api_code", &problem.code)?;
            }
            if let Some(detail) = &problem.detail {
                map.serialize_entry("detail", detail)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(code: &str, status: u16) -> EngineError {
        let body = serde_json::json!({
            "code": code, "detail": "stakeholder stk_a is not linked to user_b",
            "request_id": "req_123"
        });
        EngineError::Api(Box::new(ApiProblem::parse(
            status,
            &serde_json::to_vec(&body).unwrap(),
            None,
            None,
            "create the signing session",
        )))
    }

    #[test]
    fn api_error_serializes_code_message_and_request_id() {
        let value = serde_json::to_value(problem("not_found_resource", 404)).unwrap();
        assert_eq!(value["code"], "not_found");
        assert_eq!(value["api_code"], "not_found_resource");
        assert_eq!(value["request_id"], "req_123");
        assert!(value["message"].as_str().unwrap().contains("not yours"));
        assert_eq!(value["detail"], "stakeholder stk_a is not linked to user_b");
    }

    #[test]
    fn api_message_names_operation_code_and_request() {
        let text = problem("reauthentication_required", 403).to_string();
        assert!(text.starts_with("Could not create the signing session"));
        assert!(text.contains("code reauthentication_required"));
        assert!(text.contains("request req_123"));
    }

    #[test]
    fn transport_is_not_an_api_problem() {
        let error = EngineError::Transport {
            operation: "fetch the document",
            kind: TransportKind::Connect,
            detail: "connection refused".into(),
        };
        assert_eq!(error.code(), "network_unreachable");
        assert!(error.problem().is_none());
        assert!(error.request_id().is_none());
    }

    #[test]
    fn name_mismatch_names_both_values() {
        let error = EngineError::NameMismatch {
            typed: "Jane Doe".into(),
            expected: "Jane Q. Doe".into(),
        };
        let text = error.to_string();
        assert!(text.contains("\"Jane Doe\""));
        assert!(text.contains("\"Jane Q. Doe\""));
    }
}
