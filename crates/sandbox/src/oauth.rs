//! A Clerk-style OAuth 2.0 / OpenID Connect provider on the sandbox origin.
//!
//! Paths follow Clerk's Frontend API. The flow is authorization code with PKCE (`S256`
//! only) for the one registered public client. Sign-in and consent are plain HTML forms so
//! that a test can complete them with an HTTP client.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::{Form, Json};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;
use url::Url;

use crate::keys::keys;
use crate::seed;
use crate::state::{
    random_id, random_secret, AccessToken, App, AuthRequest, BrowserSession, CodeGrant,
    IdTokenTamper, RefreshToken,
};

/// Lifetime of an authorization code (Clerk: 10 minutes).
pub const CODE_TTL_SECONDS: i64 = 10 * 60;
/// Lifetime of access and ID tokens (Clerk: 1 day).
pub const TOKEN_TTL_SECONDS: i64 = 24 * 60 * 60;
/// Name of the sandbox's browser session cookie.
pub const SESSION_COOKIE: &str = "__matter_sandbox_session";
/// Scopes the client may request.
pub const SUPPORTED_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];
/// Registered redirect URIs of the desktop client.
pub const REGISTERED_REDIRECT_URIS: [&str; 2] =
    [seed::OAUTH_REDIRECT_URI, "http://[::1]/oauth/callback"];

// ---- discovery -------------------------------------------------------------------------

pub async fn openid_configuration(State(app): State<Arc<App>>) -> Json<Value> {
    let issuer = &app.origin;
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/oauth/authorize"),
        "token_endpoint": format!("{issuer}/oauth/token"),
        "userinfo_endpoint": format!("{issuer}/oauth/userinfo"),
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "scopes_supported": SUPPORTED_SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "jti", "nonce", "email", "email_verified", "name", "given_name", "family_name"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

pub async fn authorization_server_metadata(State(app): State<Arc<App>>) -> Json<Value> {
    let issuer = &app.origin;
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/oauth/authorize"),
        "token_endpoint": format!("{issuer}/oauth/token"),
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "scopes_supported": SUPPORTED_SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["none"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

pub async fn jwks() -> Json<Value> {
    Json(keys().jwks())
}

pub async fn matter_keys() -> Json<Value> {
    Json(keys().matter_keys())
}

// ---- redirect URI matching -------------------------------------------------------------

/// Returns whether `requested` matches a registered redirect URI.
///
/// The string is compared as sent, never after URL normalisation: a parser would turn
/// `http://0x7f.1/…`, `http://127.1/…`, `/x/../oauth/callback` or `%6Fauth` into a registered
/// URI, and RFC 8252 §7.3 and OAuth 2.1 ask for string comparison. The only freedom is the
/// port of a loopback URI (RFC 8252 §7.3), unless `exact_port` is set: the requested URI must
/// then be `http://` + the literal host `127.0.0.1` or `[::1]` + an optional `:PORT` (1 to
/// 65535, digits only, no leading zero) + the registered path, with no user info, query or
/// fragment. With `exact_port` the whole string must equal a registered URI.
pub fn redirect_uri_allowed(requested: &str, exact_port: bool) -> bool {
    if REGISTERED_REDIRECT_URIS.contains(&requested) {
        return true;
    }
    if exact_port {
        return false;
    }
    REGISTERED_REDIRECT_URIS.iter().any(|registered| {
        let (host, path) = split_registered(registered);
        requested
            .strip_prefix("http://")
            .and_then(|rest| rest.strip_prefix(host))
            .and_then(|rest| rest.strip_prefix(':'))
            .and_then(|rest| rest.strip_suffix(path))
            .is_some_and(port_is_canonical)
    })
}

/// Splits a registered `http://HOST/PATH` URI into its literal host and path.
fn split_registered(registered: &'static str) -> (&'static str, &'static str) {
    let rest = registered
        .strip_prefix("http://")
        .expect("registered redirect URIs are http");
    let slash = rest
        .find('/')
        .expect("registered redirect URIs have a path");
    rest.split_at(slash)
}

/// Whether `port` is a port number written the one canonical way: 1 to 65535, digits only,
/// no sign and no leading zero.
fn port_is_canonical(port: &str) -> bool {
    !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|byte| byte.is_ascii_digit())
        && !port.starts_with('0')
        && port.parse::<u32>().is_ok_and(|number| number <= 65535)
}

// ---- pages -----------------------------------------------------------------------------

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} - Matter sandbox</title></head>\n<body>\n<p><strong>Matter sandbox (test mode)</strong></p>\n<h1>{title}</h1>\n{body}\n</body></html>\n",
        title = escape_html(title),
    );
    let mut response = (status, Html(html)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn error_page(status: StatusCode, error: &str, message: &str) -> Response {
    tracing::info!(
        error,
        status = status.as_u16(),
        "authorization request rejected"
    );
    page(
        status,
        "Sign-in request rejected",
        &format!(
            "<p id=\"error\" data-error=\"{}\">{}</p>",
            escape_html(error),
            escape_html(message)
        ),
    )
}

fn sign_in_page(request_id: &str, error: Option<&str>) -> Response {
    let status = if error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    let error_html = error
        .map(|message| {
            format!(
                "<p id=\"error\" role=\"alert\">{}</p>\n",
                escape_html(message)
            )
        })
        .unwrap_or_default();
    page(
        status,
        "Sign in",
        &format!(
            "{error_html}<form id=\"sign-in\" method=\"post\" action=\"/oauth/sign_in\">\n\
             <input type=\"hidden\" name=\"request\" value=\"{request}\">\n\
             <label>Email <input type=\"email\" name=\"email\" autocomplete=\"username\"></label>\n\
             <label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\"></label>\n\
             <button type=\"submit\">Sign in</button>\n</form>",
            request = escape_html(request_id)
        ),
    )
}

fn consent_page(request_id: &str, user_name: &str, scope: &[String]) -> Response {
    page(
        StatusCode::OK,
        "Allow Matter Signer?",
        &format!(
            "<p>Signed in as {name}. Matter Signer ({client}) asks for: {scopes}.</p>\n\
             <form id=\"consent\" method=\"post\" action=\"/oauth/consent\">\n\
             <input type=\"hidden\" name=\"request\" value=\"{request}\">\n\
             <button type=\"submit\" name=\"decision\" value=\"approve\">Allow</button>\n\
             <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\n</form>",
            name = escape_html(user_name),
            client = seed::OAUTH_CLIENT_ID,
            scopes = escape_html(&scope.join(" ")),
            request = escape_html(request_id)
        ),
    )
}

fn redirect_to(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let mut url = Url::parse(redirect_uri).expect("redirect URIs are validated before use");
    {
        let mut pairs = url.query_pairs_mut();
        for (key, value) in params {
            pairs.append_pair(key, value);
        }
    }
    redirect_to(url.as_str())
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == SESSION_COOKIE).then(|| value.to_owned())
        })
}

// ---- authorize -------------------------------------------------------------------------

pub async fn authorize(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let param = |name: &str| params.get(name).map(String::as_str);

    match param("client_id") {
        Some(seed::OAUTH_CLIENT_ID) => {}
        Some(other) => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "invalid_client",
                &format!(
                    "Unknown OAuth client `{other}`. The registered client is `{}`.",
                    seed::OAUTH_CLIENT_ID
                ),
            )
        }
        None => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "The `client_id` parameter is missing.",
            )
        }
    }
    let exact_port = app.store().settings.variants.exact_port_redirects;
    let redirect_uri = match param("redirect_uri") {
        Some(uri) if redirect_uri_allowed(uri, exact_port) => uri.to_owned(),
        Some(uri) => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "invalid_redirect_uri",
                &format!("The redirect_uri `{uri}` is not registered for this client, so the sandbox will not redirect to it."),
            )
        }
        None => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "The `redirect_uri` parameter is missing.",
            )
        }
    };

    // From here on the redirect URI is registered, so errors go back to it (RFC 6749 §4.1.2.1).
    let state = param("state").unwrap_or("");
    let fail = |error: &str, description: &str| {
        tracing::info!(
            error,
            description,
            "authorization request rejected; redirecting the error"
        );
        let mut pairs = vec![("error", error), ("error_description", description)];
        if !state.is_empty() {
            pairs.push(("state", state));
        }
        redirect_with(&redirect_uri, &pairs)
    };
    if param("response_type") != Some("code") {
        return fail("unsupported_response_type", "response_type must be `code`.");
    }
    if let Some(mode) = param("response_mode") {
        if mode != "query" {
            return fail("invalid_request", "response_mode must be `query`.");
        }
    }
    if state.chars().count() < 8 {
        return fail("invalid_request", "state must be at least 8 characters.");
    }
    let Some(challenge) = param("code_challenge") else {
        return fail("invalid_request", "code_challenge is required (PKCE).");
    };
    if param("code_challenge_method") != Some("S256") {
        return fail("invalid_request", "code_challenge_method must be `S256`.");
    }
    let challenge_ok = challenge.len() == 43
        && challenge
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
    if !challenge_ok {
        return fail(
            "invalid_request",
            "code_challenge must be the 43-character base64url SHA-256 of the verifier.",
        );
    }
    let scope: Vec<String> = param("scope")
        .unwrap_or("profile email")
        .split(' ')
        .filter(|scope| !scope.is_empty())
        .map(str::to_owned)
        .collect();
    if let Some(unknown) = scope
        .iter()
        .find(|scope| !SUPPORTED_SCOPES.contains(&scope.as_str()))
    {
        return fail("invalid_scope", &format!("Unsupported scope `{unknown}`."));
    }
    let prompts: Vec<&str> = param("prompt").unwrap_or("").split(' ').collect();
    let force_login = prompts.contains(&"login");

    let now = app.clock.now();
    let mut store = app.store();
    let existing_session =
        session_cookie(&headers).filter(|cookie| store.browser_sessions.contains_key(cookie));
    if prompts.contains(&"none") {
        // OpenID Connect Core §3.1.2.1: with prompt=none no sign-in or consent page may be
        // shown. The sandbox never remembers consent, so a signed-in browser still needs the
        // consent page: answer `consent_required` (§3.1.2.6) instead of showing it.
        drop(store);
        if existing_session.is_none() || force_login {
            return fail("login_required", "prompt=none but the user must sign in.");
        }
        return fail(
            "consent_required",
            "prompt=none but the user must approve access on the consent page.",
        );
    }
    let request_id = random_id("ar_");
    let reuse_session = existing_session.filter(|_| !force_login);
    store.auth_requests.insert(
        request_id.clone(),
        AuthRequest {
            redirect_uri,
            state: state.to_owned(),
            scope: scope.clone(),
            code_challenge: challenge.to_owned(),
            nonce: param("nonce").map(str::to_owned),
            created_at: now,
            browser_session: reuse_session.clone(),
        },
    );
    match reuse_session {
        Some(cookie) => {
            let user_id = store.browser_sessions[&cookie].user_id.clone();
            let name = store.user(&user_id).map(|user| user.name).unwrap_or("");
            consent_page(&request_id, name, &scope)
        }
        None => sign_in_page(&request_id, None),
    }
}

#[derive(serde::Deserialize)]
pub struct SignInForm {
    request: String,
    email: String,
    password: String,
}

fn live_auth_request(app: &App, request_id: &str) -> Option<AuthRequest> {
    let now = app.clock.now();
    let store = app.store();
    store
        .auth_requests
        .get(request_id)
        .filter(|request| now - request.created_at < CODE_TTL_SECONDS)
        .cloned()
}

pub async fn sign_in(State(app): State<Arc<App>>, Form(form): Form<SignInForm>) -> Response {
    let Some(request) = live_auth_request(&app, &form.request) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "This sign-in request is unknown or expired; start again from the app.",
        );
    };
    let now = app.clock.now();
    let mut store = app.store();
    let user = store
        .users
        .iter()
        .find(|user| user.email.eq_ignore_ascii_case(form.email.trim()))
        .cloned();
    let password_ok = user
        .as_ref()
        .is_some_and(|user| bool::from(user.password.as_bytes().ct_eq(form.password.as_bytes())));
    let Some(user) = user.filter(|_| password_ok) else {
        tracing::info!("sign-in rejected: wrong email or password");
        return sign_in_page(&form.request, Some("Incorrect email or password."));
    };
    let cookie = random_secret("bss_");
    store.browser_sessions.insert(
        cookie.clone(),
        BrowserSession {
            user_id: user.user_id.to_owned(),
            signed_in_at: now,
        },
    );
    store.interactive_sign_ins += 1;
    if let Some(pending) = store.auth_requests.get_mut(&form.request) {
        pending.browser_session = Some(cookie.clone());
    }
    tracing::info!(user_id = user.user_id, "interactive sign-in");
    let mut response = consent_page(&form.request, user.name, &request.scope);
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={cookie}; Path=/; HttpOnly; SameSite=Lax"
    )) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

#[derive(serde::Deserialize)]
pub struct ConsentForm {
    request: String,
    decision: String,
}

pub async fn consent(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(form): Form<ConsentForm>,
) -> Response {
    let Some(request) = live_auth_request(&app, &form.request) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "This sign-in request is unknown or expired; start again from the app.",
        );
    };
    let cookie = session_cookie(&headers);
    let mut store = app.store();
    let session = match (&request.browser_session, &cookie) {
        (Some(expected), Some(cookie)) if expected == cookie => {
            store.browser_sessions.get(cookie).cloned()
        }
        _ => None,
    };
    let Some(session) = session else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "This browser has not signed in for this request; start again from the app.",
        );
    };
    store.auth_requests.remove(&form.request);
    let state = request.state.clone();
    if form.decision != "approve" {
        return redirect_with(
            &request.redirect_uri,
            &[
                ("error", "access_denied"),
                ("error_description", "The user denied the request."),
                ("state", &state),
            ],
        );
    }
    let code = random_secret("clk_code_");
    store.codes.insert(
        code.clone(),
        CodeGrant {
            user_id: session.user_id,
            redirect_uri: request.redirect_uri.clone(),
            scope: request.scope,
            code_challenge: request.code_challenge,
            nonce: request.nonce,
            auth_time: session.signed_in_at,
            created_at: app.clock.now(),
            used: false,
            issued_grant: None,
        },
    );
    redirect_with(&request.redirect_uri, &[("code", &code), ("state", &state)])
}

// ---- token -----------------------------------------------------------------------------

/// Marks a token-endpoint answer as never to be cached (RFC 6749 §5.1: `Cache-Control:
/// no-store` and `Pragma: no-cache` on every response that carries tokens or credentials).
fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// A successful token response: the issued tokens as JSON, never cached.
fn token_success(body: Value) -> Response {
    no_store(Json(body).into_response())
}

fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    tracing::info!(error, description, "token or userinfo request rejected");
    no_store(
        (
            status,
            Json(json!({"error": error, "error_description": description})),
        )
            .into_response(),
    )
}

fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let verifier_ok = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-._~".contains(&byte));
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    verifier_ok && bool::from(computed.as_bytes().ct_eq(challenge.as_bytes()))
}

/// Handles `POST /oauth/token`. The body is parsed as a form whatever its `Content-Type`,
/// so that every failure gets an RFC 6749 error body rather than an extractor rejection.
pub async fn token(State(app): State<Arc<App>>, body: axum::body::Bytes) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| form.get(name).map(String::as_str);
    if field("client_id") != Some(seed::OAUTH_CLIENT_ID) {
        return token_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Unknown or missing client_id.",
        );
    }
    match field("grant_type") {
        Some("authorization_code") => exchange_code(&app, &form),
        Some("refresh_token") => refresh(&app, &form),
        Some(other) => token_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("grant_type `{other}` is not supported."),
        ),
        None => token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "grant_type is required.",
        ),
    }
}

fn exchange_code(app: &App, form: &HashMap<String, String>) -> Response {
    let (Some(code), Some(verifier), Some(redirect_uri)) = (
        form.get("code"),
        form.get("code_verifier"),
        form.get("redirect_uri"),
    ) else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "code, code_verifier and redirect_uri are required.",
        );
    };
    let now = app.clock.now();
    let mut store = app.store();
    let Some(grant) = store.codes.get(code).cloned() else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Unknown authorization code.",
        );
    };
    if grant.used {
        // RFC 6749 §4.1.2: a reused code revokes every token issued from it, including the
        // access and refresh tokens that later refreshes issued.
        if let Some(issued) = grant.issued_grant {
            store.revoke_grant(issued);
        }
        tracing::warn!("authorization code presented twice; its tokens are revoked");
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "The authorization code was already used.",
        );
    }
    if now - grant.created_at >= CODE_TTL_SECONDS {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "The authorization code has expired.",
        );
    }
    if *redirect_uri != grant.redirect_uri {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "redirect_uri does not match the authorization request.",
        );
    }
    if !pkce_matches(verifier, &grant.code_challenge) {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "code_verifier does not match the code_challenge.",
        );
    }
    let include_auth_time = store.settings.variants.id_token_auth_time;
    let issued = issue_tokens(
        app,
        &mut store,
        &grant.user_id,
        &grant.scope,
        grant.auth_time,
        grant.nonce.as_deref(),
        include_auth_time,
        None,
    );
    if let Some(stored) = store.codes.get_mut(code) {
        stored.used = true;
        stored.issued_grant = Some(issued.grant);
    }
    token_success(issued.body)
}

fn refresh(app: &App, form: &HashMap<String, String>) -> Response {
    let Some(presented) = form.get("refresh_token") else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "refresh_token is required.",
        );
    };
    let mut store = app.store();
    let Some(old) = store.refresh_tokens.get(presented).cloned() else {
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Unknown refresh token.",
        );
    };
    if !old.active {
        // RFC 9700 §4.14.2: reuse of a rotated refresh token revokes the whole grant, the
        // access tokens it issued as well as the refresh tokens.
        store.revoke_grant(old.grant);
        tracing::warn!(
            grant = old.grant,
            "rotated refresh token presented again; its grant is revoked"
        );
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "The refresh token was already used or revoked; sign in again.",
        );
    }
    let scope = match form.get("scope") {
        Some(requested) => {
            let requested: Vec<String> = requested
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            if requested.iter().any(|scope| !old.scope.contains(scope)) {
                return token_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    "A refresh may not widen the original scope.",
                );
            }
            requested
        }
        None => old.scope.clone(),
    };
    if let Some(token) = store.refresh_tokens.get_mut(presented) {
        token.active = false;
    }
    let include_auth_time = store.settings.variants.id_token_auth_time;
    let issued = issue_tokens(
        app,
        &mut store,
        &old.user_id,
        &scope,
        old.auth_time,
        None,
        include_auth_time,
        Some(old.grant),
    );
    token_success(issued.body)
}

struct Issued {
    body: Value,
    grant: u64,
}

#[allow(clippy::too_many_arguments)]
fn issue_tokens(
    app: &App,
    store: &mut crate::state::Store,
    user_id: &str,
    scope: &[String],
    auth_time: i64,
    nonce: Option<&str>,
    include_auth_time: bool,
    grant: Option<u64>,
) -> Issued {
    let now = app.clock.now();
    let grant = grant.unwrap_or_else(|| {
        store.next_grant += 1;
        store.next_grant
    });
    let access_token = random_secret("oat_");
    store.access_tokens.insert(
        access_token.clone(),
        AccessToken {
            user_id: user_id.to_owned(),
            scope: scope.to_vec(),
            auth_time,
            expires_at: now + TOKEN_TTL_SECONDS,
            revoked: false,
            grant,
        },
    );
    let mut body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": TOKEN_TTL_SECONDS,
        "scope": scope.join(" "),
    });
    if scope.iter().any(|scope| scope == "offline_access") {
        let refresh_token = random_secret("clk_refresh_");
        store.refresh_tokens.insert(
            refresh_token.clone(),
            RefreshToken {
                user_id: user_id.to_owned(),
                scope: scope.to_vec(),
                auth_time,
                grant,
                active: true,
            },
        );
        body["refresh_token"] = json!(refresh_token);
    }
    if scope.iter().any(|scope| scope == "openid") {
        let user = store.user(user_id);
        let mut claims = json!({
            "iss": app.origin,
            "sub": user_id,
            "aud": seed::OAUTH_CLIENT_ID,
            "exp": now + TOKEN_TTL_SECONDS,
            "iat": now,
            "jti": random_id("jti_"),
        });
        if let Some(nonce) = nonce {
            claims["nonce"] = json!(nonce);
        }
        if let Some(user) = user {
            if scope.iter().any(|scope| scope == "email") {
                claims["email"] = json!(user.email);
                claims["email_verified"] = json!(true);
            }
            if scope.iter().any(|scope| scope == "profile") {
                claims["name"] = json!(user.name);
                claims["given_name"] = json!(user.given_name);
                claims["family_name"] = json!(user.family_name);
            }
        }
        if include_auth_time {
            claims["auth_time"] = json!(auth_time);
        }
        let tamper = (!store.settings.id_token_tampers.is_empty())
            .then(|| store.settings.id_token_tampers.remove(0));
        body["id_token"] = json!(match tamper {
            None => keys().sign_jwt(&claims),
            Some(tamper) => tampered_id_token(claims, tamper, now),
        });
    }
    Issued { body, grant }
}

/// Builds an ID token spoiled as `tamper` describes (a test control).
fn tampered_id_token(mut claims: Value, tamper: IdTokenTamper, now: i64) -> String {
    tracing::warn!(?tamper, "issuing a tampered ID token (test control)");
    match tamper {
        IdTokenTamper::Payload => {
            let signed = keys().sign_jwt(&claims);
            claims["sub"] = json!("user_someone_else");
            claims["email"] = json!("someone.else@example.com");
            let mut parts = signed.split('.');
            let header = parts.next().unwrap_or_default();
            let _payload = parts.next();
            let signature = parts.next().unwrap_or_default();
            let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
            format!("{header}.{payload}.{signature}")
        }
        IdTokenTamper::Audience => {
            claims["aud"] = json!("client_another_app");
            keys().sign_jwt(&claims)
        }
        IdTokenTamper::Issuer => {
            claims["iss"] = json!("https://clerk.another-app.example");
            keys().sign_jwt(&claims)
        }
        IdTokenTamper::Expired => {
            claims["exp"] = json!(now - 600);
            keys().sign_jwt(&claims)
        }
    }
}

// ---- userinfo --------------------------------------------------------------------------

pub async fn userinfo(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let now = app.clock.now();
    let store = app.store();
    let access = token.and_then(|token| store.access_tokens.get(token));
    let Some(access) = access.filter(|access| !access.revoked && now < access.expires_at) else {
        let mut response = token_error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "The access token is missing, unknown or expired.",
        );
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        return response;
    };
    let Some(user) = store.user(&access.user_id) else {
        return token_error(StatusCode::UNAUTHORIZED, "invalid_token", "Unknown user.");
    };
    let mut body = json!({
        "object": "oauth_user_info",
        "instance_id": "ins_matter_sandbox",
        "user_id": user.user_id,
        "sub": user.user_id,
    });
    if access.scope.iter().any(|scope| scope == "email") {
        body["email"] = json!(user.email);
        body["email_verified"] = json!(true);
    }
    if access.scope.iter().any(|scope| scope == "profile") {
        body["name"] = json!(user.name);
        body["given_name"] = json!(user.given_name);
        body["family_name"] = json!(user.family_name);
    }
    Json(body).into_response()
}
