//! The conventions every /v1 route follows, over real HTTP: bearer, Matter-Version,
//! Idempotency-Key and replay, request ids, problem+json, rate limits, injected faults and
//! bad input.

mod common;

use std::time::Duration;

use common::*;
use matter_sandbox::{
    seed, BearerKind, ConflictCode, RateLimit, RequestIdHeader, Route, SandboxConfig,
};
use serde_json::{json, Value};

const DOC: &str = "/v1/documents/doc_board_consent_2026";

#[tokio::test]
async fn missing_bearer_is_auth_missing_credentials() {
    let harness = start().await;
    let response = harness
        .http
        .get(harness.url(DOC))
        .header("Matter-Version", VERSION)
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("www-authenticate").is_some());
    let (status, body) = problem(response).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "auth_missing_credentials");
}

#[tokio::test]
async fn unknown_bearer_is_auth_token_invalid() {
    let harness = start().await;
    for token in ["oat_nope", "sk_test_nope", "sig_nope_on_get"] {
        let (status, body) = problem(harness.get(DOC, token).await).await;
        assert_eq!(status, 401, "{token}");
        assert_eq!(body["code"], "auth_token_invalid", "{token}");
    }
}

#[tokio::test]
async fn expired_access_token_is_auth_token_expired() {
    let harness = start().await;
    let access = harness.jane().await;
    harness.control.advance_clock(Duration::from_secs(86_400));
    let (status, body) = problem(harness.get(DOC, &access).await).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "auth_token_expired");
}

#[tokio::test]
async fn matter_version_is_required_and_checked() {
    let harness = start().await;
    let access = harness.jane().await;
    let missing = harness
        .http
        .get(harness.url(DOC))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    let (status, body) = problem(missing).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "validation_header_invalid");
    assert_eq!(body["param"], "Matter-Version");
    let unsupported = harness
        .http
        .get(harness.url(DOC))
        .bearer_auth(&access)
        .header("Matter-Version", "2025-01-01")
        .send()
        .await
        .unwrap();
    let (status, body) = problem(unsupported).await;
    assert_eq!(status, 400);
    assert_eq!(body["param"], "Matter-Version");
    for version in ["2026-05-01", "2026-06-10"] {
        let ok = harness
            .http
            .get(harness.url(DOC))
            .bearer_auth(&access)
            .header("Matter-Version", version)
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200, "{version}");
    }
}

#[tokio::test]
async fn problem_body_has_every_member() {
    let harness = start().await;
    let response = harness
        .get("/v1/documents/doc_does_not_exist", &harness.jane().await)
        .await;
    let header_id = response
        .headers()
        .get("matter-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let (status, body) = problem(response).await;
    assert_eq!(status, 404);
    assert_eq!(body["type"], "https://docs.mattermode.com/errors/not_found");
    assert_eq!(body["title"], "Not Found");
    assert_eq!(body["status"], 404);
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("doc_does_not_exist"));
    assert_eq!(body["code"], "not_found");
    assert_eq!(body["param"], "document_id");
    assert_eq!(body["request_id"], header_id.as_str());
    assert_eq!(body["instance"], format!("/requests/{header_id}"));
}

#[tokio::test]
async fn every_response_carries_request_id() {
    let harness = start().await;
    let access = harness.jane().await;
    for path in [DOC, "/v1/nope", "/.well-known/jwks.json", "/oauth/userinfo"] {
        let response = harness.get(path, &access).await;
        let id = response.headers().get("matter-request-id").expect(path);
        assert!(id.to_str().unwrap().starts_with("req_"), "{path}");
    }
}

#[tokio::test]
async fn request_id_header_variant() {
    let harness = start().await;
    harness
        .control
        .set_request_id_header(RequestIdHeader::XRequestId);
    let response = harness.get(DOC, &harness.jane().await).await;
    assert!(response.headers().get("matter-request-id").is_none());
    assert!(response
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("req_"));
}

#[tokio::test]
async fn idempotency_key_required_on_post() {
    let harness = start().await;
    let access = harness.jane().await;
    let response = harness
        .http
        .post(harness.url("/v1/signing_sessions"))
        .bearer_auth(&access)
        .header("Matter-Version", VERSION)
        .json(&jane_board_consent())
        .send()
        .await
        .unwrap();
    let (status, body) = problem(response).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "validation_header_invalid");
    assert_eq!(body["param"], "Idempotency-Key");
    assert!(harness.control.sessions().is_empty(), "no session created");
}

#[tokio::test]
async fn idempotency_key_longer_than_255_is_rejected() {
    let harness = start().await;
    let access = harness.jane().await;
    let key = "k".repeat(256);
    let (status, body) = problem(
        harness
            .post("/v1/signing_sessions", &access, &key, &jane_board_consent())
            .await,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["param"], "Idempotency-Key");
}

#[tokio::test]
async fn uuid_only_switch_rejects_other_keys() {
    let harness = start().await;
    harness.control.set_uuid_only_idempotency_keys(true);
    let access = harness.jane().await;
    let (status, body) = problem(
        harness
            .post(
                "/v1/signing_sessions",
                &access,
                "not-a-uuid",
                &jane_board_consent(),
            )
            .await,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["param"], "Idempotency-Key");
    let ok = harness
        .post_new("/v1/signing_sessions", &access, &jane_board_consent())
        .await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn same_key_same_body_replays_first_response() {
    let harness = start().await;
    let access = harness.jane().await;
    let key = uuid::Uuid::new_v4().to_string();
    let first = harness
        .post("/v1/signing_sessions", &access, &key, &jane_board_consent())
        .await;
    assert_eq!(first.status(), 200);
    let first_id = first.headers()["matter-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(first.headers()["cache-control"], "no-store");
    let first_body: Value = first.json().await.unwrap();
    let second = harness
        .post("/v1/signing_sessions", &access, &key, &jane_board_consent())
        .await;
    assert_eq!(second.status(), 200);
    assert_eq!(second.headers()["cache-control"], "no-store", "replay too");
    assert_eq!(
        second.headers()["matter-request-id"].to_str().unwrap(),
        first_id
    );
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    let second_body: Value = second.json().await.unwrap();
    assert_eq!(second_body, first_body);
    assert_eq!(harness.control.sessions().len(), 1, "one session only");
}

#[tokio::test]
async fn idempotency_key_expires_after_24h() {
    let harness = start().await;
    let access = harness.jane().await;
    let key = uuid::Uuid::new_v4().to_string();
    let first = harness
        .post("/v1/signing_sessions", &access, &key, &jane_board_consent())
        .await;
    assert_eq!(first.status(), 200);
    let first_id = first.headers()["matter-request-id"].clone();

    harness
        .control
        .advance_clock(std::time::Duration::from_secs(24 * 60 * 60));
    // The access token expired with the clock; sign in again.
    let access = harness.jane().await;
    let other =
        json!({"stakeholder_id": seed::JANE_STAKEHOLDER_ID, "document_id": seed::NDA_DOC_ID});
    let second = harness
        .post("/v1/signing_sessions", &access, &key, &other)
        .await;
    assert_eq!(
        second.status(),
        200,
        "an expired key is free for a new request"
    );
    assert_ne!(second.headers()["matter-request-id"], first_id);
    assert!(
        second.headers().get("idempotent-replayed").is_none(),
        "{:?}",
        second.headers()
    );
    assert_eq!(harness.control.sessions().len(), 2);
}

#[tokio::test]
async fn idempotency_key_replays_before_24h() {
    let harness = start().await;
    let access = harness.jane().await;
    let key = uuid::Uuid::new_v4().to_string();
    let first = harness
        .post("/v1/signing_sessions", &access, &key, &jane_board_consent())
        .await;
    assert_eq!(first.status(), 200);
    harness
        .control
        .advance_clock(std::time::Duration::from_secs(24 * 60 * 60 - 60));
    let access = harness.jane().await;
    let second = harness
        .post("/v1/signing_sessions", &access, &key, &jane_board_consent())
        .await;
    assert_eq!(second.status(), 200);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    assert_eq!(harness.control.sessions().len(), 1);
}

/// POSTs `body` exactly as given, as JSON, with the required headers.
async fn post_raw(harness: &Harness, token: &str, key: &str, body: &str) -> reqwest::Response {
    harness
        .http
        .post(harness.url("/v1/signing_sessions"))
        .bearer_auth(token)
        .header("Matter-Version", VERSION)
        .header("Idempotency-Key", key)
        .header("Content-Type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn same_json_other_spacing_replays() {
    let harness = start().await;
    let access = harness.jane().await;
    let key = uuid::Uuid::new_v4().to_string();
    let (stakeholder, document) = (seed::JANE_STAKEHOLDER_ID, seed::BOARD_CONSENT_DOC_ID);
    let compact = format!(r#"{{"stakeholder_id":"{stakeholder}","document_id":"{document}"}}"#);
    let first = post_raw(&harness, &access, &key, &compact).await;
    assert_eq!(first.status(), 200);
    let first_id = first.headers()["matter-request-id"].clone();

    // Other whitespace, key order and a \u escape: the same JSON after JCS canonicalisation.
    let escaped = document.replacen('d', "\\u0064", 1);
    let spaced = format!(
        "{{\n  \"document_id\" : \"{escaped}\",\n\t\"stakeholder_id\": \"{stakeholder}\"\n}}\n"
    );
    let second = post_raw(&harness, &access, &key, &spaced).await;
    assert_eq!(second.status(), 200);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    assert_eq!(second.headers()["matter-request-id"], first_id);
    assert_eq!(harness.control.sessions().len(), 1, "one session only");

    // A repeated key is not folded into the same JSON: it is another body.
    let repeated = format!(
        r#"{{"stakeholder_id":"stk_other","stakeholder_id":"{stakeholder}","document_id":"{document}"}}"#
    );
    let (status, body) = problem(post_raw(&harness, &access, &key, &repeated).await).await;
    assert_eq!(status, 409);
    assert_eq!(body["param"], "Idempotency-Key");
}

#[tokio::test]
async fn same_key_different_body_conflicts_per_variant() {
    for (variant, code) in [
        (
            ConflictCode::ReusedWithDifferentBody,
            "idempotency_key_reused_with_different_body",
        ),
        (ConflictCode::Replay, "idempotency_key_replay"),
        (
            ConflictCode::ValidationConflict,
            "validation_idempotency_key_conflict",
        ),
    ] {
        let harness = start().await;
        harness.control.set_conflict_code(variant);
        let access = harness.jane().await;
        let key = uuid::Uuid::new_v4().to_string();
        let first = harness
            .post("/v1/signing_sessions", &access, &key, &jane_board_consent())
            .await;
        assert_eq!(first.status(), 200);
        let other =
            json!({"stakeholder_id": seed::JANE_STAKEHOLDER_ID, "document_id": seed::NDA_DOC_ID});
        let (status, body) = problem(
            harness
                .post("/v1/signing_sessions", &access, &key, &other)
                .await,
        )
        .await;
        assert_eq!(status, 409, "{code}");
        assert_eq!(body["code"], code);
        assert_eq!(body["param"], "Idempotency-Key");
        assert_eq!(
            harness.control.sessions().len(),
            1,
            "{code}: no second session"
        );
    }
}

#[tokio::test]
async fn server_errors_are_not_memoised() {
    let harness = start().await;
    let access = harness.jane().await;
    harness
        .control
        .fail_next(Route::CreateSigningSession, 1, 503);
    let key = uuid::Uuid::new_v4().to_string();
    let (status, body) = problem(
        harness
            .post("/v1/signing_sessions", &access, &key, &jane_board_consent())
            .await,
    )
    .await;
    assert_eq!(status, 503);
    assert_eq!(body["code"], "op_provider_unavailable");
    assert!(harness.control.sessions().is_empty());
    let retry = harness
        .post("/v1/signing_sessions", &access, &key, &jane_board_consent())
        .await;
    assert_eq!(retry.status(), 200);
    assert!(retry.headers().get("idempotent-replayed").is_none());
    assert_eq!(harness.control.sessions().len(), 1);
}

#[tokio::test]
async fn fail_next_counts_down_per_route() {
    let harness = start().await;
    let access = harness.jane().await;
    harness.control.fail_next(Route::GetDocument, 2, 500);
    assert_eq!(harness.get(DOC, &access).await.status(), 500);
    assert_eq!(
        harness
            .get("/v1/signing_envelopes/env_option_plan_2026", &access)
            .await
            .status(),
        200,
        "other routes unaffected"
    );
    assert_eq!(harness.get(DOC, &access).await.status(), 500);
    assert_eq!(harness.get(DOC, &access).await.status(), 200);
}

#[tokio::test]
async fn in_flight_duplicate_waits_for_first() {
    let harness = start().await;
    let access = harness.jane().await;
    harness.control.set_latency(Duration::from_millis(150));
    let key = uuid::Uuid::new_v4().to_string();
    let body = jane_board_consent();
    let (first, second) = tokio::join!(
        harness.post("/v1/signing_sessions", &access, &key, &body),
        harness.post("/v1/signing_sessions", &access, &key, &body),
    );
    assert_eq!(first.status(), 200);
    assert_eq!(second.status(), 200);
    let replayed = [&first, &second]
        .iter()
        .filter(|response| response.headers().get("idempotent-replayed").is_some())
        .count();
    assert_eq!(replayed, 1, "exactly one of the two is a replay");
    assert_eq!(
        first.headers()["matter-request-id"],
        second.headers()["matter-request-id"]
    );
    let first: Value = first.json().await.unwrap();
    let second: Value = second.json().await.unwrap();
    assert_eq!(first["id"], second["id"]);
    assert_eq!(harness.control.sessions().len(), 1);
}

#[tokio::test]
async fn rate_limit_returns_429_with_retry_after() {
    let harness = start().await;
    let access = harness.jane().await;
    harness.control.set_rate_limit(Some(RateLimit {
        requests: 2,
        window: Duration::from_secs(10),
    }));
    assert_eq!(harness.get(DOC, &access).await.status(), 200);
    assert_eq!(harness.get(DOC, &access).await.status(), 200);
    let limited = harness.get(DOC, &access).await;
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=10).contains(&retry_after));
    let (status, body) = problem(limited).await;
    assert_eq!(status, 429);
    assert_eq!(body["code"], "rate_limited");
    assert_eq!(body["retry_after"], retry_after);
    harness.control.advance_clock(Duration::from_secs(10));
    assert_eq!(harness.get(DOC, &access).await.status(), 200, "new window");
}

#[tokio::test]
async fn rate_limit_is_per_credential() {
    let harness = start().await;
    let jane = harness.jane().await;
    let sam = harness
        .sign_in(seed::SAM_EMAIL, seed::SAM_PASSWORD)
        .await
        .access_token;
    harness.control.set_rate_limit(Some(RateLimit {
        requests: 1,
        window: Duration::from_secs(10),
    }));
    assert_eq!(harness.get(DOC, &jane).await.status(), 200);
    assert_eq!(harness.get(DOC, &jane).await.status(), 429);
    let other = harness.get(DOC, &sam).await;
    assert_ne!(other.status(), 429, "Jane's burst limited Sam");
}

#[tokio::test]
async fn latency_config_delays_responses() {
    let harness = start_with(SandboxConfig {
        latency: Duration::from_millis(1),
        ..SandboxConfig::default()
    })
    .await;
    let response = harness
        .http
        .get(harness.url("/.well-known/jwks.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn request_log_records_bearer_kind_not_value() {
    let harness = start().await;
    let access = harness.jane().await;
    let key = uuid::Uuid::new_v4().to_string();
    harness
        .post("/v1/signing_sessions", &access, &key, &jane_board_consent())
        .await;
    let log = harness.control.request_log();
    let entry = log
        .iter()
        .find(|entry| entry.path == "/v1/signing_sessions")
        .unwrap();
    assert_eq!(entry.method, "POST");
    assert_eq!(entry.bearer, BearerKind::Oat);
    assert_eq!(entry.idempotency_key.as_deref(), Some(key.as_str()));
    assert_eq!(entry.status, 200);
    let debug = format!("{log:?}");
    assert!(!debug.contains(&access), "log never holds the bearer");
}

#[tokio::test]
async fn unknown_route_and_wrong_method_are_problems() {
    let harness = start().await;
    let access = harness.jane().await;
    let (status, body) = problem(harness.get("/v1/unknown_things", &access).await).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "not_found");
    let wrong_method = harness
        .http
        .delete(harness.url(DOC))
        .bearer_auth(&access)
        .header("Matter-Version", VERSION)
        .send()
        .await
        .unwrap();
    let (status, body) = problem(wrong_method).await;
    assert_eq!(status, 405);
    assert_eq!(body["code"], "method_not_allowed");
    let get_on_post_route = harness.get("/v1/consents/esra", &access).await;
    assert_eq!(get_on_post_route.status(), 405);
}

#[tokio::test]
async fn bad_input_table() {
    let harness = start().await;
    let access = harness.jane().await;
    let raw = |body: &'static str| {
        let harness = &harness;
        let access = access.clone();
        async move {
            harness
                .http
                .post(harness.url("/v1/signing_sessions"))
                .bearer_auth(access)
                .header("Matter-Version", VERSION)
                .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                .header("Content-Type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    type Case = (
        &'static str,
        &'static str,
        u16,
        &'static str,
        Option<&'static str>,
    );
    let cases: Vec<Case> = vec![
        (
            "malformed JSON",
            "{\"stakeholder_id\": ",
            400,
            "validation_body_invalid",
            None,
        ),
        ("empty body", "", 400, "validation_body_invalid", None),
        ("array body", "[]", 400, "validation_body_invalid", None),
        (
            "unknown field",
            r#"{"stakeholder_id":"stk_jane_founder","document_id":"doc_board_consent_2026","extra":1}"#,
            422,
            "additional_properties_not_permitted",
            Some("extra"),
        ),
        (
            "missing stakeholder",
            r#"{"document_id":"doc_board_consent_2026"}"#,
            422,
            "validation_failed",
            Some("stakeholder_id"),
        ),
        (
            "empty stakeholder",
            r#"{"stakeholder_id":"","document_id":"doc_board_consent_2026"}"#,
            422,
            "validation_failed",
            Some("stakeholder_id"),
        ),
        (
            "number stakeholder",
            r#"{"stakeholder_id":7,"document_id":"doc_board_consent_2026"}"#,
            422,
            "validation_failed",
            Some("stakeholder_id"),
        ),
        (
            "bad stakeholder id",
            r#"{"stakeholder_id":"jane","document_id":"doc_board_consent_2026"}"#,
            422,
            "validation_failed",
            Some("stakeholder_id"),
        ),
        (
            "bad document id",
            r#"{"stakeholder_id":"stk_jane_founder","document_id":"doc_x!"}"#,
            422,
            "validation_failed",
            Some("document_id"),
        ),
        (
            "no target",
            r#"{"stakeholder_id":"stk_jane_founder"}"#,
            422,
            "validation_failed",
            Some("document_id"),
        ),
        (
            "two targets",
            r#"{"stakeholder_id":"stk_jane_founder","document_id":"doc_board_consent_2026","signing_envelope_id":"env_option_plan_2026","signer_id":"sgr_option_plan_jane"}"#,
            422,
            "validation_failed",
            Some("document_id"),
        ),
        (
            "envelope without signer",
            r#"{"stakeholder_id":"stk_jane_founder","signing_envelope_id":"env_option_plan_2026"}"#,
            422,
            "validation_failed",
            Some("signer_id"),
        ),
        (
            "signer without envelope",
            r#"{"stakeholder_id":"stk_jane_founder","signer_id":"sgr_option_plan_jane"}"#,
            422,
            "validation_failed",
            Some("signing_envelope_id"),
        ),
    ];
    for (name, body, expected_status, code, param) in cases {
        let (status, problem_body) = problem(raw(body).await).await;
        assert_eq!(status, expected_status, "{name}");
        assert_eq!(problem_body["code"], code, "{name}");
        if let Some(param) = param {
            assert_eq!(problem_body["param"], param, "{name}");
        }
    }
    assert!(
        harness.control.sessions().is_empty(),
        "no state change from bad input"
    );
}

#[tokio::test]
async fn oversized_body_is_413() {
    let harness = start().await;
    let access = harness.jane().await;
    let big = json!({"stakeholder_id": "stk_jane_founder", "document_id": "x".repeat(70_000)});
    let (status, body) = problem(
        harness
            .post_new("/v1/signing_sessions", &access, &big)
            .await,
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(body["code"], "validation_body_invalid");
}

#[tokio::test]
async fn bad_path_id_format_is_422() {
    let harness = start().await;
    let access = harness.jane().await;
    let (status, body) = problem(harness.get("/v1/documents/not-a-doc", &access).await).await;
    assert_eq!(status, 422);
    assert_eq!(body["code"], "validation_failed");
    assert_eq!(body["param"], "document_id");
    let (status, body) = problem(
        harness
            .get("/v1/signing_sessions/sig_abcdefgh", &access)
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["param"], "signing_session_id");
}

#[tokio::test]
async fn dry_run_query_must_be_boolean() {
    let harness = start().await;
    let access = harness.jane().await;
    let (status, body) = problem(
        harness
            .post_new(
                "/v1/signing_sessions?dry_run=yes",
                &access,
                &jane_board_consent(),
            )
            .await,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["param"], "dry_run");
    assert!(harness.control.sessions().is_empty());
}

#[tokio::test]
async fn undecodable_path_is_a_problem() {
    let harness = start().await;
    let access = harness.jane().await;
    let (status, body) = problem(harness.get("/v1/documents/doc_%FF%FE", &access).await).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "validation_failed");
    assert!(body["request_id"].as_str().unwrap().starts_with("req_"));
}

#[tokio::test]
async fn injected_rate_limit_is_not_memoised() {
    let harness = start().await;
    let access = harness.jane().await;
    harness
        .control
        .fail_next(Route::CreateSigningSession, 1, 429);
    let key = uuid::Uuid::new_v4().to_string();
    let limited = harness
        .post("/v1/signing_sessions", &access, &key, &jane_board_consent())
        .await;
    assert_eq!(limited.headers()["retry-after"], "1");
    let (status, body) = problem(limited).await;
    assert_eq!(status, 429);
    assert_eq!(body["code"], "rate_limited");
    let retry = harness
        .post("/v1/signing_sessions", &access, &key, &jane_board_consent())
        .await;
    assert_eq!(retry.status(), 200);
    assert!(retry.headers().get("idempotent-replayed").is_none());
}

#[tokio::test]
async fn fail_next_any_route_hits_next_request() {
    let harness = start().await;
    let access = harness.jane().await;
    harness
        .control
        .fail_next(matter_sandbox::RouteSelector::Any, 1, 500);
    let (status, body) = problem(harness.get(DOC, &access).await).await;
    assert_eq!(status, 500);
    assert_eq!(body["code"], "infra_internal_error");
    assert_eq!(harness.get(DOC, &access).await.status(), 200);
}
