//! Documents, dry runs, signing sessions, sign calls, receipts and ESRA consent over real
//! HTTP, with each failure code.

mod common;

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::*;
use ed25519_dalek::{Signature, Verifier as _, VerifyingKey};
use matter_sandbox::{seed, Route, SessionStatus, TokenField};
use serde_json::{json, Value};
use sha2::{Digest as _, Sha256};

fn sign_body(packet_hash: &str) -> Value {
    json!({
        "electronic_signature_text": "Jane Q. Founder",
        "disclosure_packet_hash": packet_hash,
        "client_metadata": {"app": "matter-signer-tests"},
    })
}

/// Fetches `/.well-known/matter-keys.json`.
async fn matter_keys(harness: &Harness) -> Value {
    harness
        .http
        .get(harness.sandbox.keys_url())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Opens Jane's board-consent session and spends its token on the sign call.
async fn sign_board_as_jane(harness: &Harness, access: &str) -> reqwest::Response {
    let (_, session) = harness.open_session(access, &jane_board_consent()).await;
    let token = session["signature_token"].as_str().unwrap();
    let hash = session["disclosure_packet_hash"].as_str().unwrap();
    harness.post_new(SIGN_BOARD, token, &sign_body(hash)).await
}

/// Returns the signed bytes (JCS of the receipt payload) and the receipt's Ed25519 signature.
fn receipt_message(signature: &Value) -> (Vec<u8>, Signature) {
    let canonical = serde_json_canonicalizer::to_vec(&signature["receipt"]["payload"]).unwrap();
    let sig_bytes: [u8; 64] = URL_SAFE_NO_PAD
        .decode(signature["receipt"]["signature"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    (canonical, Signature::from_bytes(&sig_bytes))
}

async fn sign_with(
    harness: &Harness,
    path: &str,
    token: &str,
    key: &str,
    body: &Value,
) -> reqwest::Response {
    harness.post(path, token, key, body).await
}

fn envelope_slot(stakeholder: &str, signer: &str) -> Value {
    json!({
        "stakeholder_id": stakeholder,
        "signing_envelope_id": seed::OPTION_PLAN_ENVELOPE_ID,
        "signer_id": signer,
    })
}

const SIGN_BOARD: &str = "/v1/documents/doc_board_consent_2026/sign";

#[tokio::test]
async fn document_has_pdf_whose_sha256_matches() {
    let harness = start().await;
    let access = harness.jane().await;
    for id in [
        seed::BOARD_CONSENT_DOC_ID,
        seed::NDA_DOC_ID,
        seed::ELECTION_83B_DOC_ID,
        seed::OPTION_PLAN_DOC_ID,
    ] {
        let document: Value = harness
            .get(&format!("/v1/documents/{id}"), &access)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(document["object"], "document", "{id}");
        assert_eq!(document["entity_id"], seed::ENTITY_ID, "{id}");
        assert_eq!(document["execution_status"], "sent", "{id}");
        let content = harness
            .get(&format!("/v1/documents/{id}/content"), &access)
            .await;
        assert_eq!(content.headers()["content-type"], "application/pdf", "{id}");
        let bytes = content.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-1.4"), "{id}");
        assert_eq!(document["byte_length"], bytes.len(), "{id}");
        assert_eq!(
            document["sha256"],
            hex::encode(Sha256::digest(&bytes)),
            "{id}"
        );
    }
}

#[tokio::test]
async fn seeded_sha256_is_stable_across_sandboxes() {
    let first = start().await;
    let second = start().await;
    assert_eq!(
        first.control.document_sha256(seed::BOARD_CONSENT_DOC_ID),
        second.control.document_sha256(seed::BOARD_CONSENT_DOC_ID)
    );
}

#[tokio::test]
async fn envelope_lists_sequential_signers() {
    let harness = start().await;
    let access = harness.jane().await;
    let envelope: Value = harness
        .get("/v1/signing_envelopes/env_option_plan_2026", &access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(envelope["object"], "signing_envelope");
    assert_eq!(envelope["routing"], "sequential");
    assert_eq!(envelope["status"], "sent");
    assert_eq!(
        envelope["signers"][0]["id"],
        seed::OPTION_PLAN_JANE_SIGNER_ID
    );
    assert_eq!(envelope["signers"][0]["order"], 1);
    assert_eq!(
        envelope["signers"][1]["id"],
        seed::OPTION_PLAN_SAM_SIGNER_ID
    );
    assert_eq!(envelope["signers"][1]["order"], 2);
    let (status, body) = problem(
        harness
            .get("/v1/signing_envelopes/env_missing_one", &access)
            .await,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["param"], "signing_envelope_id");
}

#[tokio::test]
async fn dry_run_packet_hash_is_jcs_sha256() {
    let harness = start().await;
    let access = harness.jane().await;
    let response = harness
        .post_new(
            "/v1/signing_sessions?dry_run=true",
            &access,
            &jane_board_consent(),
        )
        .await;
    assert_eq!(response.status(), 200);
    let packet: Value = response.json().await.unwrap();
    assert_eq!(packet["object"], "disclosure_packet");
    assert_eq!(packet["who_bears_risk"], "customer");
    assert!(!packet["consequences"].as_array().unwrap().is_empty());
    assert!(!packet["irreversible_effects"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(!packet["ongoing_obligations"].as_array().unwrap().is_empty());
    assert!(packet["signature_attestation"]
        .as_str()
        .unwrap()
        .contains("{typed_name}"));
    assert_eq!(
        packet["document"]["sha256"],
        harness
            .control
            .document_sha256(seed::BOARD_CONSENT_DOC_ID)
            .unwrap()
    );
    let mut without = packet.clone();
    without.as_object_mut().unwrap().remove("packet_hash");
    let canonical = serde_json_canonicalizer::to_vec(&without).unwrap();
    assert_eq!(
        packet["packet_hash"],
        hex::encode(Sha256::digest(canonical))
    );
    assert!(
        harness.control.sessions().is_empty(),
        "dry run creates nothing"
    );
}

#[tokio::test]
async fn dry_run_is_deterministic() {
    let harness = start().await;
    let access = harness.jane().await;
    let mut hashes = Vec::new();
    for _ in 0..2 {
        let packet: Value = harness
            .post_new(
                "/v1/signing_sessions?dry_run=true",
                &access,
                &jane_board_consent(),
            )
            .await
            .json()
            .await
            .unwrap();
        hashes.push(packet["packet_hash"].clone());
    }
    assert_eq!(hashes[0], hashes[1]);
}

#[tokio::test]
async fn session_has_documented_shape() {
    let harness = start().await;
    let access = harness.jane().await;
    let (packet, session) = harness.open_session(&access, &jane_board_consent()).await;
    assert!(session["id"].as_str().unwrap().starts_with("ssn_"));
    assert_eq!(session["object"], "signing_session");
    assert_eq!(session["target"]["type"], "document");
    assert_eq!(session["target"]["document_id"], seed::BOARD_CONSENT_DOC_ID);
    assert_eq!(session["stakeholder_id"], seed::JANE_STAKEHOLDER_ID);
    assert_eq!(session["human_clerk_user_id"], seed::JANE_USER_ID);
    assert_eq!(session["status"], "pending");
    assert_eq!(session["livemode"], false);
    assert_eq!(
        session["expires_at"].as_i64().unwrap() - session["created_at"].as_i64().unwrap(),
        900
    );
    assert!(session["signature_token"]
        .as_str()
        .unwrap()
        .starts_with("sig_"));
    assert_eq!(session["disclosure_packet_hash"], packet["packet_hash"]);
}

#[tokio::test]
async fn token_field_variant_is_signing_token() {
    let harness = start().await;
    harness.control.set_token_field(TokenField::SigningToken);
    let access = harness.jane().await;
    let (_, session) = harness.open_session(&access, &jane_board_consent()).await;
    assert!(session["signing_token"]
        .as_str()
        .unwrap()
        .starts_with("sig_"));
    assert!(session.get("signature_token").is_none());
}

#[tokio::test]
async fn get_session_never_returns_token_and_tracks_status() {
    let harness = start().await;
    let access = harness.jane().await;
    let (_, session) = harness.open_session(&access, &jane_board_consent()).await;
    let path = format!("/v1/signing_sessions/{}", session["id"].as_str().unwrap());
    let fetched: Value = harness.get(&path, &access).await.json().await.unwrap();
    assert_eq!(fetched["status"], "pending");
    assert!(fetched.get("signature_token").is_none());
    assert!(fetched.get("signing_token").is_none());
    let text = fetched.to_string();
    assert!(!text.contains(session["signature_token"].as_str().unwrap()));

    let token = session["signature_token"].as_str().unwrap();
    let signed = harness
        .post_new(
            SIGN_BOARD,
            token,
            &sign_body(session["disclosure_packet_hash"].as_str().unwrap()),
        )
        .await;
    assert_eq!(signed.status(), 200);
    let fetched: Value = harness.get(&path, &access).await.json().await.unwrap();
    assert_eq!(fetched["status"], "consumed");

    let (_, second) = harness
        .open_session(
            &access,
            &json!({"stakeholder_id": seed::JANE_STAKEHOLDER_ID, "document_id": seed::NDA_DOC_ID}),
        )
        .await;
    harness.control.advance_clock(Duration::from_secs(901));
    let path = format!("/v1/signing_sessions/{}", second["id"].as_str().unwrap());
    let fetched: Value = harness
        .get(&path, &harness.jane().await)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fetched["status"], "expired");
}

#[tokio::test]
async fn another_users_session_is_not_found() {
    let harness = start().await;
    let jane = harness.jane().await;
    let (_, session) = harness.open_session(&jane, &jane_board_consent()).await;
    let sam = harness
        .sign_in(seed::SAM_EMAIL, seed::SAM_PASSWORD)
        .await
        .access_token;
    let path = format!("/v1/signing_sessions/{}", session["id"].as_str().unwrap());
    let (status, body) = problem(harness.get(&path, &sam).await).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "not_found");
}

#[tokio::test]
async fn stale_sign_in_requires_reauthentication() {
    let harness = start().await;
    let access = harness.jane().await;
    harness.control.advance_clock(Duration::from_secs(301));
    let (status, body) = problem(
        harness
            .post_new("/v1/signing_sessions", &access, &jane_board_consent())
            .await,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["code"], "reauthentication_required");
    let fresh = harness.jane().await;
    let created = harness
        .post_new("/v1/signing_sessions", &fresh, &jane_board_consent())
        .await;
    assert_eq!(created.status(), 200);
}

#[tokio::test]
async fn stakeholder_of_other_user_is_forbidden() {
    let harness = start().await;
    let sam = harness
        .sign_in(seed::SAM_EMAIL, seed::SAM_PASSWORD)
        .await
        .access_token;
    let (status, body) = problem(
        harness
            .post_new("/v1/signing_sessions", &sam, &jane_board_consent())
            .await,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["code"], "stakeholder_not_linked_to_user");
    assert_eq!(body["param"], "stakeholder_id");
}

#[tokio::test]
async fn non_natural_person_is_forbidden() {
    let harness = start().await;
    let ops = harness
        .sign_in(seed::OPS_EMAIL, seed::OPS_PASSWORD)
        .await
        .access_token;
    let body = json!({"stakeholder_id": seed::HOLDINGS_STAKEHOLDER_ID, "document_id": seed::BOARD_CONSENT_DOC_ID});
    let (status, problem_body) =
        problem(harness.post_new("/v1/signing_sessions", &ops, &body).await).await;
    assert_eq!(status, 403);
    assert_eq!(problem_body["code"], "stakeholder_not_natural_person");
}

#[tokio::test]
async fn stakeholder_not_assigned_to_target_is_forbidden() {
    let harness = start().await;
    let access = harness.jane().await;
    let body = json!({"stakeholder_id": seed::JANE_STAKEHOLDER_ID, "document_id": seed::ELECTION_83B_DOC_ID});
    let (status, problem_body) = problem(
        harness
            .post_new("/v1/signing_sessions", &access, &body)
            .await,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(problem_body["code"], "stakeholder_not_signer");
}

#[tokio::test]
async fn unknown_targets_are_not_found() {
    let harness = start().await;
    let access = harness.jane().await;
    let cases = [
        (
            json!({"stakeholder_id": seed::JANE_STAKEHOLDER_ID, "document_id": "doc_missing_doc"}),
            "document_id",
        ),
        (
            json!({"stakeholder_id": "stk_missing_one", "document_id": seed::BOARD_CONSENT_DOC_ID}),
            "stakeholder_id",
        ),
        (
            envelope_slot(seed::JANE_STAKEHOLDER_ID, "sgr_missing_slot"),
            "signer_id",
        ),
    ];
    for (body, param) in cases {
        let (status, problem_body) = problem(
            harness
                .post_new("/v1/signing_sessions", &access, &body)
                .await,
        )
        .await;
        assert_eq!(status, 404, "{param}");
        assert_eq!(problem_body["param"], param);
    }
}

#[tokio::test]
async fn missing_consent_blocks_session_until_recorded() {
    let harness = start().await;
    let lee = harness
        .sign_in(seed::LEE_EMAIL, seed::LEE_PASSWORD)
        .await
        .access_token;
    let body = json!({"stakeholder_id": seed::LEE_STAKEHOLDER_ID, "document_id": seed::ELECTION_83B_DOC_ID});
    let (status, problem_body) =
        problem(harness.post_new("/v1/signing_sessions", &lee, &body).await).await;
    assert_eq!(status, 409);
    assert_eq!(problem_body["code"], "state_esra_consent_required");

    let text: Value = harness
        .get("/v1/acknowledgements/esra_consent", &lee)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(text["slug"], "esra_consent");
    assert!(text["text"].as_str().unwrap().contains("paper copy"));

    let consent = harness
        .post_new(
            "/v1/consents/esra",
            &lee,
            &json!({"stakeholder_id": seed::LEE_STAKEHOLDER_ID, "hardware_capability_affirmed": true, "paper_copy_request_method": "email"}),
        )
        .await;
    assert_eq!(consent.status(), 200);
    let consent: Value = consent.json().await.unwrap();
    assert!(consent["id"].as_str().unwrap().starts_with("esc_"));
    assert!(harness
        .control
        .consents()
        .iter()
        .any(|recorded| recorded.stakeholder_id == seed::LEE_STAKEHOLDER_ID));

    let (_, session) = harness.open_session(&lee, &body).await;
    let signed: Value = harness
        .post_new(
            "/v1/documents/doc_83b_election_lee/sign",
            session["signature_token"].as_str().unwrap(),
            &sign_body(session["disclosure_packet_hash"].as_str().unwrap()),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(signed["consent_record"]["consent_id"], consent["id"]);
}

#[tokio::test]
async fn consent_input_is_validated() {
    let harness = start().await;
    let lee = harness
        .sign_in(seed::LEE_EMAIL, seed::LEE_PASSWORD)
        .await
        .access_token;
    let cases = [
        (
            json!({"stakeholder_id": seed::LEE_STAKEHOLDER_ID, "hardware_capability_affirmed": false, "paper_copy_request_method": "email"}),
            422,
            "hardware_capability_affirmed",
        ),
        (
            json!({"stakeholder_id": seed::LEE_STAKEHOLDER_ID, "paper_copy_request_method": "email"}),
            422,
            "hardware_capability_affirmed",
        ),
        (
            json!({"stakeholder_id": seed::LEE_STAKEHOLDER_ID, "hardware_capability_affirmed": true, "paper_copy_request_method": "fax"}),
            422,
            "paper_copy_request_method",
        ),
        (
            json!({"stakeholder_id": seed::LEE_STAKEHOLDER_ID, "hardware_capability_affirmed": true, "paper_copy_request_method": "email", "captured_via": "web"}),
            422,
            "captured_via",
        ),
        (
            json!({"stakeholder_id": seed::JANE_STAKEHOLDER_ID, "hardware_capability_affirmed": true, "paper_copy_request_method": "email"}),
            403,
            "stakeholder_id",
        ),
    ];
    for (body, expected, param) in cases {
        let (status, problem_body) =
            problem(harness.post_new("/v1/consents/esra", &lee, &body).await).await;
        assert_eq!(status, expected, "{param}");
        assert_eq!(problem_body["param"], param);
    }
    assert!(!harness
        .control
        .consents()
        .iter()
        .any(|recorded| recorded.stakeholder_id == seed::LEE_STAKEHOLDER_ID));
}

#[tokio::test]
async fn sign_returns_receipt_that_verifies() {
    let harness = start().await;
    let access = harness.jane().await;
    let response = sign_board_as_jane(&harness, &access).await;
    assert_eq!(response.status(), 200);
    let request_id = response.headers()["matter-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let signature: Value = response.json().await.unwrap();
    assert!(signature["id"].as_str().unwrap().starts_with("sgn_"));
    assert_eq!(signature["legal_basis"], "esra_consent");
    assert_eq!(
        signature["consent_record"]["consent_id"],
        "esc_jane_founder_2026"
    );
    assert_eq!(signature["execution_status"], "executed");
    assert_eq!(
        signature["receipt"]["payload"]["request_id"],
        request_id.as_str()
    );
    assert_eq!(signature["receipt"]["alg"], "Ed25519");

    let keys = matter_keys(&harness).await;
    let kid = signature["receipt"]["kid"].as_str().unwrap();
    let key = keys["test"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["kid"] == kid)
        .expect("receipt kid listed under test");
    assert!(keys["live"]
        .as_array()
        .unwrap()
        .iter()
        .all(|live| live["kid"] != kid));
    let public: [u8; 32] = URL_SAFE_NO_PAD
        .decode(key["x"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let verifying = VerifyingKey::from_bytes(&public).unwrap();
    let (canonical, ed_signature) = receipt_message(&signature);
    assert!(verifying.verify(&canonical, &ed_signature).is_ok());
    let mut tampered = signature["receipt"]["payload"].clone();
    tampered["electronic_signature_text"] = json!("Someone Else");
    let tampered = serde_json_canonicalizer::to_vec(&tampered).unwrap();
    assert!(verifying.verify(&tampered, &ed_signature).is_err());

    let document: Value = harness
        .get("/v1/documents/doc_board_consent_2026", &access)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(document["execution_status"], "executed");
    assert_eq!(document["signatures"][0]["legal_basis"], "esra_consent");
    assert_eq!(document["signatures"][0]["id"], signature["id"]);
}

#[tokio::test]
async fn receipt_fails_under_live_keys() {
    let harness = start().await;
    let access = harness.jane().await;
    let response = sign_board_as_jane(&harness, &access).await;
    assert_eq!(response.status(), 200);
    let signature: Value = response.json().await.unwrap();
    let keys = matter_keys(&harness).await;
    let (canonical, ed_signature) = receipt_message(&signature);
    let live = keys["live"].as_array().unwrap();
    assert!(!live.is_empty(), "the sandbox lists a live key");
    let test_keys: Vec<&Value> = keys["test"].as_array().unwrap().iter().collect();
    for key in live {
        let x = key["x"].as_str().unwrap();
        assert!(
            test_keys.iter().all(|test| test["x"] != x),
            "live key {} is also a test key",
            key["kid"]
        );
        let public: [u8; 32] = URL_SAFE_NO_PAD.decode(x).unwrap().try_into().unwrap();
        let verifying = VerifyingKey::from_bytes(&public).unwrap();
        assert!(
            verifying.verify(&canonical, &ed_signature).is_err(),
            "receipt verifies under live key {}",
            key["kid"]
        );
        assert_ne!(signature["receipt"]["kid"], key["kid"]);
    }
}

#[tokio::test]
async fn live_key_has_no_public_seed() {
    // An earlier sandbox derived its live key as SHA-256 of this label, so anyone could sign
    // with it; the key listed now must not be that one (its private half is unknown).
    let harness = start().await;
    let keys = matter_keys(&harness).await;
    let seed: [u8; 32] =
        Sha256::digest(b"matter-sandbox receipt key, live mode, 2026 (sandbox only)").into();
    let derived = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
    let derived = URL_SAFE_NO_PAD.encode(derived.as_bytes());
    for key in keys["live"].as_array().unwrap() {
        assert_ne!(key["x"].as_str().unwrap(), derived);
    }
}

#[tokio::test]
async fn unknown_sign_token_is_401() {
    let harness = start().await;
    let (status, body) = problem(
        harness
            .post_new(SIGN_BOARD, "sig_unknown", &sign_body("00"))
            .await,
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "auth_token_invalid");
}

#[tokio::test]
async fn oauth_token_on_sign_route_is_rejected() {
    let harness = start().await;
    let access = harness.jane().await;
    let (status, body) = problem(
        harness
            .post_new(SIGN_BOARD, &access, &sign_body("00"))
            .await,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["code"], "invalid_session_token");
}

#[tokio::test]
async fn expired_session_is_410() {
    let harness = start().await;
    let access = harness.jane().await;
    let (_, session) = harness.open_session(&access, &jane_board_consent()).await;
    harness.control.advance_clock(Duration::from_secs(900));
    let (status, body) = problem(
        harness
            .post_new(
                SIGN_BOARD,
                session["signature_token"].as_str().unwrap(),
                &sign_body(session["disclosure_packet_hash"].as_str().unwrap()),
            )
            .await,
    )
    .await;
    assert_eq!(status, 410);
    assert_eq!(body["code"], "session_expired");
    assert!(harness
        .control
        .signatures(seed::BOARD_CONSENT_DOC_ID)
        .is_empty());
}

#[tokio::test]
async fn token_used_twice_is_409() {
    let harness = start().await;
    let access = harness.jane().await;
    let (_, session) = harness.open_session(&access, &jane_board_consent()).await;
    let token = session["signature_token"].as_str().unwrap();
    let body = sign_body(session["disclosure_packet_hash"].as_str().unwrap());
    assert_eq!(
        harness.post_new(SIGN_BOARD, token, &body).await.status(),
        200
    );
    let (status, problem_body) = problem(harness.post_new(SIGN_BOARD, token, &body).await).await;
    assert_eq!(status, 409);
    assert_eq!(problem_body["code"], "session_already_consumed");
    assert_eq!(
        harness.control.signatures(seed::BOARD_CONSENT_DOC_ID).len(),
        1
    );
}

#[tokio::test]
async fn sign_retry_with_same_key_replays() {
    let harness = start().await;
    let access = harness.jane().await;
    let (_, session) = harness.open_session(&access, &jane_board_consent()).await;
    let token = session["signature_token"].as_str().unwrap();
    let body = sign_body(session["disclosure_packet_hash"].as_str().unwrap());
    let key = uuid::Uuid::new_v4().to_string();
    let first: Value = sign_with(&harness, SIGN_BOARD, token, &key, &body)
        .await
        .json()
        .await
        .unwrap();
    let again = sign_with(&harness, SIGN_BOARD, token, &key, &body).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
}

#[tokio::test]
async fn wrong_target_is_403() {
    let harness = start().await;
    let access = harness.jane().await;
    let (_, session) = harness.open_session(&access, &jane_board_consent()).await;
    let (status, body) = problem(
        harness
            .post_new(
                "/v1/documents/doc_mutual_nda_globex/sign",
                session["signature_token"].as_str().unwrap(),
                &sign_body(session["disclosure_packet_hash"].as_str().unwrap()),
            )
            .await,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(body["code"], "session_target_mismatch");
    let session_id = session["id"].as_str().unwrap();
    assert!(harness
        .control
        .sessions()
        .iter()
        .any(|summary| summary.id == session_id && summary.status == SessionStatus::Pending));
}

#[tokio::test]
async fn sign_body_is_validated() {
    let harness = start().await;
    let access = harness.jane().await;
    let (_, session) = harness.open_session(&access, &jane_board_consent()).await;
    let token = session["signature_token"].as_str().unwrap();
    let hash = session["disclosure_packet_hash"].as_str().unwrap();
    let long = "x".repeat(2001);
    let cases = [
        (
            json!({"disclosure_packet_hash": hash}),
            422,
            "electronic_signature_text",
        ),
        (
            json!({"electronic_signature_text": "   ", "disclosure_packet_hash": hash}),
            422,
            "electronic_signature_text",
        ),
        (
            json!({"electronic_signature_text": long, "disclosure_packet_hash": hash}),
            422,
            "electronic_signature_text",
        ),
        (
            json!({"electronic_signature_text": "Jane Q. Founder"}),
            422,
            "disclosure_packet_hash",
        ),
        (
            json!({"electronic_signature_text": "Jane Q. Founder", "disclosure_packet_hash": hash, "client_metadata": {"n": 1}}),
            422,
            "client_metadata",
        ),
        (
            json!({"electronic_signature_text": "Jane Q. Founder", "disclosure_packet_hash": hash, "typed": true}),
            422,
            "typed",
        ),
        (
            json!({"electronic_signature_text": "Jane Q. Founder", "disclosure_packet_hash": "0".repeat(64)}),
            409,
            "disclosure_packet_hash",
        ),
    ];
    for (body, expected, param) in cases {
        let (status, problem_body) =
            problem(harness.post_new(SIGN_BOARD, token, &body).await).await;
        assert_eq!(status, expected, "{param}");
        assert_eq!(problem_body["param"], param, "{param}");
    }
    assert!(harness
        .control
        .signatures(seed::BOARD_CONSENT_DOC_ID)
        .is_empty());
    let ok = harness.post_new(SIGN_BOARD, token, &sign_body(hash)).await;
    assert_eq!(ok.status(), 200, "the session survives rejected attempts");
}

#[tokio::test]
async fn packet_hash_mismatch_code() {
    let harness = start().await;
    let access = harness.jane().await;
    let (_, session) = harness.open_session(&access, &jane_board_consent()).await;
    let (status, body) = problem(
        harness
            .post_new(
                SIGN_BOARD,
                session["signature_token"].as_str().unwrap(),
                &sign_body(&"f".repeat(64)),
            )
            .await,
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["code"], "disclosure_packet_hash_mismatch");
}

#[tokio::test]
async fn amended_document_changes_hash_and_blocks_old_session() {
    let harness = start().await;
    let access = harness.jane().await;
    let (packet, session) = harness.open_session(&access, &jane_board_consent()).await;
    let new_sha = harness
        .control
        .amend_document(seed::BOARD_CONSENT_DOC_ID)
        .unwrap();
    assert_ne!(packet["document"]["sha256"], new_sha.as_str());
    let new_packet: Value = harness
        .post_new(
            "/v1/signing_sessions?dry_run=true",
            &access,
            &jane_board_consent(),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(new_packet["packet_hash"], packet["packet_hash"]);
    let (status, body) = problem(
        harness
            .post_new(
                SIGN_BOARD,
                session["signature_token"].as_str().unwrap(),
                &sign_body(session["disclosure_packet_hash"].as_str().unwrap()),
            )
            .await,
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["code"], "disclosure_packet_hash_mismatch");
    let content = harness
        .get("/v1/documents/doc_board_consent_2026/content", &access)
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(hex::encode(Sha256::digest(&content)), new_sha);
}

#[tokio::test]
async fn corrupted_packet_hash_differs_from_session() {
    let harness = start().await;
    let access = harness.jane().await;
    harness.control.corrupt_next_packet_hash(1);
    let (packet, session) = harness.open_session(&access, &jane_board_consent()).await;
    assert_ne!(packet["packet_hash"], session["disclosure_packet_hash"]);
    let mut without = packet.clone();
    without.as_object_mut().unwrap().remove("packet_hash");
    let recomputed = hex::encode(Sha256::digest(
        serde_json_canonicalizer::to_vec(&without).unwrap(),
    ));
    assert_ne!(packet["packet_hash"], recomputed.as_str());
    assert_eq!(session["disclosure_packet_hash"], recomputed.as_str());
}

#[tokio::test]
async fn already_signed_blocks_new_session() {
    let harness = start().await;
    let access = harness.jane().await;
    let (_, session) = harness.open_session(&access, &jane_board_consent()).await;
    harness
        .post_new(
            SIGN_BOARD,
            session["signature_token"].as_str().unwrap(),
            &sign_body(session["disclosure_packet_hash"].as_str().unwrap()),
        )
        .await;
    let (status, body) = problem(
        harness
            .post_new("/v1/signing_sessions", &access, &jane_board_consent())
            .await,
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["code"], "state_transition_invalid");
    assert_eq!(body["current_state"], "signed");
}

#[tokio::test]
async fn envelope_order_is_enforced() {
    let harness = start().await;
    let sam = harness
        .sign_in(seed::SAM_EMAIL, seed::SAM_PASSWORD)
        .await
        .access_token;
    let sam_slot = envelope_slot(seed::SAM_STAKEHOLDER_ID, seed::OPTION_PLAN_SAM_SIGNER_ID);
    let (status, body) = problem(
        harness
            .post_new("/v1/signing_sessions", &sam, &sam_slot)
            .await,
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(body["code"], "state_transition_invalid");
    assert_eq!(body["current_state"], "awaiting_prior_signer");

    let jane = harness.jane().await;
    let jane_slot = envelope_slot(seed::JANE_STAKEHOLDER_ID, seed::OPTION_PLAN_JANE_SIGNER_ID);
    let (packet, session) = harness.open_session(&jane, &jane_slot).await;
    assert_eq!(packet["action"], "sign_envelope_slot");
    assert_eq!(packet["envelope"]["position"], 1);
    let path = "/v1/signing_envelopes/env_option_plan_2026/signers/sgr_option_plan_jane/sign";
    let signed: Value = harness
        .post_new(
            path,
            session["signature_token"].as_str().unwrap(),
            &sign_body(session["disclosure_packet_hash"].as_str().unwrap()),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(signed["execution_status"], "partially_signed");
    assert_eq!(signed["signer_id"], seed::OPTION_PLAN_JANE_SIGNER_ID);

    let sam = harness
        .sign_in(seed::SAM_EMAIL, seed::SAM_PASSWORD)
        .await
        .access_token;
    let (_, sam_session) = harness.open_session(&sam, &sam_slot).await;
    let path = "/v1/signing_envelopes/env_option_plan_2026/signers/sgr_option_plan_sam/sign";
    let mut body = sign_body(sam_session["disclosure_packet_hash"].as_str().unwrap());
    body["electronic_signature_text"] = json!("Sam R. Director");
    let signed: Value = harness
        .post_new(
            path,
            sam_session["signature_token"].as_str().unwrap(),
            &body,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(signed["execution_status"], "executed");
    let envelope: Value = harness
        .get("/v1/signing_envelopes/env_option_plan_2026", &sam)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(envelope["status"], "completed");
}

#[tokio::test]
async fn envelope_document_needs_envelope_target() {
    let harness = start().await;
    let access = harness.jane().await;
    let body = json!({"stakeholder_id": seed::JANE_STAKEHOLDER_ID, "document_id": seed::OPTION_PLAN_DOC_ID});
    let (status, problem_body) = problem(
        harness
            .post_new("/v1/signing_sessions", &access, &body)
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(problem_body["param"], "document_id");
}

#[tokio::test]
async fn drop_after_commit_then_retry_replays() {
    let harness = start().await;
    let access = harness.jane().await;
    let (_, session) = harness.open_session(&access, &jane_board_consent()).await;
    let token = session["signature_token"].as_str().unwrap();
    let body = sign_body(session["disclosure_packet_hash"].as_str().unwrap());
    let key = uuid::Uuid::new_v4().to_string();
    harness.control.drop_after_commit(Route::SignDocument, 1);
    let dropped = harness
        .http
        .post(harness.url(SIGN_BOARD))
        .bearer_auth(token)
        .header("Matter-Version", VERSION)
        .header("Idempotency-Key", &key)
        .json(&body)
        .send()
        .await;
    assert!(dropped.is_err(), "the connection closes without a response");
    let committed = harness.control.signatures(seed::BOARD_CONSENT_DOC_ID);
    assert_eq!(committed.len(), 1, "the signature was committed");
    let retry = harness.post(SIGN_BOARD, token, &key, &body).await;
    assert_eq!(retry.status(), 200);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry["id"], committed[0].id.as_str());
    assert_eq!(
        harness.control.signatures(seed::BOARD_CONSENT_DOC_ID).len(),
        1
    );
}

#[tokio::test]
async fn drop_after_commit_on_session_creation() {
    let harness = start().await;
    let access = harness.jane().await;
    harness
        .control
        .drop_after_commit(Route::CreateSigningSession, 1);
    let key = uuid::Uuid::new_v4().to_string();
    let dropped = harness
        .http
        .post(harness.url("/v1/signing_sessions"))
        .bearer_auth(&access)
        .header("Matter-Version", VERSION)
        .header("Idempotency-Key", &key)
        .json(&jane_board_consent())
        .send()
        .await;
    assert!(dropped.is_err());
    assert_eq!(harness.control.sessions().len(), 1);
    let retry: Value = harness
        .post("/v1/signing_sessions", &access, &key, &jane_board_consent())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(retry["id"], harness.control.sessions()[0].id.as_str());
}

#[tokio::test]
async fn sign_log_records_sig_bearer_kind() {
    let harness = start().await;
    let access = harness.jane().await;
    let (_, session) = harness.open_session(&access, &jane_board_consent()).await;
    let token = session["signature_token"].as_str().unwrap();
    harness
        .post_new(
            SIGN_BOARD,
            token,
            &sign_body(session["disclosure_packet_hash"].as_str().unwrap()),
        )
        .await;
    let log = harness.control.request_log();
    let entry = log.iter().find(|entry| entry.path == SIGN_BOARD).unwrap();
    assert_eq!(entry.bearer, matter_sandbox::BearerKind::Sig);
    assert!(!format!("{log:?}").contains(token));
}

#[tokio::test]
async fn seeded_document_hashes_are_pinned() {
    // These values are published in docs/sandbox.md; a change to the seed text or the PDF
    // writer changes them and must update that page too.
    let harness = start().await;
    let pinned = [
        (
            seed::BOARD_CONSENT_DOC_ID,
            "1656e45296d80765b8f4b25622c95c69b757de2b44f6f39915070f6df230cbb1",
        ),
        (
            seed::NDA_DOC_ID,
            "04f3e1778cde0779e33dad4c506ae0355b8fb9c1e8662a6d97cec1c8569dbc26",
        ),
        (
            seed::ELECTION_83B_DOC_ID,
            "55c5803c6207c35064002e679b8e65d5b133a9f9c87972fb5d487ecb4f622299",
        ),
        (
            seed::OPTION_PLAN_DOC_ID,
            "b63cc00ea9d0322a150381e5e65f9cdab2686c12c576c28d1beec7bb132a28d2",
        ),
    ];
    for (id, expected) in pinned {
        assert_eq!(
            harness.control.document_sha256(id).unwrap(),
            expected,
            "{id}"
        );
    }
}
