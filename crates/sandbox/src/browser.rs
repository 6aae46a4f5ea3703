//! A scripted stand-in for the system browser, for tests and demos.
//!
//! [`SandboxBrowser`] keeps its own cookie jar, so a second sign-in reuses the sandbox
//! session cookie as a real browser would (unless the app sends `prompt=login`). It talks
//! only to `127.0.0.1` and `::1`, and rejects any other host, redirects included.

use reqwest::redirect::Policy;
use reqwest::StatusCode;
use url::Url;

/// Maximum number of pages and redirects one sign-in may take.
const MAX_STEPS: usize = 8;

/// Errors from a scripted sign-in.
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error("refusing to open `{0}`: the sandbox browser only visits 127.0.0.1 and ::1")]
    NotLoopback(String),
    #[error("the sign-in form rejected the credentials: {0}")]
    SignInRejected(String),
    #[error("the provider rejected the request with HTTP {status} ({error}): {message}")]
    Rejected {
        status: u16,
        error: String,
        message: String,
    },
    #[error("unexpected page from the provider (HTTP {status}); expected a sign-in or consent form or a redirect")]
    UnexpectedPage { status: u16 },
    #[error("the sign-in took more than {MAX_STEPS} steps")]
    TooManySteps,
    #[error("HTTP request failed: {0}")]
    Http(reqwest::Error),
}

impl From<reqwest::Error> for BrowserError {
    fn from(error: reqwest::Error) -> Self {
        // The URL may carry an authorization code; keep it out of messages.
        BrowserError::Http(error.without_url())
    }
}

/// What the loopback redirect target returned.
#[derive(Debug, Clone)]
pub struct CallbackOutcome {
    pub status: u16,
    pub body: String,
}

/// An HTTP client with its own cookie jar that completes the sandbox's sign-in pages.
#[derive(Debug, Clone)]
pub struct SandboxBrowser {
    client: reqwest::Client,
}

impl Default for SandboxBrowser {
    fn default() -> Self {
        Self::new()
    }
}

fn check_loopback(url: &Url) -> Result<(), BrowserError> {
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(url::Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        _ => false,
    };
    if loopback && url.scheme() == "http" {
        Ok(())
    } else {
        let mut shown = url.clone();
        shown.set_query(None);
        Err(BrowserError::NotLoopback(shown.to_string()))
    }
}

fn hidden_request_field(body: &str) -> Option<String> {
    let marker = "name=\"request\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}

fn page_error(body: &str) -> (String, String) {
    let error = body
        .split("data-error=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("unknown")
        .to_owned();
    let message = body
        .split("<p id=\"error\"")
        .nth(1)
        .and_then(|rest| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split("</p>").next())
        .unwrap_or("")
        .to_owned();
    (error, message)
}

impl SandboxBrowser {
    pub fn new() -> SandboxBrowser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .no_proxy()
            .build()
            .expect("a plain HTTP client always builds");
        SandboxBrowser { client }
    }

    /// Completes sign-in and consent, follows the final redirect to the loopback redirect
    /// URI and returns what that callback page returned.
    pub async fn sign_in(
        &self,
        authorize_url: &Url,
        email: &str,
        password: &str,
    ) -> Result<CallbackOutcome, BrowserError> {
        let callback = self.authorize(authorize_url, email, password).await?;
        let response = self.client.get(callback).send().await?;
        let status = response.status().as_u16();
        let body = response.text().await?;
        Ok(CallbackOutcome { status, body })
    }

    /// Completes sign-in and consent and returns the redirect URI the provider sent the
    /// browser to (with `code` and `state`, or `error`), without visiting it.
    pub async fn authorize(
        &self,
        authorize_url: &Url,
        email: &str,
        password: &str,
    ) -> Result<Url, BrowserError> {
        check_loopback(authorize_url)?;
        let origin = authorize_url.clone();
        let mut response = self.client.get(authorize_url.clone()).send().await?;
        let mut current = authorize_url.clone();
        let mut submitted_credentials = false;
        for _ in 0..MAX_STEPS {
            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|value| value.to_str().ok())
                    .ok_or(BrowserError::UnexpectedPage {
                        status: status.as_u16(),
                    })?;
                let next = current
                    .join(location)
                    .map_err(|_| BrowserError::UnexpectedPage {
                        status: status.as_u16(),
                    })?;
                check_loopback(&next)?;
                let same_provider =
                    next.origin() == origin.origin() && next.path().starts_with("/oauth/");
                if !same_provider {
                    return Ok(next);
                }
                response = self.client.get(next.clone()).send().await?;
                current = next;
                continue;
            }
            let body = response.text().await?;
            if body.contains("id=\"sign-in\"") {
                if submitted_credentials {
                    let (_, message) = page_error(&body);
                    return Err(BrowserError::SignInRejected(message));
                }
                let request = hidden_request_field(&body).ok_or(BrowserError::UnexpectedPage {
                    status: status.as_u16(),
                })?;
                let action = origin.join("/oauth/sign_in").expect("a fixed path joins");
                response = self
                    .client
                    .post(action.clone())
                    .form(&[
                        ("request", request.as_str()),
                        ("email", email),
                        ("password", password),
                    ])
                    .send()
                    .await?;
                current = action;
                submitted_credentials = true;
                continue;
            }
            if body.contains("id=\"consent\"") && status == StatusCode::OK {
                let request = hidden_request_field(&body).ok_or(BrowserError::UnexpectedPage {
                    status: status.as_u16(),
                })?;
                let action = origin.join("/oauth/consent").expect("a fixed path joins");
                response = self
                    .client
                    .post(action.clone())
                    .form(&[("request", request.as_str()), ("decision", "approve")])
                    .send()
                    .await?;
                current = action;
                continue;
            }
            if status.is_client_error() || status.is_server_error() {
                let (error, message) = page_error(&body);
                return Err(BrowserError::Rejected {
                    status: status.as_u16(),
                    error,
                    message,
                });
            }
            return Err(BrowserError::UnexpectedPage {
                status: status.as_u16(),
            });
        }
        Err(BrowserError::TooManySteps)
    }
}
