//! Happy paths and wire variants, end to end against the sandbox over real HTTP.

mod flow_support;

use flow_support::{board_consent_link, envelope_link, Harness};
use matter_engine::interaction::{SignInReason, Step};
use matter_sandbox::{seed, RequestIdHeader, Route, TokenField};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_happy_path_writes_verified_receipt() {
    let harness = Harness::start().await;

    let outcome = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("signing succeeds");

    let signatures = harness.control().signatures(seed::BOARD_CONSENT_DOC_ID);
    assert_eq!(signatures.len(), 1);
    assert_eq!(signatures[0].stakeholder_id, seed::JANE_STAKEHOLDER_ID);
    assert_eq!(outcome.receipt_id, signatures[0].id);
    let saved = outcome.saved.as_ref().expect("receipt saved");
    assert!(saved.json_path.exists());
    assert!(
        outcome.verification.integrity.passed,
        "{}",
        outcome.verification.integrity.reason
    );
    assert!(
        outcome.verification.trust.passed,
        "{}",
        outcome.verification.trust.reason
    );
    assert_eq!(
        harness.ui.steps().last_chunk::<4>(),
        Some(&[
            Step::Signing,
            Step::SavingReceipt,
            Step::RenderingReceipt,
            Step::Done
        ])
    );
    assert_eq!(harness.control().interactive_sign_ins(), 1);
    let prompts = harness.ui.sign_in_prompts();
    assert_eq!(prompts.len(), 1);
    assert_eq!(prompts[0].reason, SignInReason::NotSignedIn);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_shows_packet_hash_and_text() {
    let harness = Harness::start().await;

    harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("signing succeeds");

    let reviews = harness.ui.reviews();
    assert_eq!(reviews.len(), 1);
    let review = &reviews[0];
    assert_eq!(
        review.packet_hash,
        review.packet["packet_hash"].as_str().unwrap()
    );
    assert_eq!(
        review.packet_hash,
        matter_receipts::hash::packet_sha256(&review.packet).unwrap()
    );
    assert!(review.packet_text.contains(&review.document.sha256));
    assert_eq!(review.stakeholder.name, seed::JANE_NAME);
    assert_eq!(review.signed_in_user.email, seed::JANE_EMAIL);
    let sessions = harness.control().sessions();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].disclosure_packet_hash, review.packet_hash);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_post_carries_version_and_key() {
    let harness = Harness::start().await;

    harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("signing succeeds");

    let posts: Vec<_> = harness
        .control()
        .request_log()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/v1/"))
        .collect();
    assert_eq!(posts.len(), 3, "dry run, creation, sign: {posts:?}");
    for post in &posts {
        let key = post.idempotency_key.as_deref().expect("key present");
        assert!(uuid_like(key), "{key}");
        // The sandbox rejects a missing or unsupported Matter-Version with 400.
        assert!(post.status < 300, "{post:?}");
    }
    let sign = harness.requests_to(Route::SignDocument);
    assert_eq!(sign.len(), 1);
    assert_eq!(sign[0].bearer, matter_sandbox::BearerKind::Sig);
}

fn uuid_like(key: &str) -> bool {
    key.len() == 36 && key.chars().filter(|c| *c == '-').count() == 4
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn envelope_happy_path_in_order() {
    let harness = Harness::start().await;

    let jane = harness
        .engine
        .sign(
            &envelope_link(seed::OPTION_PLAN_JANE_SIGNER_ID, seed::JANE_STAKEHOLDER_ID),
            &harness.ui,
        )
        .await
        .expect("Jane signs first");
    assert!(jane.verification.passed(), "{:?}", jane.verification);

    harness.engine.sign_out().await.expect("sign out");
    harness
        .ui
        .set_credentials(seed::SAM_EMAIL, seed::SAM_PASSWORD);
    let sam = harness
        .engine
        .sign(
            &envelope_link(seed::OPTION_PLAN_SAM_SIGNER_ID, seed::SAM_STAKEHOLDER_ID),
            &harness.ui,
        )
        .await
        .expect("Sam signs second");
    assert!(sam.verification.passed(), "{:?}", sam.verification);

    let signatures = harness.control().signatures(seed::OPTION_PLAN_DOC_ID);
    assert_eq!(signatures.len(), 2);
    assert_eq!(
        signatures[0].signer_id.as_deref(),
        Some(seed::OPTION_PLAN_JANE_SIGNER_ID)
    );
    assert_eq!(
        signatures[1].signer_id.as_deref(),
        Some(seed::OPTION_PLAN_SAM_SIGNER_ID)
    );
    assert_eq!(harness.requests_to(Route::SignEnvelopeSigner).len(), 2);
    let receipt = sam.saved.as_ref().unwrap();
    let stored = harness.engine.receipts().load(&receipt.receipt_id).unwrap();
    let envelope = stored.envelope.expect("envelope recorded");
    assert_eq!(envelope.signer_id, seed::OPTION_PLAN_SAM_SIGNER_ID);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_token_field_variant_is_accepted() {
    let harness = Harness::start().await;
    harness.control().set_token_field(TokenField::SigningToken);

    let outcome = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("signing succeeds");

    assert_eq!(outcome.token_field, "signing_token");
    assert_eq!(
        harness
            .control()
            .signatures(seed::BOARD_CONSENT_DOC_ID)
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_request_id_variant_is_recorded() {
    let harness = Harness::start().await;
    harness
        .control()
        .set_request_id_header(RequestIdHeader::XRequestId);

    let outcome = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("signing succeeds");

    let receipt = harness.engine.receipts().load(&outcome.receipt_id).unwrap();
    let sign_log = harness.requests_to(Route::SignDocument);
    assert_eq!(receipt.request_ids.sign, sign_log[0].request_id);
    assert!(receipt.request_ids.document.starts_with("req_"));
    assert!(receipt.request_ids.dry_run.starts_with("req_"));
    assert!(receipt.request_ids.create_session.starts_with("req_"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_then_success_reuses_key() {
    let harness = Harness::start().await;
    harness.engine.sign_in(&harness.ui).await.expect("sign in");
    // Fail the first creation (the second POST to /v1/signing_sessions).
    harness.ui.on_review(|control| {
        control.fail_next(Route::CreateSigningSession, 1, 429);
    });

    harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("signing succeeds after the 429");

    let creations = harness.creations();
    assert_eq!(creations.len(), 2, "{creations:?}");
    assert_eq!(creations[0].status, 429);
    assert_eq!(creations[1].status, 200);
    assert_eq!(creations[0].idempotency_key, creations[1].idempotency_key);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_error_then_success_reuses_sign_key() {
    let harness = Harness::start().await;
    harness.control().fail_next(Route::SignDocument, 1, 503);

    let outcome = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("signing succeeds after the 503");

    let signs = harness.requests_to(Route::SignDocument);
    assert_eq!(signs.len(), 2);
    assert_eq!(signs[0].status, 503);
    assert!(signs[1].status == 200 || signs[1].status == 202);
    assert_eq!(signs[0].idempotency_key, signs[1].idempotency_key);
    assert_eq!(
        harness
            .control()
            .signatures(seed::BOARD_CONSENT_DOC_ID)
            .len(),
        1
    );
    assert!(outcome.saved.is_ok());
}
