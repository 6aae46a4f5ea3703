//! [`Engine::sign`], step by step (the order is described in the module docs of
//! [`crate::flow`]).

use std::time::Duration;

use secrecy::SecretString;
use serde_json::{Map, Value};
use tracing::Instrument;

use super::receipt::{self, ReceiptInputs};
use super::{Engine, SignOutcome};
use crate::api::documents::{ContentDigest, Document, Fetched};
use crate::api::envelopes::Envelope;
use crate::api::signing_sessions::{DryRun, SessionTarget, SigningSession};
use crate::api::IdempotencyKey;
use crate::auth::AuthError;
use crate::config::Mode;
use crate::deep_link::{SigningRequest, SigningTarget};
use crate::disclosure::{names_match, DisclosurePacket};
use crate::error::EngineError;
use crate::interaction::{
    Decision, DocumentView, EnvelopeView, EsraAnswer, EsraPrompt, Interaction, Review,
    SignInReason, StakeholderView, Step, UserView,
};

/// What was fetched and checked before the human decides.
pub(super) struct Prepared {
    pub target: SessionTarget,
    pub document: Fetched<Document>,
    pub envelope: Option<Envelope>,
    pub packet: DisclosurePacket,
    pub dry_run_request_id: Option<String>,
    pub keys_document: Option<Value>,
}

pub(super) async fn run(
    engine: &Engine,
    request: &SigningRequest,
    ui: &dyn Interaction,
) -> Result<SignOutcome, EngineError> {
    let (kind, target_id) = match &request.target {
        SigningTarget::Document { document_id } => ("document", document_id.as_str().to_owned()),
        SigningTarget::EnvelopeSlot {
            envelope_id,
            signer_id,
        } => (
            "envelope_slot",
            format!("{}/{}", envelope_id.as_str(), signer_id.as_str()),
        ),
    };
    let span = tracing::info_span!(
        "sign",
        target_kind = kind,
        target = %target_id,
        stakeholder_id = %request.stakeholder_id.as_str(),
    );
    async {
        tracing::info!("signing flow started");
        let result = run_steps(engine, request, ui).await;
        match &result {
            Ok(outcome) => tracing::info!(
                receipt_id = %outcome.receipt_id,
                saved = outcome.saved.is_ok(),
                verified = outcome.verification.passed(),
                "signing flow finished"
            ),
            Err(error) => tracing::info!(
                code = error.code(),
                request_id = error.request_id(),
                "signing flow stopped"
            ),
        }
        result
    }
    .instrument(span)
    .await
}

async fn run_steps(
    engine: &Engine,
    request: &SigningRequest,
    ui: &dyn Interaction,
) -> Result<SignOutcome, EngineError> {
    // 1. A signed-in user and an access token.
    let mut user = ensure_signed_in(engine, ui).await?;
    let access = access_token(engine).await?;

    // 2 and 3. Fetch concurrently, then check everything against everything.
    ui.progress(Step::FetchingDocument);
    let prepared = prepare(engine, request, &access, &user)
        .await
        .map_err(|error| personalise(error, request, &user))?;
    drop(access);

    // 4. The human's decision.
    let review = build_review(engine, request, &prepared, &user);
    ui.progress(Step::AwaitingDecision);
    let typed_name = match ui.review(&review).await? {
        Decision::Sign { typed_name } => typed_name,
        Decision::Cancel => {
            tracing::info!("the human cancelled at review");
            return Err(EngineError::Cancelled);
        }
    };
    let expected = &prepared.packet.fields.stakeholder.name;
    if !names_match(&typed_name, expected) {
        return Err(EngineError::NameMismatch {
            typed: typed_name,
            expected: expected.clone(),
        });
    }
    let typed_name = matter_receipts::collapse_whitespace(&typed_name);
    let signature_text = matter_receipts::electronic_signature_text(
        &prepared.packet.fields.signature_attestation,
        &typed_name,
    );

    // 5. Freshness: Matter wants an interactive sign-in within 5 minutes.
    ui.progress(Step::CheckingFreshness);
    if engine.auth.needs_step_up() {
        let minutes_ago = engine.minutes_since_sign_in();
        user = interactive_sign_in(engine, ui, SignInReason::StepUp { minutes_ago }, &user).await?;
    }

    // 6. The signing session.
    let session = create_session(engine, request, ui, &prepared, &mut user).await?;

    // 7. The session must bind to the packet the human saw.
    if session.disclosure_packet_hash != prepared.packet.hash {
        tracing::warn!(
            session_id = %session.id,
            shown = %prepared.packet.hash,
            session_hash = %session.disclosure_packet_hash,
            "the session's disclosure hash differs from the one shown; not signing"
        );
        return Err(EngineError::SessionHashMismatch {
            shown: prepared.packet.hash.clone(),
            session: session.disclosure_packet_hash.clone(),
        });
    }
    check_mode(engine.config.mode, session.livemode, "signing session")?;

    // 8. Spend the token at once.
    ui.progress(Step::Signing);
    let signed = sign_with_session(engine, &prepared, session, &signature_text).await?;

    // 9. The receipt.
    ui.progress(Step::SavingReceipt);
    let outcome = receipt::finish(
        engine,
        ReceiptInputs {
            prepared,
            user,
            typed_name,
            signature_text,
            signed,
        },
        ui,
    )
    .await;
    ui.progress(Step::Done);
    Ok(outcome)
}

async fn ensure_signed_in(engine: &Engine, ui: &dyn Interaction) -> Result<UserView, EngineError> {
    if let Some(user) = engine.auth.current_user() {
        return Ok(user);
    }
    ui.progress(Step::SigningIn);
    engine
        .auth
        .sign_in(ui, SignInReason::NotSignedIn)
        .await
        .map_err(EngineError::from)
}

async fn access_token(engine: &Engine) -> Result<SecretString, EngineError> {
    engine.auth.access_token().await.map_err(EngineError::from)
}

/// Runs a sign-in during the flow and requires the same person to come back, because
/// the review was shown to them.
async fn interactive_sign_in(
    engine: &Engine,
    ui: &dyn Interaction,
    reason: SignInReason,
    before: &UserView,
) -> Result<UserView, EngineError> {
    ui.progress(Step::SigningIn);
    let user = engine
        .auth
        .sign_in(ui, reason)
        .await
        .map_err(EngineError::from)?;
    if user.user_id != before.user_id {
        return Err(EngineError::LinkMismatch(format!(
            "You reviewed the document as {} <{}> but signed in again as {} <{}>; nothing was \
             signed. Open the link again and sign in as the person it was sent to.",
            before.name, before.email, user.name, user.email
        )));
    }
    Ok(user)
}

fn session_target(request: &SigningRequest) -> SessionTarget {
    match &request.target {
        SigningTarget::Document { document_id } => SessionTarget::Document {
            document_id: document_id.as_str().to_owned(),
        },
        SigningTarget::EnvelopeSlot {
            envelope_id,
            signer_id,
        } => SessionTarget::EnvelopeSlot {
            envelope_id: envelope_id.as_str().to_owned(),
            signer_id: signer_id.as_str().to_owned(),
        },
    }
}

/// Fetches the document, packet, bytes and keys, and checks them.
async fn prepare(
    engine: &Engine,
    request: &SigningRequest,
    access: &SecretString,
    user: &UserView,
) -> Result<Prepared, EngineError> {
    let api = &engine.api;
    let stakeholder_id = request.stakeholder_id.as_str();
    let target = session_target(request);

    let (document, content, envelope, dry_run, keys) = match &request.target {
        SigningTarget::Document { document_id } => {
            let id = document_id.as_str();
            let (document, content, dry_run, keys) = tokio::join!(
                api.get_document(id, access),
                api.document_content_sha256(id, access),
                api.dry_run_session(&target, stakeholder_id, access),
                api.matter_keys(),
            );
            (document, content, None, dry_run, keys)
        }
        SigningTarget::EnvelopeSlot {
            envelope_id,
            signer_id,
        } => {
            let (envelope, dry_run, keys) = tokio::join!(
                api.get_envelope(envelope_id.as_str(), access),
                api.dry_run_session(&target, stakeholder_id, access),
                api.matter_keys(),
            );
            let envelope = envelope?.value;
            check_envelope(engine, &envelope, signer_id.as_str(), stakeholder_id)?;
            let dry_run = dry_run?;
            let document_id = envelope_document(&envelope, &dry_run)?;
            let (document, content) = tokio::join!(
                api.get_document(&document_id, access),
                api.document_content_sha256(&document_id, access),
            );
            (document, content, Some(envelope), Ok(dry_run), keys)
        }
    };

    let document = document?;
    check_mode(engine.config.mode, document.value.livemode, "document")?;
    if envelope.is_none() {
        check_document_open(&document.value, stakeholder_id)?;
    }
    let dry_run = dry_run?;
    let packet = DisclosurePacket::verify(dry_run.packet)?;
    check_mode(
        engine.config.mode,
        packet.fields.livemode,
        "disclosure packet",
    )?;
    check_consistency(request, &document.value, &packet, &content?, user)?;

    let keys_document = match keys {
        Ok(text) => match serde_json::from_str::<Value>(&text) {
            Ok(value) => Some(value),
            Err(error) => {
                tracing::warn!(%error, "Matter's keys document is not JSON; using cached keys");
                None
            }
        },
        Err(error) => {
            tracing::warn!(
                code = error.code(),
                "could not fetch Matter's keys; using cached keys"
            );
            None
        }
    };

    Ok(Prepared {
        target,
        document,
        envelope,
        packet,
        dry_run_request_id: dry_run.request_id,
        keys_document,
    })
}

fn check_mode(configured: Mode, livemode: bool, what: &'static str) -> Result<(), EngineError> {
    let server = if livemode { Mode::Live } else { Mode::Test };
    if server != configured {
        return Err(EngineError::ModeMismatch {
            what,
            server,
            configured,
        });
    }
    Ok(())
}

fn check_envelope(
    engine: &Engine,
    envelope: &Envelope,
    signer_id: &str,
    stakeholder_id: &str,
) -> Result<(), EngineError> {
    check_mode(engine.config.mode, envelope.livemode, "envelope")?;
    let Some(slot) = envelope.signer(signer_id) else {
        return Err(EngineError::LinkMismatch(format!(
            "Envelope {} has no signer {signer_id}. Check that the link is complete, or ask \
             the sender for a new one.",
            envelope.id
        )));
    };
    if slot.stakeholder_id != stakeholder_id {
        return Err(EngineError::LinkMismatch(format!(
            "Signer {signer_id} of envelope {} belongs to stakeholder {}, but the link names \
             {stakeholder_id}. The link may have been altered; ask the sender for a new one.",
            envelope.id, slot.stakeholder_id
        )));
    }
    if slot.status == "signed" {
        return Err(EngineError::AlreadySigned {
            target: format!("envelope {} ({})", envelope.id, envelope.subject),
            stakeholder: display_name(&slot.name, stakeholder_id),
        });
    }
    if matches!(envelope.status.as_str(), "completed" | "declined") {
        return Err(EngineError::EnvelopeClosed {
            envelope_id: envelope.id.clone(),
            status: envelope.status.clone(),
        });
    }
    let pending = envelope.pending_before(slot);
    if !pending.is_empty() {
        let names: Vec<String> = pending
            .iter()
            .map(|s| display_name(&s.name, &s.stakeholder_id))
            .collect();
        return Err(EngineError::AwaitingPriorSigner {
            envelope_id: envelope.id.clone(),
            signer: display_name(&slot.name, stakeholder_id),
            pending: names.join(", "),
        });
    }
    Ok(())
}

fn display_name(name: &str, id: &str) -> String {
    if name.is_empty() {
        id.to_owned()
    } else {
        format!("{name} ({id})")
    }
}

/// Picks the envelope's document: the one the packet names, which must be in the
/// envelope.
fn envelope_document(envelope: &Envelope, dry_run: &DryRun) -> Result<String, EngineError> {
    let named = dry_run.packet["document"]["id"]
        .as_str()
        .unwrap_or_default();
    if envelope.document_ids.iter().any(|id| id == named) {
        return Ok(named.to_owned());
    }
    Err(EngineError::DocumentMismatch {
        first: "id in the disclosure packet",
        first_value: if named.is_empty() {
            "none".into()
        } else {
            named.into()
        },
        second: "documents of the envelope",
        second_value: envelope.document_ids.join(", "),
    })
}

fn check_document_open(document: &Document, stakeholder_id: &str) -> Result<(), EngineError> {
    if let Some(signer) = document
        .signers
        .iter()
        .find(|s| s.stakeholder_id == stakeholder_id && s.status == "signed")
    {
        return Err(EngineError::AlreadySigned {
            target: format!("document {} ({})", document.id, document.title),
            stakeholder: display_name(&signer.name, stakeholder_id),
        });
    }
    Ok(())
}

fn check_consistency(
    request: &SigningRequest,
    document: &Document,
    packet: &DisclosurePacket,
    content: &ContentDigest,
    user: &UserView,
) -> Result<(), EngineError> {
    let fields = &packet.fields;
    if fields.document.id != document.id {
        return Err(EngineError::DocumentMismatch {
            first: "id in the disclosure packet",
            first_value: fields.document.id.clone(),
            second: "id Matter returned for the document",
            second_value: document.id.clone(),
        });
    }
    if fields.stakeholder.id != request.stakeholder_id.as_str() {
        return Err(EngineError::LinkMismatch(format!(
            "The disclosure packet is for stakeholder {}, but the link names {} (you are signed \
             in as {} <{}>). Nothing was signed; ask the sender for a new link.",
            fields.stakeholder.id,
            request.stakeholder_id.as_str(),
            user.name,
            user.email
        )));
    }
    let pairs = [
        (
            "SHA-256 in the disclosure packet",
            fields.document.sha256.as_str(),
            "SHA-256 Matter reports for the document",
            document.sha256.as_str(),
        ),
        (
            "SHA-256 of the downloaded bytes",
            content.sha256.as_str(),
            "SHA-256 Matter reports for the document",
            document.sha256.as_str(),
        ),
    ];
    for (first, first_value, second, second_value) in pairs {
        if !first_value.eq_ignore_ascii_case(second_value) {
            return Err(EngineError::DocumentMismatch {
                first,
                first_value: first_value.to_owned(),
                second,
                second_value: second_value.to_owned(),
            });
        }
    }
    if content.byte_length != document.byte_length {
        return Err(EngineError::DocumentMismatch {
            first: "length of the downloaded bytes",
            first_value: content.byte_length.to_string(),
            second: "length Matter reports",
            second_value: document.byte_length.to_string(),
        });
    }
    Ok(())
}

fn build_review(
    engine: &Engine,
    request: &SigningRequest,
    prepared: &Prepared,
    user: &UserView,
) -> Review {
    let document = &prepared.document.value;
    let fields = &prepared.packet.fields;
    let envelope = match (&request.target, &fields.envelope) {
        (SigningTarget::EnvelopeSlot { signer_id, .. }, Some(packet_envelope)) => {
            Some(EnvelopeView {
                id: packet_envelope.id.clone(),
                subject: packet_envelope.subject.clone(),
                signer_id: signer_id.as_str().to_owned(),
                position: packet_envelope.position,
                signer_count: packet_envelope.signer_count,
            })
        }
        (SigningTarget::EnvelopeSlot { signer_id, .. }, None) => {
            prepared.envelope.as_ref().map(|envelope| {
                let slot = envelope.signer(signer_id.as_str());
                EnvelopeView {
                    id: envelope.id.clone(),
                    subject: envelope.subject.clone(),
                    signer_id: signer_id.as_str().to_owned(),
                    position: slot.map(|s| s.order).unwrap_or_default(),
                    signer_count: envelope.signers.len() as u32,
                }
            })
        }
        _ => None,
    };
    Review {
        mode: engine.config.mode,
        document: DocumentView {
            id: document.id.clone(),
            title: document.title.clone(),
            entity_id: document.entity_id.clone(),
            entity_name: document.entity_name.clone(),
            sha256: document.sha256.clone(),
            byte_length: document.byte_length,
            execution_status: document.execution_status.clone(),
        },
        envelope,
        stakeholder: StakeholderView {
            id: fields.stakeholder.id.clone(),
            name: fields.stakeholder.name.clone(),
        },
        signed_in_user: user.clone(),
        packet: prepared.packet.raw.clone(),
        packet_text: prepared.packet.text(),
        packet_hash: prepared.packet.hash.clone(),
        signature_attestation: fields.signature_attestation.clone(),
    }
}

/// Creates the session, handling one server-requested re-authentication and one ESRA
/// consent. Each new attempt after either gets a new `Idempotency-Key`, because the
/// request is no longer the same logical operation (new credential, new consent).
async fn create_session(
    engine: &Engine,
    request: &SigningRequest,
    ui: &dyn Interaction,
    prepared: &Prepared,
    user: &mut UserView,
) -> Result<SigningSession, EngineError> {
    let stakeholder_id = request.stakeholder_id.as_str();
    let mut key = IdempotencyKey::new();
    let mut reauthenticated = false;
    let mut consented = false;
    loop {
        ui.progress(Step::CreatingSession);
        let access = access_token(engine).await?;
        let result = engine
            .api
            .create_session(&prepared.target, stakeholder_id, &access, &key)
            .await;
        drop(access);
        match result {
            Ok(session) => return Ok(session),
            Err(error) if error.is_api_code("reauthentication_required") && !reauthenticated => {
                reauthenticated = true;
                tracing::info!(
                    request_id = error.request_id(),
                    "Matter asked for a fresh sign-in; signing in once more"
                );
                *user =
                    interactive_sign_in(engine, ui, SignInReason::ServerRequested, user).await?;
                key = IdempotencyKey::new();
            }
            Err(error) if error.is_api_code("state_esra_consent_required") && !consented => {
                consented = true;
                tracing::info!(
                    request_id = error.request_id(),
                    "Matter needs ESRA consent first"
                );
                capture_consent(engine, ui, prepared, stakeholder_id).await?;
                if engine.auth.needs_step_up() {
                    let minutes_ago = engine.minutes_since_sign_in();
                    *user =
                        interactive_sign_in(engine, ui, SignInReason::StepUp { minutes_ago }, user)
                            .await?;
                }
                key = IdempotencyKey::new();
            }
            Err(error) => return Err(personalise(error, request, user)),
        }
    }
}

async fn capture_consent(
    engine: &Engine,
    ui: &dyn Interaction,
    prepared: &Prepared,
    stakeholder_id: &str,
) -> Result<(), EngineError> {
    ui.progress(Step::RecordingConsent);
    let access = access_token(engine).await?;
    let text = engine.api.esra_text(&access).await?.value;
    let prompt = EsraPrompt {
        stakeholder: StakeholderView {
            id: stakeholder_id.to_owned(),
            name: prepared.packet.fields.stakeholder.name.clone(),
        },
        version: text.version,
        text: text.text,
    };
    match ui.esra_consent(&prompt).await? {
        EsraAnswer::Affirm {
            paper_copy_request_method,
        } => {
            let access = access_token(engine).await?;
            let consent = engine
                .api
                .record_esra_consent(stakeholder_id, paper_copy_request_method, &access)
                .await?;
            tracing::info!(consent_id = %consent.value.id, "ESRA consent recorded");
            Ok(())
        }
        EsraAnswer::Decline => Err(EngineError::EsraDeclined),
    }
}

/// The sign call's result with what the receipt needs from the session.
pub(super) struct Signed {
    pub session_id: String,
    pub session_created_at: time::OffsetDateTime,
    pub session_expires_at: time::OffsetDateTime,
    pub session_request_id: Option<String>,
    pub token_field: &'static str,
    pub record: crate::api::signing_sessions::SignatureRecord,
}

/// Spends the session's token on the sign call. The token is moved in here and dropped
/// (wiped) as soon as the call returns, whatever its outcome.
async fn sign_with_session(
    engine: &Engine,
    prepared: &Prepared,
    session: SigningSession,
    signature_text: &str,
) -> Result<Signed, EngineError> {
    let SigningSession {
        id: session_id,
        created_at,
        expires_at,
        request_id: session_request_id,
        token,
        token_field,
        ..
    } = session;

    let remaining = expires_at - engine.clock.now_utc();
    if remaining <= time::Duration::ZERO {
        drop(token);
        return Err(EngineError::SessionExpired {
            session_id,
            expires_at: receipt::rfc3339(expires_at),
        });
    }
    let remaining = Duration::try_from(remaining).unwrap_or_default();
    let deadline = engine.clock.now() + remaining;

    let mut metadata = Map::new();
    metadata.insert("app".into(), Value::from("matter-signer"));
    metadata.insert("app_version".into(), Value::from(env!("CARGO_PKG_VERSION")));
    metadata.insert("front_end".into(), Value::from(engine.front_end.as_str()));

    let key = IdempotencyKey::new();
    let result = engine
        .api
        .sign(
            &prepared.target,
            &token,
            &key,
            deadline,
            signature_text,
            &prepared.packet.hash,
            metadata,
        )
        .await;
    drop(token);

    let record = match result {
        Ok(record) => record,
        Err(EngineError::Transport { detail, kind, .. }) => {
            return Err(EngineError::SignOutcomeUnknown {
                session_id,
                detail: format!("{kind} ({detail})"),
            })
        }
        Err(error)
            if error
                .problem()
                .is_some_and(|p| p.status >= 500 || p.status == 429) =>
        {
            return Err(EngineError::SignOutcomeUnknown {
                session_id,
                detail: error.to_string(),
            })
        }
        Err(error) => return Err(error),
    };
    tracing::info!(
        signature_id = %record.id,
        session_id = %session_id,
        status = record.status,
        replayed = record.replayed,
        request_id = record.request_id.as_deref(),
        "signed"
    );
    Ok(Signed {
        session_id,
        session_created_at: created_at,
        session_expires_at: expires_at,
        session_request_id,
        token_field: token_field.as_str(),
        record,
    })
}

/// Replaces Matter's "not linked" problem with an error naming both identities.
fn personalise(error: EngineError, request: &SigningRequest, user: &UserView) -> EngineError {
    match error {
        EngineError::Api(problem)
            if problem.canonical_code() == "stakeholder_not_linked_to_user" =>
        {
            EngineError::NotYourLink {
                stakeholder_id: request.stakeholder_id.as_str().to_owned(),
                user: format!("{} <{}>", user.name, user.email),
                problem: Some(problem),
            }
        }
        other => other,
    }
}

impl From<AuthError> for EngineError {
    fn from(error: AuthError) -> Self {
        EngineError::SignIn {
            code: error.code(),
            message: error.to_string(),
        }
    }
}
