//! OAuth sign-in against the Clerk-style provider: authorization code with PKCE `S256`,
//! `state` and `nonce`, in the system browser, with a loopback redirect; ID-token
//! verification; refresh-token rotation; and the freshness gate that signing needs.
//!
//! # Crates
//!
//! `oauth2` 5.0 builds the authorize URL and runs the token requests, and
//! `openidconnect` 4.1 parses the token response with its `id_token` and verifies the
//! ID token (RS256 signature against the JWKS, `aud`, `exp`, `nonce`). Both run with
//! default features off over the engine's own reqwest 0.13 client (see `http`), because
//! their built-in adapter targets reqwest 0.12. The freshness checks that
//! `openidconnect` leaves open (`iat`, `auth_time`) are added in `id_token`.
//!
//! Endpoints are derived from the issuer with Clerk's fixed paths (`/oauth/authorize`,
//! `/oauth/token`, `/oauth/userinfo`, `/.well-known/jwks.json`), as Clerk documents at
//! <https://clerk.com/docs/guides/configure/auth-strategies/oauth/how-clerk-implements-oauth>,
//! instead of discovery, so that a discovery document cannot redirect token traffic.
//!
//! # Freshness
//!
//! Matter accepts `POST /v1/signing_sessions` only within 5 minutes of an interactive
//! sign-in. Only a completed code exchange of a `prompt=login` request started by this
//! process, whose ID token carries this request's `nonce` and an `iat` after the
//! request started, moves [`Authenticator::last_interactive_sign_in`]. A refresh never
//! does: a refreshed ID token gets a new `iat` without the human doing anything.
//!
//! # Secrets
//!
//! Codes, verifiers and tokens are held as `SecretString` or as `oauth2`'s redacting
//! types, and never appear in a `Debug`, log field or error. `oauth2` copies the code,
//! verifier and tokens into its own `String`s for the request and response; those
//! copies are dropped at the end of each call but not zeroized.

mod http;
mod id_token;
mod loopback;
mod pkce;
mod session;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use oauth2::basic::BasicErrorResponseType;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, RedirectUrl, RefreshToken, RequestTokenError, Scope,
    StandardErrorResponse, TokenResponse, TokenUrl,
};
use openidconnect::core::{
    CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreJsonWebKeySet, CoreTokenResponse,
};
use openidconnect::{IssuerUrl, JsonWebKeySetUrl};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use time::OffsetDateTime;
use url::Url;

use crate::clock::Clock;
use crate::config::{is_loopback, Config};
use crate::interaction::{Interaction, InteractionError, SignInPrompt, SignInReason, UserView};
use crate::secrets::{entry_user, SecretStore, SecretStoreError, StorageKind};

pub use id_token::IdTokenCheck;
pub use session::STEP_UP_AFTER;

use self::http::{build_client, read_capped, HttpError, OAuthHttp};
use self::loopback::{provider_error_words, Callback, Loopback};
use self::pkce::AuthorizationSecrets;
use self::session::{needs_step_up, AccessToken, InteractiveSignIn, Session, ACCESS_TOKEN_MARGIN};

/// The scopes requested: `openid` (added by `openidconnect`) for the ID token, `email`
/// and `profile` for the claims shown to the human, `offline_access` for a refresh
/// token.
const SCOPES: [&str; 3] = ["email", "profile", "offline_access"];

/// Why a sign-in or token operation failed. `Display` is plain words and never holds a
/// code, verifier or token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The browser did not come back to the loopback redirect in time.
    #[error("the browser sign-in did not finish within {waited_secs} seconds; start it again and complete it in the browser within that time")]
    Timeout { waited_secs: u64 },
    /// The human cancelled the sign-in.
    #[error("the sign-in was cancelled")]
    Cancelled,
    /// The front end could not show the sign-in.
    #[error("the sign-in could not be shown: {detail}")]
    Unavailable { detail: String },
    /// The provider answered with an OAuth error (`error`, `error_description`).
    #[error("the sign-in provider refused: {}{}", provider_error_words(error), description.as_deref().map(|text| format!(" ({text})")).unwrap_or_default())]
    Provider {
        error: String,
        description: Option<String>,
    },
    /// The redirect's `state` was missing or not the one this sign-in sent.
    #[error("a sign-in response arrived that does not belong to the sign-in this app started (state mismatch), so it was rejected; sign in again")]
    StateMismatch,
    /// The ID token failed one of the checks.
    #[error("the sign-in provider's ID token was rejected because {check}; {}", check.next_step())]
    IdTokenInvalid { check: IdTokenCheck },
    /// The provider could not be reached.
    #[error(
        "could not reach the sign-in provider: {detail}; check the network and the issuer setting"
    )]
    Network { detail: String },
    /// The provider's answer could not be understood.
    #[error("the sign-in provider sent an invalid response: {detail}")]
    InvalidResponse { detail: String },
    /// The loopback redirect listener failed.
    #[error("could not receive the browser's sign-in redirect: {detail}")]
    Loopback { detail: String },
    /// The OS keyring failed.
    #[error(transparent)]
    Keyring(#[from] SecretStoreError),
    /// Nobody is signed in, or the stored sign-in is no longer accepted.
    #[error("you are not signed in; sign in to continue")]
    NotSignedIn,
    /// The authenticator could not be set up from the configuration.
    #[error("the sign-in could not be set up: {detail}")]
    Setup { detail: String },
}

impl AuthError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::Timeout { .. } => "auth_timeout",
            AuthError::Cancelled => "auth_cancelled",
            AuthError::Unavailable { .. } => "auth_unavailable",
            AuthError::Provider { .. } => "auth_provider_error",
            AuthError::StateMismatch => "auth_state_mismatch",
            AuthError::IdTokenInvalid { .. } => "auth_id_token_invalid",
            AuthError::Network { .. } => "auth_network",
            AuthError::InvalidResponse { .. } => "auth_invalid_response",
            AuthError::Loopback { .. } => "auth_loopback_failed",
            AuthError::Keyring(_) => "auth_keyring",
            AuthError::NotSignedIn => "auth_not_signed_in",
            AuthError::Setup { .. } => "auth_setup_failed",
        }
    }
}

/// Provider text made safe to show: one line, at most 200 characters, and any word
/// that looks like a token (`sig_`, `oat_`, `clk_`) replaced.
fn plain(text: &str) -> String {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|word| {
            if ["sig_", "oat_", "clk_"]
                .iter()
                .any(|prefix| word.contains(prefix))
            {
                "[redacted]".to_owned()
            } else {
                word.chars().filter(|ch| !ch.is_control()).collect()
            }
        })
        .collect();
    let joined = words.join(" ");
    if joined.chars().count() > 200 {
        joined.chars().take(200).collect::<String>() + "…"
    } else {
        joined
    }
}

type TokenError = RequestTokenError<HttpError, StandardErrorResponse<BasicErrorResponseType>>;

fn token_error(error: TokenError) -> AuthError {
    match error {
        RequestTokenError::ServerResponse(response) => AuthError::Provider {
            error: plain(response.error().as_ref()),
            description: response.error_description().map(|text| plain(text)),
        },
        RequestTokenError::Request(error) => AuthError::Network {
            detail: plain(&error.to_string()),
        },
        // The unparsed body may hold tokens, so it is never shown.
        RequestTokenError::Parse(_, _) => AuthError::InvalidResponse {
            detail: "the token endpoint's answer is not a valid token response".to_owned(),
        },
        RequestTokenError::Other(message) => AuthError::InvalidResponse {
            detail: plain(&message),
        },
    }
}

/// Provider endpoints under the issuer.
#[derive(Debug, Clone)]
struct Endpoints {
    authorize: AuthUrl,
    token: TokenUrl,
    userinfo: Url,
    jwks: JsonWebKeySetUrl,
}

fn endpoint(issuer: &Url, path: &str) -> Url {
    let mut url = issuer.clone();
    let base = url.path().trim_end_matches('/').to_owned();
    url.set_path(&format!("{base}{path}"));
    url
}

/// The `/oauth/userinfo` fields read.
#[derive(Deserialize)]
struct UserInfo {
    sub: Option<String>,
    user_id: Option<String>,
    email: Option<String>,
    name: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
}

/// Signs the human in and keeps their tokens.
///
/// One sign-in runs at a time, and refreshes are serialised (a rotating provider
/// revokes everything when an old refresh token is replayed).
pub struct Authenticator {
    issuer: Url,
    client_id: String,
    redirect_port: u16,
    sign_in_timeout: Duration,
    endpoints: Endpoints,
    http: OAuthHttp,
    store: Arc<dyn SecretStore>,
    store_key: String,
    clock: Arc<dyn Clock>,
    session: Mutex<Session>,
    sign_in_lock: tokio::sync::Mutex<()>,
    refresh_lock: tokio::sync::Mutex<()>,
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field("issuer", &self.issuer.as_str())
            .field("client_id", &self.client_id)
            .field("storage", &self.store.kind())
            .field("session", &*self.session())
            .finish_non_exhaustive()
    }
}

impl Authenticator {
    /// Sets up sign-in for `config`'s issuer and client id, with its own HTTP client
    /// (no redirects, no proxy, HTTPS only unless the issuer is on loopback). The
    /// refresh token is read from `store` when first needed.
    pub fn new(
        config: &Config,
        store: Arc<dyn SecretStore>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, AuthError> {
        let issuer = config.issuer.clone();
        let https_only = !is_loopback(&issuer);
        if https_only && issuer.scheme() != "https" {
            return Err(AuthError::Setup {
                detail: format!("the issuer {issuer} is not an https:// URL"),
            });
        }
        let client =
            build_client(config.http_timeout, https_only).map_err(|error| AuthError::Setup {
                detail: http::describe(&error),
            })?;
        let endpoints = Endpoints {
            authorize: AuthUrl::from_url(endpoint(&issuer, "/oauth/authorize")),
            token: TokenUrl::from_url(endpoint(&issuer, "/oauth/token")),
            userinfo: endpoint(&issuer, "/oauth/userinfo"),
            jwks: JsonWebKeySetUrl::from_url(endpoint(&issuer, "/.well-known/jwks.json")),
        };
        Ok(Authenticator {
            store_key: entry_user(&issuer, &config.client_id),
            issuer,
            client_id: config.client_id.clone(),
            redirect_port: config.redirect_port,
            sign_in_timeout: config.sign_in_timeout,
            endpoints,
            http: OAuthHttp { client },
            store,
            clock,
            session: Mutex::new(Session::default()),
            sign_in_lock: tokio::sync::Mutex::new(()),
            refresh_lock: tokio::sync::Mutex::new(()),
        })
    }

    fn session(&self) -> MutexGuard<'_, Session> {
        self.session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn oidc_client(&self) -> CoreClient {
        CoreClient::new(
            ClientId::new(self.client_id.clone()),
            IssuerUrl::from_url(self.issuer.clone()),
            CoreJsonWebKeySet::default(),
        )
    }

    /// Runs a browser sign-in with `prompt=login` and a fresh PKCE verifier, `state`
    /// and `nonce`.
    ///
    /// Opens a loopback listener on `127.0.0.1`, asks `ui` to open the authorize URL,
    /// and waits up to the configured sign-in timeout for the redirect. It then
    /// exchanges the code, verifies the ID token (RS256 against the JWKS, `iss`,
    /// `aud` = client id, `exp`, `nonce`, `iat` within `[t0 − 60 s, now + 60 s]`, and
    /// `auth_time ≥ t0 − 60 s` when present, where `t0` is when this call started),
    /// stores the refresh token, and records the interactive sign-in time on both
    /// clocks. Returns the user named by the ID token.
    pub async fn sign_in(
        &self,
        ui: &dyn Interaction,
        reason: SignInReason,
    ) -> Result<UserView, AuthError> {
        let _one_at_a_time = self.sign_in_lock.lock().await;
        let started_at = self.clock.now_utc();

        let loopback = Loopback::bind(self.redirect_port).await?;
        let secrets = AuthorizationSecrets::generate();
        let client = self
            .oidc_client()
            .set_auth_uri(self.endpoints.authorize.clone())
            .set_token_uri(self.endpoints.token.clone())
            .set_redirect_uri(RedirectUrl::from_url(loopback.redirect_uri().clone()));

        let state = secrets.state.clone();
        let nonce = secrets.nonce.clone();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                move || state,
                move || nonce,
            )
            .set_pkce_challenge(secrets.challenge.clone())
            .add_prompt(CoreAuthPrompt::Login);
        for scope in SCOPES {
            request = request.add_scope(Scope::new(scope.to_owned()));
        }
        let (authorize_url, _, _) = request.url();

        let prompt = SignInPrompt {
            authorize_url,
            reason: reason.clone(),
            timeout: self.sign_in_timeout,
        };
        tracing::info!(?reason, redirect_uri = %loopback.redirect_uri(), "sign-in started");

        let callback = self
            .wait_for_callback(ui, &prompt, loopback, secrets.state.secret())
            .await
            .inspect_err(|error| tracing::warn!(code = error.code(), %error, "sign-in failed"))?;
        let code = match callback {
            Callback::Code(code) => code,
            Callback::ProviderError { error, description } => {
                let error = AuthError::Provider {
                    error: plain(&error),
                    description: description.as_deref().map(plain),
                };
                tracing::warn!(code = error.code(), %error, "sign-in refused by the provider");
                return Err(error);
            }
        };

        let exchanged = client
            .exchange_code(AuthorizationCode::new(code.expose_secret().to_owned()))
            .set_pkce_verifier(secrets.verifier)
            .request_async(&self.http)
            .await;
        drop(code);
        let response = exchanged.map_err(token_error).inspect_err(
            |error| tracing::warn!(code = error.code(), %error, "code exchange failed"),
        )?;

        let identity = self
            .verify_id_token(&response, &secrets.nonce, started_at)
            .await
            .inspect_err(
                |error| tracing::warn!(code = error.code(), %error, "ID token rejected"),
            )?;

        let access = SecretString::from(response.access_token().secret().to_owned());
        let refresh = response
            .refresh_token()
            .map(|token| SecretString::from(token.secret().to_owned()));
        let expires_at = self.expiry(response.expires_in());
        drop(response);

        self.persist_refresh(refresh.as_ref()).await;

        let completed = InteractiveSignIn {
            at: self.clock.now(),
            at_utc: self.clock.now_utc(),
        };
        let mut session = self.session();
        session.access = Some(AccessToken {
            token: access,
            expires_at,
        });
        session.refresh = refresh;
        session.user = Some(identity.user.clone());
        session.interactive = Some(completed);
        drop(session);

        tracing::info!(
            user_id = %identity.user.user_id,
            auth_time_present = identity.auth_time.is_some(),
            "sign-in completed"
        );
        Ok(identity.user)
    }

    /// Runs the front end's `open_sign_in` and the loopback wait side by side (the
    /// front end may return only after the browser came back), bounded by the
    /// sign-in timeout. The listener closes when this returns.
    async fn wait_for_callback(
        &self,
        ui: &dyn Interaction,
        prompt: &SignInPrompt,
        loopback: Loopback,
        expected_state: &str,
    ) -> Result<Callback, AuthError> {
        let opening = async {
            match ui.open_sign_in(prompt).await {
                Ok(()) => std::future::pending::<Result<Callback, AuthError>>().await,
                Err(InteractionError::Cancelled) => Err(AuthError::Cancelled),
                Err(InteractionError::Unavailable(detail)) => Err(AuthError::Unavailable {
                    detail: plain(&detail),
                }),
            }
        };
        let waiting = loopback.receive(expected_state);
        let both = async {
            tokio::select! {
                result = opening => result,
                result = waiting => result,
            }
        };
        match tokio::time::timeout(self.sign_in_timeout, both).await {
            Ok(result) => result,
            Err(_) => Err(AuthError::Timeout {
                waited_secs: self.sign_in_timeout.as_secs(),
            }),
        }
    }

    async fn verify_id_token(
        &self,
        response: &CoreTokenResponse,
        nonce: &openidconnect::Nonce,
        started_at: OffsetDateTime,
    ) -> Result<id_token::VerifiedIdentity, AuthError> {
        use openidconnect::TokenResponse as _;

        let id_token = response.id_token().ok_or(AuthError::IdTokenInvalid {
            check: IdTokenCheck::Missing,
        })?;
        // Fetched after the exchange, so a key rotated during the sign-in is seen.
        let keys = CoreJsonWebKeySet::fetch_async(&self.endpoints.jwks, &self.http)
            .await
            .map_err(|error| AuthError::Network {
                detail: format!(
                    "fetching the provider's signing keys failed: {}",
                    plain(&error.to_string())
                ),
            })?;
        let expectations = id_token::Expectations {
            issuer: &self.issuer,
            client_id: &self.client_id,
            nonce,
            started_at,
            now: self.clock.now_utc(),
        };
        id_token::verify(id_token, &keys, &expectations)
            .map_err(|check| AuthError::IdTokenInvalid { check })
    }

    fn expiry(&self, expires_in: Option<Duration>) -> Option<Instant> {
        expires_in.map(|lifetime| self.clock.now() + lifetime.saturating_sub(ACCESS_TOKEN_MARGIN))
    }

    /// Writes the refresh token to the store, or deletes the stored one when the
    /// provider sent none. A store failure is logged and the token stays in memory.
    async fn persist_refresh(&self, refresh: Option<&SecretString>) {
        let store = Arc::clone(&self.store);
        let key = self.store_key.clone();
        let value = refresh.cloned();
        let outcome = tokio::task::spawn_blocking(move || match value {
            Some(value) => store.save(&key, &value),
            None => store.delete(&key),
        })
        .await;
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                tracing::warn!(code = error.code(), %error, "could not store the refresh token; it is kept in memory only")
            }
            Err(error) => {
                tracing::warn!(%error, "the keyring task failed; the refresh token is kept in memory only")
            }
        }
    }

    async fn load_refresh(&self) -> Result<Option<SecretString>, AuthError> {
        let store = Arc::clone(&self.store);
        let key = self.store_key.clone();
        tokio::task::spawn_blocking(move || store.load(&key))
            .await
            .map_err(|error| {
                AuthError::Keyring(SecretStoreError::Platform {
                    detail: error.to_string(),
                })
            })?
            .map_err(AuthError::from)
    }

    fn usable_access_token(&self) -> Option<SecretString> {
        let now = self.clock.now();
        self.session()
            .access
            .as_ref()
            .filter(|access| access.is_usable(now))
            .map(|access| access.token.clone())
    }

    /// Returns the access token in memory, or a new one from a refresh with the stored
    /// refresh token.
    ///
    /// The provider rotates refresh tokens, so the new one replaces the stored one. A
    /// refresh the provider rejects deletes the stored refresh token and returns
    /// [`AuthError::NotSignedIn`], as does having no refresh token. A refresh never
    /// counts as an interactive sign-in.
    pub async fn access_token(&self) -> Result<SecretString, AuthError> {
        if let Some(token) = self.usable_access_token() {
            return Ok(token);
        }
        let _one_refresh_at_a_time = self.refresh_lock.lock().await;
        if let Some(token) = self.usable_access_token() {
            return Ok(token);
        }

        let in_memory = self.session().refresh.clone();
        let refresh = match in_memory {
            Some(refresh) => refresh,
            None => self.load_refresh().await?.ok_or(AuthError::NotSignedIn)?,
        };
        self.refresh(refresh).await
    }

    async fn refresh(&self, refresh: SecretString) -> Result<SecretString, AuthError> {
        let client = self
            .oidc_client()
            .set_token_uri(self.endpoints.token.clone());
        let refresh_token = RefreshToken::new(refresh.expose_secret().to_owned());
        let result = client
            .exchange_refresh_token(&refresh_token)
            .request_async(&self.http)
            .await;
        drop(refresh_token);

        let response = match result {
            Ok(response) => response,
            Err(RequestTokenError::ServerResponse(response)) if !is_transient(response.error()) => {
                tracing::warn!(
                    error = %plain(response.error().as_ref()),
                    "the provider rejected the refresh token; signing out locally"
                );
                self.forget().await?;
                return Err(AuthError::NotSignedIn);
            }
            Err(error) => {
                let error = token_error(error);
                tracing::warn!(code = error.code(), %error, "token refresh failed");
                return Err(error);
            }
        };

        // The refreshed ID token, if any, is deliberately ignored: its new `iat` says
        // nothing about when the human last signed in.
        let access = SecretString::from(response.access_token().secret().to_owned());
        let rotated = response
            .refresh_token()
            .map(|token| SecretString::from(token.secret().to_owned()));
        let expires_at = self.expiry(response.expires_in());
        drop(response);

        if let Some(rotated) = &rotated {
            self.persist_refresh(Some(rotated)).await;
        }
        let mut session = self.session();
        session.access = Some(AccessToken {
            token: access.clone(),
            expires_at,
        });
        if let Some(rotated) = rotated {
            session.refresh = Some(rotated);
        } else {
            session.refresh = Some(refresh);
        }
        drop(session);
        tracing::info!("access token refreshed");
        Ok(access)
    }

    /// Drops every token from memory and the store, and the interactive sign-in time.
    async fn forget(&self) -> Result<(), AuthError> {
        *self.session() = Session::default();
        let store = Arc::clone(&self.store);
        let key = self.store_key.clone();
        tokio::task::spawn_blocking(move || store.delete(&key))
            .await
            .map_err(|error| {
                AuthError::Keyring(SecretStoreError::Platform {
                    detail: error.to_string(),
                })
            })?
            .map_err(AuthError::from)
    }

    /// When this process last completed an interactive sign-in (a code exchange), on
    /// the monotonic clock. A refresh never moves it. `None` if there was none yet.
    pub fn last_interactive_sign_in(&self) -> Option<Instant> {
        self.session().interactive.map(|sign_in| sign_in.at)
    }

    /// The wall-clock time of [`Self::last_interactive_sign_in`], for display.
    pub fn last_interactive_sign_in_at(&self) -> Option<OffsetDateTime> {
        self.session().interactive.map(|sign_in| sign_in.at_utc)
    }

    /// Whether a new sign-in is needed before creating a signing session: there was
    /// none in this process yet, or the last one is [`STEP_UP_AFTER`] (4 minutes) old
    /// or older by the clock.
    pub fn needs_step_up(&self) -> bool {
        needs_step_up(self.session().interactive, self.clock.now())
    }

    /// The user of the last sign-in or `whoami`, if any.
    pub fn current_user(&self) -> Option<UserView> {
        self.session().user.clone()
    }

    /// Refreshes the access token if needed and asks the provider's `/oauth/userinfo`
    /// who is signed in. `Ok(None)` when nobody is.
    pub async fn whoami(&self) -> Result<Option<UserView>, AuthError> {
        for attempt in 0..2 {
            let token = match self.access_token().await {
                Ok(token) => token,
                Err(AuthError::NotSignedIn) => return Ok(None),
                Err(error) => return Err(error),
            };
            let response = self
                .http
                .client
                .get(self.endpoints.userinfo.clone())
                .bearer_auth(token.expose_secret())
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .map_err(|error| AuthError::Network {
                    detail: http::describe(&error),
                })?;
            drop(token);

            let status = response.status();
            if status == reqwest::StatusCode::UNAUTHORIZED && attempt == 0 {
                // The access token was revoked or expired early: refresh once.
                self.session().access = None;
                continue;
            }
            if !status.is_success() {
                return Err(AuthError::InvalidResponse {
                    detail: format!("the userinfo endpoint answered HTTP {status}"),
                });
            }
            let body = read_capped(response)
                .await
                .map_err(|error| AuthError::Network {
                    detail: error.to_string(),
                })?;
            let info: UserInfo =
                serde_json::from_slice(&body).map_err(|_| AuthError::InvalidResponse {
                    detail: "the userinfo answer is not the expected JSON".to_owned(),
                })?;
            let user = user_from_info(info)?;
            self.session().user = Some(user.clone());
            return Ok(Some(user));
        }
        Err(AuthError::InvalidResponse {
            detail: "the provider rejected a newly refreshed access token".to_owned(),
        })
    }

    /// Forgets the tokens in memory and in the store, and the interactive sign-in time.
    ///
    /// This is local only: a public client cannot revoke tokens at Clerk, so an access
    /// token already issued stays valid at the provider until it expires (Clerk's
    /// access tokens live one day).
    pub async fn sign_out(&self) -> Result<(), AuthError> {
        let _no_refresh_meanwhile = self.refresh_lock.lock().await;
        self.forget().await?;
        tracing::info!("signed out locally");
        Ok(())
    }

    /// Where the refresh token is kept.
    pub fn storage_kind(&self) -> StorageKind {
        self.store.kind()
    }
}

fn is_transient(error: &BasicErrorResponseType) -> bool {
    matches!(error, BasicErrorResponseType::Extension(code) if code == "temporarily_unavailable" || code == "server_error")
}

fn user_from_info(info: UserInfo) -> Result<UserView, AuthError> {
    let user_id = info
        .sub
        .or(info.user_id)
        .ok_or_else(|| AuthError::InvalidResponse {
            detail: "the userinfo answer names no user (sub)".to_owned(),
        })?;
    let email = info.email.unwrap_or_default();
    let joined = [info.given_name, info.family_name]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let name = info
        .name
        .or((!joined.is_empty()).then_some(joined))
        .unwrap_or_else(|| email.clone());
    Ok(UserView {
        user_id,
        email,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_redacts_token_like_words() {
        let shown = plain("refresh token clk_refresh_abc is invalid");
        assert!(!shown.contains("clk_refresh_abc"));
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn plain_cuts_long_text() {
        let shown = plain(&"a".repeat(500));
        assert!(shown.chars().count() <= 201);
    }

    #[test]
    fn endpoint_appends_to_issuer_path() {
        let issuer = Url::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!(
            endpoint(&issuer, "/oauth/token").as_str(),
            "http://127.0.0.1:8080/oauth/token"
        );
        let with_path = Url::parse("https://example.test/tenant/").unwrap();
        assert_eq!(
            endpoint(&with_path, "/oauth/token").as_str(),
            "https://example.test/tenant/oauth/token"
        );
    }
}
