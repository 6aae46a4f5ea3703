//! Freshness, re-authentication, expiry, lost answers, hash mismatches and refusals,
//! end to end against the sandbox over real HTTP.

mod flow_support;

use std::time::Duration;

use flow_support::{board_consent_link, document_link, envelope_link, Harness, ReviewScript};
use matter_engine::interaction::{SignInReason, Step};
use matter_sandbox::{seed, Route};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_sign_in_forces_new_one() {
    let harness = Harness::start().await;
    harness.engine.sign_in(&harness.ui).await.expect("sign in");
    // Five minutes pass on both sides: the engine must not rely on the old sign-in.
    harness.clock.advance(Duration::from_secs(5 * 60));
    harness.control().advance_clock(Duration::from_secs(5 * 60));

    harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("signing succeeds after a fresh sign-in");

    assert_eq!(harness.control().interactive_sign_ins(), 2);
    let prompts = harness.ui.sign_in_prompts();
    assert_eq!(prompts.len(), 2);
    assert!(matches!(
        prompts[1].reason,
        SignInReason::StepUp {
            minutes_ago: Some(5)
        }
    ));
    let creations = harness.creations();
    assert_eq!(creations.len(), 1, "no 403 was needed: {creations:?}");
    assert_eq!(creations[0].status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_reauth_runs_one_sign_in_with_new_key() {
    let harness = Harness::start().await;
    harness.engine.sign_in(&harness.ui).await.expect("sign in");
    // Only the server's clock moves: the engine believes the sign-in is fresh, Matter
    // answers 403 reauthentication_required.
    harness.control().advance_clock(Duration::from_secs(6 * 60));
    harness.sync_clock_on_sign_in();

    harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("signing succeeds after one re-authentication");

    assert_eq!(harness.control().interactive_sign_ins(), 2);
    let prompts = harness.ui.sign_in_prompts();
    assert_eq!(prompts.len(), 2);
    assert_eq!(prompts[1].reason, SignInReason::ServerRequested);
    let creations = harness.creations();
    assert_eq!(creations.len(), 2, "{creations:?}");
    assert_eq!(creations[0].status, 403);
    assert_eq!(creations[1].status, 200);
    assert_ne!(creations[0].idempotency_key, creations[1].idempotency_key);
    assert_eq!(
        harness
            .control()
            .signatures(seed::BOARD_CONSENT_DOC_ID)
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_reauth_goes_to_user() {
    let harness = Harness::start().await;
    harness.engine.sign_in(&harness.ui).await.expect("sign in");
    harness.control().advance_clock(Duration::from_secs(6 * 60));
    harness.sync_clock_on_sign_in();
    // After the one re-authentication, age the server's view again before the retry.
    harness.ui.on_step(Step::CreatingSession, |control| {
        control.advance_clock(Duration::from_secs(6 * 60));
    });

    let error = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect_err("a second 403 stops the flow");

    assert_eq!(error.code(), "reauthentication_required");
    assert_eq!(harness.control().interactive_sign_ins(), 2);
    assert!(harness.requests_to(Route::SignDocument).is_empty());
    assert!(error.request_id().is_some_and(|id| id.starts_with("req_")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_session_is_not_signed() {
    let harness = Harness::start().await;
    // The session's 15 minutes run out on the server between creation and sign.
    harness.ui.on_step(Step::Signing, |control| {
        control.advance_clock(Duration::from_secs(16 * 60));
    });

    let error = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect_err("an expired session cannot sign");

    assert_eq!(error.code(), "session_expired");
    assert!(harness
        .control()
        .signatures(seed::BOARD_CONSENT_DOC_ID)
        .is_empty());
    assert!(error.to_string().contains("15 minutes"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locally_expired_session_sends_no_sign() {
    let harness = Harness::start().await;
    let clock = harness.clock.clone();
    harness.ui.on_step(Step::Signing, move |_| {
        clock.advance(Duration::from_secs(16 * 60));
    });

    let error = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect_err("the engine does not spend an expired token");

    assert_eq!(error.code(), "session_expired");
    assert!(harness.requests_to(Route::SignDocument).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_answer_after_commit_signs_once() {
    let harness = Harness::start().await;
    harness.control().drop_after_commit(Route::SignDocument, 1);

    let outcome = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("the retry gets the replayed signature");

    let signs = harness.requests_to(Route::SignDocument);
    assert_eq!(signs.len(), 2, "{signs:?}");
    assert_eq!(signs[0].idempotency_key, signs[1].idempotency_key);
    assert!(signs[1].replayed);
    assert!(outcome.replayed);
    let signatures = harness.control().signatures(seed::BOARD_CONSENT_DOC_ID);
    assert_eq!(signatures.len(), 1);
    assert_eq!(outcome.receipt_id, signatures[0].id);
    assert!(outcome.verification.passed(), "{:?}", outcome.verification);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_creation_answer_reuses_session() {
    let harness = Harness::start().await;
    harness.engine.sign_in(&harness.ui).await.expect("sign in");
    // The dry run has gone by the time the review is on screen, so only the creation
    // loses its answer.
    harness.ui.on_review(|control| {
        control.drop_after_commit(Route::CreateSigningSession, 1);
    });

    let outcome = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("the retry gets the replayed session");

    let creations = harness.creations();
    assert_eq!(creations.len(), 2, "{creations:?}");
    assert_eq!(creations[0].idempotency_key, creations[1].idempotency_key);
    assert!(creations[1].replayed);
    assert_eq!(harness.control().sessions().len(), 1);
    let signatures = harness.control().signatures(seed::BOARD_CONSENT_DOC_ID);
    assert_eq!(signatures.len(), 1);
    assert_eq!(outcome.receipt_id, signatures[0].id);
    assert!(outcome.verification.passed(), "{:?}", outcome.verification);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupted_packet_hash_blocks_before_session() {
    let harness = Harness::start().await;
    harness.control().corrupt_next_packet_hash(1);

    let error = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect_err("a packet that fails its hash is refused");

    assert_eq!(error.code(), "packet_hash_mismatch");
    assert!(harness.ui.reviews().is_empty(), "nothing was shown");
    assert!(harness.creations().is_empty());
    assert!(harness.requests_to(Route::SignDocument).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amended_document_blocks_sign() {
    let harness = Harness::start().await;
    // The document changes while the human reads the packet, so the session binds to
    // a different disclosure hash than the one shown.
    harness.ui.on_review(|control| {
        control.amend_document(seed::BOARD_CONSENT_DOC_ID);
    });

    let error = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect_err("the hash mismatch stops the flow");

    assert_eq!(error.code(), "session_packet_hash_mismatch");
    let shown = harness.ui.reviews()[0].packet_hash.clone();
    assert!(error.to_string().contains(&shown), "{error}");
    assert!(harness.requests_to(Route::SignDocument).is_empty());
    assert!(harness
        .control()
        .signatures(seed::BOARD_CONSENT_DOC_ID)
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esra_consent_is_captured_then_signed() {
    let harness = Harness::start_as(seed::LEE_EMAIL, seed::LEE_PASSWORD).await;
    let link = document_link(seed::ELECTION_83B_DOC_ID, seed::LEE_STAKEHOLDER_ID);

    let outcome = harness
        .engine
        .sign(&link, &harness.ui)
        .await
        .expect("signing succeeds after consent");

    let prompts: Vec<_> = harness
        .ui
        .calls()
        .into_iter()
        .filter(|call| matches!(call, flow_support::UiCall::Esra(_)))
        .collect();
    assert_eq!(prompts.len(), 1);
    assert!(harness
        .control()
        .consents()
        .iter()
        .any(|c| c.stakeholder_id == seed::LEE_STAKEHOLDER_ID));
    let creations = harness.creations();
    assert_eq!(creations.len(), 2, "{creations:?}");
    assert_eq!(creations[0].status, 409);
    assert_ne!(creations[0].idempotency_key, creations[1].idempotency_key);
    assert_eq!(
        harness
            .control()
            .signatures(seed::ELECTION_83B_DOC_ID)
            .len(),
        1
    );
    assert!(outcome.verification.passed(), "{:?}", outcome.verification);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esra_decline_signs_nothing() {
    let harness = Harness::start_as(seed::LEE_EMAIL, seed::LEE_PASSWORD).await;
    *harness.ui.esra_answer.lock().unwrap() = matter_engine::interaction::EsraAnswer::Decline;
    let link = document_link(seed::ELECTION_83B_DOC_ID, seed::LEE_STAKEHOLDER_ID);

    let error = harness
        .engine
        .sign(&link, &harness.ui)
        .await
        .expect_err("declining stops the flow");

    assert_eq!(error.code(), "esra_consent_declined");
    assert!(harness.requests_to(Route::CreateEsraConsent).is_empty());
    assert!(harness
        .control()
        .signatures(seed::ELECTION_83B_DOC_ID)
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn envelope_out_of_order_is_refused() {
    let harness = Harness::start_as(seed::SAM_EMAIL, seed::SAM_PASSWORD).await;

    let error = harness
        .engine
        .sign(
            &envelope_link(seed::OPTION_PLAN_SAM_SIGNER_ID, seed::SAM_STAKEHOLDER_ID),
            &harness.ui,
        )
        .await
        .expect_err("Sam cannot sign before Jane");

    assert_eq!(error.code(), "awaiting_prior_signer");
    let text = error.to_string();
    assert!(text.contains(seed::JANE_NAME), "{text}");
    assert!(harness.ui.reviews().is_empty());
    assert!(harness.requests_to(Route::SignEnvelopeSigner).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn already_signed_document_is_refused() {
    let harness = Harness::start().await;
    harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("first signature");

    let error = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect_err("a second signature is refused");

    assert_eq!(error.code(), "already_signed");
    assert_eq!(harness.requests_to(Route::SignDocument).len(), 1);
    assert_eq!(
        harness
            .control()
            .signatures(seed::BOARD_CONSENT_DOC_ID)
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_elses_link_names_both_identities() {
    let harness = Harness::start().await;
    // Jane is signed in and opens a link naming Sam's stakeholder, which Matter refuses.
    let sams_link = document_link(seed::BOARD_CONSENT_DOC_ID, seed::SAM_STAKEHOLDER_ID);

    let error = harness
        .engine
        .sign(&sams_link, &harness.ui)
        .await
        .expect_err("Jane cannot sign for Sam");

    assert_eq!(error.code(), "stakeholder_not_linked_to_user");
    let text = error.to_string();
    assert!(text.contains(seed::SAM_STAKEHOLDER_ID), "{text}");
    assert!(text.contains(seed::JANE_EMAIL), "{text}");
    assert!(harness.requests_to(Route::SignDocument).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_typed_name_names_both() {
    let harness = Harness::start().await;
    *harness.ui.review_script.lock().unwrap() = ReviewScript::Type("Jane Doe".into());

    let error = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect_err("the typed name must match");

    assert_eq!(error.code(), "typed_name_mismatch");
    let text = error.to_string();
    assert!(text.contains("Jane Doe"), "{text}");
    assert!(text.contains(seed::JANE_NAME), "{text}");
    assert!(harness.creations().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_name_ignores_case_and_spacing() {
    let harness = Harness::start().await;
    let sloppy = format!("  {}  ", seed::JANE_NAME.to_uppercase().replace(' ', "   "));
    *harness.ui.review_script.lock().unwrap() = ReviewScript::Type(sloppy);

    harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("case and spacing do not matter");

    assert_eq!(
        harness
            .control()
            .signatures(seed::BOARD_CONSENT_DOC_ID)
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_at_review_signs_nothing() {
    let harness = Harness::start().await;
    *harness.ui.review_script.lock().unwrap() = ReviewScript::Cancel;

    let error = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect_err("cancel stops the flow");

    assert_eq!(error.code(), "cancelled");
    assert!(harness.creations().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_receipt_fails_integrity() {
    let harness = Harness::start().await;
    let outcome = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("signing succeeds");
    let path = outcome.saved.as_ref().unwrap().json_path.clone();

    let text = std::fs::read_to_string(&path).unwrap();
    let tampered = text.replacen(seed::JANE_NAME, "Mallory Q. Founder", 1);
    assert_ne!(text, tampered);
    std::fs::write(&path, tampered).unwrap();

    let report = matter_receipts::verify_path(&path, &harness.engine.trusted_keys());
    assert!(!report.integrity.passed, "{}", report.integrity.reason);
    assert!(!report.passed());
}

/// Returns the `receipt.json` files under the receipt library at `root`.
fn receipt_json_files(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(root)
        .unwrap()
        .map(|entry| entry.unwrap().path().join(matter_receipts::JSON_FILE))
        .filter(|path| path.is_file())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipt_deleted_before_renderings_is_rewritten() {
    let harness = Harness::start().await;
    let root = harness.engine.receipts().root().to_path_buf();
    harness.ui.on_step(Step::RenderingReceipt, move |_| {
        for path in receipt_json_files(&root) {
            std::fs::remove_file(path).unwrap();
        }
    });

    let outcome = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("signing succeeds");

    let saved = outcome.saved.as_ref().expect("receipt saved");
    assert!(saved.json_path.is_file(), "receipt.json is missing");
    assert!(
        outcome.verification.passed(),
        "{:?}",
        outcome.verification.integrity
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipt_replaced_before_renderings_is_unsaved() {
    let harness = Harness::start().await;
    let root = harness.engine.receipts().root().to_path_buf();
    harness.ui.on_step(Step::RenderingReceipt, move |_| {
        for path in receipt_json_files(&root) {
            let text = std::fs::read_to_string(&path).unwrap();
            let forged = text.replacen(seed::JANE_NAME, "Mallory Q. Founder", 1);
            std::fs::write(&path, forged).unwrap();
        }
    });

    let outcome = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("signing succeeds");

    let unsaved = outcome
        .saved
        .as_ref()
        .expect_err("a different receipt is on disk, so this one is not saved");
    assert_eq!(unsaved.error.code(), "receipt_conflict");
    assert_eq!(unsaved.receipt.receipt_id, outcome.receipt_id);
    assert!(outcome.verification.passed());
}
