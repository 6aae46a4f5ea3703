//! The request pipeline around the router: request ids, latency, injected faults, the
//! `/v1` conventions (rate limit, bearer, `Matter-Version`, `Idempotency-Key`, body limit,
//! idempotent replay) and the request log.
//!
//! Order on `/v1`: injected failure, rate limit, bearer, `Matter-Version`,
//! `Idempotency-Key`, body size, idempotency record, handler.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body_util::{BodyExt as _, Limited};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;
use tokio::sync::watch;
use tower::ServiceExt as _;

use crate::control::Route;
use crate::problem::{stamp_request_id, Problem, PROBLEM_CONTENT_TYPE};
use crate::state::{random_id, App, BearerKind, LoggedRequest, Settings};

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// `Matter-Version` values the sandbox accepts.
pub const SUPPORTED_VERSIONS: [&str; 2] = ["2026-05-01", "2026-06-10"];

/// The authenticated caller of a `/v1` request, available to handlers as an extension.
#[derive(Debug, Clone)]
pub enum Caller {
    /// A human with an OAuth access token.
    User {
        user_id: String,
        /// When this human last signed in interactively (unix seconds).
        auth_time: i64,
    },
    /// A signing-session token holder.
    Session { session_id: String },
}

impl Caller {
    fn idempotency_scope(&self) -> String {
        match self {
            Caller::User { user_id, .. } => format!("user:{user_id}"),
            Caller::Session { session_id } => format!("session:{session_id}"),
        }
    }
}

/// The id of the request being handled, available to `/v1` handlers as an extension.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A finished response, kept whole so it can be memoised and replayed.
#[derive(Debug, Clone)]
pub struct Finished {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    request_id: String,
}

impl Finished {
    fn into_response(self, request_id_header: &'static str, replayed: bool) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        if let Ok(value) = HeaderValue::from_str(&self.request_id) {
            response
                .headers_mut()
                .insert(HeaderName::from_static_lowercase(request_id_header), value);
        }
        if replayed {
            response.headers_mut().insert(
                HeaderName::from_static("idempotent-replayed"),
                HeaderValue::from_static("true"),
            );
        }
        response
    }
}

trait HeaderNameExt {
    fn from_static_lowercase(name: &'static str) -> HeaderName;
}

impl HeaderNameExt for HeaderName {
    fn from_static_lowercase(name: &'static str) -> HeaderName {
        HeaderName::from_bytes(name.as_bytes()).expect("request id header names are valid")
    }
}

/// How long a stored response is replayed for its `Idempotency-Key`: Matter keeps
/// keys for 24 hours. Measured on the sandbox clock, so `advance_clock` expires them.
pub const IDEMPOTENCY_TTL_SECONDS: i64 = 24 * 60 * 60;

/// One entry of the idempotency store.
#[derive(Debug)]
pub struct IdempotencyEntry {
    fingerprint: [u8; 32],
    /// Sandbox-clock seconds when the key was first claimed.
    created_at: i64,
    /// `None` while the first request is in flight; waiters subscribe to this channel.
    result: watch::Sender<Option<Finished>>,
}

impl IdempotencyEntry {
    /// Returns whether the entry is finished and older than
    /// [`IDEMPOTENCY_TTL_SECONDS`]. An entry still in flight never expires.
    fn expired(&self, now: i64) -> bool {
        now - self.created_at >= IDEMPOTENCY_TTL_SECONDS && self.result.borrow().is_some()
    }
}

/// Handles one HTTP request end to end. `poison` closes the connection without a response.
pub async fn handle(
    app: Arc<App>,
    router: Router,
    request: Request<Body>,
    poison: Arc<AtomicBool>,
) -> Response {
    let request_id = random_id("req_");
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let route = Route::classify(&method, &path, request.uri().query());
    let bearer = BearerKind::of(header_str(
        request.headers(),
        header::AUTHORIZATION.as_str(),
    ));
    let idempotency_key = header_str(request.headers(), "idempotency-key").map(str::to_owned);

    let is_v1 = path == "/v1" || path.starts_with("/v1/");
    // A POST under /v1 takes its injected failure only after it claims its idempotency key
    // (see `v1_checked`), so that the failure goes through the same no-memo path as a real
    // server error.
    let injects_early = !(is_v1 && method == Method::POST);
    let (injected_status, request_id_header) = {
        let mut store = app.store();
        let injected = if injects_early {
            Settings::take_rule(&mut store.settings.fail_rules, route)
        } else {
            None
        };
        (injected, store.settings.variants.request_id_header.as_str())
    };

    let (finished, replayed) = if let Some(status) = injected_status {
        tracing::info!(%request_id, %path, status, "injected failure");
        apply_latency(&app).await;
        (
            finish(injected_failure(status).into_response(), &request_id).await,
            false,
        )
    } else if is_v1 {
        v1(&app, router, request, route, &request_id).await
    } else {
        apply_latency(&app).await;
        let response = router.oneshot(request).await.into_response();
        (finish(response, &request_id).await, false)
    };

    let status = finished.status.as_u16();
    let logged_request_id = finished.request_id.clone();
    let response = finished.into_response(request_id_header, replayed);

    let drop_connection = {
        let mut store = app.store();
        store.request_log.push(LoggedRequest {
            method: method.to_string(),
            path: path.clone(),
            idempotency_key,
            status,
            bearer,
            request_id: logged_request_id.clone(),
            replayed,
        });
        Settings::take_rule(&mut store.settings.drop_rules, route).is_some()
    };
    if status >= 500 {
        tracing::warn!(request_id = %logged_request_id, %method, %path, status, "request failed");
    } else if status >= 400 {
        tracing::info!(request_id = %logged_request_id, %method, %path, status, "request rejected");
    } else {
        tracing::debug!(request_id = %logged_request_id, %method, %path, status, "request handled");
    }
    if drop_connection {
        tracing::info!(request_id = %logged_request_id, %path, "dropping the connection after commit");
        poison.store(true, Ordering::SeqCst);
    }
    response
}

/// Sleeps for the configured latency. On `/v1` it runs after the idempotency record is
/// claimed, so a concurrent duplicate reliably finds the first request in flight.
async fn apply_latency(app: &App) {
    let latency = app.store().settings.latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

fn injected_failure(status: u16) -> Problem {
    let code = match status {
        429 => "rate_limited",
        500 => "infra_internal_error",
        503 => "op_provider_unavailable",
        _ => "injected_failure",
    };
    let mut problem = Problem::new(
        status,
        code,
        "The sandbox was told to fail this request (Control::fail_next); nothing was changed.",
    );
    if status == 429 {
        problem.retry_after = Some(1);
    }
    problem
}

/// Collects a response, turns axum's bare 404/405 into problems and stamps the request id.
async fn finish(response: Response, request_id: &str) -> Finished {
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .map(|collected| collected.to_bytes())
        .unwrap_or_default();
    let mut status = parts.status;
    let mut headers = parts.headers;
    let mut body = body;

    let is_problem = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes() == PROBLEM_CONTENT_TYPE.as_bytes());
    if !is_problem
        && (status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED)
        && !headers.contains_key(header::CONTENT_TYPE)
    {
        let problem = if status == StatusCode::NOT_FOUND {
            Problem::new(404, "not_found", "No route matches this path.")
        } else {
            let allow = headers
                .get(header::ALLOW)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("")
                .to_owned();
            Problem::new(
                405,
                "method_not_allowed",
                format!("This path does not accept that method; allowed: {allow}."),
            )
        };
        let allow = headers.get(header::ALLOW).cloned();
        let rebuilt = problem.into_response();
        status = rebuilt.status();
        headers = rebuilt.headers().clone();
        if let Some(allow) = allow {
            headers.insert(header::ALLOW, allow);
        }
        body = rebuilt
            .into_body()
            .collect()
            .await
            .map(|collected| collected.to_bytes())
            .unwrap_or_default();
    }
    let plain_rejection = status.is_client_error()
        && headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|value| value.as_bytes().starts_with(b"text/plain"));
    if plain_rejection {
        // An axum extractor rejected the request (for example a path segment that is not
        // valid UTF-8); report it in the same problem shape as every other error.
        let detail = String::from_utf8_lossy(&body).into_owned();
        let rebuilt = Problem::new(status.as_u16(), "validation_failed", detail).into_response();
        headers = rebuilt.headers().clone();
        body = rebuilt
            .into_body()
            .collect()
            .await
            .map(|collected| collected.to_bytes())
            .unwrap_or_default();
    }
    let is_problem = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes() == PROBLEM_CONTENT_TYPE.as_bytes());
    if is_problem {
        if let Some(stamped) = stamp_request_id(&body, request_id) {
            body = Bytes::from(stamped);
            headers.remove(header::CONTENT_LENGTH);
        }
    }
    Finished {
        status,
        headers,
        body,
        request_id: request_id.to_owned(),
    }
}

async fn v1(
    app: &Arc<App>,
    router: Router,
    request: Request<Body>,
    route: Route,
    request_id: &str,
) -> (Finished, bool) {
    match v1_checked(app, router, request, route, request_id).await {
        Ok(result) => result,
        Err(problem) => {
            apply_latency(app).await;
            (finish(problem.into_response(), request_id).await, false)
        }
    }
}

async fn v1_checked(
    app: &Arc<App>,
    router: Router,
    request: Request<Body>,
    route: Route,
    request_id: &str,
) -> Result<(Finished, bool), Problem> {
    let caller = authenticate(app, request.headers(), route)?;
    check_rate_limit(app, &caller)?;
    check_version(request.headers())?;
    let is_post = request.method() == Method::POST;
    let idempotency_key = if is_post {
        Some(check_idempotency_key(app, request.headers())?)
    } else {
        None
    };

    let (mut parts, body) = request.into_parts();
    let declared_length = header_str(&parts.headers, header::CONTENT_LENGTH.as_str())
        .and_then(|value| value.parse::<u64>().ok());
    if declared_length.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(body_too_large());
    }
    let bytes = Limited::new(body, MAX_BODY_BYTES)
        .collect()
        .await
        .map_err(|_| body_too_large())?
        .to_bytes();

    parts.extensions.insert(caller.clone());
    parts.extensions.insert(RequestId(request_id.to_owned()));
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|value| value.as_str().to_owned())
        .unwrap_or_default();
    let method = parts.method.clone();
    let rebuilt = Request::from_parts(parts, Body::from(bytes.clone()));

    let Some(key) = idempotency_key else {
        apply_latency(app).await;
        let response = router.oneshot(rebuilt).await.into_response();
        return Ok((finish(response, request_id).await, false));
    };

    let mut hasher = Sha256::new();
    hasher.update(method.as_str().as_bytes());
    hasher.update([0]);
    hasher.update(path_and_query.as_bytes());
    hasher.update([0]);
    hasher.update(body_for_fingerprint(&bytes));
    let fingerprint: [u8; 32] = hasher.finalize().into();
    let store_key = (caller.idempotency_scope(), key);

    let leader = loop {
        // `Err` carries a stored response to replay; `Ok` a channel to wait on.
        let mut receiver = {
            let now = app.clock.now();
            let mut store = app.store();
            let before = store.idempotency.len();
            store.idempotency.retain(|_, entry| !entry.expired(now));
            if store.idempotency.len() < before {
                tracing::debug!(
                    expired = before - store.idempotency.len(),
                    "idempotency keys older than 24 hours forgotten"
                );
            }
            match store.idempotency.get(&store_key) {
                None => {
                    let (sender, _) = watch::channel(None);
                    store.idempotency.insert(
                        store_key.clone(),
                        IdempotencyEntry {
                            fingerprint,
                            created_at: now,
                            result: sender,
                        },
                    );
                    break LeaderGuard {
                        app: app.clone(),
                        key: store_key.clone(),
                        done: false,
                    };
                }
                Some(entry) if !bool::from(entry.fingerprint.ct_eq(&fingerprint)) => {
                    let code = store.settings.variants.conflict_code.as_str();
                    return Err(Problem::new(
                        409,
                        code,
                        "This Idempotency-Key was already used with a different method, path or \
                         body. Use a new key for a new request.",
                    )
                    .param("Idempotency-Key"));
                }
                Some(entry) => {
                    let stored = entry.result.borrow().clone();
                    match stored {
                        Some(done) => Err(done),
                        None => Ok(entry.result.subscribe()),
                    }
                }
            }
        };
        match receiver {
            Err(done) => {
                apply_latency(app).await;
                return Ok((done, true));
            }
            // The first request is still in flight: wait for it, then look again. A closed
            // channel means it ended with a 5xx or was cancelled, and this request takes over.
            Ok(ref mut receiver) => {
                let _ = receiver.changed().await;
            }
        }
    };

    apply_latency(app).await;
    let injected = Settings::take_rule(&mut app.store().settings.fail_rules, route);
    if let Some(status) = injected {
        tracing::info!(%request_id, status, "injected failure");
        // Dropping the guard without completing it removes the claim: injected failures,
        // whatever their status, are never replayed.
        drop(leader);
        let finished = finish(injected_failure(status).into_response(), request_id).await;
        return Ok((finished, false));
    }
    let response = router.oneshot(rebuilt).await.into_response();
    let finished = finish(response, request_id).await;
    leader.complete(&finished);
    Ok((finished, false))
}

/// Removes an in-flight idempotency entry unless the request completed with a stored response.
struct LeaderGuard {
    app: Arc<App>,
    key: (String, String),
    done: bool,
}

impl LeaderGuard {
    fn complete(mut self, finished: &Finished) {
        if finished.status.is_server_error() {
            return; // Drop removes the entry, so 5xx responses are never replayed.
        }
        let store = self.app.store();
        if let Some(entry) = store.idempotency.get(&self.key) {
            entry.result.send_replace(Some(finished.clone()));
        }
        self.done = true;
    }
}

impl Drop for LeaderGuard {
    fn drop(&mut self) {
        if !self.done {
            self.app.store().idempotency.remove(&self.key);
        }
    }
}

/// Returns the body as the idempotency fingerprint sees it: a JSON body in its JCS form
/// (RFC 8785, https://www.rfc-editor.org/rfc/rfc8785), so that the same JSON sent with other
/// whitespace, key order or escapes is a replay and not a conflict. A body that is not JSON
/// or repeats an object key is compared byte for byte. A leading tag keeps the two forms apart.
fn body_for_fingerprint(bytes: &[u8]) -> Vec<u8> {
    let canonical = serde_json::from_slice::<UniqueKeys>(bytes)
        .ok()
        .and_then(|_| serde_json::from_slice::<serde_json::Value>(bytes).ok())
        .and_then(|value| serde_json_canonicalizer::to_vec(&value).ok());
    match canonical {
        Some(canonical) => [b"json\0".as_slice(), &canonical].concat(),
        None => [b"raw\0".as_slice(), bytes].concat(),
    }
}

/// Any JSON value, rejected when an object repeats a key: `serde_json::Value` keeps only the
/// last one, which would let two different bodies share a fingerprint.
struct UniqueKeys;

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = UniqueKeys;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a JSON value with no repeated object key")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key) {
                return Err(serde::de::Error::custom("repeated object key"));
            }
            map.next_value::<UniqueKeys>()?;
        }
        Ok(UniqueKeys)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(UniqueKeys)
    }

    fn visit_bool<E>(self, _: bool) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_i64<E>(self, _: i64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_u64<E>(self, _: u64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_f64<E>(self, _: f64) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_str<E>(self, _: &str) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }

    fn visit_unit<E>(self) -> Result<UniqueKeys, E> {
        Ok(UniqueKeys)
    }
}

fn body_too_large() -> Problem {
    Problem::new(
        413,
        "validation_body_invalid",
        format!("The request body is larger than the {MAX_BODY_BYTES}-byte limit."),
    )
}

/// Counts the request against the configured window of its credential: Matter
/// documents its limits per key or token, so one caller's burst never limits another.
/// The credential is the OAuth user for `oat_` bearers and the signing session for
/// `sig_` bearers, the same scope as idempotency keys.
fn check_rate_limit(app: &App, caller: &Caller) -> Result<(), Problem> {
    let now_ms = app.clock.now_ms();
    let mut store = app.store();
    let Some(limit) = store.settings.variants.rate_limit else {
        return Ok(());
    };
    let window_ms = i64::try_from(limit.window.as_millis())
        .unwrap_or(i64::MAX)
        .max(1);
    let window = store
        .rate_windows
        .entry(caller.idempotency_scope())
        .or_insert((now_ms, 0));
    let (start, count) = *window;
    if now_ms >= start + window_ms {
        *window = (now_ms, 1);
        return Ok(());
    }
    if count < limit.requests {
        window.1 += 1;
        return Ok(());
    }
    let remaining_ms = start + window_ms - now_ms;
    let seconds = u64::try_from((remaining_ms + 999) / 1000)
        .unwrap_or(1)
        .max(1);
    let mut problem = Problem::new(
        429,
        "rate_limited",
        format!(
            "More than {} requests in the rate-limit window; retry after {seconds} s.",
            limit.requests
        ),
    );
    problem.retry_after = Some(seconds);
    Err(problem)
}

fn authenticate(app: &App, headers: &HeaderMap, route: Route) -> Result<Caller, Problem> {
    let Some(raw) = headers.get(header::AUTHORIZATION) else {
        return Err(Problem::new(
            401,
            "auth_missing_credentials",
            "No Authorization header. Send `Authorization: Bearer <token>`.",
        ));
    };
    let token = raw
        .to_str()
        .ok()
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            Problem::new(
                401,
                "auth_missing_credentials",
                "The Authorization header is not of the form `Bearer <token>`.",
            )
        })?;
    let sign_route = matches!(route, Route::SignDocument | Route::SignEnvelopeSigner);
    let invalid = || Problem::new(401, "auth_token_invalid", "The bearer token is not valid.");

    if token.starts_with("sig_") {
        if !sign_route {
            return Err(Problem::new(
                401,
                "auth_token_invalid",
                "A signing-session token (sig_...) is accepted only by the sign routes.",
            ));
        }
        let store = app.store();
        let session = store
            .sessions
            .values()
            .find(|session| bool::from(session.token.as_bytes().ct_eq(token.as_bytes())))
            .ok_or_else(invalid)?;
        return Ok(Caller::Session {
            session_id: session.id.clone(),
        });
    }
    if token.starts_with("oat_") {
        if sign_route {
            return Err(Problem::new(
                403,
                "invalid_session_token",
                "The sign routes take the signing-session token (sig_...) as bearer, not an \
                 OAuth access token.",
            ));
        }
        let now = app.clock.now();
        let store = app.store();
        let access = store.access_tokens.get(token).ok_or_else(invalid)?;
        if access.revoked {
            return Err(invalid());
        }
        if now >= access.expires_at {
            return Err(Problem::new(
                401,
                "auth_token_expired",
                "The access token has expired; refresh it or sign in again.",
            ));
        }
        return Ok(Caller::User {
            user_id: access.user_id.clone(),
            auth_time: access.auth_time,
        });
    }
    Err(invalid())
}

fn check_version(headers: &HeaderMap) -> Result<(), Problem> {
    match header_str(headers, "matter-version") {
        None => Err(Problem::new(
            400,
            "validation_header_invalid",
            format!(
                "The Matter-Version header is required; send one of {}.",
                SUPPORTED_VERSIONS.join(", ")
            ),
        )
        .param("Matter-Version")),
        Some(version) if SUPPORTED_VERSIONS.contains(&version) => Ok(()),
        Some(version) => Err(Problem::new(
            400,
            "validation_header_invalid",
            format!(
                "Matter-Version `{version}` is not supported; send one of {}.",
                SUPPORTED_VERSIONS.join(", ")
            ),
        )
        .param("Matter-Version")),
    }
}

fn check_idempotency_key(app: &App, headers: &HeaderMap) -> Result<String, Problem> {
    let invalid = |detail: String| {
        Problem::new(400, "validation_header_invalid", detail).param("Idempotency-Key")
    };
    let Some(raw) = headers.get("idempotency-key") else {
        return Err(invalid(
            "The Idempotency-Key header is required on every POST; send a new UUIDv4 per \
             operation."
                .to_owned(),
        ));
    };
    let key = raw
        .to_str()
        .ok()
        .filter(|key| {
            !key.is_empty()
                && key.len() <= 255
                && key.bytes().all(|byte| (0x20..0x7f).contains(&byte))
        })
        .ok_or_else(|| {
            invalid("The Idempotency-Key must be 1 to 255 printable ASCII characters.".to_owned())
        })?;
    if app.store().settings.variants.uuid_only_idempotency_keys
        && uuid::Uuid::parse_str(key).is_err()
    {
        return Err(invalid(format!(
            "The Idempotency-Key `{key}` is not a UUID; send a UUIDv4."
        )));
    }
    Ok(key.to_owned())
}
