//! The Matter API client.
//!
//! One `reqwest` client with explicit timeouts, HTTPS only unless the API host is a
//! loopback address (the sandbox), no redirects. Every call:
//!
//! - sends `Matter-Version` (configurable, `2026-06-10` by default) and a bearer whose
//!   header value is marked sensitive, built only at the moment the request is built;
//! - reads the request id from `Matter-Request-Id`, falling back to `X-Request-Id`;
//! - runs in one `tracing` span carrying method, path, status and request id, and never
//!   headers or bodies;
//! - retries timeouts, connection errors, 5xx and 429 under [`RetryPolicy`], a POST
//!   reusing its one [`IdempotencyKey`] for every attempt;
//! - turns a non-success response into an [`ApiProblem`] and a network failure into a
//!   transport error, kept apart in [`EngineError`].
//!
//! The per-resource calls live in [`documents`], [`envelopes`], [`signing_sessions`],
//! [`consents`] and [`keys`].

pub mod consents;
pub mod documents;
pub mod envelopes;
pub mod keys;
pub mod problem;
pub mod retry;
pub mod signing_sessions;
pub mod time_format;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tracing::Instrument;
use url::Url;
use zeroize::Zeroizing;

use crate::clock::Clock;
use crate::error::{EngineError, TransportKind};

pub use problem::{ApiProblem, Explanation};
pub use retry::{IdempotencyKey, RetryPolicy};

/// The `Matter-Version` sent when none is configured.
pub const DEFAULT_MATTER_VERSION: &str = "2026-06-10";

/// Maximum body the client reads for a JSON response. The content download is streamed
/// and not bound by this.
const MAX_JSON_BODY: usize = 4 * 1024 * 1024;

/// Everything the client needs, taken from [`crate::config::Config`].
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// Base URL ending in `/v1` (a trailing slash is added when missing).
    pub api_base: Url,
    /// `/.well-known/matter-keys.json` of the same deployment.
    pub keys_url: Url,
    pub matter_version: String,
    /// Deadline for a whole request, connection included.
    pub http_timeout: Duration,
    pub retry: RetryPolicy,
}

/// The Matter API client. Cheap to clone; clones share one connection pool.
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: Url,
    keys_url: Url,
    matter_version: HeaderValue,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
}

/// A successful response.
#[derive(Debug)]
pub struct ApiResponse {
    pub status: u16,
    /// `Matter-Request-Id`, else `X-Request-Id`.
    pub request_id: Option<String>,
    /// `Idempotent-Replayed: true`: Matter replayed the first answer for this key.
    pub replayed: bool,
    /// The body, wiped from memory when dropped because a session answer carries the
    /// signing token.
    pub body: Zeroizing<Vec<u8>>,
}

impl ApiResponse {
    /// Parses the body as JSON of type `T`.
    pub fn json<T: serde::de::DeserializeOwned>(
        &self,
        operation: &'static str,
    ) -> Result<T, EngineError> {
        serde_json::from_slice(&self.body).map_err(|error| EngineError::InvalidResponse {
            operation,
            detail: error.to_string(),
            request_id: self.request_id.clone(),
        })
    }
}

/// The credential a request carries.
#[derive(Clone, Copy)]
pub enum Bearer<'a> {
    /// The human's OAuth access token (`oat_…`).
    Access(&'a SecretString),
    /// A signing-session token (`sig_…`).
    Session(&'a SecretString),
    /// No credential (the public keys document).
    None,
}

impl Bearer<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Bearer::Access(_) => "access",
            Bearer::Session(_) => "session",
            Bearer::None => "none",
        }
    }
}

/// One request, described without its credential's value.
pub struct Call<'a> {
    pub method: Method,
    /// A path below the API base, without a leading slash (`documents/doc_x`), or an
    /// absolute URL for the keys document.
    pub target: CallTarget<'a>,
    pub query: &'a [(&'a str, &'a str)],
    pub bearer: Bearer<'a>,
    pub body: Option<&'a Value>,
    /// Required on every POST.
    pub idempotency_key: Option<&'a IdempotencyKey>,
    /// No attempt starts after this instant (the signing token's expiry).
    pub deadline: Option<Instant>,
    /// The engine's action in words, for errors ("fetch the document").
    pub operation: &'static str,
}

/// The destination of a [`Call`].
#[derive(Clone, Copy)]
pub enum CallTarget<'a> {
    Api(&'a str),
    Absolute(&'a Url),
}

impl ApiClient {
    /// Builds the client. Fails when the base URL is not HTTPS and not on a loopback
    /// address, or when the TLS stack cannot start.
    pub fn new(settings: ApiSettings, clock: Arc<dyn Clock>) -> Result<ApiClient, EngineError> {
        let mut base = settings.api_base.clone();
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let loopback = is_loopback(&base) && is_loopback(&settings.keys_url);
        for url in [&base, &settings.keys_url] {
            if url.scheme() != "https" && !(url.scheme() == "http" && is_loopback(url)) {
                return Err(EngineError::Config(format!(
                    "the Matter API address {url} must use https (plain http is accepted only \
                     for 127.0.0.1, ::1 and localhost); fix `api_base` in the configuration"
                )));
            }
        }
        let matter_version = HeaderValue::from_str(&settings.matter_version)
            .ok()
            .filter(|_| is_api_version(&settings.matter_version))
            .ok_or_else(|| {
                EngineError::Config(format!(
                    "the Matter-Version {:?} is not a date of the form YYYY-MM-DD; fix \
                     `matter_version` in the configuration (default {DEFAULT_MATTER_VERSION})",
                    settings.matter_version
                ))
            })?;
        let http = reqwest::Client::builder()
            .https_only(!loopback)
            .timeout(settings.http_timeout)
            .connect_timeout(settings.http_timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("matter-signer/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| EngineError::Transport {
                operation: "start the HTTP client",
                kind: TransportKind::Tls,
                detail: error.to_string(),
            })?;
        Ok(ApiClient {
            http,
            base,
            keys_url: settings.keys_url,
            matter_version,
            retry: settings.retry,
            clock,
        })
    }

    /// Returns the API base, with a trailing slash.
    pub fn base(&self) -> &Url {
        &self.base
    }

    pub fn keys_url(&self) -> &Url {
        &self.keys_url
    }

    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    fn url_for(&self, call: &Call<'_>) -> Result<Url, EngineError> {
        let mut url = match call.target {
            CallTarget::Api(path) => self.base.join(path).map_err(|error| {
                EngineError::Config(format!(
                    "cannot build an API address from {path:?}: {error}"
                ))
            })?,
            CallTarget::Absolute(url) => url.clone(),
        };
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(call.query);
        }
        Ok(url)
    }

    /// Sends a GET with the human's access token and parses the JSON answer.
    pub async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        access_token: &SecretString,
        operation: &'static str,
    ) -> Result<documents::Fetched<T>, EngineError> {
        let response = self
            .execute(Call {
                method: Method::GET,
                target: CallTarget::Api(path),
                query: &[],
                bearer: Bearer::Access(access_token),
                body: None,
                idempotency_key: None,
                deadline: None,
                operation,
            })
            .await?;
        Ok(documents::Fetched {
            value: response.json(operation)?,
            request_id: response.request_id,
        })
    }

    /// Sends `call`, retrying under the client's policy, and returns the first success.
    pub async fn execute(&self, call: Call<'_>) -> Result<ApiResponse, EngineError> {
        let url = self.url_for(&call)?;
        let path = url.path().to_string();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let span = tracing::info_span!(
                "matter_api",
                method = %call.method,
                path = %path,
                attempt,
                bearer = call.bearer.kind(),
                status = tracing::field::Empty,
                request_id = tracing::field::Empty,
                replayed = tracing::field::Empty,
            );
            let outcome = self.attempt(&call, &url).instrument(span.clone()).await;
            let (retryable, retry_after) = match &outcome {
                Ok(Answer::Success(response)) => {
                    span.record("status", response.status);
                    if let Some(id) = &response.request_id {
                        span.record("request_id", id.as_str());
                    }
                    span.record("replayed", response.replayed);
                    span.in_scope(|| tracing::debug!("request succeeded"));
                    (false, None)
                }
                Ok(Answer::Problem(problem)) => {
                    span.record("status", problem.status);
                    if let Some(id) = &problem.request_id {
                        span.record("request_id", id.as_str());
                    }
                    let retryable = problem.status == 429 || problem.status >= 500;
                    span.in_scope(|| {
                        tracing::info!(code = %problem.code, retryable, "Matter returned a problem")
                    });
                    (retryable, problem.retry_after)
                }
                Err(EngineError::Transport { kind, .. }) => {
                    let retryable = *kind != TransportKind::Tls;
                    span.in_scope(|| {
                        tracing::info!(?kind, retryable, "request failed in transport")
                    });
                    (retryable, None)
                }
                Err(_) => (false, None),
            };
            let give_up = || match outcome {
                Ok(Answer::Success(response)) => Ok(response),
                Ok(Answer::Problem(problem)) => Err(EngineError::Api(Box::new(problem))),
                Err(error) => Err(error),
            };
            if !retryable || attempt >= self.retry.max_attempts {
                return give_up();
            }
            let wait = self.retry.delay(attempt, retry_after);
            if let Some(deadline) = call.deadline {
                // A signing token must not be spent after it expires; stop and show the
                // last answer instead of waiting past the deadline.
                if self.clock.now() + wait >= deadline {
                    tracing::info!(
                        path = %path,
                        wait_ms = wait.as_millis() as u64,
                        "not retrying: the wait would pass the credential's expiry"
                    );
                    return give_up();
                }
            }
            tracing::info!(
                method = %call.method,
                path = %path,
                attempt,
                wait_ms = wait.as_millis() as u64,
                idempotency_key = call.idempotency_key.map(IdempotencyKey::as_str),
                "retrying"
            );
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(&self, call: &Call<'_>, url: &Url) -> Result<Answer, EngineError> {
        let response = self.send_once(call, url).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let request_id = request_id(&headers);
        let body = read_limited(response, call.operation).await?;
        if status.is_success() {
            let replayed = headers
                .get("idempotent-replayed")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.eq_ignore_ascii_case("true"));
            return Ok(Answer::Success(ApiResponse {
                status: status.as_u16(),
                request_id,
                replayed,
                body,
            }));
        }
        let retry_after = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        Ok(Answer::Problem(ApiProblem::parse(
            status.as_u16(),
            &body,
            request_id,
            retry_after,
            call.operation,
        )))
    }

    /// Builds and sends one attempt; the bearer's value is exposed only here, into a
    /// sensitive header value, and the temporary string is wiped.
    pub(crate) async fn send_once(
        &self,
        call: &Call<'_>,
        url: &Url,
    ) -> Result<reqwest::Response, EngineError> {
        let mut headers = HeaderMap::new();
        headers.insert("matter-version", self.matter_version.clone());
        match call.bearer {
            Bearer::Access(token) | Bearer::Session(token) => {
                let value = Zeroizing::new(format!("Bearer {}", token.expose_secret()));
                let mut header =
                    HeaderValue::from_str(&value).map_err(|_| EngineError::InvalidResponse {
                        operation: call.operation,
                        detail: "the credential contains characters not allowed in a header".into(),
                        request_id: None,
                    })?;
                header.set_sensitive(true);
                headers.insert(AUTHORIZATION, header);
            }
            Bearer::None => {}
        }
        if let Some(key) = call.idempotency_key {
            let value = HeaderValue::from_str(key.as_str()).map_err(|_| {
                EngineError::Config("an idempotency key is not valid header text".into())
            })?;
            headers.insert("idempotency-key", value);
        }
        let mut request = self
            .http
            .request(call.method.clone(), url.clone())
            .headers(headers);
        if let Some(body) = call.body {
            let bytes = serde_json::to_vec(body).map_err(|error| EngineError::InvalidResponse {
                operation: call.operation,
                detail: error.to_string(),
                request_id: None,
            })?;
            request = request.header(CONTENT_TYPE, "application/json").body(bytes);
        }
        request
            .send()
            .await
            .map_err(|error| transport_error(call.operation, &error))
    }

    /// Sends a GET and streams the body into `sink`, returning the request id. Retried
    /// like any call as long as nothing was streamed yet; a failure mid-stream is
    /// reported as a transport error.
    pub async fn stream(
        &self,
        call: Call<'_>,
        mut sink: impl FnMut(&[u8]),
    ) -> Result<Option<String>, EngineError> {
        let url = self.url_for(&call)?;
        let mut attempt = 0u32;
        let mut response = loop {
            attempt += 1;
            let outcome = self.send_once(&call, &url).await;
            let retryable = match &outcome {
                Ok(response) => {
                    let status = response.status();
                    if status.is_success() {
                        break outcome?;
                    }
                    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
                }
                Err(EngineError::Transport { kind, .. }) => *kind != TransportKind::Tls,
                Err(_) => false,
            };
            if !retryable || attempt >= self.retry.max_attempts {
                let response = outcome?;
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let body = read_limited(response, call.operation).await?;
                return Err(EngineError::Api(Box::new(ApiProblem::parse(
                    status,
                    &body,
                    request_id(&headers),
                    None,
                    call.operation,
                ))));
            }
            tokio::time::sleep(self.retry.delay(attempt, None)).await;
        };
        let request_id = request_id(response.headers());
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| transport_error(call.operation, &error))?
        {
            sink(&chunk);
        }
        Ok(request_id)
    }
}

enum Answer {
    Success(ApiResponse),
    Problem(ApiProblem),
}

async fn read_limited(
    mut response: reqwest::Response,
    operation: &'static str,
) -> Result<Zeroizing<Vec<u8>>, EngineError> {
    let mut body = Zeroizing::new(Vec::new());
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| transport_error(operation, &error))?
    {
        if body.len() + chunk.len() > MAX_JSON_BODY {
            return Err(EngineError::InvalidResponse {
                operation,
                detail: format!("the answer is larger than {MAX_JSON_BODY} bytes"),
                request_id: request_id(response.headers()),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    ["matter-request-id", "x-request-id"]
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|value| value.to_str().ok())
        .map(|value| value.chars().take(128).collect())
}

/// Classifies a `reqwest` failure. The message names the operation and the kind, and
/// carries `reqwest`'s own text, which contains the URL but never headers or bodies.
fn transport_error(operation: &'static str, error: &reqwest::Error) -> EngineError {
    let mut chain = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(current) = source {
        if !chain.is_empty() {
            chain.push_str(": ");
        }
        chain.push_str(&current.to_string());
        source = current.source();
    }
    let lower = chain.to_ascii_lowercase();
    let kind =
        if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
            TransportKind::Tls
        } else if error.is_timeout() {
            TransportKind::Timeout
        } else if error.is_connect() {
            TransportKind::Connect
        } else {
            TransportKind::Interrupted
        };
    EngineError::Transport {
        operation,
        kind,
        detail: chain,
    }
}

/// True when `url`'s host is 127.0.0.0/8, `::1` or `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn is_api_version(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised() {
        for url in [
            "http://127.0.0.1:8080/v1",
            "http://[::1]:1/v1",
            "http://localhost/v1",
        ] {
            assert!(is_loopback(&Url::parse(url).unwrap()), "{url}");
        }
        assert!(!is_loopback(
            &Url::parse("https://api.mattermode.com/v1").unwrap()
        ));
    }

    #[test]
    fn plain_http_to_remote_host_is_rejected() {
        let settings = ApiSettings {
            api_base: Url::parse("http://api.mattermode.com/v1").unwrap(),
            keys_url: Url::parse("https://api.mattermode.com/.well-known/matter-keys.json")
                .unwrap(),
            matter_version: DEFAULT_MATTER_VERSION.into(),
            http_timeout: Duration::from_secs(5),
            retry: RetryPolicy::default(),
        };
        let error = ApiClient::new(settings, Arc::new(crate::clock::SystemClock)).unwrap_err();
        assert_eq!(error.code(), "invalid_configuration");
    }

    #[test]
    fn matter_version_must_be_a_date() {
        assert!(is_api_version("2026-06-10"));
        assert!(!is_api_version("2026-6-10"));
        assert!(!is_api_version("latest"));
    }
}
