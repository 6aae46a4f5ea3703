//! The loopback redirect receiver (RFC 8252 §7.3 and §8.3).
//!
//! It listens on `127.0.0.1` only, exists only while one sign-in is pending, accepts
//! only `GET /oauth/callback` (anything else gets 404 or 405 and the wait goes on),
//! compares `state` in constant time, answers with a small static page without script,
//! and is closed when [`Loopback::receive`] returns, because it consumes the listener.
//!
//! Connections are served one at a time. Each gets [`REQUEST_READ_TIMEOUT`] to send its
//! request head, so a connection that sends nothing cannot hold the sign-in for longer.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use secrecy::SecretString;
use subtle::ConstantTimeEq;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;
use zeroize::Zeroize;

use super::AuthError;

/// The redirect path registered for the app.
pub(crate) const CALLBACK_PATH: &str = "/oauth/callback";
/// The longest request head accepted, in bytes.
const MAX_REQUEST_HEAD: usize = 8 * 1024;
/// How long one connection may take to send its request head.
pub(crate) const REQUEST_READ_TIMEOUT: Duration = Duration::from_secs(10);

const PAGE_DONE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Matter Signer</title></head><body><h1>Signed in</h1><p>You can close this tab and return to Matter Signer.</p></body></html>";

/// A bound loopback listener waiting for one redirect.
#[derive(Debug)]
pub(crate) struct Loopback {
    listener: TcpListener,
    redirect_uri: Url,
}

/// What a valid callback carried.
pub(crate) enum Callback {
    /// The authorization code, wrapped from the moment it was read.
    Code(SecretString),
    /// The provider redirected with `error=`; `state` matched.
    ProviderError {
        error: String,
        description: Option<String>,
    },
}

impl Loopback {
    /// Binds `127.0.0.1:port` (0 picks a free port).
    pub(crate) async fn bind(port: u16) -> Result<Loopback, AuthError> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let listener = TcpListener::bind(address)
            .await
            .map_err(|error| AuthError::Loopback {
                detail: format!("could not listen on 127.0.0.1:{port}: {error}"),
            })?;
        let bound = listener.local_addr().map_err(|error| AuthError::Loopback {
            detail: error.to_string(),
        })?;
        let redirect_uri = Url::parse(&format!("http://127.0.0.1:{}{CALLBACK_PATH}", bound.port()))
            .expect("a loopback URL with a port is valid");
        tracing::debug!(port = bound.port(), "loopback listener open");
        Ok(Loopback {
            listener,
            redirect_uri,
        })
    }

    /// `http://127.0.0.1:{port}/oauth/callback`.
    pub(crate) fn redirect_uri(&self) -> &Url {
        &self.redirect_uri
    }

    /// Waits for the redirect whose `state` equals `expected_state`, answers it, and
    /// closes the listener. Requests for other paths or methods are answered and
    /// skipped. A callback with a missing or different `state` ends the wait with
    /// [`AuthError::StateMismatch`]. The caller bounds the wait with a deadline.
    pub(crate) async fn receive(self, expected_state: &str) -> Result<Callback, AuthError> {
        let outcome = loop {
            let (stream, peer) =
                self.listener
                    .accept()
                    .await
                    .map_err(|error| AuthError::Loopback {
                        detail: format!("accepting a connection failed: {error}"),
                    })?;
            match serve(stream, expected_state).await {
                Ok(Some(outcome)) => break outcome,
                Ok(None) => continue,
                Err(error) => {
                    tracing::debug!(%peer, %error, "loopback connection failed; still waiting");
                    continue;
                }
            }
        };
        tracing::debug!("loopback listener closed");
        outcome
    }
}

/// Serves one connection. `Ok(None)` means "not the callback, keep waiting".
async fn serve(
    mut stream: TcpStream,
    expected_state: &str,
) -> std::io::Result<Option<Result<Callback, AuthError>>> {
    let mut head = match tokio::time::timeout(REQUEST_READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(result) => result?,
        Err(_) => return Ok(None),
    };
    let outcome = match parse_request(&head) {
        Request::TooLarge => {
            respond(
                &mut stream,
                "431 Request Header Fields Too Large",
                "Request too large.",
            )
            .await?;
            None
        }
        Request::Malformed => {
            respond(&mut stream, "400 Bad Request", "Malformed request.").await?;
            None
        }
        Request::WrongMethod => {
            respond(
                &mut stream,
                "405 Method Not Allowed",
                "Only GET is accepted here.",
            )
            .await?;
            None
        }
        Request::WrongPath => {
            respond(&mut stream, "404 Not Found", "Not found.").await?;
            None
        }
        Request::Callback(query) => {
            let result = read_callback(&query, expected_state);
            match &result {
                Ok(Callback::Code(_)) => respond_page(&mut stream, "200 OK", PAGE_DONE).await?,
                Ok(Callback::ProviderError { error, .. }) => {
                    let page = error_page(&provider_error_words(error));
                    respond_page(&mut stream, "200 OK", &page).await?
                }
                Err(_) => {
                    let page = error_page(
                        "This sign-in response does not belong to the sign-in Matter Signer started. Return to Matter Signer and sign in again.",
                    );
                    respond_page(&mut stream, "400 Bad Request", &page).await?
                }
            }
            let mut query = query;
            query.zeroize();
            Some(result)
        }
    };
    // The head holds the authorization code when this was the callback.
    head.zeroize();
    Ok(outcome)
}

async fn read_head(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..read]);
        chunk.zeroize();
        if head.windows(4).any(|window| window == b"\r\n\r\n") || head.len() > MAX_REQUEST_HEAD {
            break;
        }
    }
    Ok(head)
}

enum Request {
    TooLarge,
    Malformed,
    WrongMethod,
    WrongPath,
    /// The raw query string of `GET /oauth/callback`.
    Callback(String),
}

fn parse_request(head: &[u8]) -> Request {
    if head.len() > MAX_REQUEST_HEAD {
        return Request::TooLarge;
    }
    let Some(line_end) = head.windows(2).position(|window| window == b"\r\n") else {
        return Request::Malformed;
    };
    let Ok(line) = std::str::from_utf8(&head[..line_end]) else {
        return Request::Malformed;
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Request::Malformed;
    };
    if !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return Request::Malformed;
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != CALLBACK_PATH {
        return Request::WrongPath;
    }
    if method != "GET" {
        return Request::WrongMethod;
    }
    Request::Callback(query.to_owned())
}

fn read_callback(query: &str, expected_state: &str) -> Result<Callback, AuthError> {
    let mut state: Option<String> = None;
    let mut code: Option<SecretString> = None;
    let mut error: Option<String> = None;
    let mut description: Option<String> = None;
    let mut duplicate = false;

    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "state" => duplicate |= state.replace(value.into_owned()).is_some(),
            "code" => {
                duplicate |= code
                    .replace(SecretString::from(value.into_owned()))
                    .is_some()
            }
            "error" => duplicate |= error.replace(value.into_owned()).is_some(),
            "error_description" => description = Some(value.into_owned()),
            _ => {}
        }
    }

    // RFC 6749 §10.12: the state binds the redirect to the request this process sent.
    let state_matches = state
        .as_deref()
        .map(|received| bool::from(received.as_bytes().ct_eq(expected_state.as_bytes())))
        .unwrap_or(false);
    if !state_matches || duplicate {
        return Err(AuthError::StateMismatch);
    }

    if let Some(error) = error {
        return Ok(Callback::ProviderError { error, description });
    }
    match code {
        Some(code) => Ok(Callback::Code(code)),
        None => Err(AuthError::InvalidResponse {
            detail: "the sign-in redirect carried neither a code nor an error".to_owned(),
        }),
    }
}

/// Plain words for an RFC 6749 §4.1.2.1 error code.
pub(crate) fn provider_error_words(error: &str) -> String {
    match error {
        "access_denied" => "The sign-in was declined.".to_owned(),
        "login_required" | "interaction_required" => {
            "The sign-in provider needs you to sign in again.".to_owned()
        }
        "temporarily_unavailable" | "server_error" => {
            "The sign-in provider is not available right now. Try again in a minute.".to_owned()
        }
        other => {
            let shown: String = other
                .chars()
                .filter(|ch| ch.is_ascii_alphanumeric() || *ch == '_')
                .take(60)
                .collect();
            format!("The sign-in provider reported an error ({shown}).")
        }
    }
}

fn error_page(message: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Matter Signer</title></head><body><h1>Sign-in did not complete</h1><p>{}</p><p>You can close this tab and return to Matter Signer.</p></body></html>",
        escape_html(message)
    )
}

fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            ch => escaped.push(ch),
        }
    }
    escaped
}

async fn respond(stream: &mut TcpStream, status: &str, text: &str) -> std::io::Result<()> {
    write_response(stream, status, "text/plain; charset=utf-8", text).await
}

async fn respond_page(stream: &mut TcpStream, status: &str, page: &str) -> std::io::Result<()> {
    write_response(stream, status, "text/html; charset=utf-8", page).await
}

async fn write_response(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &str,
) -> std::io::Result<()> {
    // No script, no referrer (the callback URL holds the code), no caching.
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nContent-Security-Policy: default-src 'none'\r\nReferrer-Policy: no-referrer\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.flush().await?;
    let _ = stream.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn request_for_other_path_is_not_found() {
        assert!(matches!(
            parse_request(b"GET /favicon.ico HTTP/1.1\r\n\r\n"),
            Request::WrongPath
        ));
    }

    #[test]
    fn post_to_callback_is_wrong_method() {
        assert!(matches!(
            parse_request(b"POST /oauth/callback?code=x HTTP/1.1\r\n\r\n"),
            Request::WrongMethod
        ));
    }

    #[test]
    fn oversized_head_is_rejected() {
        let head = vec![b'a'; MAX_REQUEST_HEAD + 1];
        assert!(matches!(parse_request(&head), Request::TooLarge));
    }

    #[test]
    fn callback_with_matching_state_yields_code() {
        let outcome = read_callback("code=clk_code_1&state=abcdefgh", "abcdefgh");
        match outcome {
            Ok(Callback::Code(code)) => assert_eq!(code.expose_secret(), "clk_code_1"),
            _ => panic!("expected a code"),
        }
    }

    #[test]
    fn callback_with_other_state_is_rejected() {
        let outcome = read_callback("code=clk_code_1&state=abcdefgX", "abcdefgh");
        assert!(matches!(outcome, Err(AuthError::StateMismatch)));
    }

    #[test]
    fn callback_without_state_is_rejected() {
        let outcome = read_callback("code=clk_code_1", "abcdefgh");
        assert!(matches!(outcome, Err(AuthError::StateMismatch)));
    }

    #[test]
    fn callback_with_two_codes_is_rejected() {
        let outcome = read_callback("code=a&code=b&state=abcdefgh", "abcdefgh");
        assert!(matches!(outcome, Err(AuthError::StateMismatch)));
    }

    #[test]
    fn error_redirect_is_reported() {
        let outcome = read_callback("error=access_denied&state=abcdefgh", "abcdefgh");
        match outcome {
            Ok(Callback::ProviderError { error, .. }) => assert_eq!(error, "access_denied"),
            _ => panic!("expected a provider error"),
        }
    }

    #[test]
    fn error_page_escapes_markup() {
        let page = error_page("<script>alert(1)</script>");
        assert!(!page.contains("<script>"));
        assert!(page.contains("&lt;script&gt;"));
    }
}
