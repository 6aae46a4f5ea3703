//! Shared harness for the flow tests: a sandbox, an engine pointed at it, and a scripted
//! front end that plays the browser by submitting the sandbox's sign-in form.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};

use matter_engine::api::RetryPolicy;
use matter_engine::clock::{Clock, ManualClock};
use matter_engine::config::Config;
use matter_engine::deep_link::{parse_link, SigningRequest};
use matter_engine::flow::{Engine, FrontEnd};
use matter_engine::interaction::{
    Decision, EsraAnswer, EsraPrompt, Interaction, InteractionError, PaperCopyMethod, Review,
    SignInPrompt, Step,
};
use matter_engine::secrets::{MemoryStore, SecretStore, SecretStoreError, StorageKind};
use matter_sandbox::browser::SandboxBrowser;
use matter_sandbox::control::Control;
use matter_sandbox::{seed, LoggedRequest, Route, Sandbox, SandboxConfig, SandboxHandle};

/// What the scripted front end was asked, in order.
#[derive(Debug, Clone)]
pub enum UiCall {
    OpenSignIn(SignInPrompt),
    Review(Box<Review>),
    Esra(EsraPrompt),
    Progress(Step),
}

/// How the scripted human answers the review.
#[derive(Debug, Clone)]
pub enum ReviewScript {
    /// Types the stakeholder's name as shown.
    TypeShownName,
    /// Types this text.
    Type(String),
    Cancel,
}

type Hook = Box<dyn Fn(&Control) + Send + Sync>;

/// A front end that answers from a script and records every call.
pub struct ScriptedUi {
    control: Control,
    credentials: Mutex<(String, String)>,
    pub review_script: Mutex<ReviewScript>,
    pub esra_answer: Mutex<EsraAnswer>,
    calls: Mutex<Vec<UiCall>>,
    on_review: Mutex<Option<Hook>>,
    on_step: Mutex<HashMap<&'static str, Hook>>,
    browser_errors: Arc<Mutex<Vec<String>>>,
}

impl ScriptedUi {
    pub fn new(control: Control, email: &str, password: &str) -> ScriptedUi {
        ScriptedUi {
            control,
            credentials: Mutex::new((email.to_owned(), password.to_owned())),
            review_script: Mutex::new(ReviewScript::TypeShownName),
            esra_answer: Mutex::new(EsraAnswer::Affirm {
                paper_copy_request_method: PaperCopyMethod::Email,
            }),
            calls: Mutex::new(Vec::new()),
            on_review: Mutex::new(None),
            on_step: Mutex::new(HashMap::new()),
            browser_errors: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Signs in as someone else from now on.
    pub fn set_credentials(&self, email: &str, password: &str) {
        *self.credentials.lock().unwrap() = (email.to_owned(), password.to_owned());
    }

    /// Runs `hook` on the sandbox while the review is on screen.
    pub fn on_review(&self, hook: impl Fn(&Control) + Send + Sync + 'static) {
        *self.on_review.lock().unwrap() = Some(Box::new(hook));
    }

    /// Runs `hook` on the sandbox when the engine reports `step`.
    pub fn on_step(&self, step: Step, hook: impl Fn(&Control) + Send + Sync + 'static) {
        self.on_step
            .lock()
            .unwrap()
            .insert(step_name(step), Box::new(hook));
    }

    pub fn calls(&self) -> Vec<UiCall> {
        self.calls.lock().unwrap().clone()
    }

    pub fn sign_in_prompts(&self) -> Vec<SignInPrompt> {
        self.calls()
            .into_iter()
            .filter_map(|call| match call {
                UiCall::OpenSignIn(prompt) => Some(prompt),
                _ => None,
            })
            .collect()
    }

    pub fn reviews(&self) -> Vec<Review> {
        self.calls()
            .into_iter()
            .filter_map(|call| match call {
                UiCall::Review(review) => Some(*review),
                _ => None,
            })
            .collect()
    }

    pub fn steps(&self) -> Vec<Step> {
        self.calls()
            .into_iter()
            .filter_map(|call| match call {
                UiCall::Progress(step) => Some(step),
                _ => None,
            })
            .collect()
    }

    pub fn browser_errors(&self) -> Vec<String> {
        self.browser_errors.lock().unwrap().clone()
    }
}

fn step_name(step: Step) -> &'static str {
    match step {
        Step::SigningIn => "signing_in",
        Step::FetchingDocument => "fetching_document",
        Step::VerifyingPacket => "verifying_packet",
        Step::AwaitingDecision => "awaiting_decision",
        Step::CheckingFreshness => "checking_freshness",
        Step::RecordingConsent => "recording_consent",
        Step::CreatingSession => "creating_session",
        Step::Signing => "signing",
        Step::SavingReceipt => "saving_receipt",
        Step::RenderingReceipt => "rendering_receipt",
        Step::Done => "done",
    }
}

#[async_trait]
impl Interaction for ScriptedUi {
    async fn open_sign_in(&self, prompt: &SignInPrompt) -> Result<(), InteractionError> {
        self.calls
            .lock()
            .unwrap()
            .push(UiCall::OpenSignIn(prompt.clone()));
        let (email, password) = self.credentials.lock().unwrap().clone();
        let url = prompt.authorize_url.clone();
        // Like a real browser, the sign-in runs on its own while the engine waits for
        // the loopback redirect.
        let errors = self.browser_errors.clone();
        tokio::spawn(async move {
            let browser = SandboxBrowser::new();
            if let Err(error) = browser.sign_in(&url, &email, &password).await {
                errors.lock().unwrap().push(error.to_string());
            }
        });
        Ok(())
    }

    async fn review(&self, review: &Review) -> Result<Decision, InteractionError> {
        self.calls
            .lock()
            .unwrap()
            .push(UiCall::Review(Box::new(review.clone())));
        if let Some(hook) = self.on_review.lock().unwrap().as_ref() {
            hook(&self.control);
        }
        let script = self.review_script.lock().unwrap().clone();
        Ok(match script {
            ReviewScript::TypeShownName => Decision::Sign {
                typed_name: review.stakeholder.name.clone(),
            },
            ReviewScript::Type(text) => Decision::Sign { typed_name: text },
            ReviewScript::Cancel => Decision::Cancel,
        })
    }

    async fn esra_consent(&self, prompt: &EsraPrompt) -> Result<EsraAnswer, InteractionError> {
        self.calls
            .lock()
            .unwrap()
            .push(UiCall::Esra(prompt.clone()));
        Ok(self.esra_answer.lock().unwrap().clone())
    }

    fn progress(&self, step: Step) {
        self.calls.lock().unwrap().push(UiCall::Progress(step));
        if let Some(hook) = self.on_step.lock().unwrap().get(step_name(step)) {
            hook(&self.control);
        }
    }
}

/// A secret store in memory that also remembers every value ever saved, so the canary
/// test knows the refresh tokens the engine handled.
#[derive(Debug)]
pub struct RecordingStore {
    inner: MemoryStore,
    pub saved: Mutex<Vec<String>>,
}

impl RecordingStore {
    pub fn new() -> RecordingStore {
        RecordingStore {
            inner: MemoryStore::new("tests keep secrets in memory"),
            saved: Mutex::new(Vec::new()),
        }
    }
}

impl SecretStore for RecordingStore {
    fn load(&self, key: &str) -> Result<Option<SecretString>, SecretStoreError> {
        self.inner.load(key)
    }

    fn save(&self, key: &str, value: &SecretString) -> Result<(), SecretStoreError> {
        self.saved
            .lock()
            .unwrap()
            .push(value.expose_secret().to_owned());
        self.inner.save(key, value)
    }

    fn delete(&self, key: &str) -> Result<(), SecretStoreError> {
        self.inner.delete(key)
    }

    fn kind(&self) -> StorageKind {
        self.inner.kind()
    }
}

/// A sandbox, an engine on a temporary data directory, and a scripted front end.
pub struct Harness {
    pub sandbox: SandboxHandle,
    pub engine: Engine,
    pub ui: ScriptedUi,
    pub clock: Arc<ManualClock>,
    pub secrets: Arc<RecordingStore>,
    pub data_dir: tempfile::TempDir,
}

impl Harness {
    /// Starts everything with Jane as the human at the browser.
    pub async fn start() -> Harness {
        Harness::start_with(
            SandboxConfig::default(),
            seed::JANE_EMAIL,
            seed::JANE_PASSWORD,
        )
        .await
    }

    pub async fn start_as(email: &str, password: &str) -> Harness {
        Harness::start_with(SandboxConfig::default(), email, password).await
    }

    pub async fn start_with(config: SandboxConfig, email: &str, password: &str) -> Harness {
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        let data_dir = tempfile::tempdir().expect("temporary data dir");
        let mut config = Config::for_sandbox(
            sandbox.api_base(),
            sandbox.issuer(),
            data_dir.path().join("data"),
        );
        config.config_dir = data_dir.path().join("config");
        let clock = Arc::new(ManualClock::new());
        let secrets = Arc::new(RecordingStore::new());
        let engine = Engine::with_retry_policy(
            config,
            secrets.clone(),
            clock.clone(),
            FrontEnd::Cli,
            RetryPolicy::fast(),
        )
        .expect("engine starts");
        let ui = ScriptedUi::new(sandbox.control(), email, password);
        Harness {
            sandbox,
            engine,
            ui,
            clock,
            secrets,
            data_dir,
        }
    }

    pub fn control(&self) -> Control {
        self.sandbox.control()
    }

    /// Moves the engine's clock up to the sandbox's whenever the flow starts a sign-in.
    ///
    /// Tests that age the sign-in on the sandbox's clock alone, so that Matter returns
    /// `reauthentication_required` while the engine considers the sign-in fresh, need
    /// this. The engine accepts an ID token only when its `iat` is within 60 seconds of
    /// its own clock, so both clocks must agree again for the sign-in Matter requests.
    pub fn sync_clock_on_sign_in(&self) {
        let clock = self.clock.clone();
        self.ui.on_step(Step::SigningIn, move |control| {
            let engine_now = clock.now_utc().unix_timestamp();
            let behind = control.now() - engine_now;
            if behind > 0 {
                clock.advance(std::time::Duration::from_secs(behind as u64));
            }
        });
    }

    /// Requests to `route`, oldest first. The request log holds paths without their
    /// query, so a dry run is logged as a session creation; use [`Harness::creations`]
    /// for session creations.
    pub fn requests_to(&self, route: Route) -> Vec<LoggedRequest> {
        self.control()
            .request_log()
            .into_iter()
            .filter(|request| {
                let method: http::Method = request.method.parse().unwrap();
                Route::classify(&method, &request.path, None) == route
            })
            .collect()
    }

    /// `POST /v1/signing_sessions` requests after the first, which is the flow's dry
    /// run: the flow sends exactly one dry run, before any creation.
    pub fn creations(&self) -> Vec<LoggedRequest> {
        self.requests_to(Route::CreateSigningSession)
            .into_iter()
            .skip(1)
            .collect()
    }
}

/// The link for the board consent, signed by Jane.
pub fn board_consent_link() -> SigningRequest {
    parse_link(&format!(
        "mattermode://sign?document_id={}&stakeholder_id={}",
        seed::BOARD_CONSENT_DOC_ID,
        seed::JANE_STAKEHOLDER_ID
    ))
    .expect("valid link")
}

/// The link for an envelope slot.
pub fn envelope_link(signer_id: &str, stakeholder_id: &str) -> SigningRequest {
    parse_link(&format!(
        "mattermode://sign?signing_envelope_id={}&signer_id={signer_id}&stakeholder_id={stakeholder_id}",
        seed::OPTION_PLAN_ENVELOPE_ID
    ))
    .expect("valid link")
}

/// A link for any document and stakeholder.
pub fn document_link(document_id: &str, stakeholder_id: &str) -> SigningRequest {
    parse_link(&format!(
        "mattermode://sign?document_id={document_id}&stakeholder_id={stakeholder_id}"
    ))
    .expect("valid link")
}
