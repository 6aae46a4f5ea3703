//! The shell's error type: what every command and `flow://error` hands to the UI.

use serde::Serialize;

/// An error in the form the UI shows: a stable `code` it groups screens by, a
/// `message` in plain words, and Matter's `request_id` when the API produced it.
///
/// Messages never contain a token, code, verifier or `sig_` value: engine errors
/// arrive already scrubbed, and the shell's own messages name only ids and paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message} ({code})")]
pub struct ShellError {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The engine's own, finer code when `code` groups several (for example
    /// `network_timeout` under `network`); for diagnostics, not for screens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause_code: Option<String>,
}

impl ShellError {
    /// Creates an error with no request id.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            request_id: None,
            cause_code: None,
        }
    }

    /// Converts an engine error code into the code the UI groups screens by, keeping
    /// the engine's code in `cause_code` when the two differ.
    pub fn from_engine(code: &str, message: String, request_id: Option<String>) -> Self {
        let grouped = ui_code(code);
        Self {
            code: grouped.to_owned(),
            message,
            request_id,
            cause_code: (grouped != code).then(|| code.to_owned()),
        }
    }

    /// Creates the error for a flow cancelled by the human or by closing the window.
    pub fn cancelled() -> Self {
        Self::new("cancelled", "Signing was cancelled. Nothing was signed.")
    }

    /// Creates the error for a second flow while a signing or sign-in runs.
    pub fn busy() -> Self {
        Self::new(
            "flow_busy",
            "A signing or sign-in is already in progress. Finish or cancel it first.",
        )
    }
}

/// Maps an engine code to the UI's group. Codes not listed pass through unchanged,
/// and the UI shows them as a generic error with their message.
fn ui_code(engine_code: &str) -> &str {
    match engine_code {
        "network_unreachable"
        | "network_timeout"
        | "network_interrupted"
        | "tls_failed"
        | "auth_network" => "network",
        "esra_consent_declined" => "esra_declined",
        "state_esra_consent_required" => "esra_consent_required",
        "packet_hash_mismatch" | "session_packet_hash_mismatch" | "document_hash_mismatch" => {
            "hash_mismatch"
        }
        "stakeholder_not_linked_to_user" => "not_your_document",
        "receipt_not_found" => "not_found",
        "internal_error" | "service_unavailable" | "invalid_response" | "sign_outcome_unknown" => {
            "server"
        }
        "auth_timeout" => "sign_in_timeout",
        "auth_cancelled" => "cancelled",
        "auth_provider_error"
        | "auth_state_mismatch"
        | "auth_id_token_invalid"
        | "auth_invalid_response"
        | "auth_loopback_failed"
        | "auth_unavailable"
        | "auth_setup_failed" => "sign_in_failed",
        // The parser's codes name the exact fault; the UI shows them on one screen.
        "link_expired" | "link_mismatch" => engine_code,
        code if code.starts_with("link_") => "link_invalid",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_network_codes_group_as_network() {
        let error = ShellError::from_engine("network_timeout", "Timed out.".into(), None);
        assert_eq!(error.code, "network");
        assert_eq!(error.cause_code.as_deref(), Some("network_timeout"));
    }

    #[test]
    fn engine_hash_codes_group_as_hash_mismatch() {
        for code in [
            "packet_hash_mismatch",
            "session_packet_hash_mismatch",
            "document_hash_mismatch",
        ] {
            assert_eq!(
                ShellError::from_engine(code, String::new(), None).code,
                "hash_mismatch"
            );
        }
    }

    #[test]
    fn parser_codes_group_as_link_invalid() {
        let error = ShellError::from_engine("link_unknown_parameter", String::new(), None);
        assert_eq!(error.code, "link_invalid");
        assert_eq!(error.cause_code.as_deref(), Some("link_unknown_parameter"));
    }

    #[test]
    fn sign_in_timeout_keeps_its_screen() {
        assert_eq!(
            ShellError::from_engine("auth_timeout", String::new(), None).code,
            "sign_in_timeout"
        );
    }

    #[test]
    fn unlisted_code_passes_through() {
        let error = ShellError::from_engine(
            "already_signed",
            "Signed before.".into(),
            Some("req_1".into()),
        );
        assert_eq!(error.code, "already_signed");
        assert_eq!(error.cause_code, None);
        assert_eq!(error.request_id.as_deref(), Some("req_1"));
    }

    #[test]
    fn serialises_without_empty_fields() {
        let value = serde_json::to_value(ShellError::cancelled()).unwrap();
        assert_eq!(value["code"], "cancelled");
        assert!(value.get("request_id").is_none());
        assert!(value.get("cause_code").is_none());
    }
}
