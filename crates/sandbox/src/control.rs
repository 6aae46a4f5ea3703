//! Test controls and inspection for a running sandbox.

use std::sync::Arc;
use std::time::Duration;

use http::Method;

use crate::config::{ConflictCode, RateLimit, RequestIdHeader, TokenField, Variants};
use crate::state::{App, IdTokenTamper, LoggedRequest, SessionStatus};

/// A route of the sandbox, as named by `fail_next` and `drop_after_commit`.
///
/// `POST /v1/signing_sessions` is two routes: `DryRunSigningSession` when the query has
/// `dry_run=true`, `CreateSigningSession` otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// `GET /v1/documents/{id}`
    GetDocument,
    /// `GET /v1/documents/{id}/content`
    GetDocumentContent,
    /// `GET /v1/signing_envelopes/{id}`
    GetSigningEnvelope,
    /// `POST /v1/signing_sessions?dry_run=true`
    DryRunSigningSession,
    /// `POST /v1/signing_sessions`
    CreateSigningSession,
    /// `GET /v1/signing_sessions/{id}`
    GetSigningSession,
    /// `POST /v1/documents/{id}/sign`
    SignDocument,
    /// `POST /v1/signing_envelopes/{id}/signers/{signer_id}/sign`
    SignEnvelopeSigner,
    /// `GET /v1/acknowledgements/esra_consent`
    GetEsraDisclosure,
    /// `POST /v1/consents/esra`
    CreateEsraConsent,
    /// `GET /oauth/authorize`
    OAuthAuthorize,
    /// `POST /oauth/token`
    OAuthToken,
    /// `GET /oauth/userinfo`
    OAuthUserinfo,
    /// `GET /.well-known/jwks.json`
    Jwks,
    /// `GET /.well-known/matter-keys.json`
    MatterKeys,
    /// Any other request (discovery documents, sign-in and consent pages, unknown paths).
    Other,
}

impl Route {
    /// Classifies a request by method, path and query.
    pub fn classify(method: &Method, path: &str, query: Option<&str>) -> Route {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let get = *method == Method::GET;
        let post = *method == Method::POST;
        match (segments.as_slice(), get, post) {
            (["v1", "documents", _], true, _) => Route::GetDocument,
            (["v1", "documents", _, "content"], true, _) => Route::GetDocumentContent,
            (["v1", "documents", _, "sign"], _, true) => Route::SignDocument,
            (["v1", "signing_envelopes", _], true, _) => Route::GetSigningEnvelope,
            (["v1", "signing_envelopes", _, "signers", _, "sign"], _, true) => {
                Route::SignEnvelopeSigner
            }
            (["v1", "signing_sessions"], _, true) => {
                if is_dry_run(query) {
                    Route::DryRunSigningSession
                } else {
                    Route::CreateSigningSession
                }
            }
            (["v1", "signing_sessions", _], true, _) => Route::GetSigningSession,
            (["v1", "acknowledgements", "esra_consent"], true, _) => Route::GetEsraDisclosure,
            (["v1", "consents", "esra"], _, true) => Route::CreateEsraConsent,
            (["oauth", "authorize"], true, _) => Route::OAuthAuthorize,
            (["oauth", "token"], _, true) => Route::OAuthToken,
            (["oauth", "userinfo"], true, _) => Route::OAuthUserinfo,
            ([".well-known", "jwks.json"], true, _) => Route::Jwks,
            ([".well-known", "matter-keys.json"], true, _) => Route::MatterKeys,
            _ => Route::Other,
        }
    }
}

/// Returns whether the query string requests a dry run (`dry_run=true`).
pub fn is_dry_run(query: Option<&str>) -> bool {
    query
        .unwrap_or("")
        .split('&')
        .any(|pair| pair == "dry_run=true")
}

/// Selector of the requests a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteSelector {
    One(Route),
    Any,
}

impl RouteSelector {
    pub fn matches(self, route: Route) -> bool {
        match self {
            RouteSelector::One(wanted) => wanted == route,
            RouteSelector::Any => true,
        }
    }
}

impl From<Route> for RouteSelector {
    fn from(route: Route) -> Self {
        RouteSelector::One(route)
    }
}

/// A pending fault: the next `remaining` requests to `route` fail (or drop) with `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteRule {
    pub route: RouteSelector,
    pub remaining: u32,
    /// Status for `fail_next`; unused by `drop_after_commit`.
    pub status: u16,
}

/// A signing session as tests see it (the token is never exposed here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSummary {
    pub id: String,
    pub stakeholder_id: String,
    pub status: SessionStatus,
    pub disclosure_packet_hash: String,
}

/// A recorded signature as tests see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureSummary {
    pub id: String,
    pub document_id: String,
    pub signing_envelope_id: Option<String>,
    pub signer_id: Option<String>,
    pub stakeholder_id: String,
    pub signing_session_id: String,
}

/// A recorded ESRA consent as tests see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentSummary {
    pub id: String,
    pub stakeholder_id: String,
    pub captured_at: i64,
}

/// Handle for changing and inspecting a running sandbox. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Control {
    pub(crate) app: Arc<App>,
}

impl Control {
    /// Sets the delay added before every response.
    pub fn set_latency(&self, latency: Duration) {
        self.app.store().settings.latency = latency;
    }

    /// Makes the next `count` requests to `route` fail with `status` before any state change.
    /// The problem `code` is `rate_limited` (with `Retry-After: 1`) for 429,
    /// `infra_internal_error` for 500, `op_provider_unavailable` for 503 and
    /// `injected_failure` otherwise. A POST under `/v1` fails after it claims its
    /// `Idempotency-Key`, and no injected failure is ever replayed: a retry with the same key
    /// runs afresh.
    pub fn fail_next(&self, route: impl Into<RouteSelector>, count: u32, status: u16) {
        if count == 0 {
            return;
        }
        self.app.store().settings.fail_rules.push(RouteRule {
            route: route.into(),
            remaining: count,
            status,
        });
    }

    /// Makes the next `count` requests to `route` run to completion (state committed and the
    /// idempotency record stored) and then closes the connection without writing a response.
    pub fn drop_after_commit(&self, route: impl Into<RouteSelector>, count: u32) {
        if count == 0 {
            return;
        }
        self.app.store().settings.drop_rules.push(RouteRule {
            route: route.into(),
            remaining: count,
            status: 0,
        });
    }

    /// Moves the sandbox clock forward: ages sign-ins, codes, tokens and sessions.
    pub fn advance_clock(&self, by: Duration) {
        self.app.clock.advance(by);
    }

    /// Current sandbox time in unix seconds.
    pub fn now(&self) -> i64 {
        self.app.clock.now()
    }

    pub fn set_variants(&self, variants: Variants) {
        self.app.store().settings.variants = variants;
    }

    pub fn variants(&self) -> Variants {
        self.app.store().settings.variants.clone()
    }

    pub fn set_token_field(&self, field: TokenField) {
        self.app.store().settings.variants.token_field = field;
    }

    pub fn set_conflict_code(&self, code: ConflictCode) {
        self.app.store().settings.variants.conflict_code = code;
    }

    pub fn set_request_id_header(&self, header: RequestIdHeader) {
        self.app.store().settings.variants.request_id_header = header;
    }

    pub fn set_exact_port_redirects(&self, exact: bool) {
        self.app.store().settings.variants.exact_port_redirects = exact;
    }

    pub fn set_id_token_auth_time(&self, include: bool) {
        self.app.store().settings.variants.id_token_auth_time = include;
    }

    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        let mut store = self.app.store();
        store.settings.variants.rate_limit = limit;
        store.rate_windows.clear();
    }

    pub fn set_uuid_only_idempotency_keys(&self, uuid_only: bool) {
        self.app
            .store()
            .settings
            .variants
            .uuid_only_idempotency_keys = uuid_only;
    }

    /// Changes a document's bytes, so its SHA-256 and its disclosure packet change too.
    /// Returns the new SHA-256, or `None` for an unknown document.
    pub fn amend_document(&self, document_id: &str) -> Option<String> {
        let mut store = self.app.store();
        let document = store.documents.get_mut(document_id)?;
        document.revision += 1;
        document.render();
        Some(document.sha256.clone())
    }

    /// Spoils the next ID token the token endpoint issues, as `tamper` describes.
    /// Calls queue up, one per token.
    pub fn tamper_next_id_token(&self, tamper: IdTokenTamper) {
        self.app.store().settings.id_token_tampers.push(tamper);
    }

    /// Makes the next `count` dry runs respond with a wrong `packet_hash`.
    pub fn corrupt_next_packet_hash(&self, count: u32) {
        self.app.store().settings.corrupt_packet_hashes += count;
    }

    /// Every request so far, oldest first.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.app.store().request_log.clone()
    }

    /// Signatures recorded on `document_id`, oldest first.
    pub fn signatures(&self, document_id: &str) -> Vec<SignatureSummary> {
        let store = self.app.store();
        store
            .signatures_on(document_id)
            .into_iter()
            .map(|signature| SignatureSummary {
                id: signature.id.clone(),
                document_id: signature.document_id.clone(),
                signing_envelope_id: signature.envelope_id.clone(),
                signer_id: signature.signer_id.clone(),
                stakeholder_id: signature.stakeholder_id.clone(),
                signing_session_id: signature.session_id.clone(),
            })
            .collect()
    }

    /// ESRA consents on record, seeded ones included.
    pub fn consents(&self) -> Vec<ConsentSummary> {
        self.app
            .store()
            .consents
            .iter()
            .map(|consent| ConsentSummary {
                id: consent.id.clone(),
                stakeholder_id: consent.stakeholder_id.clone(),
                captured_at: consent.captured_at,
            })
            .collect()
    }

    /// Signing sessions and their status on the sandbox clock.
    pub fn sessions(&self) -> Vec<SessionSummary> {
        let now = self.app.clock.now();
        self.app
            .store()
            .sessions
            .values()
            .map(|session| SessionSummary {
                id: session.id.clone(),
                stakeholder_id: session.stakeholder_id.clone(),
                status: session.status(now),
                disclosure_packet_hash: session.disclosure_packet_hash.clone(),
            })
            .collect()
    }

    /// How many times a human submitted the sign-in form with the right password.
    pub fn interactive_sign_ins(&self) -> u64 {
        self.app.store().interactive_sign_ins
    }

    /// The current SHA-256 of a document's bytes.
    pub fn document_sha256(&self, document_id: &str) -> Option<String> {
        self.app
            .store()
            .documents
            .get(document_id)
            .map(|document| document.sha256.clone())
    }
}
