//! The desktop side of the engine's `Interaction`: events out, answers back in.
//!
//! `review` and `esra_consent` emit an event and wait on a oneshot channel that the
//! `submit_decision` and `submit_esra` commands answer. Cancelling (the `cancel_flow`
//! command, or closing the window) drops the senders, so every pending wait ends as
//! [`InteractionError::Cancelled`] and the engine stops before anything is signed.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use matter_engine::interaction::{
    Decision, EsraAnswer, EsraPrompt, Interaction, InteractionError, Review, SignInPrompt, Step,
};
use serde::Serialize;
use tokio::sync::oneshot;

use crate::browser::BrowserOpener;
use crate::error::ShellError;
use crate::events::{self, EventSink};

/// The answers the flow is waiting for, at most one of each kind.
#[derive(Default)]
pub struct Answers {
    decision: Mutex<Option<oneshot::Sender<Decision>>>,
    esra: Mutex<Option<oneshot::Sender<EsraAnswer>>>,
}

impl Answers {
    fn wait_for_decision(&self) -> oneshot::Receiver<Decision> {
        let (sender, receiver) = oneshot::channel();
        *lock(&self.decision) = Some(sender);
        receiver
    }

    fn wait_for_esra(&self) -> oneshot::Receiver<EsraAnswer> {
        let (sender, receiver) = oneshot::channel();
        *lock(&self.esra) = Some(sender);
        receiver
    }

    /// Hands the human's decision to the waiting flow.
    pub fn submit_decision(&self, decision: Decision) -> Result<(), ShellError> {
        let sender = lock(&self.decision).take().ok_or_else(|| {
            ShellError::new(
                "no_pending_decision",
                "No document is waiting for a decision. Open a signing link first.",
            )
        })?;
        sender.send(decision).map_err(|_| ShellError::cancelled())
    }

    /// Hands the human's E-SIGN answer to the waiting flow.
    pub fn submit_esra(&self, answer: EsraAnswer) -> Result<(), ShellError> {
        let sender = lock(&self.esra).take().ok_or_else(|| {
            ShellError::new(
                "no_pending_consent",
                "No E-SIGN consent is being asked for at the moment.",
            )
        })?;
        sender.send(answer).map_err(|_| ShellError::cancelled())
    }

    /// Ends every pending wait as cancelled; returns whether one was pending.
    pub fn cancel_all(&self) -> bool {
        let decision = lock(&self.decision).take().is_some();
        let esra = lock(&self.esra).take().is_some();
        decision || esra
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The last step the running flow reported, shared with `cancel_flow`.
#[derive(Default)]
pub struct StepTracker(Mutex<Option<Step>>);

impl StepTracker {
    pub fn get(&self) -> Option<Step> {
        *lock(&self.0)
    }

    fn set(&self, step: Step) {
        *lock(&self.0) = Some(step);
    }
}

/// The engine's `Interaction` for the desktop window.
pub struct DesktopInteraction {
    events: Arc<dyn EventSink>,
    answers: Arc<Answers>,
    steps: Arc<StepTracker>,
    browser: Arc<dyn BrowserOpener>,
}

impl DesktopInteraction {
    pub fn new(
        events: Arc<dyn EventSink>,
        answers: Arc<Answers>,
        steps: Arc<StepTracker>,
        browser: Arc<dyn BrowserOpener>,
    ) -> Self {
        Self {
            events,
            answers,
            steps,
            browser,
        }
    }

    fn emit<T: Serialize>(&self, name: &str, payload: &T) {
        match serde_json::to_value(payload) {
            Ok(value) => self.events.emit(name, value),
            Err(error) => tracing::error!(event = name, %error, "could not serialise an event"),
        }
    }
}

#[async_trait]
impl Interaction for DesktopInteraction {
    async fn open_sign_in(&self, prompt: &SignInPrompt) -> Result<(), InteractionError> {
        // The window shows the URL as a fallback either way, so a browser that fails
        // to start is logged and the engine keeps waiting for the redirect.
        if let Err(error) = self.browser.open(prompt.authorize_url.as_str()) {
            tracing::warn!(%error, "could not open the system browser; the window offers the link to copy");
        }
        self.emit(events::FLOW_SIGN_IN, prompt);
        Ok(())
    }

    async fn review(&self, review: &Review) -> Result<Decision, InteractionError> {
        let answer = self.answers.wait_for_decision();
        self.emit(events::FLOW_REVIEW, review);
        answer.await.map_err(|_| InteractionError::Cancelled)
    }

    async fn esra_consent(&self, prompt: &EsraPrompt) -> Result<EsraAnswer, InteractionError> {
        let answer = self.answers.wait_for_esra();
        self.emit(events::FLOW_ESRA, prompt);
        answer.await.map_err(|_| InteractionError::Cancelled)
    }

    fn progress(&self, step: Step) {
        self.steps.set(step);
        self.emit(events::FLOW_PROGRESS, &serde_json::json!({ "step": step }));
    }
}
