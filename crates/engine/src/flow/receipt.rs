//! Building, saving and verifying the receipt after a signature.
//!
//! A signature Matter recorded is never lost here: the receipt's JSON is saved with
//! up to three attempts, and when every attempt fails it is returned in memory with
//! the error ([`UnsavedReceipt`]) for the front end to retry or print.
//!
//! The JSON alone is the receipt (it verifies on its own), so the human hears that
//! the receipt is safe ([`Step::RenderingReceipt`]) as soon as it is fsynced; the
//! HTML and PDF copies and the index entry follow.

use std::time::Duration;

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use matter_receipts::{
    verify_path, verify_receipt_at, AppInfo, DocumentInfo, EnvelopeInfo, Mode as ReceiptMode,
    Receipt, ReceiptKind, Rendering, RequestIds, SavedReceipt, ServerReceipt, SignedInUser,
    SigningKeyInfo, StakeholderInfo, StoreError, Timestamps, TrustedKeys, VerificationReport,
    RECEIPT_FORMAT, RECEIPT_FORMAT_VERSION,
};

use super::sign::{Prepared, Signed};
use super::{Engine, SignOutcome, UnsavedReceipt};
use crate::config::Mode;
use crate::interaction::{Interaction, Step, UserView};

/// Attempts at writing the receipt before it is handed back unsaved.
const SAVE_ATTEMPTS: u32 = 3;

pub(super) struct ReceiptInputs {
    pub prepared: Prepared,
    pub user: UserView,
    pub typed_name: String,
    pub signature_text: String,
    pub signed: Signed,
}

pub(super) fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

fn receipt_mode(mode: Mode) -> ReceiptMode {
    match mode {
        Mode::Test => ReceiptMode::Test,
        Mode::Live => ReceiptMode::Live,
    }
}

/// Caches the fetched keys, builds the receipt, saves it and verifies it.
pub(super) async fn finish(
    engine: &Engine,
    inputs: ReceiptInputs,
    ui: &dyn Interaction,
) -> SignOutcome {
    let keys = remember_keys(engine, inputs.prepared.keys_document.as_ref());
    let receipt = build(engine, &inputs, &keys);
    let receipt_id = receipt.receipt_id.clone();
    let document_id = receipt.document.id.clone();

    let saved = match save_json(engine, &receipt).await {
        Ok(()) => {
            ui.progress(Step::RenderingReceipt);
            complete(engine, &receipt).await
        }
        Err(error) => Err(error),
    };
    let saved = saved.map_err(|error| {
        tracing::error!(%error, receipt_id = %receipt_id, "could not save the receipt; returning it unsaved");
        UnsavedReceipt {
            receipt: Box::new(receipt.clone()),
            error,
        }
    });

    let verification = match &saved {
        Ok(saved) => verify_path(&saved.json_path, &keys),
        Err(_) => {
            let (integrity, trust) = verify_receipt_at(&receipt, &keys, engine.clock.now_utc());
            VerificationReport {
                kind: ReceiptKind::Json,
                receipt: Some(receipt.clone()),
                integrity,
                trust,
            }
        }
    };
    if !verification.passed() {
        tracing::warn!(
            receipt_id = %receipt_id,
            integrity = %verification.integrity.reason,
            trust = %verification.trust.reason,
            "the new receipt did not verify"
        );
    }
    SignOutcome {
        receipt_id,
        document_id,
        saved,
        verification,
        replayed: inputs.signed.record.replayed,
        token_field: inputs.signed.token_field,
    }
}

/// Writes the receipt's JSON durably, with up to [`SAVE_ATTEMPTS`] attempts.
async fn save_json(engine: &Engine, receipt: &Receipt) -> Result<(), StoreError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let store = engine.receipts.clone();
        let to_save = receipt.clone();
        // The store does blocking file I/O with fsync; keep it off the async threads.
        let result = tokio::task::spawn_blocking(move || store.save_json(&to_save))
            .await
            .unwrap_or_else(|join_error| Err(join_failure(engine, join_error)));
        match result {
            Ok(paths) => {
                tracing::info!(
                    receipt_id = %receipt.receipt_id,
                    path = %paths.json.display(),
                    attempt,
                    "receipt saved"
                );
                return Ok(());
            }
            Err(error) if attempt < SAVE_ATTEMPTS => {
                tracing::warn!(%error, attempt, "could not save the receipt; retrying");
                tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
            }
            Err(error) => return Err(error),
        }
    }
}

/// Adds the HTML and PDF copies and the index entry to a saved JSON receipt.
///
/// When that fails, the JSON on disk is read back: if it still holds `receipt`, it is
/// the receipt and the failure is reported per file. If it is missing or holds
/// something else (another writer removed or replaced it after [`save_json`]), the
/// JSON is saved again, and an error here means the receipt is not on disk.
async fn complete(engine: &Engine, receipt: &Receipt) -> Result<SavedReceipt, StoreError> {
    let error = match complete_once(engine, receipt).await {
        Ok(saved) => return Ok(saved),
        Err(error) => error,
    };
    tracing::warn!(%error, receipt_id = %receipt.receipt_id, "could not write the receipt's HTML and PDF copies");
    if json_on_disk_is(engine, receipt).await {
        return Ok(failed_renderings(engine, receipt, &error));
    }

    tracing::warn!(receipt_id = %receipt.receipt_id, "the saved receipt JSON is missing or changed; saving it again");
    save_json(engine, receipt).await?;
    Ok(match complete_once(engine, receipt).await {
        Ok(saved) => saved,
        Err(error) => {
            tracing::warn!(%error, receipt_id = %receipt.receipt_id, "the receipt's JSON is saved but its HTML and PDF copies are not");
            failed_renderings(engine, receipt, &error)
        }
    })
}

async fn complete_once(engine: &Engine, receipt: &Receipt) -> Result<SavedReceipt, StoreError> {
    let store = engine.receipts.clone();
    let to_complete = receipt.clone();
    tokio::task::spawn_blocking(move || store.complete(&to_complete))
        .await
        .unwrap_or_else(|join_error| Err(join_failure(engine, join_error)))
}

/// Returns whether the library's `receipt.json` for `receipt` parses to `receipt`.
async fn json_on_disk_is(engine: &Engine, receipt: &Receipt) -> bool {
    let store = engine.receipts.clone();
    let expected = receipt.clone();
    tokio::task::spawn_blocking(move || {
        store
            .load(&expected.receipt_id)
            .is_ok_and(|on_disk| on_disk == expected)
    })
    .await
    .unwrap_or(false)
}

/// Builds the result for a receipt whose JSON is saved but whose HTML, PDF and
/// index entry failed with `error`.
fn failed_renderings(engine: &Engine, receipt: &Receipt, error: &StoreError) -> SavedReceipt {
    let reason = error.to_string();
    let paths = engine.receipts.paths(&receipt.receipt_id);
    let dir = paths
        .as_ref()
        .map(|p| p.dir.clone())
        .unwrap_or_else(|_| engine.receipts.root().to_path_buf());
    let (json_path, html, pdf) = match paths {
        Ok(p) => (p.json, p.html, p.pdf),
        Err(_) => (dir.clone(), dir.clone(), dir.clone()),
    };
    SavedReceipt {
        receipt_id: receipt.receipt_id.clone(),
        dir,
        json_path,
        html: Rendering::Failed {
            path: html,
            reason: reason.clone(),
        },
        pdf: Rendering::Failed {
            path: pdf,
            reason: reason.clone(),
        },
        index_error: Some(reason),
    }
}

fn join_failure(engine: &Engine, join_error: tokio::task::JoinError) -> StoreError {
    StoreError::Io {
        action: "write",
        path: engine.receipts.root().to_path_buf(),
        source: std::io::Error::other(join_error.to_string()),
    }
}

/// Merges the keys fetched with the document into the cache and returns a snapshot.
fn remember_keys(engine: &Engine, keys_document: Option<&Value>) -> TrustedKeys {
    let mut keys = engine
        .trusted_keys
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(document) = keys_document {
        let source = engine.config.keys_url();
        let mode = receipt_mode(engine.config.mode);
        if let Err(error) = keys.remember(mode, document, source.as_str()) {
            tracing::warn!(%error, "could not cache Matter's keys; verifying with the keys in memory");
        }
    }
    keys.clone()
}

fn build(engine: &Engine, inputs: &ReceiptInputs, keys: &TrustedKeys) -> Receipt {
    let prepared = &inputs.prepared;
    let signed = &inputs.signed;
    let record = &signed.record;
    let mode = receipt_mode(engine.config.mode);
    let fields = &prepared.packet.fields;
    let document = &prepared.document.value;

    let server_receipt_value = record.raw.get("receipt").cloned().unwrap_or(Value::Null);
    let server_receipt = ServerReceipt {
        payload: server_receipt_value
            .get("payload")
            .cloned()
            .unwrap_or(Value::Null),
        alg: string_member(&server_receipt_value, "alg"),
        kid: string_member(&server_receipt_value, "kid"),
        signature: string_member(&server_receipt_value, "signature"),
    };
    let mut signature = record.raw.clone();
    if let Value::Object(members) = &mut signature {
        members.remove("receipt");
    }

    let key = keys.find(mode, &server_receipt.kid).next();
    let signing_key = SigningKeyInfo {
        kid: server_receipt.kid.clone(),
        alg: server_receipt.alg.clone(),
        public_key: key.map(|k| k.public_key.clone()).unwrap_or_default(),
        mode,
        source: match key.map(|k| &k.origin) {
            Some(matter_receipts::KeyOrigin::Cached { source, .. }) => source.clone(),
            Some(matter_receipts::KeyOrigin::Pinned) => "pinned in Matter Signer".into(),
            None => engine.config.keys_url().to_string(),
        },
        fetched_at: engine.clock.now_utc(),
    };
    if key.is_none() {
        // NOTE: the receipt is still written; its trust verdict fails until the key
        // is known, and `matter-signer receipts verify` explains why.
        tracing::warn!(kid = %server_receipt.kid, "no trusted key has the receipt's kid");
    }

    let local_offset = UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC);
    let now = engine.clock.now_utc();
    Receipt {
        format: RECEIPT_FORMAT.into(),
        format_version: RECEIPT_FORMAT_VERSION,
        receipt_id: record.id.clone(),
        mode,
        api_base: engine.config.api_base.to_string(),
        app: AppInfo {
            name: "matter-signer".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            front_end: engine.front_end.as_str().into(),
        },
        document: DocumentInfo {
            id: document.id.clone(),
            title: document.title.clone(),
            entity_id: document.entity_id.clone(),
            entity_name: document.entity_name.clone(),
            sha256: document.sha256.clone(),
            byte_length: document.byte_length,
        },
        envelope: fields.envelope.as_ref().and_then(|envelope| {
            let signer_id = match &prepared.target {
                crate::api::signing_sessions::SessionTarget::EnvelopeSlot { signer_id, .. } => {
                    signer_id.clone()
                }
                _ => return None,
            };
            Some(EnvelopeInfo {
                id: envelope.id.clone(),
                subject: envelope.subject.clone(),
                signer_id,
                position: envelope.position,
                signer_count: envelope.signer_count,
            })
        }),
        stakeholder: StakeholderInfo {
            id: fields.stakeholder.id.clone(),
            name: fields.stakeholder.name.clone(),
        },
        signed_in_user: SignedInUser {
            user_id: inputs.user.user_id.clone(),
            email: inputs.user.email.clone(),
            name: inputs.user.name.clone(),
            issuer: engine.config.issuer.to_string(),
        },
        typed_name: inputs.typed_name.clone(),
        electronic_signature_text: inputs.signature_text.clone(),
        disclosure_packet: prepared.packet.raw.clone(),
        disclosure_packet_hash: prepared.packet.hash.clone(),
        signing_session_id: signed.session_id.clone(),
        signature,
        server_receipt,
        signing_key,
        request_ids: RequestIds {
            document: prepared.document.request_id.clone().unwrap_or_default(),
            dry_run: prepared.dry_run_request_id.clone().unwrap_or_default(),
            create_session: signed.session_request_id.clone().unwrap_or_default(),
            sign: record.request_id.clone().unwrap_or_default(),
        },
        timestamps: Timestamps {
            server_signed_at: record.signed_at,
            local_signed_at: now.to_offset(local_offset),
            session_created_at: signed.session_created_at,
            session_expires_at: signed.session_expires_at,
            signed_in_at: engine.auth.last_interactive_sign_in_at().unwrap_or(now),
        },
    }
}

fn string_member(value: &Value, name: &str) -> String {
    value
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}
