//! The `oauth2` HTTP adapter over the engine's own reqwest 0.13 client.
//!
//! `oauth2` 5.0 and `openidconnect` 4.1 ship an adapter only for reqwest 0.12; with
//! their default features off they take any [`AsyncHttpClient`], which this is. The
//! client never follows redirects (the `oauth2` docs warn that a redirect-following
//! client opens the token endpoint to SSRF) and caps response bodies.

use std::future::Future;
use std::pin::Pin;

use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};

/// The largest response body read from the provider.
const MAX_RESPONSE_BYTES: usize = 256 * 1024;

/// Why an HTTP exchange with the provider failed. Carries no request or response body.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HttpError {
    #[error("{0}")]
    Transport(String),
    #[error("the response is larger than {MAX_RESPONSE_BYTES} bytes")]
    TooLarge,
    #[error("the response could not be built: {0}")]
    Build(String),
}

/// Builds the reqwest client used for every provider call: no redirects, no proxy
/// (reqwest's `system-proxy` feature is off), the given total timeout, and HTTPS only
/// unless the provider is on loopback.
pub(crate) fn build_client(
    timeout: std::time::Duration,
    https_only: bool,
) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout.min(std::time::Duration::from_secs(10)))
        .https_only(https_only)
        .user_agent(concat!("matter-signer/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// An [`AsyncHttpClient`] for `oauth2` and `openidconnect`.
#[derive(Debug, Clone)]
pub(crate) struct OAuthHttp {
    pub(crate) client: reqwest::Client,
}

impl<'c> AsyncHttpClient<'c> for OAuthHttp {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let response = self
                .client
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body)
                .send()
                .await
                .map_err(|error| HttpError::Transport(describe(&error)))?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = read_capped(response).await?;
            let mut builder = http::Response::builder().status(status);
            if let Some(map) = builder.headers_mut() {
                *map = headers;
            }
            builder
                .body(body)
                .map_err(|error| HttpError::Build(error.to_string()))
        })
    }
}

/// Reads a response body, failing once it passes [`MAX_RESPONSE_BYTES`].
pub(crate) async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| HttpError::Transport(describe(&error)))?
    {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(HttpError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A reqwest error in words, with its causes. Provider URLs carry no secrets (codes and
/// tokens travel in request bodies and headers), so the URL may stay.
pub(crate) fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
