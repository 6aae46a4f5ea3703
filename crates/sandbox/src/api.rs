//! Handlers for the Matter API under `/v1`.
//!
//! Every handler changes state only after all of its checks have passed, under one lock,
//! so a rejected request never leaves a partial change behind.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{json, Map, Value};

use crate::control::is_dry_run;
use crate::keys::{keys, RECEIPT_TEST_KID};
use crate::packet;
use crate::pipeline::{Caller, RequestId};
use crate::problem::Problem;
use crate::seed;
use crate::state::{random_id, random_secret, App, Consent, Signature, Store, Target};

/// Lifetime of a signing session and its token.
pub const SESSION_TTL_SECONDS: i64 = 15 * 60;
/// Maximum age of the human's interactive sign-in when a session is created.
pub const MAX_SIGN_IN_AGE_SECONDS: i64 = 5 * 60;
/// Maximum length of `electronic_signature_text`, in characters.
pub const MAX_SIGNATURE_TEXT_CHARS: usize = 2000;

type ApiResult = Result<Response, Problem>;

// ---- request parsing -------------------------------------------------------------------

fn parse_object(bytes: &[u8], allowed: &[&str]) -> Result<Map<String, Value>, Problem> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Problem::new(
            400,
            "validation_body_invalid",
            "The request body is empty; send a JSON object.",
        ));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|error| {
        Problem::new(
            400,
            "validation_body_invalid",
            format!("The request body is not valid JSON: {error}."),
        )
    })?;
    let Value::Object(map) = value else {
        return Err(Problem::new(
            400,
            "validation_body_invalid",
            "The request body must be a JSON object.",
        ));
    };
    if let Some(unknown) = map.keys().find(|key| !allowed.contains(&key.as_str())) {
        return Err(Problem::new(
            422,
            "additional_properties_not_permitted",
            format!(
                "Unknown field `{unknown}`; this endpoint accepts: {}.",
                allowed.join(", ")
            ),
        )
        .param(unknown));
    }
    Ok(map)
}

fn optional_string(map: &Map<String, Value>, field: &str) -> Result<Option<String>, Problem> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => Err(Problem::validation(
            field,
            format!("`{field}` must not be empty."),
        )),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(Problem::validation(
            field,
            format!("`{field}` must be a string."),
        )),
    }
}

fn required_string(map: &Map<String, Value>, field: &str) -> Result<String, Problem> {
    optional_string(map, field)?
        .ok_or_else(|| Problem::validation(field, format!("`{field}` is required.")))
}

/// Whether `id` is `prefix` followed by 4 to 64 of `[A-Za-z0-9_]`.
pub fn is_valid_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| {
        (4..=64).contains(&rest.len())
            && rest
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
    })
}

fn check_id(id: &str, prefix: &str, param: &str) -> Result<(), Problem> {
    if is_valid_id(id, prefix) {
        Ok(())
    } else {
        Err(Problem::validation(
            param,
            format!(
                "`{param}` must be `{prefix}` followed by 4 to 64 letters, digits or underscores."
            ),
        ))
    }
}

fn human(caller: &Caller) -> Result<(&str, i64), Problem> {
    match caller {
        Caller::User { user_id, auth_time } => Ok((user_id, *auth_time)),
        Caller::Session { .. } => Err(Problem::new(
            401,
            "auth_token_invalid",
            "This route needs the human's OAuth access token (oat_...).",
        )),
    }
}

// ---- documents and envelopes -----------------------------------------------------------

fn document_json(store: &Store, document_id: &str) -> Value {
    let document = &store.documents[document_id];
    let signatures: Vec<Value> = store
        .signatures_on(document_id)
        .into_iter()
        .map(|signature| {
            json!({
                "id": signature.id,
                "stakeholder_id": signature.stakeholder_id,
                "signing_envelope_id": signature.envelope_id,
                "signer_id": signature.signer_id,
                "signed_at": signature.signed_at,
                "legal_basis": "esra_consent",
                "consent_record": {
                    "consent_id": signature.consent.id,
                    "captured_at": signature.consent.captured_at,
                },
            })
        })
        .collect();
    let signer_status = |target: Target| {
        if store.signature_for(&target).is_some() {
            "signed"
        } else {
            "pending"
        }
    };
    let signers: Vec<Value> = match document.seed.envelope_id {
        Some(envelope_id) => store.envelopes[envelope_id]
            .signers
            .iter()
            .map(|signer| {
                json!({
                    "stakeholder_id": signer.stakeholder_id,
                    "name": store.stakeholders[signer.stakeholder_id].seed.name,
                    "signer_id": signer.id,
                    "order": signer.order,
                    "status": signer_status(Target::EnvelopeSigner {
                        envelope_id: envelope_id.to_owned(),
                        signer_id: signer.id.to_owned(),
                    }),
                })
            })
            .collect(),
        None => document
            .seed
            .signer_stakeholder_id
            .map(|stakeholder_id| {
                vec![json!({
                    "stakeholder_id": stakeholder_id,
                    "name": store.stakeholders[stakeholder_id].seed.name,
                    "status": signer_status(Target::Document {
                        document_id: document_id.to_owned(),
                    }),
                })]
            })
            .unwrap_or_default(),
    };
    json!({
        "id": document.seed.id,
        "object": "document",
        "title": document.seed.title,
        "entity_id": seed::ENTITY_ID,
        "entity_name": seed::ENTITY_NAME,
        "signing_envelope_id": document.seed.envelope_id,
        "execution_status": store.execution_status(document_id),
        "content_type": "application/pdf",
        "byte_length": document.bytes.len(),
        "sha256": document.sha256,
        "signers": signers,
        "signatures": signatures,
        "livemode": false,
        "created": seed::SEED_CREATED,
    })
}

pub async fn get_document(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path(document_id): Path<String>,
) -> ApiResult {
    human(&caller)?;
    check_id(&document_id, "doc_", "document_id")?;
    let store = app.store();
    if !store.documents.contains_key(&document_id) {
        return Err(Problem::not_found("document_id", &document_id));
    }
    Ok(Json(document_json(&store, &document_id)).into_response())
}

pub async fn get_document_content(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path(document_id): Path<String>,
) -> ApiResult {
    human(&caller)?;
    check_id(&document_id, "doc_", "document_id")?;
    let store = app.store();
    let document = store
        .documents
        .get(&document_id)
        .ok_or_else(|| Problem::not_found("document_id", &document_id))?;
    let mut response = document.bytes.clone().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(disposition) =
        HeaderValue::from_str(&format!("inline; filename=\"{document_id}.pdf\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    Ok(response)
}

pub async fn get_signing_envelope(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path(envelope_id): Path<String>,
) -> ApiResult {
    human(&caller)?;
    check_id(&envelope_id, "env_", "signing_envelope_id")?;
    let store = app.store();
    let envelope = store
        .envelopes
        .get(&envelope_id)
        .ok_or_else(|| Problem::not_found("signing_envelope_id", &envelope_id))?;
    let mut all_signed = true;
    let signers: Vec<Value> = envelope
        .signers
        .iter()
        .map(|signer| {
            let stakeholder = &store.stakeholders[signer.stakeholder_id].seed;
            let signed = store
                .signature_for(&Target::EnvelopeSigner {
                    envelope_id: envelope_id.clone(),
                    signer_id: signer.id.to_owned(),
                })
                .is_some();
            all_signed &= signed;
            json!({
                "id": signer.id,
                "stakeholder_id": signer.stakeholder_id,
                "name": stakeholder.name,
                "email": stakeholder.email,
                "order": signer.order,
                "status": if signed { "signed" } else { "pending" },
            })
        })
        .collect();
    Ok(Json(json!({
        "id": envelope.id,
        "object": "signing_envelope",
        "entity_id": seed::ENTITY_ID,
        "subject": envelope.subject,
        "status": if all_signed { "completed" } else { "sent" },
        "routing": "sequential",
        "document_ids": envelope.document_ids,
        "signers": signers,
        "livemode": false,
        "created": seed::SEED_CREATED,
    }))
    .into_response())
}

// ---- signing sessions ------------------------------------------------------------------

struct SessionRequest {
    stakeholder_id: String,
    target: Target,
}

fn parse_session_request(bytes: &[u8]) -> Result<SessionRequest, Problem> {
    let map = parse_object(
        bytes,
        &[
            "stakeholder_id",
            "document_id",
            "signing_envelope_id",
            "signer_id",
        ],
    )?;
    let stakeholder_id = required_string(&map, "stakeholder_id")?;
    check_id(&stakeholder_id, "stk_", "stakeholder_id")?;
    let document_id = optional_string(&map, "document_id")?;
    let envelope_id = optional_string(&map, "signing_envelope_id")?;
    let signer_id = optional_string(&map, "signer_id")?;
    let target = match (document_id, envelope_id, signer_id) {
        (Some(document_id), None, None) => {
            check_id(&document_id, "doc_", "document_id")?;
            Target::Document { document_id }
        }
        (None, Some(envelope_id), Some(signer_id)) => {
            check_id(&envelope_id, "env_", "signing_envelope_id")?;
            check_id(&signer_id, "sgr_", "signer_id")?;
            Target::EnvelopeSigner {
                envelope_id,
                signer_id,
            }
        }
        (None, Some(_), None) => {
            return Err(Problem::validation(
                "signer_id",
                "`signer_id` is required with `signing_envelope_id`.",
            ))
        }
        (None, None, Some(_)) => {
            return Err(Problem::validation(
                "signing_envelope_id",
                "`signer_id` needs `signing_envelope_id`.",
            ))
        }
        (None, None, None) => {
            return Err(Problem::validation(
                "document_id",
                "Send a target: `document_id`, or `signing_envelope_id` with `signer_id`.",
            ))
        }
        (Some(_), _, _) => {
            return Err(Problem::validation(
                "document_id",
                "Send exactly one target: `document_id`, or `signing_envelope_id` with \
                 `signer_id`, not both.",
            ))
        }
    };
    Ok(SessionRequest {
        stakeholder_id,
        target,
    })
}

fn state_conflict(current_state: &str, detail: &str) -> Problem {
    Problem::new(409, "state_transition_invalid", detail)
        .with("current_state", json!(current_state))
        .with("attempted_transition", json!("sign"))
        .with("allowed_transitions", json!([]))
}

/// Checks that the target exists, that the stakeholder is a natural person linked to
/// `user_id` and assigned to the target, and that the target can be signed now.
fn check_target(
    store: &Store,
    target: &Target,
    stakeholder_id: &str,
    user_id: &str,
) -> Result<(), Problem> {
    let assigned_stakeholder = match target {
        Target::Document { document_id } => {
            let document = store
                .documents
                .get(document_id)
                .ok_or_else(|| Problem::not_found("document_id", document_id))?;
            if let Some(envelope_id) = document.seed.envelope_id {
                return Err(Problem::validation(
                    "document_id",
                    format!(
                        "Document `{document_id}` is signed through envelope `{envelope_id}`; \
                         send `signing_envelope_id` and `signer_id` instead."
                    ),
                ));
            }
            document.seed.signer_stakeholder_id
        }
        Target::EnvelopeSigner {
            envelope_id,
            signer_id,
        } => {
            let envelope = store
                .envelopes
                .get(envelope_id)
                .ok_or_else(|| Problem::not_found("signing_envelope_id", envelope_id))?;
            let signer = envelope
                .signers
                .iter()
                .find(|signer| signer.id == signer_id)
                .ok_or_else(|| Problem::not_found("signer_id", signer_id))?;
            Some(signer.stakeholder_id)
        }
    };
    let stakeholder = store
        .stakeholders
        .get(stakeholder_id)
        .ok_or_else(|| Problem::not_found("stakeholder_id", stakeholder_id))?;
    if stakeholder.seed.clerk_user_id != user_id {
        return Err(Problem::new(
            403,
            "stakeholder_not_linked_to_user",
            format!("Stakeholder `{stakeholder_id}` is not linked to the signed-in user."),
        )
        .param("stakeholder_id"));
    }
    if !stakeholder.seed.natural_person {
        return Err(Problem::new(
            403,
            "stakeholder_not_natural_person",
            format!(
                "Stakeholder `{stakeholder_id}` is not a natural person; only a natural person \
                 can sign through a signing session."
            ),
        )
        .param("stakeholder_id"));
    }
    if assigned_stakeholder != Some(stakeholder_id) {
        return Err(Problem::new(
            403,
            "stakeholder_not_signer",
            format!("Stakeholder `{stakeholder_id}` is not a signer of this target."),
        )
        .param("stakeholder_id"));
    }
    check_signable(store, target)
}

/// Rejects a slot that is already signed, or an envelope slot whose earlier signers have not signed.
fn check_signable(store: &Store, target: &Target) -> Result<(), Problem> {
    if store.signature_for(target).is_some() {
        return Err(state_conflict(
            "signed",
            "This signer has already signed this target.",
        ));
    }
    if let Target::EnvelopeSigner {
        envelope_id,
        signer_id,
    } = target
    {
        let envelope = &store.envelopes[envelope_id];
        let order = envelope
            .signers
            .iter()
            .find(|signer| signer.id == signer_id)
            .map(|signer| signer.order)
            .unwrap_or(0);
        let waiting_for = envelope.signers.iter().find(|signer| {
            signer.order < order
                && store
                    .signature_for(&Target::EnvelopeSigner {
                        envelope_id: envelope_id.clone(),
                        signer_id: signer.id.to_owned(),
                    })
                    .is_none()
        });
        if let Some(prior) = waiting_for {
            return Err(state_conflict(
                "awaiting_prior_signer",
                &format!(
                    "The envelope routes signers in order; signer `{}` (order {}) must sign first.",
                    prior.id, prior.order
                ),
            ));
        }
    }
    Ok(())
}

fn consent_required(stakeholder_id: &str) -> Problem {
    Problem::new(
        409,
        "state_esra_consent_required",
        format!(
            "Stakeholder `{stakeholder_id}` has no ESRA consent on record; show the text from \
             GET /v1/acknowledgements/esra_consent and record consent with POST /v1/consents/esra."
        ),
    )
    .param("stakeholder_id")
}

fn session_json(store: &Store, session_id: &str, now: i64, token_field: Option<&str>) -> Value {
    let session = &store.sessions[session_id];
    let mut body = json!({
        "id": session.id,
        "object": "signing_session",
        "target": session.target.to_json(),
        "stakeholder_id": session.stakeholder_id,
        "human_clerk_user_id": session.human_clerk_user_id,
        "created_at": session.created_at,
        "expires_at": session.expires_at,
        "status": session.status(now).as_str(),
        "disclosure_packet_hash": session.disclosure_packet_hash,
        "livemode": false,
    });
    if let Some(field) = token_field {
        body[field] = json!(session.token);
    }
    body
}

pub async fn create_signing_session(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    uri: Uri,
    body: Bytes,
) -> ApiResult {
    let (user_id, auth_time) = human(&caller)?;
    let query = uri.query();
    if let Some(value) = query
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("dry_run="))
    {
        if value != "true" && value != "false" {
            return Err(Problem::new(
                400,
                "validation_query_invalid",
                format!("`dry_run` must be `true` or `false`, not `{value}`."),
            )
            .param("dry_run"));
        }
    }
    let request = parse_session_request(&body)?;
    let now = app.clock.now();
    let mut store = app.store();
    check_target(&store, &request.target, &request.stakeholder_id, user_id)?;

    if is_dry_run(query) {
        let mut packet = packet::build(&store, &request.target, &request.stakeholder_id);
        let mut packet_hash = packet::hash(&packet);
        if store.settings.corrupt_packet_hashes > 0 {
            store.settings.corrupt_packet_hashes -= 1;
            packet_hash = packet::hash(&json!({"corrupted": packet_hash}));
        }
        packet["packet_hash"] = json!(packet_hash);
        return Ok(Json(packet).into_response());
    }

    if store.stakeholders[&request.stakeholder_id]
        .consent
        .is_none()
    {
        return Err(consent_required(&request.stakeholder_id));
    }
    let sign_in_age = now - auth_time;
    if sign_in_age > MAX_SIGN_IN_AGE_SECONDS {
        return Err(Problem::new(
            403,
            "reauthentication_required",
            format!(
                "The last interactive sign-in was {sign_in_age} s ago; a signing session needs \
                 one within the last {MAX_SIGN_IN_AGE_SECONDS} s. Sign in again with prompt=login."
            ),
        ));
    }

    let packet = packet::build(&store, &request.target, &request.stakeholder_id);
    let session_id = random_id("ssn_");
    store.sessions.insert(
        session_id.clone(),
        crate::state::Session {
            id: session_id.clone(),
            token: random_secret("sig_"),
            target: request.target,
            stakeholder_id: request.stakeholder_id,
            human_clerk_user_id: user_id.to_owned(),
            created_at: now,
            expires_at: now + SESSION_TTL_SECONDS,
            consumed_at: None,
            disclosure_packet_hash: packet::hash(&packet),
        },
    );
    let token_field = store.settings.variants.token_field.as_str();
    tracing::info!(%session_id, "signing session created");
    let mut response =
        Json(session_json(&store, &session_id, now, Some(token_field))).into_response();
    // The body carries the single-use `sig_` token, as secret as an OAuth token.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub async fn get_signing_session(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Path(session_id): Path<String>,
) -> ApiResult {
    let (user_id, _) = human(&caller)?;
    check_id(&session_id, "ssn_", "signing_session_id")?;
    let now = app.clock.now();
    let store = app.store();
    match store.sessions.get(&session_id) {
        Some(session) if session.human_clerk_user_id == user_id => {
            Ok(Json(session_json(&store, &session_id, now, None)).into_response())
        }
        _ => Err(Problem::not_found("signing_session_id", &session_id)),
    }
}

// ---- signing ---------------------------------------------------------------------------

pub async fn sign_document(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Extension(request_id): Extension<RequestId>,
    Path(document_id): Path<String>,
    body: Bytes,
) -> ApiResult {
    check_id(&document_id, "doc_", "document_id")?;
    sign(
        &app,
        &caller,
        &request_id.0,
        Target::Document { document_id },
        &body,
    )
}

pub async fn sign_envelope_signer(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    Extension(request_id): Extension<RequestId>,
    Path((envelope_id, signer_id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    check_id(&envelope_id, "env_", "signing_envelope_id")?;
    check_id(&signer_id, "sgr_", "signer_id")?;
    sign(
        &app,
        &caller,
        &request_id.0,
        Target::EnvelopeSigner {
            envelope_id,
            signer_id,
        },
        &body,
    )
}

struct SignRequest {
    electronic_signature_text: String,
    disclosure_packet_hash: String,
    client_metadata: Option<Map<String, Value>>,
}

fn parse_sign_request(bytes: &[u8]) -> Result<SignRequest, Problem> {
    let map = parse_object(
        bytes,
        &[
            "electronic_signature_text",
            "disclosure_packet_hash",
            "client_metadata",
        ],
    )?;
    let electronic_signature_text = required_string(&map, "electronic_signature_text")?;
    if electronic_signature_text.chars().count() > MAX_SIGNATURE_TEXT_CHARS {
        return Err(Problem::validation(
            "electronic_signature_text",
            format!("`electronic_signature_text` must be at most {MAX_SIGNATURE_TEXT_CHARS} characters."),
        ));
    }
    let disclosure_packet_hash = required_string(&map, "disclosure_packet_hash")?;
    let client_metadata = match map.get("client_metadata") {
        None | Some(Value::Null) => None,
        Some(Value::Object(metadata))
            if metadata.len() <= 50 && metadata.values().all(Value::is_string) =>
        {
            Some(metadata.clone())
        }
        Some(_) => {
            return Err(Problem::validation(
                "client_metadata",
                "`client_metadata` must be an object of at most 50 string values.",
            ))
        }
    };
    Ok(SignRequest {
        electronic_signature_text,
        disclosure_packet_hash,
        client_metadata,
    })
}

fn sign(app: &App, caller: &Caller, request_id: &str, target: Target, body: &[u8]) -> ApiResult {
    let Caller::Session { session_id } = caller else {
        return Err(Problem::new(
            403,
            "invalid_session_token",
            "The sign routes take the signing-session token (sig_...) as bearer.",
        ));
    };
    let now = app.clock.now();
    let mut store = app.store();
    let session = store.sessions[session_id].clone();
    if session.consumed_at.is_some() {
        return Err(Problem::new(
            409,
            "session_already_consumed",
            "This signing-session token was already used; create a new signing session.",
        ));
    }
    if now >= session.expires_at {
        return Err(Problem::new(
            410,
            "session_expired",
            "The signing session has expired; create a new one.",
        ));
    }
    if session.target != target {
        return Err(Problem::new(
            403,
            "session_target_mismatch",
            "This signing-session token was issued for a different target.",
        ));
    }
    let request = parse_sign_request(body)?;
    if request.disclosure_packet_hash != session.disclosure_packet_hash {
        return Err(Problem::new(
            409,
            "disclosure_packet_hash_mismatch",
            "`disclosure_packet_hash` does not match the packet this session was created for.",
        )
        .param("disclosure_packet_hash"));
    }
    let current_hash = packet::hash(&packet::build(&store, &target, &session.stakeholder_id));
    if current_hash != session.disclosure_packet_hash {
        return Err(Problem::new(
            409,
            "disclosure_packet_hash_mismatch",
            "The document changed after this session was created, so its disclosure packet no \
             longer matches; review the new packet and create a new session.",
        )
        .param("disclosure_packet_hash"));
    }
    check_signable(&store, &target)?;
    let Some(consent) = store.stakeholders[&session.stakeholder_id].consent.clone() else {
        return Err(consent_required(&session.stakeholder_id));
    };

    let (document_id, envelope_id, signer_id) = match &target {
        Target::Document { document_id } => (document_id.clone(), None, None),
        Target::EnvelopeSigner {
            envelope_id,
            signer_id,
        } => (
            store.envelopes[envelope_id].document_ids[0].to_owned(),
            Some(envelope_id.clone()),
            Some(signer_id.clone()),
        ),
    };
    let document = &store.documents[&document_id];
    let signature = Signature {
        id: random_id("sgn_"),
        document_id: document_id.clone(),
        envelope_id,
        signer_id,
        session_id: session.id.clone(),
        stakeholder_id: session.stakeholder_id.clone(),
        human_clerk_user_id: session.human_clerk_user_id.clone(),
        consent,
        electronic_signature_text: request.electronic_signature_text,
        disclosure_packet_hash: session.disclosure_packet_hash.clone(),
        document_sha256: document.sha256.clone(),
        signed_at: now,
    };
    let document_title = document.seed.title;
    if let Some(stored) = store.sessions.get_mut(session_id) {
        stored.consumed_at = Some(now);
    }
    store.signatures.push(signature.clone());
    let execution_status = store.execution_status(&document_id);
    tracing::info!(signature_id = %signature.id, %session_id, %document_id, "signature recorded");

    let payload = json!({
        "receipt_version": 1,
        "signature_id": signature.id,
        "signing_session_id": signature.session_id,
        "document_id": signature.document_id,
        "document_title": document_title,
        "document_sha256": signature.document_sha256,
        "signing_envelope_id": signature.envelope_id,
        "signer_id": signature.signer_id,
        "entity_id": seed::ENTITY_ID,
        "stakeholder_id": signature.stakeholder_id,
        "human_clerk_user_id": signature.human_clerk_user_id,
        "electronic_signature_text": signature.electronic_signature_text,
        "disclosure_packet_hash": signature.disclosure_packet_hash,
        "legal_basis": "esra_consent",
        "consent_id": signature.consent.id,
        "signed_at": signature.signed_at,
        "request_id": request_id,
        "livemode": false,
    });
    let canonical = serde_json_canonicalizer::to_vec(&payload)
        .expect("a serde_json::Value always canonicalises");
    Ok(Json(json!({
        "id": signature.id,
        "object": "signature",
        "document_id": signature.document_id,
        "signing_envelope_id": signature.envelope_id,
        "signer_id": signature.signer_id,
        "signing_session_id": signature.session_id,
        "stakeholder_id": signature.stakeholder_id,
        "human_clerk_user_id": signature.human_clerk_user_id,
        "legal_basis": "esra_consent",
        "consent_record": {
            "consent_id": signature.consent.id,
            "captured_at": signature.consent.captured_at,
        },
        "electronic_signature_text": signature.electronic_signature_text,
        "disclosure_packet_hash": signature.disclosure_packet_hash,
        "document_sha256": signature.document_sha256,
        "client_metadata": request.client_metadata,
        "signed_at": signature.signed_at,
        "execution_status": execution_status,
        "livemode": false,
        "receipt": {
            "payload": payload,
            "alg": "Ed25519",
            "kid": RECEIPT_TEST_KID,
            "signature": keys().sign_receipt(&canonical),
        },
    }))
    .into_response())
}

// ---- ESRA consent ----------------------------------------------------------------------

pub async fn get_esra_disclosure(Extension(caller): Extension<Caller>) -> ApiResult {
    human(&caller)?;
    Ok(Json(json!({
        "object": "acknowledgement_text",
        "slug": "esra_consent",
        "version": seed::ESRA_DISCLOSURE_VERSION,
        "text": seed::ESRA_DISCLOSURE_TEXT,
    }))
    .into_response())
}

pub async fn create_esra_consent(
    State(app): State<Arc<App>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> ApiResult {
    let (user_id, _) = human(&caller)?;
    let map = parse_object(
        &body,
        &[
            "stakeholder_id",
            "hardware_capability_affirmed",
            "paper_copy_request_method",
        ],
    )?;
    let stakeholder_id = required_string(&map, "stakeholder_id")?;
    check_id(&stakeholder_id, "stk_", "stakeholder_id")?;
    match map.get("hardware_capability_affirmed") {
        Some(Value::Bool(true)) => {}
        None | Some(Value::Null) => {
            return Err(Problem::validation(
                "hardware_capability_affirmed",
                "`hardware_capability_affirmed` is required.",
            ))
        }
        Some(_) => {
            return Err(Problem::validation(
                "hardware_capability_affirmed",
                "`hardware_capability_affirmed` must be `true`: the signer must affirm they can \
                 access and keep electronic records.",
            ))
        }
    }
    let method = required_string(&map, "paper_copy_request_method")?;
    if method != "email" && method != "postal_mail" {
        return Err(Problem::validation(
            "paper_copy_request_method",
            format!(
                "`paper_copy_request_method` must be `email` or `postal_mail`, not `{method}`."
            ),
        ));
    }
    let now = app.clock.now();
    let mut store = app.store();
    let stakeholder = store
        .stakeholders
        .get(&stakeholder_id)
        .ok_or_else(|| Problem::not_found("stakeholder_id", &stakeholder_id))?;
    if stakeholder.seed.clerk_user_id != user_id {
        return Err(Problem::new(
            403,
            "stakeholder_not_linked_to_user",
            format!("Stakeholder `{stakeholder_id}` is not linked to the signed-in user."),
        )
        .param("stakeholder_id"));
    }
    if !stakeholder.seed.natural_person {
        return Err(Problem::new(
            403,
            "stakeholder_not_natural_person",
            format!("Stakeholder `{stakeholder_id}` is not a natural person; only a natural person can give ESRA consent."),
        )
        .param("stakeholder_id"));
    }
    let consent = Consent {
        id: random_id("esc_"),
        stakeholder_id: stakeholder_id.clone(),
        disclosure_version: seed::ESRA_DISCLOSURE_VERSION.to_owned(),
        captured_at: now,
        paper_copy_request_method: method,
    };
    store.consents.push(consent.clone());
    if let Some(stakeholder) = store.stakeholders.get_mut(&stakeholder_id) {
        stakeholder.consent = Some(consent.clone());
    }
    tracing::info!(consent_id = %consent.id, %stakeholder_id, "ESRA consent recorded");
    Ok(Json(json!({
        "id": consent.id,
        "object": "esra_consent",
        "stakeholder_id": consent.stakeholder_id,
        "disclosure_version": consent.disclosure_version,
        "paper_copy_request_method": consent.paper_copy_request_method,
        "hardware_capability_affirmed": true,
        "captured_at": consent.captured_at,
        "livemode": false,
    }))
    .into_response())
}
