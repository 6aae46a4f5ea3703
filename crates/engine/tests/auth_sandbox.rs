//! The authenticator against the real sandbox: the browser flow over loopback, ID-token
//! checks, refresh rotation, the freshness gate, the listener's lifetime, and a canary
//! search for secrets in logs, errors and files.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use matter_engine::auth::{AuthError, Authenticator, IdTokenCheck, STEP_UP_AFTER};
use matter_engine::clock::ManualClock;
use matter_engine::config::Config;
use matter_engine::interaction::{
    Decision, EsraAnswer, EsraPrompt, Interaction, InteractionError, Review, SignInPrompt,
    SignInReason, Step,
};
use matter_engine::secrets::{entry_user, MemoryStore, SecretStore};
use matter_sandbox::browser::SandboxBrowser;
use matter_sandbox::seed::{JANE_EMAIL, JANE_PASSWORD, JANE_USER_ID};
use matter_sandbox::{IdTokenTamper, Sandbox, SandboxConfig, SandboxHandle};
use secrecy::ExposeSecret;
use url::Url;

/// What the test browser does with the authorize URL.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Behaviour {
    /// Signs in and visits the callback, as a real browser would.
    SignIn,
    /// Signs in, then visits the callback with its `state` changed.
    WrongState,
    /// Replaces the `nonce` in the authorize URL before signing in.
    WrongNonce,
    /// Never comes back.
    Vanish,
    /// The human cancels in the front end.
    Cancel,
}

/// A front end whose `open_sign_in` plays the browser, and records what it saw.
struct TestUi {
    behaviour: Behaviour,
    seen: Mutex<Vec<Url>>,
    /// Callback URLs the browser was sent to (they carry the authorization code).
    callbacks: Mutex<Vec<Url>>,
}

impl TestUi {
    fn new(behaviour: Behaviour) -> Self {
        TestUi {
            behaviour,
            seen: Mutex::new(Vec::new()),
            callbacks: Mutex::new(Vec::new()),
        }
    }

    fn last_authorize_url(&self) -> Url {
        self.seen
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a sign-in was opened")
    }
}

fn replace_param(url: &Url, name: &str, value: &str) -> Url {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(key, old)| {
            let new = if key == name {
                value.to_owned()
            } else {
                old.into_owned()
            };
            (key.into_owned(), new)
        })
        .collect();
    let mut replaced = url.clone();
    replaced.query_pairs_mut().clear().extend_pairs(pairs);
    replaced
}

#[async_trait]
impl Interaction for TestUi {
    async fn open_sign_in(&self, prompt: &SignInPrompt) -> Result<(), InteractionError> {
        self.seen.lock().unwrap().push(prompt.authorize_url.clone());
        let browser = SandboxBrowser::new();
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        match self.behaviour {
            Behaviour::Vanish => Ok(()),
            Behaviour::Cancel => Err(InteractionError::Cancelled),
            Behaviour::SignIn | Behaviour::WrongState | Behaviour::WrongNonce => {
                let authorize_url = if self.behaviour == Behaviour::WrongNonce {
                    replace_param(
                        &prompt.authorize_url,
                        "nonce",
                        "not-the-nonce-that-was-sent",
                    )
                } else {
                    prompt.authorize_url.clone()
                };
                let mut callback = browser
                    .authorize(&authorize_url, JANE_EMAIL, JANE_PASSWORD)
                    .await
                    .expect("the sandbox sign-in succeeds");
                self.callbacks.lock().unwrap().push(callback.clone());
                if self.behaviour == Behaviour::WrongState {
                    callback = replace_param(&callback, "state", "forged-state-value-000000");
                }
                let page = client
                    .get(callback)
                    .send()
                    .await
                    .expect("the callback answers");
                let _ = page.text().await;
                Ok(())
            }
        }
    }

    async fn review(&self, _review: &Review) -> Result<Decision, InteractionError> {
        Err(InteractionError::Unavailable(
            "not used in auth tests".to_owned(),
        ))
    }

    async fn esra_consent(&self, _prompt: &EsraPrompt) -> Result<EsraAnswer, InteractionError> {
        Err(InteractionError::Unavailable(
            "not used in auth tests".to_owned(),
        ))
    }

    fn progress(&self, _step: Step) {}
}

struct Fixture {
    sandbox: SandboxHandle,
    config: Config,
    store: Arc<MemoryStore>,
    clock: Arc<ManualClock>,
    auth: Authenticator,
    _data: tempfile::TempDir,
}

impl Fixture {
    async fn start() -> Fixture {
        Self::start_with(|_| {}).await
    }

    async fn start_with(adjust: impl FnOnce(&mut Config)) -> Fixture {
        let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
        let data = tempfile::tempdir().unwrap();
        let mut config =
            Config::for_sandbox(sandbox.api_base(), sandbox.issuer(), data.path().to_owned());
        adjust(&mut config);
        let store = Arc::new(MemoryStore::new("tests"));
        let clock = Arc::new(ManualClock::new());
        let auth = Authenticator::new(&config, store.clone(), clock.clone()).unwrap();
        Fixture {
            sandbox,
            config,
            store,
            clock,
            auth,
            _data: data,
        }
    }

    fn stored_refresh_token(&self) -> Option<String> {
        let key = entry_user(&self.config.issuer, &self.config.client_id);
        self.store
            .load(&key)
            .unwrap()
            .map(|token| token.expose_secret().to_owned())
    }

    async fn raw_refresh(&self, refresh_token: &str) -> reqwest::StatusCode {
        let token_url = self.sandbox.issuer().join("/oauth/token").unwrap();
        reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .post(token_url)
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
                ("client_id", self.config.client_id.as_str()),
            ])
            .send()
            .await
            .unwrap()
            .status()
    }
}

fn redirect_port(authorize_url: &Url) -> u16 {
    let redirect = authorize_url
        .query_pairs()
        .find(|(key, _)| key == "redirect_uri")
        .map(|(_, value)| Url::parse(&value).unwrap())
        .expect("the authorize URL has a redirect_uri");
    assert_eq!(redirect.host_str(), Some("127.0.0.1"));
    assert_eq!(redirect.path(), "/oauth/callback");
    redirect.port().expect("the redirect URI has a port")
}

#[tokio::test]
async fn sign_in_completes_against_sandbox() {
    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::SignIn);

    let user = fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap();

    assert_eq!(user.user_id, JANE_USER_ID);
    assert_eq!(user.email, JANE_EMAIL);
    assert_eq!(fixture.auth.current_user(), Some(user));
    assert!(fixture.auth.last_interactive_sign_in().is_some());
    assert!(fixture.auth.last_interactive_sign_in_at().is_some());
    assert!(!fixture.auth.needs_step_up());
    assert!(fixture.stored_refresh_token().is_some());
    assert_eq!(fixture.sandbox.control().interactive_sign_ins(), 1);
}

#[tokio::test]
async fn authorize_url_forces_login_with_pkce_and_nonce() {
    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::SignIn);
    fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap();

    let url = ui.last_authorize_url();
    let param = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    assert_eq!(param("prompt").as_deref(), Some("login"));
    assert_eq!(param("response_type").as_deref(), Some("code"));
    assert_eq!(param("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(param("client_id").as_deref(), Some("matter_signer_desktop"));
    assert!(param("scope")
        .unwrap()
        .split(' ')
        .any(|scope| scope == "openid"));
    assert!(param("nonce").unwrap().len() >= 43);
    assert!(param("state").unwrap().len() >= 43);
    assert!(param("code_verifier").is_none());
}

#[tokio::test]
async fn each_sign_in_uses_fresh_state_nonce_and_challenge() {
    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::SignIn);
    fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap();
    fixture
        .auth
        .sign_in(
            &ui,
            SignInReason::StepUp {
                minutes_ago: Some(5),
            },
        )
        .await
        .unwrap();

    let seen = ui.seen.lock().unwrap().clone();
    let param = |url: &Url, name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
            .unwrap()
    };
    for name in ["state", "nonce", "code_challenge"] {
        assert_ne!(
            param(&seen[0], name),
            param(&seen[1], name),
            "{name} reused"
        );
    }
}

#[tokio::test]
async fn wrong_state_is_rejected() {
    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::WrongState);

    let error = fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap_err();

    assert_eq!(error, AuthError::StateMismatch);
    assert!(fixture.auth.last_interactive_sign_in().is_none());
    assert!(fixture.stored_refresh_token().is_none());
}

#[tokio::test]
async fn wrong_nonce_is_rejected() {
    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::WrongNonce);

    let error = fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap_err();

    assert_eq!(
        error,
        AuthError::IdTokenInvalid {
            check: IdTokenCheck::Nonce
        }
    );
    assert!(fixture.auth.last_interactive_sign_in().is_none());
    assert!(fixture.auth.needs_step_up());
}

/// Signs in once with the next ID token spoiled as `tamper` describes, and returns the error.
async fn sign_in_with_tampered_id_token(tamper: IdTokenTamper) -> (Fixture, AuthError) {
    let fixture = Fixture::start().await;
    fixture.sandbox.control().tamper_next_id_token(tamper);
    let ui = TestUi::new(Behaviour::SignIn);
    let error = fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap_err();
    (fixture, error)
}

fn assert_nobody_signed_in(fixture: &Fixture) {
    assert!(fixture.auth.last_interactive_sign_in().is_none());
    assert!(fixture.auth.current_user().is_none());
    assert!(fixture.stored_refresh_token().is_none());
}

#[tokio::test]
async fn altered_id_token_payload_rejected() {
    let (fixture, error) = sign_in_with_tampered_id_token(IdTokenTamper::Payload).await;
    assert_eq!(
        error,
        AuthError::IdTokenInvalid {
            check: IdTokenCheck::Signature
        }
    );
    assert_nobody_signed_in(&fixture);
}

#[tokio::test]
async fn id_token_other_audience_rejected() {
    let (fixture, error) = sign_in_with_tampered_id_token(IdTokenTamper::Audience).await;
    assert_eq!(
        error,
        AuthError::IdTokenInvalid {
            check: IdTokenCheck::Audience
        }
    );
    assert_nobody_signed_in(&fixture);
}

#[tokio::test]
async fn id_token_other_issuer_rejected() {
    let (fixture, error) = sign_in_with_tampered_id_token(IdTokenTamper::Issuer).await;
    assert_eq!(
        error,
        AuthError::IdTokenInvalid {
            check: IdTokenCheck::Issuer
        }
    );
    assert_nobody_signed_in(&fixture);
}

#[tokio::test]
async fn expired_id_token_rejected() {
    let (fixture, error) = sign_in_with_tampered_id_token(IdTokenTamper::Expired).await;
    assert_eq!(
        error,
        AuthError::IdTokenInvalid {
            check: IdTokenCheck::Expired
        }
    );
    assert_nobody_signed_in(&fixture);
}

#[tokio::test]
async fn provider_clock_ahead_rejects_iat() {
    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::SignIn);
    // Ten minutes between the provider's clock and this computer's is past the
    // 60-second skew the ID-token check allows.
    fixture
        .sandbox
        .control()
        .advance_clock(Duration::from_secs(10 * 60));

    let error = fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap_err();

    assert_eq!(
        error,
        AuthError::IdTokenInvalid {
            check: IdTokenCheck::IssuedAt
        }
    );
    assert!(error.to_string().contains("date, time"), "{error}");
    assert!(fixture.auth.last_interactive_sign_in().is_none());
}

#[tokio::test]
async fn stale_sign_in_needs_step_up_at_four_minutes() {
    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::SignIn);
    fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap();

    fixture
        .clock
        .advance(STEP_UP_AFTER - Duration::from_secs(2));
    assert!(!fixture.auth.needs_step_up());

    fixture.clock.advance(Duration::from_secs(2));
    assert!(fixture.auth.needs_step_up());

    // The provider's clock moves too, so its next ID token is issued "now".
    fixture.sandbox.control().advance_clock(STEP_UP_AFTER);

    // A new interactive sign-in closes the gate again.
    fixture
        .auth
        .sign_in(
            &ui,
            SignInReason::StepUp {
                minutes_ago: Some(4),
            },
        )
        .await
        .unwrap();
    assert!(!fixture.auth.needs_step_up());
    assert_eq!(fixture.sandbox.control().interactive_sign_ins(), 2);
}

#[tokio::test]
async fn refresh_rotates_and_old_token_is_rejected() {
    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::SignIn);
    fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap();
    let first_access = fixture.auth.access_token().await.unwrap();
    let first_refresh = fixture.stored_refresh_token().unwrap();

    // Past the access token's one-day lifetime, the next call refreshes.
    fixture.clock.advance(Duration::from_secs(24 * 3600 + 60));
    let second_access = fixture.auth.access_token().await.unwrap();
    let second_refresh = fixture.stored_refresh_token().unwrap();

    assert_ne!(first_access.expose_secret(), second_access.expose_secret());
    assert_ne!(first_refresh, second_refresh);
    assert!(fixture.raw_refresh(&first_refresh).await.is_client_error());
}

#[tokio::test]
async fn refresh_never_opens_freshness_gate() {
    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::SignIn);
    fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap();
    let signed_in_at = fixture.auth.last_interactive_sign_in();

    fixture.clock.advance(Duration::from_secs(24 * 3600 + 60));
    fixture.auth.access_token().await.unwrap();

    assert_eq!(fixture.auth.last_interactive_sign_in(), signed_in_at);
    assert!(fixture.auth.needs_step_up());
}

#[tokio::test]
async fn rejected_refresh_signs_out_locally() {
    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::SignIn);
    fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap();
    let refresh = fixture.stored_refresh_token().unwrap();
    // Spending the refresh token elsewhere rotates it away from the authenticator.
    assert!(fixture.raw_refresh(&refresh).await.is_success());

    fixture.clock.advance(Duration::from_secs(24 * 3600 + 60));
    let error = fixture.auth.access_token().await.unwrap_err();

    assert_eq!(error, AuthError::NotSignedIn);
    assert!(fixture.stored_refresh_token().is_none());
}

#[tokio::test]
async fn access_token_without_sign_in_is_not_signed_in() {
    let fixture = Fixture::start().await;
    assert_eq!(
        fixture.auth.access_token().await.unwrap_err(),
        AuthError::NotSignedIn
    );
    assert_eq!(fixture.auth.whoami().await.unwrap(), None);
}

#[tokio::test]
async fn whoami_reads_userinfo() {
    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::SignIn);
    fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap();

    let user = fixture.auth.whoami().await.unwrap().unwrap();
    assert_eq!(user.user_id, JANE_USER_ID);
    assert_eq!(user.email, JANE_EMAIL);
}

#[tokio::test]
async fn sign_out_forgets_tokens() {
    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::SignIn);
    fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap();

    fixture.auth.sign_out().await.unwrap();

    assert!(fixture.stored_refresh_token().is_none());
    assert_eq!(fixture.auth.current_user(), None);
    assert!(fixture.auth.needs_step_up());
    assert_eq!(fixture.auth.whoami().await.unwrap(), None);
}

#[tokio::test]
async fn stored_refresh_token_survives_restart() {
    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::SignIn);
    fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap();

    let restarted = Authenticator::new(
        &fixture.config,
        fixture.store.clone(),
        fixture.clock.clone(),
    )
    .unwrap();
    let user = restarted.whoami().await.unwrap().unwrap();

    assert_eq!(user.user_id, JANE_USER_ID);
    // A restored session is not a fresh sign-in.
    assert!(restarted.needs_step_up());
    assert!(restarted.last_interactive_sign_in().is_none());
}

#[tokio::test]
async fn listener_closed_after_sign_in() {
    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::SignIn);
    fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap();

    let port = redirect_port(&ui.last_authorize_url());
    let connected = tokio::net::TcpStream::connect(("127.0.0.1", port)).await;
    assert!(connected.is_err(), "the loopback port {port} still accepts");
}

#[tokio::test]
async fn browser_never_returning_times_out() {
    let fixture = Fixture::start_with(|config| {
        config.sign_in_timeout = Duration::from_secs(1);
    })
    .await;
    let ui = TestUi::new(Behaviour::Vanish);

    let error = fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap_err();

    assert_eq!(error, AuthError::Timeout { waited_secs: 1 });
    let port = redirect_port(&ui.last_authorize_url());
    assert!(tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err());
}

#[tokio::test]
async fn cancel_in_front_end_stops_sign_in() {
    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::Cancel);

    let error = fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap_err();

    assert_eq!(error, AuthError::Cancelled);
    let port = redirect_port(&ui.last_authorize_url());
    assert!(tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err());
}

#[tokio::test]
async fn listener_ignores_other_paths_and_methods() {
    let fixture = Fixture::start().await;
    let ui = Arc::new(TestUi::new(Behaviour::SignIn));

    // A probe that hits the listener with wrong requests before the browser returns.
    struct ProbingUi(Arc<TestUi>);
    #[async_trait]
    impl Interaction for ProbingUi {
        async fn open_sign_in(&self, prompt: &SignInPrompt) -> Result<(), InteractionError> {
            let port = redirect_port(&prompt.authorize_url);
            let client = reqwest::Client::builder().no_proxy().build().unwrap();
            let base = format!("http://127.0.0.1:{port}");
            let not_found = client
                .get(format!("{base}/favicon.ico"))
                .send()
                .await
                .unwrap();
            assert_eq!(not_found.status(), 404);
            let wrong_method = client
                .post(format!("{base}/oauth/callback"))
                .send()
                .await
                .unwrap();
            assert_eq!(wrong_method.status(), 405);
            self.0.open_sign_in(prompt).await
        }
        async fn review(&self, review: &Review) -> Result<Decision, InteractionError> {
            self.0.review(review).await
        }
        async fn esra_consent(&self, prompt: &EsraPrompt) -> Result<EsraAnswer, InteractionError> {
            self.0.esra_consent(prompt).await
        }
        fn progress(&self, step: Step) {
            self.0.progress(step)
        }
    }

    let user = fixture
        .auth
        .sign_in(&ProbingUi(ui.clone()), SignInReason::NotSignedIn)
        .await
        .unwrap();
    assert_eq!(user.user_id, JANE_USER_ID);
}

/// A `tracing` writer that collects everything into one buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(files_under(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}

#[tokio::test]
async fn secrets_never_reach_logs_errors_or_files() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let fixture = Fixture::start().await;
    let ui = TestUi::new(Behaviour::SignIn);
    fixture
        .auth
        .sign_in(&ui, SignInReason::NotSignedIn)
        .await
        .unwrap();
    let first_access = fixture
        .auth
        .access_token()
        .await
        .unwrap()
        .expose_secret()
        .to_owned();
    let first_refresh = fixture.stored_refresh_token().unwrap();
    fixture.clock.advance(Duration::from_secs(24 * 3600 + 60));
    let second_access = fixture
        .auth
        .access_token()
        .await
        .unwrap()
        .expose_secret()
        .to_owned();
    let second_refresh = fixture.stored_refresh_token().unwrap();
    fixture.auth.whoami().await.unwrap();

    let mut errors = Vec::new();
    let wrong_state = TestUi::new(Behaviour::WrongState);
    errors.push(
        fixture
            .auth
            .sign_in(&wrong_state, SignInReason::NotSignedIn)
            .await
            .unwrap_err(),
    );
    let wrong_nonce = TestUi::new(Behaviour::WrongNonce);
    errors.push(
        fixture
            .auth
            .sign_in(&wrong_nonce, SignInReason::NotSignedIn)
            .await
            .unwrap_err(),
    );

    let codes: Vec<String> = [&ui, &wrong_state, &wrong_nonce]
        .iter()
        .flat_map(|ui| ui.callbacks.lock().unwrap().clone())
        .filter_map(|url| {
            url.query_pairs()
                .find(|(key, _)| key == "code")
                .map(|(_, value)| value.into_owned())
        })
        .collect();
    assert_eq!(codes.len(), 3);

    let mut canaries = vec![first_access, second_access, first_refresh, second_refresh];
    canaries.extend(codes);
    for canary in &canaries {
        assert!(
            canary.len() >= 8,
            "canary {canary:?} is too short to search for"
        );
    }

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("sign-in completed"),
        "no log captured: {logs}"
    );
    let shown_errors: Vec<String> = errors
        .iter()
        .flat_map(|error| [error.to_string(), format!("{error:?}")])
        .collect();
    let debug_of_authenticator = format!("{:?}", fixture.auth);

    for canary in &canaries {
        assert!(!logs.contains(canary.as_str()), "a secret reached the logs");
        for shown in &shown_errors {
            assert!(
                !shown.contains(canary.as_str()),
                "a secret reached an error: {shown}"
            );
        }
        assert!(
            !debug_of_authenticator.contains(canary.as_str()),
            "a secret reached the authenticator's Debug"
        );
        for file in files_under(&fixture.config.data_dir) {
            let bytes = std::fs::read(&file).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(canary.as_str()),
                "a secret reached {}",
                file.display()
            );
        }
    }
}
