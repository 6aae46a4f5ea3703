//! The shell's managed state: the backend, the running flow and the link inbox.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use matter_engine::interaction::Step;
use serde_json::Value;

use crate::backend::{Backend, SignFinished};
use crate::browser::BrowserOpener;
use crate::error::ShellError;
use crate::events::{self, EventSink, IpcLog};
use crate::interaction::{Answers, DesktopInteraction, StepTracker};
use crate::unsaved::UnsavedReceipts;

/// Everything commands share, managed by Tauri as `State<'_, Shell>`.
pub struct Shell {
    pub backend: Arc<dyn Backend>,
    pub events: Arc<dyn EventSink>,
    pub ipc_log: Arc<IpcLog>,
    pub answers: Arc<Answers>,
    /// Signed receipts the library could not store, kept until saved or exported.
    pub unsaved: UnsavedReceipts,
    browser: Arc<dyn BrowserOpener>,
    flow: Mutex<Option<RunningFlow>>,
    next_flow_id: AtomicU64,
    pending_link: Mutex<Option<String>>,
    /// Whether a link arrived that the backend could not open because the engine
    /// did not start.
    link_not_opened: AtomicBool,
    /// The receipt ids the human agreed to lose by closing the window (`confirm_close`).
    close_confirmed_for: Mutex<Option<BTreeSet<String>>>,
}

/// What the window does with a close request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseDecision {
    /// Let the window close (and the app end).
    Allow,
    /// Keep the window open and ask the human to confirm first.
    Prevent,
}

/// Decides a close request: prevented while `unsaved` receipts remain that the human
/// has not `confirmed` losing, allowed otherwise.
pub fn close_decision(unsaved: usize, confirmed: bool) -> CloseDecision {
    if unsaved > 0 && !confirmed {
        CloseDecision::Prevent
    } else {
        CloseDecision::Allow
    }
}

/// A flow or sign-in running in the background.
struct RunningFlow {
    id: u64,
    steps: Arc<StepTracker>,
    task: Option<tauri::async_runtime::JoinHandle<()>>,
}

/// The result of `cancel_flow`.
#[derive(Debug, PartialEq, Eq)]
pub enum CancelOutcome {
    /// Nothing was running.
    Idle,
    /// A pending review or consent was answered as cancelled; the flow ends itself.
    AnsweredCancelled,
    /// The flow was waiting on the network or the browser and was stopped.
    Stopped,
}

impl Shell {
    pub fn new(
        backend: Arc<dyn Backend>,
        events: Arc<dyn EventSink>,
        ipc_log: Arc<IpcLog>,
        browser: Arc<dyn BrowserOpener>,
    ) -> Self {
        Self {
            backend,
            events,
            ipc_log,
            answers: Arc::new(Answers::default()),
            unsaved: UnsavedReceipts::default(),
            browser,
            flow: Mutex::new(None),
            next_flow_id: AtomicU64::new(1),
            pending_link: Mutex::new(None),
            link_not_opened: AtomicBool::new(false),
            close_confirmed_for: Mutex::new(None),
        }
    }

    /// Records that the human agreed to close the window and lose the receipts held
    /// now. A receipt held later is not covered, so closing asks again.
    pub fn confirm_close(&self) {
        let held: BTreeSet<String> = self
            .unsaved
            .list()
            .into_iter()
            .map(|view| view.receipt_id)
            .collect();
        tracing::warn!(
            unsaved = held.len(),
            "the human confirmed closing with signed receipts unsaved"
        );
        *lock(&self.close_confirmed_for) = Some(held);
    }

    /// Returns whether the human confirmed losing every receipt held now.
    pub fn close_confirmed(&self) -> bool {
        let confirmed = lock(&self.close_confirmed_for);
        let Some(confirmed) = confirmed.as_ref() else {
            return false;
        };
        self.unsaved
            .list()
            .iter()
            .all(|view| confirmed.contains(&view.receipt_id))
    }

    /// Handles a request to close the window. While unconfirmed unsaved receipts
    /// remain, emits `app://close-requested` with them and returns
    /// [`CloseDecision::Prevent`]; otherwise returns [`CloseDecision::Allow`] and logs
    /// each receipt lost.
    pub fn close_requested(&self) -> CloseDecision {
        let unsaved = self.unsaved.list();
        let decision = close_decision(unsaved.len(), self.close_confirmed());
        match decision {
            CloseDecision::Prevent => {
                tracing::info!(
                    unsaved = unsaved.len(),
                    "close prevented until the human confirms losing the unsaved receipts"
                );
                self.events.emit(
                    events::CLOSE_REQUESTED,
                    serde_json::json!({ "unsaved_receipts": unsaved }),
                );
            }
            CloseDecision::Allow => {
                for view in &unsaved {
                    tracing::error!(receipt_id = %view.receipt_id, "window closed with a signed receipt still unsaved, as the human confirmed");
                }
            }
        }
        decision
    }

    /// Reserves the flow slot, or fails with `flow_busy`. Returns the flow's id and
    /// the interaction it should use.
    pub fn begin_flow(&self) -> Result<(u64, Arc<DesktopInteraction>), ShellError> {
        let mut slot = lock(&self.flow);
        if slot.is_some() {
            return Err(ShellError::busy());
        }
        let id = self.next_flow_id.fetch_add(1, Ordering::Relaxed);
        let steps = Arc::new(StepTracker::default());
        let ui = DesktopInteraction::new(
            self.events.clone(),
            self.answers.clone(),
            steps.clone(),
            self.browser.clone(),
        );
        *slot = Some(RunningFlow {
            id,
            steps,
            task: None,
        });
        Ok((id, Arc::new(ui)))
    }

    /// Records the background task of flow `id`, so that `cancel_flow` can stop it.
    pub fn attach_task(&self, id: u64, task: tauri::async_runtime::JoinHandle<()>) {
        let mut slot = lock(&self.flow);
        match slot.as_mut() {
            Some(flow) if flow.id == id => flow.task = Some(task),
            // The flow already finished before its handle was stored.
            _ => {}
        }
    }

    /// Frees the flow slot if it still belongs to flow `id`.
    pub fn end_flow(&self, id: u64) {
        let mut slot = lock(&self.flow);
        if slot.as_ref().is_some_and(|flow| flow.id == id) {
            *slot = None;
        }
    }

    /// Cancels the running flow as far as that is safe.
    ///
    /// A pending review or consent is answered as cancelled. Otherwise the flow is
    /// stopped outright only while it is signing in, fetching or checking; once it has
    /// recorded consent or created a signing session it runs to the end, because
    /// stopping it then could lose a signature that Matter already recorded.
    pub fn cancel(&self) -> Result<CancelOutcome, ShellError> {
        if self.answers.cancel_all() {
            tracing::info!("pending review or consent answered as cancelled");
            return Ok(CancelOutcome::AnsweredCancelled);
        }
        let mut slot = lock(&self.flow);
        let Some(flow) = slot.as_ref() else {
            return Ok(CancelOutcome::Idle);
        };
        let step = flow.steps.get();
        if !is_interruptible(step) {
            return Err(ShellError::new(
                "cannot_cancel",
                "Signing is already under way and cannot be stopped now. Wait for it to finish.",
            ));
        }
        if let Some(task) = flow.task.as_ref() {
            task.abort();
        }
        tracing::info!(flow = flow.id, ?step, "flow stopped by the user");
        *slot = None;
        drop(slot);
        self.emit_error(&ShellError::cancelled());
        Ok(CancelOutcome::Stopped)
    }

    /// Validates a link and, if it passes, stores it for `app_state` and emits
    /// `link://opened`; otherwise emits `flow://error`.
    pub fn receive_link(&self, link: &str) {
        match self.backend.parse_link(link) {
            Ok(_) => {
                *lock(&self.pending_link) = Some(link.to_owned());
                tracing::info!("signing link received");
                self.events
                    .emit(events::LINK_OPENED, serde_json::json!({ "link": link }));
            }
            Err(error) if self.backend.startup_error().is_some() => {
                // The window learns of it from `flow://error` or, before it listens,
                // from `app_state`.
                self.link_not_opened.store(true, Ordering::Relaxed);
                tracing::warn!(code = %error.code, "signing link not opened because the engine did not start; nothing was signed");
                self.emit_error(&error);
            }
            Err(error) => {
                tracing::warn!(code = %error.code, "rejected an invalid signing link");
                self.emit_error(&error);
            }
        }
    }

    /// Returns the last valid link received, if any.
    pub fn pending_link(&self) -> Option<String> {
        lock(&self.pending_link).clone()
    }

    /// Returns whether a link arrived that could not be opened because the engine
    /// did not start.
    pub fn link_not_opened(&self) -> bool {
        self.link_not_opened.load(Ordering::Relaxed)
    }

    /// Sends `flow://error`.
    pub fn emit_error(&self, error: &ShellError) {
        match serde_json::to_value(error) {
            Ok(value) => self.events.emit(events::FLOW_ERROR, value),
            Err(serialise) => tracing::error!(%serialise, "could not serialise an error"),
        }
    }

    /// Holds the receipt of `finished` if it was not saved, then sends `flow://done`
    /// with `unsaved` (the held receipt's view, or null) and `save_error` filled in.
    pub fn finish_signing(&self, finished: SignFinished) {
        let mut done = finished.done;
        let unsaved = finished.unsaved.map(|unsaved| self.unsaved.hold(unsaved));
        if let Value::Object(members) = &mut done {
            if let Some(view) = &unsaved {
                members.insert("save_error".into(), view.error.message.clone().into());
            }
            let unsaved = serde_json::to_value(&unsaved).unwrap_or(Value::Null);
            members.insert("unsaved".into(), unsaved);
        }
        self.events.emit(events::FLOW_DONE, done);
    }
}

/// Returns whether a flow at `step` may be stopped without risking a recorded signature.
fn is_interruptible(step: Option<Step>) -> bool {
    matches!(
        step,
        None | Some(
            Step::SigningIn
                | Step::FetchingDocument
                | Step::VerifyingPacket
                | Step::AwaitingDecision
                | Step::CheckingFreshness
        )
    )
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
