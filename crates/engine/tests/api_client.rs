//! The API client against the sandbox over real HTTP: idempotency conflicts in each
//! documented spelling, retries, request ids and transport failures.

mod flow_support;

use std::sync::Arc;
use std::time::Duration;

use flow_support::Harness;
use matter_engine::api::signing_sessions::SessionTarget;
use matter_engine::api::{ApiClient, ApiSettings, IdempotencyKey, RetryPolicy};
use matter_engine::auth::Authenticator;
use matter_engine::clock::SystemClock;
use matter_engine::interaction::SignInReason;
use matter_sandbox::{seed, ConflictCode, Route};
use secrecy::SecretString;

/// Signs Jane in through the sandbox browser and returns an access token.
async fn jane_token(harness: &Harness) -> SecretString {
    let auth = Authenticator::new(
        harness.engine.config(),
        harness.secrets.clone(),
        Arc::new(SystemClock),
    )
    .expect("authenticator");
    auth.sign_in(&harness.ui, SignInReason::NotSignedIn)
        .await
        .expect("sign in");
    auth.access_token().await.expect("access token")
}

fn board() -> SessionTarget {
    SessionTarget::Document {
        document_id: seed::BOARD_CONSENT_DOC_ID.into(),
    }
}

fn nda() -> SessionTarget {
    SessionTarget::Document {
        document_id: seed::NDA_DOC_ID.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_conflict_codes_fold_to_one() {
    let harness = Harness::start().await;
    let token = jane_token(&harness).await;
    let api = harness.engine.api();

    for variant in [
        ConflictCode::ReusedWithDifferentBody,
        ConflictCode::Replay,
        ConflictCode::ValidationConflict,
    ] {
        harness.control().set_conflict_code(variant);
        let key = IdempotencyKey::new();
        api.create_session(&board(), seed::JANE_STAKEHOLDER_ID, &token, &key)
            .await
            .expect("first creation");

        let error = api
            .create_session(&nda(), seed::JANE_STAKEHOLDER_ID, &token, &key)
            .await
            .expect_err("same key, different body");

        assert_eq!(
            error.code(),
            "idempotency_key_reused_with_different_body",
            "{variant:?}"
        );
        assert_eq!(error.problem().unwrap().code, variant.as_str());
        assert_eq!(error.problem().unwrap().status, 409);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_key_same_body_is_replayed() {
    let harness = Harness::start().await;
    let token = jane_token(&harness).await;
    let api = harness.engine.api();
    let key = IdempotencyKey::new();

    let first = api
        .create_session(&board(), seed::JANE_STAKEHOLDER_ID, &token, &key)
        .await
        .expect("first");
    let second = api
        .create_session(&board(), seed::JANE_STAKEHOLDER_ID, &token, &key)
        .await
        .expect("the replay repeats the session and its token");

    assert_eq!(first.id, second.id);
    assert!(!first.replayed);
    assert!(second.replayed);
    assert_eq!(harness.control().sessions().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_retry_until_success() {
    let harness = Harness::start().await;
    let token = jane_token(&harness).await;
    harness.control().fail_next(Route::GetDocument, 2, 502);

    let document = harness
        .engine
        .api()
        .get_document(seed::BOARD_CONSENT_DOC_ID, &token)
        .await
        .expect("third attempt succeeds");

    assert_eq!(document.value.id, seed::BOARD_CONSENT_DOC_ID);
    assert_eq!(harness.requests_to(Route::GetDocument).len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_stop_after_five_attempts() {
    let harness = Harness::start().await;
    let token = jane_token(&harness).await;
    harness.control().fail_next(Route::GetDocument, 10, 503);

    let error = harness
        .engine
        .api()
        .get_document(seed::BOARD_CONSENT_DOC_ID, &token)
        .await
        .expect_err("every attempt fails");

    // The sandbox's injected 503 carries `op_provider_unavailable`, which the client
    // folds to its canonical name.
    assert_eq!(error.code(), "upstream_unavailable");
    assert_eq!(error.problem().map(|problem| problem.status), Some(503));
    assert_eq!(harness.requests_to(Route::GetDocument).len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_document_reads_not_found_or_not_yours() {
    let harness = Harness::start().await;
    let token = jane_token(&harness).await;

    let error = harness
        .engine
        .api()
        .get_document("doc_does_not_exist", &token)
        .await
        .expect_err("no such document");

    assert_eq!(error.code(), "not_found");
    assert!(error.to_string().contains("not yours"), "{error}");
    assert!(error.request_id().is_some_and(|id| id.starts_with("req_")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_connection_is_transport_error() {
    // Bind and drop a listener so the port is very likely closed.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let base = url::Url::parse(&format!("http://127.0.0.1:{port}/v1")).unwrap();
    let api = ApiClient::new(
        ApiSettings {
            keys_url: base.join("/.well-known/matter-keys.json").unwrap(),
            api_base: base,
            matter_version: "2026-06-10".into(),
            http_timeout: Duration::from_secs(2),
            retry: RetryPolicy::fast(),
        },
        Arc::new(SystemClock),
    )
    .unwrap();

    let error = api.matter_keys().await.expect_err("nothing listens");

    assert_eq!(error.code(), "network_unreachable");
    assert!(error.problem().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_matter_version_is_explained() {
    let harness = Harness::start().await;
    let token = jane_token(&harness).await;
    let config = harness.engine.config();
    let api = ApiClient::new(
        ApiSettings {
            api_base: config.api_base.clone(),
            keys_url: config.keys_url(),
            matter_version: "2020-01-01".into(),
            http_timeout: Duration::from_secs(5),
            retry: RetryPolicy::fast(),
        },
        Arc::new(SystemClock),
    )
    .unwrap();

    let error = api
        .get_document(seed::BOARD_CONSENT_DOC_ID, &token)
        .await
        .expect_err("the sandbox rejects the version");

    assert_eq!(error.code(), "validation_header_invalid");
    assert!(error.to_string().contains("matter_version"), "{error}");
}
