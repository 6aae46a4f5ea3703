//! The Clerk-style OAuth provider over real HTTP: every authorize error, PKCE, codes,
//! refresh rotation, prompt=login, the redirect and auth_time switches, and JWKS.

mod common;

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::*;
use matter_sandbox::browser::{BrowserError, SandboxBrowser};
use matter_sandbox::seed;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier as _;
use rsa::{BigUint, RsaPublicKey};
use serde_json::Value;
use sha2::Sha256;

async fn authorize_raw(harness: &Harness, url: &url::Url) -> reqwest::Response {
    harness.http.get(url.clone()).send().await.unwrap()
}

fn location(response: &reqwest::Response) -> url::Url {
    url::Url::parse(
        response
            .headers()
            .get("location")
            .expect("a redirect")
            .to_str()
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn discovery_documents_name_the_issuer_and_endpoints() {
    let harness = start().await;
    for path in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ] {
        let body: Value = harness
            .http
            .get(harness.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            body["issuer"],
            harness.sandbox.issuer_str(),
            "{path} issuer"
        );
        assert_eq!(
            body["token_endpoint"],
            harness.url("/oauth/token"),
            "{path} token endpoint"
        );
        assert_eq!(
            body["code_challenge_methods_supported"],
            serde_json::json!(["S256"]),
            "{path} PKCE methods"
        );
    }
    assert!(
        !harness.sandbox.issuer_str().ends_with('/'),
        "issuer has no trailing slash"
    );
}

#[tokio::test]
async fn full_flow_issues_clerk_shaped_tokens() {
    let harness = start().await;
    let tokens = harness.sign_in(seed::JANE_EMAIL, seed::JANE_PASSWORD).await;
    assert!(tokens.access_token.starts_with("oat_"));
    assert!(tokens
        .refresh_token
        .as_deref()
        .unwrap()
        .starts_with("clk_refresh_"));
    assert_eq!(tokens.body["token_type"], "Bearer");
    assert_eq!(tokens.body["expires_in"], 86400);
    let claims = decode_jwt_claims(tokens.id_token.as_deref().unwrap());
    assert_eq!(claims["iss"], harness.sandbox.issuer_str());
    assert_eq!(claims["sub"], seed::JANE_USER_ID);
    assert_eq!(claims["aud"], seed::OAUTH_CLIENT_ID);
    assert_eq!(claims["nonce"], "nonce-abcdef");
    assert_eq!(claims["email"], seed::JANE_EMAIL);
    assert_eq!(claims["name"], seed::JANE_NAME);
    assert!(claims["jti"].is_string());
    assert!(claims["iat"].is_i64());
    assert!(claims["exp"].as_i64().unwrap() > claims["iat"].as_i64().unwrap());
    assert!(claims.get("auth_time").is_none(), "no auth_time by default");
    assert_eq!(harness.control.interactive_sign_ins(), 1);
}

#[tokio::test]
async fn code_has_clerk_prefix_and_state_is_echoed() {
    let harness = start().await;
    let pkce = Pkce::new();
    let redirect = harness
        .authorize_with(
            &SandboxBrowser::new(),
            &pkce,
            &[],
            seed::JANE_EMAIL,
            seed::JANE_PASSWORD,
        )
        .await;
    assert!(query_param(&redirect, "code")
        .unwrap()
        .starts_with("clk_code_"));
    assert_eq!(query_param(&redirect, "state").unwrap(), "state-0123456789");
    assert_eq!(
        redirect.port(),
        Some(45871),
        "redirects to the requested port"
    );
}

#[tokio::test]
async fn jwks_verifies_id_token_signature() {
    let harness = start().await;
    let tokens = harness.sign_in(seed::JANE_EMAIL, seed::JANE_PASSWORD).await;
    let id_token = tokens.id_token.unwrap();
    let jwks: Value = harness
        .http
        .get(harness.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(id_token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "RS256");
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["kid"] == header["kid"])
        .expect("JWKS lists the token's kid");
    let n = BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(key["n"].as_str().unwrap()).unwrap());
    let e = BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(key["e"].as_str().unwrap()).unwrap());
    let public = RsaPublicKey::new(n, e).unwrap();
    assert_eq!(
        rsa::traits::PublicKeyParts::size(&public),
        256,
        "2048-bit key"
    );
    let verifier = VerifyingKey::<Sha256>::new(public);
    let (signing_input, signature) = id_token.rsplit_once('.').unwrap();
    let signature =
        Signature::try_from(URL_SAFE_NO_PAD.decode(signature).unwrap().as_slice()).unwrap();
    assert!(verifier
        .verify(signing_input.as_bytes(), &signature)
        .is_ok());
    let mut tampered = signing_input.to_owned();
    tampered.push('x');
    assert!(verifier.verify(tampered.as_bytes(), &signature).is_err());
}

#[tokio::test]
async fn unknown_client_is_rejected_without_redirect() {
    let harness = start().await;
    let url = harness.authorize_url(&Pkce::new(), &[("client_id", "someone_else")]);
    let response = authorize_raw(&harness, &url).await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    assert!(response.text().await.unwrap().contains("invalid_client"));
}

#[tokio::test]
async fn unregistered_redirect_is_rejected_without_redirect() {
    let harness = start().await;
    for bad in [
        "http://evil.example/oauth/callback",
        "http://127.0.0.1:4000/other",
        "https://127.0.0.1:4000/oauth/callback",
        "http://127.0.0.1:4000/oauth/callback#frag",
        "http://localhost:4000/oauth/callback",
    ] {
        assert_redirect_rejected(&harness, bad).await;
    }
}

/// Asserts that authorize with redirect URI `bad` is a 400 page with no redirect.
async fn assert_redirect_rejected(harness: &Harness, bad: &str) {
    let url = harness.authorize_url(&Pkce::new(), &[("redirect_uri", bad)]);
    let response = authorize_raw(harness, &url).await;
    assert_eq!(response.status(), 400, "{bad:?}");
    assert!(response.headers().get("location").is_none(), "{bad:?}");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("invalid_redirect_uri"),
        "{bad:?}"
    );
}

#[tokio::test]
async fn redirect_uri_is_compared_without_normalisation() {
    let harness = start().await;
    for bad in [
        "http://0x7f.1:5555/oauth/callback",
        "http://127.1:5555/oauth/callback",
        "http://2130706433:5555/oauth/callback",
        "http://0177.0.0.1:5555/oauth/callback",
        "http://[0:0:0:0:0:0:0:1]:5555/oauth/callback",
        "http://127.0.0.1:5555/x/../oauth/callback",
        "http://127.0.0.1:5555/oauth/./callback",
        "http://127.0.0.1:5555/%6Fauth/callback",
        "http://127.0.0.1:5555/oauth%2Fcallback",
        "http://127.0.0.1:5555/OAUTH/callback",
        "http://127.0.0.1:5555\\oauth\\callback",
        "http://127.0.0.1:5555/oauth/call\tback",
        " http://127.0.0.1:5555/oauth/callback",
        "http://127.0.0.1:5555/oauth/callback ",
        "http://127.0.0.1:5555/oauth/callback?",
        "HTTP://127.0.0.1:5555/oauth/callback",
        "http://127.0.0.1:05555/oauth/callback",
        "http://127.0.0.1:0/oauth/callback",
        "http://127.0.0.1:65536/oauth/callback",
        "http://127.0.0.1:/oauth/callback",
        "http://127.0.0.1:+5555/oauth/callback",
        "http://127.0.0.10:5555/oauth/callback",
    ] {
        assert_redirect_rejected(&harness, bad).await;
    }
    for good in [
        "http://127.0.0.1:5555/oauth/callback",
        "http://127.0.0.1:65535/oauth/callback",
        "http://127.0.0.1/oauth/callback",
        "http://[::1]:1/oauth/callback",
    ] {
        let url = harness.authorize_url(&Pkce::new(), &[("redirect_uri", good)]);
        let response = authorize_raw(&harness, &url).await;
        assert_eq!(response.status(), 200, "{good}");
    }
}

#[tokio::test]
async fn ipv6_loopback_redirect_any_port_is_accepted() {
    let harness = start().await;
    let url = harness.authorize_url(
        &Pkce::new(),
        &[("redirect_uri", "http://[::1]:50123/oauth/callback")],
    );
    let response = authorize_raw(&harness, &url).await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("id=\"sign-in\""));
}

#[tokio::test]
async fn authorize_parameter_errors_redirect_with_error() {
    let harness = start().await;
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        ("no PKCE", vec![("code_challenge", "")], "invalid_request"),
        (
            "plain PKCE",
            vec![("code_challenge_method", "plain")],
            "invalid_request",
        ),
        ("short state", vec![("state", "short")], "invalid_request"),
        ("no state", vec![("state", "")], "invalid_request"),
        (
            "token response type",
            vec![("response_type", "token")],
            "unsupported_response_type",
        ),
        (
            "unknown scope",
            vec![("scope", "openid admin")],
            "invalid_scope",
        ),
    ];
    for (name, extra, expected) in cases {
        let url = harness.authorize_url(&Pkce::new(), &extra);
        let response = authorize_raw(&harness, &url).await;
        assert_eq!(response.status(), 302, "{name}");
        let target = location(&response);
        assert_eq!(target.path(), "/oauth/callback", "{name}");
        assert_eq!(
            query_param(&target, "error").as_deref(),
            Some(expected),
            "{name}"
        );
        assert!(query_param(&target, "code").is_none(), "{name}");
    }
}

#[tokio::test]
async fn wrong_password_shows_form_again_without_redirect() {
    let harness = start().await;
    let result = SandboxBrowser::new()
        .authorize(
            &harness.authorize_url(&Pkce::new(), &[]),
            seed::JANE_EMAIL,
            "wrong-password",
        )
        .await;
    match result {
        Err(BrowserError::SignInRejected(message)) => {
            assert!(message.contains("Incorrect email or password"), "{message}")
        }
        other => panic!("expected SignInRejected, got {other:?}"),
    }
    assert_eq!(harness.control.interactive_sign_ins(), 0);
}

#[tokio::test]
async fn consent_denial_redirects_access_denied() {
    let harness = start().await;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    let page = browser
        .get(harness.authorize_url(&Pkce::new(), &[]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let request = page
        .split("name=\"request\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let consent = browser
        .post(harness.url("/oauth/sign_in"))
        .form(&[
            ("request", request),
            ("email", seed::JANE_EMAIL),
            ("password", seed::JANE_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(consent.status(), 200);
    let denied = browser
        .post(harness.url("/oauth/consent"))
        .form(&[("request", request), ("decision", "deny")])
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 302);
    assert_eq!(
        query_param(&location(&denied), "error").as_deref(),
        Some("access_denied")
    );
}

#[tokio::test]
async fn consent_without_the_sign_in_cookie_is_rejected() {
    let harness = start().await;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = browser
        .get(harness.authorize_url(&Pkce::new(), &[]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let request = page
        .split("name=\"request\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let response = browser
        .post(harness.url("/oauth/consent"))
        .form(&[("request", request), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
}

#[tokio::test]
async fn wrong_pkce_verifier_is_invalid_grant() {
    let harness = start().await;
    let pkce = Pkce::new();
    let code = harness.jane_code(&pkce).await;
    let response = harness.exchange(&code, &Pkce::new().verifier).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("code_verifier"));
}

#[tokio::test]
async fn token_exchange_requires_matching_redirect_uri() {
    let harness = start().await;
    let pkce = Pkce::new();
    let code = harness.jane_code(&pkce).await;
    let response = harness
        .http
        .post(harness.url("/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", seed::OAUTH_CLIENT_ID),
            ("code", code.as_str()),
            ("code_verifier", pkce.verifier.as_str()),
            ("redirect_uri", "http://127.0.0.1:1/oauth/callback"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn token_endpoint_rejects_unknown_client_and_grant() {
    let harness = start().await;
    let unknown_client = harness
        .http
        .post(harness.url("/oauth/token"))
        .form(&[("grant_type", "authorization_code"), ("client_id", "other")])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_client.status(), 401);
    let body: Value = unknown_client.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    let bad_grant = harness
        .http
        .post(harness.url("/oauth/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", seed::OAUTH_CLIENT_ID),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad_grant.status(), 400);
    let body: Value = bad_grant.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_grant_type");
}

/// Asserts that `access` no longer opens the API: 401 on a document read.
async fn assert_access_revoked(harness: &Harness, access: &str, what: &str) {
    let response = harness
        .get("/v1/documents/doc_board_consent_2026", access)
        .await;
    assert_eq!(response.status(), 401, "{what} is revoked");
}

#[tokio::test]
async fn code_reuse_fails_and_revokes_tokens() {
    let harness = start().await;
    let pkce = Pkce::new();
    let code = harness.jane_code(&pkce).await;
    let first = harness.exchange(&code, &pkce.verifier).await;
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    let second = harness.exchange(&code, &pkce.verifier).await;
    assert_eq!(second.status(), 400);
    let body: Value = second.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    let access = first["access_token"].as_str().unwrap();
    assert_access_revoked(&harness, access, "the code's access token").await;
}

#[tokio::test]
async fn code_reuse_revokes_refreshed_tokens() {
    let harness = start().await;
    let pkce = Pkce::new();
    let code = harness.jane_code(&pkce).await;
    let first: Value = harness
        .exchange(&code, &pkce.verifier)
        .await
        .json()
        .await
        .unwrap();
    let refreshed = harness
        .refresh(first["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(refreshed.status(), 200);
    let refreshed: Value = refreshed.json().await.unwrap();
    let refreshed_access = refreshed["access_token"].as_str().unwrap();
    let before = harness
        .get("/v1/documents/doc_board_consent_2026", refreshed_access)
        .await;
    assert_eq!(
        before.status(),
        200,
        "the refreshed token works before reuse"
    );

    let reused = harness.exchange(&code, &pkce.verifier).await;
    assert_eq!(reused.status(), 400);
    assert_access_revoked(&harness, refreshed_access, "the refreshed access token").await;
    let refresh_after = harness
        .refresh(refreshed["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(
        refresh_after.status(),
        400,
        "the rotated refresh token is revoked"
    );
}

#[tokio::test]
async fn another_grant_survives_code_reuse() {
    let harness = start().await;
    let other = harness.jane().await;
    let pkce = Pkce::new();
    let code = harness.jane_code(&pkce).await;
    assert_eq!(harness.exchange(&code, &pkce.verifier).await.status(), 200);
    assert_eq!(harness.exchange(&code, &pkce.verifier).await.status(), 400);
    let response = harness
        .get("/v1/documents/doc_board_consent_2026", &other)
        .await;
    assert_eq!(
        response.status(),
        200,
        "a token from another sign-in stays valid"
    );
}

fn assert_not_cacheable(response: &reqwest::Response, what: &str) {
    let headers = response.headers();
    assert_eq!(
        headers.get("cache-control").map(|v| v.to_str().unwrap()),
        Some("no-store"),
        "{what}: Cache-Control"
    );
    assert_eq!(
        headers.get("pragma").map(|v| v.to_str().unwrap()),
        Some("no-cache"),
        "{what}: Pragma"
    );
}

#[tokio::test]
async fn token_responses_are_never_cached() {
    let harness = start().await;
    let pkce = Pkce::new();
    let code = harness.jane_code(&pkce).await;
    let exchanged = harness.exchange(&code, &pkce.verifier).await;
    assert_eq!(exchanged.status(), 200);
    assert_not_cacheable(&exchanged, "code exchange");
    let exchanged: Value = exchanged.json().await.unwrap();
    let refreshed = harness
        .refresh(exchanged["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(refreshed.status(), 200);
    assert_not_cacheable(&refreshed, "refresh");
    let rejected = harness.refresh("clk_refresh_unknown").await;
    assert_eq!(rejected.status(), 400);
    assert_not_cacheable(&rejected, "token error");
}

#[tokio::test]
async fn code_expires_after_ten_minutes() {
    let harness = start().await;
    let pkce = Pkce::new();
    let code = harness.jane_code(&pkce).await;
    harness.control.advance_clock(Duration::from_secs(600));
    let response = harness.exchange(&code, &pkce.verifier).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("expired"));
}

/// Signs Jane in and refreshes once; returns the first tokens and the refresh answer.
async fn sign_in_and_refresh(harness: &Harness) -> (Tokens, Value) {
    let tokens = harness.sign_in(seed::JANE_EMAIL, seed::JANE_PASSWORD).await;
    let refreshed = harness
        .refresh(tokens.refresh_token.as_deref().unwrap())
        .await;
    assert_eq!(refreshed.status(), 200, "the first refresh succeeds");
    (tokens, refreshed.json().await.unwrap())
}

#[tokio::test]
async fn refresh_rotates_and_old_token_fails() {
    let harness = start().await;
    let (tokens, refreshed) = sign_in_and_refresh(&harness).await;
    let old = tokens.refresh_token.clone().unwrap();
    let new = refreshed["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(new.starts_with("clk_refresh_"));
    assert!(refreshed["access_token"]
        .as_str()
        .unwrap()
        .starts_with("oat_"));
    assert!(
        refreshed["id_token"].is_string(),
        "refresh re-issues the ID token"
    );
    let reused = harness.refresh(&old).await;
    assert_eq!(reused.status(), 400);
    let body: Value = reused.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    let family_revoked = harness.refresh(&new).await;
    assert_eq!(
        family_revoked.status(),
        400,
        "reuse revokes the rotated family"
    );
}

#[tokio::test]
async fn refresh_reuse_revokes_access_tokens() {
    let harness = start().await;
    let (tokens, refreshed) = sign_in_and_refresh(&harness).await;
    let old = tokens.refresh_token.clone().unwrap();
    let refreshed_access = refreshed["access_token"].as_str().unwrap();

    let reused = harness.refresh(&old).await;
    assert_eq!(reused.status(), 400);
    assert_access_revoked(&harness, &tokens.access_token, "the first access token").await;
    assert_access_revoked(&harness, refreshed_access, "the refreshed access token").await;
    let userinfo = harness
        .http
        .get(harness.url("/oauth/userinfo"))
        .bearer_auth(refreshed_access)
        .send()
        .await
        .unwrap();
    assert_eq!(userinfo.status(), 401, "userinfo refuses a revoked token");
}

#[tokio::test]
async fn refresh_token_only_with_offline_access() {
    let harness = start().await;
    let pkce = Pkce::new();
    let redirect = harness
        .authorize_with(
            &SandboxBrowser::new(),
            &pkce,
            &[("scope", "openid email")],
            seed::JANE_EMAIL,
            seed::JANE_PASSWORD,
        )
        .await;
    let body: Value = harness
        .exchange(&query_param(&redirect, "code").unwrap(), &pkce.verifier)
        .await
        .json()
        .await
        .unwrap();
    assert!(body.get("refresh_token").is_none());
    assert!(body["id_token"].is_string());
}

#[tokio::test]
async fn id_token_requires_openid_scope() {
    let harness = start().await;
    let pkce = Pkce::new();
    let redirect = harness
        .authorize_with(
            &SandboxBrowser::new(),
            &pkce,
            &[("scope", "profile email")],
            seed::JANE_EMAIL,
            seed::JANE_PASSWORD,
        )
        .await;
    let body: Value = harness
        .exchange(&query_param(&redirect, "code").unwrap(), &pkce.verifier)
        .await
        .json()
        .await
        .unwrap();
    assert!(body.get("id_token").is_none());
    assert!(body["access_token"].is_string());
}

#[tokio::test]
async fn refresh_keeps_interactive_sign_in_time() {
    let harness = start().await;
    let tokens = harness.sign_in(seed::JANE_EMAIL, seed::JANE_PASSWORD).await;
    harness.control.advance_clock(Duration::from_secs(301));
    let refreshed: Value = harness
        .refresh(tokens.refresh_token.as_deref().unwrap())
        .await
        .json()
        .await
        .unwrap();
    let access = refreshed["access_token"].as_str().unwrap();
    let response = harness
        .post_new("/v1/signing_sessions", access, &jane_board_consent())
        .await;
    let (status, body) = problem(response).await;
    assert_eq!(status, 403);
    assert_eq!(body["code"], "reauthentication_required");
}

#[tokio::test]
async fn session_cookie_skips_form_unless_prompt_login() {
    let harness = start().await;
    let browser = harness.signed_in_browser().await;
    assert_eq!(harness.control.interactive_sign_ins(), 1);
    harness
        .authorize_with(&browser, &Pkce::new(), &[], seed::JANE_EMAIL, "not-used")
        .await;
    assert_eq!(harness.control.interactive_sign_ins(), 1, "cookie reused");
    harness
        .authorize_with(
            &browser,
            &Pkce::new(),
            &[("prompt", "login")],
            seed::JANE_EMAIL,
            seed::JANE_PASSWORD,
        )
        .await;
    assert_eq!(
        harness.control.interactive_sign_ins(),
        2,
        "prompt=login forces the form"
    );
}

#[tokio::test]
async fn prompt_none_with_session_redirects_consent_required() {
    let harness = start().await;
    let browser = harness.signed_in_browser().await;
    let redirect = harness
        .authorize_with(
            &browser,
            &Pkce::new(),
            &[("prompt", "none")],
            seed::JANE_EMAIL,
            "not-used",
        )
        .await;
    assert_eq!(
        query_param(&redirect, "error").as_deref(),
        Some("consent_required")
    );
    assert_eq!(query_param(&redirect, "code"), None, "no page, no code");
    assert_eq!(
        query_param(&redirect, "state").as_deref(),
        Some("state-0123456789")
    );
    assert_eq!(harness.control.interactive_sign_ins(), 1);
}

#[tokio::test]
async fn cookie_sign_in_keeps_original_auth_time() {
    let harness = start().await;
    let browser = harness.signed_in_browser().await;
    harness.control.advance_clock(Duration::from_secs(400));
    let pkce = Pkce::new();
    let redirect = harness
        .authorize_with(&browser, &pkce, &[], seed::JANE_EMAIL, "not-used")
        .await;
    let body: Value = harness
        .exchange(&query_param(&redirect, "code").unwrap(), &pkce.verifier)
        .await
        .json()
        .await
        .unwrap();
    let access = body["access_token"].as_str().unwrap();
    let (status, problem_body) = problem(
        harness
            .post_new("/v1/signing_sessions", access, &jane_board_consent())
            .await,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(problem_body["code"], "reauthentication_required");
}

#[tokio::test]
async fn exact_port_switch_rejects_other_ports() {
    let harness = start().await;
    harness.control.set_exact_port_redirects(true);
    let response = authorize_raw(&harness, &harness.authorize_url(&Pkce::new(), &[])).await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    let exact = harness.authorize_url(&Pkce::new(), &[("redirect_uri", seed::OAUTH_REDIRECT_URI)]);
    assert_eq!(authorize_raw(&harness, &exact).await.status(), 200);
}

#[tokio::test]
async fn auth_time_switch_adds_claim() {
    let harness = start().await;
    harness.control.set_id_token_auth_time(true);
    let before = harness.control.now();
    let tokens = harness.sign_in(seed::JANE_EMAIL, seed::JANE_PASSWORD).await;
    let claims = decode_jwt_claims(tokens.id_token.as_deref().unwrap());
    let auth_time = claims["auth_time"].as_i64().expect("auth_time present");
    assert!(auth_time >= before);
    harness.control.advance_clock(Duration::from_secs(120));
    let refreshed: Value = harness
        .refresh(tokens.refresh_token.as_deref().unwrap())
        .await
        .json()
        .await
        .unwrap();
    let refreshed_claims = decode_jwt_claims(refreshed["id_token"].as_str().unwrap());
    assert_eq!(
        refreshed_claims["auth_time"], auth_time,
        "refresh keeps auth_time"
    );
    assert!(refreshed_claims["iat"].as_i64().unwrap() > claims["iat"].as_i64().unwrap());
    assert!(
        refreshed_claims.get("nonce").is_none(),
        "refreshed ID token has no nonce"
    );
}

#[tokio::test]
async fn userinfo_returns_the_signed_in_user() {
    let harness = start().await;
    let access = harness.jane().await;
    let response = harness
        .http
        .get(harness.url("/oauth/userinfo"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["sub"], seed::JANE_USER_ID);
    assert_eq!(body["email"], seed::JANE_EMAIL);
    let unauthorized = harness
        .http
        .get(harness.url("/oauth/userinfo"))
        .bearer_auth("oat_unknown")
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), 401);
}

#[tokio::test]
async fn browser_refuses_non_loopback_hosts() {
    let result = SandboxBrowser::new()
        .sign_in(
            &url::Url::parse("http://example.com/oauth/authorize").unwrap(),
            seed::JANE_EMAIL,
            seed::JANE_PASSWORD,
        )
        .await;
    assert!(matches!(result, Err(BrowserError::NotLoopback(_))));
}

#[tokio::test]
async fn token_endpoint_without_form_body_is_invalid_request() {
    let harness = start().await;
    let response = harness
        .http
        .post(harness.url("/oauth/token"))
        .body("not a form")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        401,
        "no client_id means an unknown client"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    let missing_grant = harness
        .http
        .post(harness.url("/oauth/token"))
        .form(&[("client_id", seed::OAUTH_CLIENT_ID)])
        .send()
        .await
        .unwrap();
    assert_eq!(missing_grant.status(), 400);
    let body: Value = missing_grant.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn shutdown_stops_accepting_connections() {
    let harness = start().await;
    let url = harness.url("/.well-known/jwks.json");
    assert_eq!(harness.http.get(&url).send().await.unwrap().status(), 200);
    harness.sandbox.shutdown().await;
    let fresh_client = reqwest::Client::builder().no_proxy().build().unwrap();
    assert!(fresh_client.get(&url).send().await.is_err());
}

#[tokio::test]
async fn control_debug_output_has_no_tokens() {
    let harness = start().await;
    let tokens = harness.sign_in(seed::JANE_EMAIL, seed::JANE_PASSWORD).await;
    let debug = format!("{:?}", harness.control);
    assert!(!debug.contains(&tokens.access_token));
    assert!(debug.contains(harness.sandbox.issuer_str()));
}
