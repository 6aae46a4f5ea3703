//! `application/problem+json` answers from Matter, and the plain words for every code.
//!
//! Matter's pages disagree on several code names (for example three names for an
//! idempotency-key conflict, three for "not found", three for a rate limit), so every
//! synonym maps to one canonical code here, and each canonical code has a message and a
//! next step written for the person signing. The parser tolerates missing members: a
//! body that is not problem+json still yields a problem keyed by its HTTP status.

use serde::Deserialize;
use serde_json::Value;

/// One problem+json answer, reduced to what the engine shows and dispatches on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiProblem {
    /// HTTP status of the answer.
    pub status: u16,
    /// The `code` member exactly as Matter sent it, or empty when the body had none.
    pub code: String,
    pub title: Option<String>,
    /// Matter's own explanation, shown to the human beside the plain message.
    pub detail: Option<String>,
    /// `request_id` from the body, else `Matter-Request-Id`, else `X-Request-Id`.
    pub request_id: Option<String>,
    /// The field or header at fault, when Matter names one.
    pub param: Option<String>,
    /// `current_state` of a `state_transition_invalid` answer.
    pub current_state: Option<String>,
    /// Seconds to wait, from the `Retry-After` header or the `retry_after` member.
    pub retry_after: Option<u64>,
    /// Per-field errors of a 422.
    pub errors: Vec<FieldError>,
    /// What the engine was doing, in words ("create the signing session").
    pub operation: &'static str,
}

/// One entry of a 422's `errors[]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FieldError {
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

#[derive(Deserialize, Default)]
struct WireProblem {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    detail: Option<String>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default)]
    param: Option<String>,
    #[serde(default)]
    current_state: Option<String>,
    #[serde(default)]
    retry_after: Option<Value>,
    #[serde(default)]
    errors: Option<Vec<FieldError>>,
    #[serde(default)]
    r#type: Option<String>,
}

/// Longest `detail` or `title` kept from a server answer; longer text is cut so that a
/// misbehaving server cannot flood a dialog or a log line.
const MAX_TEXT: usize = 500;

impl ApiProblem {
    /// Parses an error answer. Members that are missing or of the wrong type are left
    /// empty, and a code missing from the body is taken from the last segment of `type`
    /// (`https://docs.mattermode.com/errors/{code}`).
    pub fn parse(
        status: u16,
        body: &[u8],
        header_request_id: Option<String>,
        header_retry_after: Option<u64>,
        operation: &'static str,
    ) -> ApiProblem {
        let wire: WireProblem = serde_json::from_slice(body).unwrap_or_default();
        let code = wire
            .code
            .filter(|code| !code.is_empty())
            .or_else(|| {
                wire.r#type.as_deref().and_then(|uri| {
                    let last = uri.rsplit('/').next().unwrap_or_default();
                    let looks_like_code = !last.is_empty()
                        && last
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                    looks_like_code.then(|| last.to_string())
                })
            })
            .unwrap_or_default();
        let retry_after_body = match wire.retry_after {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        };
        ApiProblem {
            status,
            code: truncate(code, 100),
            title: wire.title.map(|t| truncate(t, MAX_TEXT)),
            detail: wire.detail.map(|d| truncate(d, MAX_TEXT)),
            request_id: wire.request_id.or(header_request_id),
            param: wire.param,
            current_state: wire.current_state,
            retry_after: header_retry_after.or(retry_after_body),
            errors: wire.errors.unwrap_or_default(),
            operation,
        }
    }

    /// The canonical code: synonyms folded together, and a code derived from the HTTP
    /// status when Matter sent none or one this client does not know.
    pub fn canonical_code(&self) -> &'static str {
        canonical_code(&self.code, self.status)
    }

    /// The plain message and next step for this problem.
    pub fn explanation(&self) -> Explanation {
        if self.canonical_code() == "state_transition_invalid" {
            if let Some(explanation) = state_explanation(self.current_state.as_deref()) {
                return explanation;
            }
        }
        explain(self.canonical_code())
    }
}

fn truncate(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut cut = max;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}

/// A problem in plain words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    /// What went wrong.
    pub message: &'static str,
    /// What the human can do about it.
    pub next_step: &'static str,
}

/// Every code Matter documents or the sandbox serves, with its synonyms first and the
/// canonical name last in each group. Codes listed on the public error pages and the
/// contract page (`docs/contract.md`).
const SYNONYMS: &[(&[&str], &str)] = &[
    (
        &[
            "idempotency_key_replay",
            "validation_idempotency_key_conflict",
            "idempotency_key_reused_with_different_body",
        ],
        "idempotency_key_reused_with_different_body",
    ),
    (
        &["not_found_resource", "resource_not_found", "not_found"],
        "not_found",
    ),
    (
        &[
            "rate_limit_exceeded",
            "op_rate_limit_exceeded",
            "rate_limited",
        ],
        "rate_limited",
    ),
    (
        &["invalid_state_transition", "state_transition_invalid"],
        "state_transition_invalid",
    ),
    (
        &["upstream_unavailable", "op_provider_unavailable"],
        "upstream_unavailable",
    ),
];

/// Folds `code` to its canonical name, or derives one from `status`.
pub fn canonical_code(code: &str, status: u16) -> &'static str {
    for (names, canonical) in SYNONYMS {
        if names.contains(&code) {
            return canonical;
        }
    }
    if let Some(entry) = TABLE.iter().find(|entry| entry.0 == code) {
        return entry.0;
    }
    match status {
        400 => "invalid_request",
        401 => "authentication_required",
        403 => "authorization_required",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        410 => "gone",
        413 | 422 => "validation_failed",
        429 => "rate_limited",
        500..=599 => "server_error",
        _ => "api_error",
    }
}

/// Returns the plain words for a canonical code (see [`canonical_code`]).
pub fn explain(canonical: &str) -> Explanation {
    match TABLE.iter().find(|entry| entry.0 == canonical) {
        Some(&(_, message, next_step)) => Explanation { message, next_step },
        None => Explanation {
            message: "Matter rejected the request with an error this app does not recognise.",
            next_step:
                "Try again later; if it persists, contact Matter support with the request id.",
        },
    }
}

fn state_explanation(current_state: Option<&str>) -> Option<Explanation> {
    let (message, next_step) = match current_state? {
        "signed" => (
            "This signer has already signed; Matter does not accept a second signature.",
            "Nothing more is needed from you. Check your receipts with `matter-signer receipts list`.",
        ),
        "awaiting_prior_signer" => (
            "An earlier signer in this envelope's signing order has not signed yet.",
            "Wait for the earlier signers, then open the link again.",
        ),
        "declined" => (
            "This envelope was declined, so it can no longer be signed.",
            "Ask the sender for a new envelope.",
        ),
        _ => return None,
    };
    Some(Explanation { message, next_step })
}

/// `(canonical code, message, next step)`.
const TABLE: &[(&str, &str, &str)] = &[
    // Signing, consent and approval.
    ("reauthentication_required",
     "Matter requires a sign-in within the last 5 minutes before it opens a signing session, and it did not accept the current sign-in as fresh.",
     "Sign in again in the browser, then sign right away; if this repeats, check that this computer's clock is correct."),
    ("session_expired",
     "The signing session expired before the signature was sent (sessions last 15 minutes).",
     "Open the link again; a new session is created and nothing was signed."),
    ("invalid_session_token",
     "Matter did not accept the signing-session credential for this call.",
     "Open the link again to start a new signing session."),
    ("state_esra_consent_required",
     "Matter needs your consent to sign electronically (E-SIGN Act) before you can sign.",
     "Read the electronic-records disclosure and give your consent, then sign."),
    ("acknowledgement_required",
     "Matter requires acknowledgements that were not given for this action.",
     "Open the link again and review every acknowledgement before signing."),
    ("policy_violation",
     "An agent policy on this account forbids this action.",
     "Ask the account's administrator to review the agent policy."),
    ("above_tier_ceiling",
     "The action is above the credential's tier ceiling.",
     "Ask the account's administrator for a credential with a higher ceiling."),
    ("authorization_pending",
     "The action is waiting for a human approval.",
     "Wait for the approval, then try again."),
    ("human_signature_required",
     "This action always needs a human signature.",
     "Sign it yourself through the signing link."),
    ("pending_authorization",
     "Matter paused the action until a human approves it.",
     "Wait for the approval, then check the document's status."),
    ("authorization_already_resolved",
     "This approval was already approved or denied.",
     "Nothing more is needed; check the document's status."),
    ("wrong_approver",
     "You are not the person this approval was requested of.",
     "Sign in as the requested approver, or ask the sender."),
    ("state_authorisation_required",
     "The change needs an authorisation that is not on record.",
     "Ask the sender to obtain the authorisation first."),
    ("state_transition_invalid",
     "The document or envelope is not in a state that allows this signature.",
     "Check its status with the sender; nothing was signed."),
    ("state_optimistic_lock_conflict",
     "Someone changed the document at the same moment.",
     "Open the link again to review the current version."),
    ("receipt_not_ready",
     "Matter has not produced that receipt yet.",
     "Try again in a few minutes."),
    ("stakeholder_not_linked_to_user",
     "The stakeholder named in the link is not linked to the account you signed in with.",
     "Sign out, then sign in as the person the link was sent to."),
    ("stakeholder_not_signer",
     "The stakeholder named in the link is not a signer of this document or envelope slot.",
     "Check that you opened the link you were sent, or ask the sender for a new one."),
    ("stakeholder_not_natural_person",
     "Only a natural person can sign this way, and the stakeholder in the link is an entity.",
     "Ask the sender for a link addressed to the person who signs for the entity."),
    ("session_already_consumed",
     "This signing session was already used for a signature.",
     "Check your receipts; open the link again only if the document still needs your signature."),
    ("session_target_mismatch",
     "The signing session was created for a different document or envelope slot.",
     "Open the link again; nothing was signed."),
    ("disclosure_packet_hash_mismatch",
     "The disclosure you reviewed no longer matches what Matter holds for this signing session.",
     "Open the link again and review the current disclosure; nothing was signed."),
    // Validation and transport conventions.
    ("validation_header_invalid",
     "Matter rejected a request header (usually an unsupported Matter-Version).",
     "Check the configured API version (`matter_version`), or update Matter Signer."),
    ("validation_body_invalid",
     "Matter could not read the request body.",
     "Update Matter Signer; if it persists, report it with the request id."),
    ("validation_query_invalid",
     "Matter rejected a query parameter.",
     "Update Matter Signer; if it persists, report it with the request id."),
    ("validation_failed",
     "Matter rejected a value in the request.",
     "Check the link you opened; if it is correct, report it with the request id."),
    ("additional_properties_not_permitted",
     "Matter rejected a field this app sent.",
     "Update Matter Signer, or set `matter_version` to a version this app supports."),
    ("invalid_request",
     "Matter rejected the request as malformed.",
     "Update Matter Signer; if it persists, report it with the request id."),
    ("method_not_allowed",
     "Matter does not accept this kind of request on that address.",
     "Check the configured API base URL (`api_base`)."),
    ("idempotency_key_reused_with_different_body",
     "Matter saw the same request key with a different request; nothing new was done.",
     "Open the link again to start a fresh attempt."),
    // Credentials.
    ("auth_missing_credentials",
     "The request reached Matter without a credential.",
     "Sign in again with `matter-signer login`."),
    ("auth_token_invalid",
     "Matter did not recognise the credential.",
     "Sign in again with `matter-signer login`."),
    ("auth_token_expired",
     "Your sign-in has expired.",
     "Sign in again with `matter-signer login`."),
    ("auth_token_revoked",
     "Your sign-in was revoked.",
     "Sign in again with `matter-signer login`."),
    ("auth_token_mode_mismatch",
     "The credential belongs to the other mode (test or live) than the API address.",
     "Check `mode` and `api_base` in the configuration."),
    ("authentication_required",
     "Matter needs you to sign in.",
     "Sign in again with `matter-signer login`."),
    ("authorization_required",
     "Your account is not allowed to do this.",
     "Sign in as the person the link was sent to, or ask the sender."),
    ("scope_denied",
     "Your credential's scope does not allow this action.",
     "Ask the account's administrator for access."),
    ("scope_tier_insufficient",
     "Your credential's tier is too low for this action.",
     "Ask the account's administrator for access."),
    ("scope_resource_out_of_portfolio",
     "The document belongs to a portfolio your account cannot reach.",
     "Sign in as the person the link was sent to, or ask the sender."),
    // Not found.
    ("not_found",
     "Matter found no such item, or it is not yours to see (Matter does not tell the two apart).",
     "Check that you are signed in as the person the link was sent to, and that the link is complete."),
    ("not_found_in_mode",
     "The item exists only in the other mode (test or live).",
     "Check `mode` and `api_base` in the configuration."),
    ("not_found_portfolio",
     "Matter found no such portfolio, or it is not yours.",
     "Ask the sender for a new link."),
    // Limits and availability.
    ("rate_limited",
     "Matter is limiting the rate of requests.",
     "Wait a minute, then try again."),
    ("render_budget_exhausted",
     "Matter's rendering budget for this account is used up.",
     "Try again later or contact the sender."),
    ("op_quota_exceeded",
     "The account's plan quota is used up.",
     "Ask the account's administrator."),
    ("op_endpoint_sunset",
     "Matter retired the endpoint this version of the app uses.",
     "Update Matter Signer."),
    ("op_service_degraded",
     "Matter reports degraded service.",
     "Try again in a few minutes."),
    ("upstream_unavailable",
     "A service Matter depends on is unavailable.",
     "Try again in a few minutes."),
    ("infra_internal_error",
     "Matter had an internal error.",
     "Try again in a few minutes; report it with the request id if it persists."),
    ("infra_db_unavailable",
     "Matter's database is unavailable.",
     "Try again in a few minutes."),
    ("server_error",
     "Matter answered with a server error.",
     "Try again in a few minutes; report it with the request id if it persists."),
    // Business rules of other Matter operations, listed so that an answer naming them
    // still reads plainly.
    ("state_cap_table_invariant_violated",
     "The action would break the company's cap table rules.",
     "Contact the sender; nothing was signed."),
    ("no_directors_on_record",
     "The company has no directors on record.",
     "Contact the sender; nothing was signed."),
    ("insufficient_pool",
     "The option pool is too small for this grant.",
     "Contact the sender; nothing was signed."),
    ("409a_stale",
     "The company's 409A valuation is out of date.",
     "Contact the sender; nothing was signed."),
    // Status-derived fallbacks.
    ("conflict",
     "Matter reported a conflict with the current state.",
     "Open the link again to see the current state; nothing was signed."),
    ("gone",
     "The item is no longer available.",
     "Open the link again."),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code named on Matter's public error pages and in the contract.
    const DOCUMENTED: &[&str] = &[
        "reauthentication_required",
        "session_expired",
        "invalid_session_token",
        "state_esra_consent_required",
        "acknowledgement_required",
        "policy_violation",
        "above_tier_ceiling",
        "authorization_pending",
        "human_signature_required",
        "pending_authorization",
        "authorization_already_resolved",
        "wrong_approver",
        "state_authorisation_required",
        "state_transition_invalid",
        "state_optimistic_lock_conflict",
        "receipt_not_ready",
        "validation_header_invalid",
        "auth_missing_credentials",
        "auth_token_invalid",
        "auth_token_expired",
        "auth_token_revoked",
        "auth_token_mode_mismatch",
        "scope_denied",
        "scope_tier_insufficient",
        "scope_resource_out_of_portfolio",
        "not_found_resource",
        "not_found_in_mode",
        "validation_idempotency_key_conflict",
        "op_endpoint_sunset",
        "op_rate_limit_exceeded",
        "op_provider_unavailable",
        "not_found_portfolio",
        "validation_body_invalid",
        "validation_query_invalid",
        "state_cap_table_invariant_violated",
        "op_quota_exceeded",
        "op_service_degraded",
        "infra_internal_error",
        "infra_db_unavailable",
        "invalid_request",
        "authentication_required",
        "authorization_required",
        "resource_not_found",
        "not_found",
        "invalid_state_transition",
        "idempotency_key_replay",
        "idempotency_key_reused_with_different_body",
        "validation_failed",
        "rate_limit_exceeded",
        "rate_limited",
        "upstream_unavailable",
        "render_budget_exhausted",
        "additional_properties_not_permitted",
        "no_directors_on_record",
        "insufficient_pool",
        "409a_stale",
        "stakeholder_not_linked_to_user",
        "stakeholder_not_natural_person",
        "stakeholder_not_signer",
        "session_already_consumed",
        "session_target_mismatch",
        "disclosure_packet_hash_mismatch",
        "method_not_allowed",
    ];

    #[test]
    fn every_documented_code_has_its_own_words() {
        for code in DOCUMENTED {
            let canonical = canonical_code(code, 418);
            assert_ne!(canonical, "api_error", "code {code} is not in the table");
            let explanation = explain(canonical);
            assert!(
                !explanation.message.contains("does not recognise"),
                "code {code} falls back to the generic message"
            );
            assert!(!explanation.next_step.is_empty(), "code {code}");
        }
    }

    #[test]
    fn idempotency_synonyms_fold_to_one_code() {
        for code in [
            "idempotency_key_replay",
            "validation_idempotency_key_conflict",
            "idempotency_key_reused_with_different_body",
        ] {
            assert_eq!(
                canonical_code(code, 409),
                "idempotency_key_reused_with_different_body"
            );
        }
    }

    #[test]
    fn not_found_says_not_yours() {
        for code in ["not_found", "not_found_resource", "resource_not_found"] {
            let message = explain(canonical_code(code, 404)).message;
            assert!(message.contains("not yours"), "{code}: {message}");
        }
    }

    #[test]
    fn rate_limit_keys_off_status() {
        assert_eq!(canonical_code("something_new", 429), "rate_limited");
    }

    #[test]
    fn parse_tolerates_non_json() {
        let problem = ApiProblem::parse(502, b"<html>bad gateway</html>", None, None, "x");
        assert_eq!(problem.code, "");
        assert_eq!(problem.canonical_code(), "server_error");
    }

    #[test]
    fn parse_reads_code_from_type_uri() {
        let body = br#"{"type":"https://mattermode.com/docs/errors/rate_limited","status":429}"#;
        let problem = ApiProblem::parse(429, body, Some("req_1".into()), None, "x");
        assert_eq!(problem.code, "rate_limited");
        assert_eq!(problem.request_id.as_deref(), Some("req_1"));
    }

    #[test]
    fn parse_prefers_body_request_id_and_header_retry_after() {
        let body = br#"{"code":"rate_limited","request_id":"req_body","retry_after":"9"}"#;
        let problem = ApiProblem::parse(429, body, Some("req_header".into()), Some(3), "x");
        assert_eq!(problem.request_id.as_deref(), Some("req_body"));
        assert_eq!(problem.retry_after, Some(3));
        let without_header = ApiProblem::parse(429, body, None, None, "x");
        assert_eq!(without_header.retry_after, Some(9));
    }

    #[test]
    fn prior_signer_state_has_its_own_words() {
        let body =
            br#"{"code":"state_transition_invalid","current_state":"awaiting_prior_signer"}"#;
        let problem = ApiProblem::parse(409, body, None, None, "x");
        assert!(problem.explanation().message.contains("earlier signer"));
    }

    #[test]
    fn long_detail_is_cut() {
        let detail = "é".repeat(1000);
        let body = serde_json::to_vec(&serde_json::json!({ "detail": detail })).unwrap();
        let problem = ApiProblem::parse(400, &body, None, None, "x");
        assert!(problem.detail.unwrap().len() <= MAX_TEXT + '…'.len_utf8());
    }
}
