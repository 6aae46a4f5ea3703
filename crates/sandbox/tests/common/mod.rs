//! Shared helpers for the sandbox's HTTP tests: start a sandbox, sign in through the real
//! OAuth pages, and call the API with the required headers.

#![allow(dead_code)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use matter_sandbox::browser::SandboxBrowser;
use matter_sandbox::{seed, Control, Sandbox, SandboxConfig, SandboxHandle};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use url::Url;

pub const VERSION: &str = "2026-06-10";

pub struct Harness {
    pub sandbox: SandboxHandle,
    pub control: Control,
    pub http: reqwest::Client,
}

pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Pkce {
        let verifier = format!(
            "verifier-{}-0123456789abcdefghijklmnop",
            uuid::Uuid::new_v4()
        );
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier,
            challenge,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
    pub body: Value,
}

pub const CALLBACK: &str = "http://127.0.0.1:45871/oauth/callback";

pub async fn start() -> Harness {
    start_with(SandboxConfig::default()).await
}

pub async fn start_with(config: SandboxConfig) -> Harness {
    let sandbox = Sandbox::start(config).await.expect("sandbox starts");
    let control = sandbox.control();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .expect("client builds");
    Harness {
        sandbox,
        control,
        http,
    }
}

pub fn decode_jwt_claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("JWT has a payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url payload"))
        .expect("JSON claims")
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.sandbox.issuer_str(), path)
    }

    pub fn authorize_url(&self, pkce: &Pkce, extra: &[(&str, &str)]) -> Url {
        let mut url = Url::parse(&self.url("/oauth/authorize")).unwrap();
        {
            let mut pairs = url.query_pairs_mut();
            let mut base: Vec<(&str, &str)> = vec![
                ("response_type", "code"),
                ("client_id", seed::OAUTH_CLIENT_ID),
                ("redirect_uri", CALLBACK),
                ("scope", "openid profile email offline_access"),
                ("state", "state-0123456789"),
                ("nonce", "nonce-abcdef"),
                ("code_challenge", &pkce.challenge),
                ("code_challenge_method", "S256"),
            ];
            for (key, _) in extra {
                base.retain(|(existing, _)| existing != key);
            }
            for (key, value) in base.iter().chain(extra.iter()) {
                if !value.is_empty() {
                    pairs.append_pair(key, value);
                }
            }
        }
        url
    }

    /// Runs authorize (sign-in form, consent) with `browser`; returns the redirect's query.
    pub async fn authorize_with(
        &self,
        browser: &SandboxBrowser,
        pkce: &Pkce,
        extra: &[(&str, &str)],
        email: &str,
        password: &str,
    ) -> Url {
        browser
            .authorize(&self.authorize_url(pkce, extra), email, password)
            .await
            .expect("authorize completes")
    }

    /// Returns a browser that has signed Jane in once (its session cookie is set).
    pub async fn signed_in_browser(&self) -> SandboxBrowser {
        let browser = SandboxBrowser::new();
        self.authorize_with(
            &browser,
            &Pkce::new(),
            &[],
            seed::JANE_EMAIL,
            seed::JANE_PASSWORD,
        )
        .await;
        browser
    }

    /// Signs Jane in with a fresh browser and returns the authorization code, not exchanged.
    pub async fn jane_code(&self, pkce: &Pkce) -> String {
        let redirect = self
            .authorize_with(
                &SandboxBrowser::new(),
                pkce,
                &[],
                seed::JANE_EMAIL,
                seed::JANE_PASSWORD,
            )
            .await;
        query_param(&redirect, "code").expect("redirect carries a code")
    }

    pub async fn exchange(&self, code: &str, verifier: &str) -> reqwest::Response {
        self.http
            .post(self.url("/oauth/token"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", seed::OAUTH_CLIENT_ID),
                ("code", code),
                ("code_verifier", verifier),
                ("redirect_uri", CALLBACK),
            ])
            .send()
            .await
            .unwrap()
    }

    pub async fn refresh(&self, refresh_token: &str) -> reqwest::Response {
        self.http
            .post(self.url("/oauth/token"))
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", seed::OAUTH_CLIENT_ID),
                ("refresh_token", refresh_token),
            ])
            .send()
            .await
            .unwrap()
    }

    /// Signs `email` in through the real pages with a fresh browser and exchanges the code.
    pub async fn sign_in(&self, email: &str, password: &str) -> Tokens {
        let browser = SandboxBrowser::new();
        let pkce = Pkce::new();
        let redirect = self
            .authorize_with(&browser, &pkce, &[], email, password)
            .await;
        let code = query_param(&redirect, "code").expect("redirect carries a code");
        let response = self.exchange(&code, &pkce.verifier).await;
        assert_eq!(response.status(), 200, "token exchange succeeds");
        let body: Value = response.json().await.unwrap();
        Tokens {
            access_token: body["access_token"].as_str().unwrap().to_owned(),
            refresh_token: body["refresh_token"].as_str().map(str::to_owned),
            id_token: body["id_token"].as_str().map(str::to_owned),
            body,
        }
    }

    pub async fn jane(&self) -> String {
        self.sign_in(seed::JANE_EMAIL, seed::JANE_PASSWORD)
            .await
            .access_token
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .header("Matter-Version", VERSION)
            .send()
            .await
            .unwrap()
    }

    pub async fn post(
        &self,
        path: &str,
        token: &str,
        key: &str,
        body: &Value,
    ) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(token)
            .header("Matter-Version", VERSION)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_new(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.post(path, token, &uuid::Uuid::new_v4().to_string(), body)
            .await
    }

    /// Dry run + session for `body`; returns (packet, session JSON).
    pub async fn open_session(&self, token: &str, body: &Value) -> (Value, Value) {
        let dry = self
            .post_new("/v1/signing_sessions?dry_run=true", token, body)
            .await;
        assert_eq!(dry.status(), 200, "dry run succeeds");
        let packet: Value = dry.json().await.unwrap();
        let created = self.post_new("/v1/signing_sessions", token, body).await;
        assert_eq!(created.status(), 200, "session creation succeeds");
        (packet, created.json().await.unwrap())
    }
}

pub fn query_param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

pub async fn problem(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert_eq!(
        content_type, "application/problem+json",
        "errors are problem+json"
    );
    (status, response.json().await.unwrap())
}

pub fn jane_board_consent() -> Value {
    serde_json::json!({
        "stakeholder_id": seed::JANE_STAKEHOLDER_ID,
        "document_id": seed::BOARD_CONSENT_DOC_ID,
    })
}
