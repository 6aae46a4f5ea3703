//! `receipts verify`: two verdicts, their exit codes, and no network.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};

use common::TestEnv;
use matter_receipts::testing::{signing_key, SampleReceipt, SAMPLE_KID};
use matter_receipts::TrustedKeys;
use serde_json::{json, Value};

/// Writes a sample receipt signed with key seed 7 and returns its path.
fn write_sample(env: &TestEnv) -> PathBuf {
    let receipt = SampleReceipt::new(1).build(&signing_key(7));
    let path = env.path().join("receipt.json");
    std::fs::write(&path, receipt.to_json_pretty()).expect("write the sample receipt");
    path
}

/// Caches key seed 7 as a trusted test-mode key where the CLI looks for keys.
fn trust_sample_key(env: &TestEnv) {
    use base64::Engine as _;
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(signing_key(7).verifying_key().as_bytes());
    let document = json!({"test": [{"kid": SAMPLE_KID, "kty": "OKP", "crv": "Ed25519", "x": x, "use": "receipt", "status": "active"}], "live": []});
    for dir in common::key_dirs(env) {
        let mut keys = TrustedKeys::load(&dir).expect("load the key cache");
        keys.remember(
            matter_receipts::Mode::Test,
            &document,
            "http://127.0.0.1:1/.well-known/matter-keys.json",
        )
        .expect("cache the sample key");
    }
}

/// A loopback port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    port
}

fn verify(env: &TestEnv, path: &Path, extra: &[&str]) -> common::Run {
    let path = path.to_str().expect("UTF-8 path");
    let mut args = vec!["receipts", "verify", path];
    args.extend_from_slice(extra);
    env.run(&args)
}

#[test]
fn verify_trusted_receipt_passes_both() {
    let env = TestEnv::new();
    let path = write_sample(&env);
    trust_sample_key(&env);
    let run = verify(&env, &path, &[]);
    run.assert_code(0);
    assert!(run.stdout.contains("Integrity: PASSED"), "{}", run.stdout);
    assert!(run.stdout.contains("Trust:     PASSED"), "{}", run.stdout);
}

#[test]
fn verify_makes_no_network_call() {
    let mut env = TestEnv::new();
    let port = closed_port();
    env.set("MATTER_API_BASE", format!("http://127.0.0.1:{port}/v1"));
    env.set("MATTER_ISSUER", format!("http://127.0.0.1:{port}"));
    env.set("RUST_LOG", "trace");
    let path = write_sample(&env);
    trust_sample_key(&env);
    let run = verify(&env, &path, &[]);
    run.assert_code(0);
    assert!(
        !run.stderr.contains("reqwest"),
        "an HTTP client was used:\n{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("hyper"),
        "an HTTP client was used:\n{}",
        run.stderr
    );
    let address = format!("127.0.0.1:{port}");
    assert!(
        !run.stderr.contains(&address),
        "the API base was contacted:\n{}",
        run.stderr
    );
}

#[test]
fn verify_tampered_receipt_exits_7() {
    let env = TestEnv::new();
    let path = write_sample(&env);
    trust_sample_key(&env);
    let text = std::fs::read_to_string(&path).expect("read the receipt");
    let tampered = text.replacen("Jane Q. Founder", "Jane Q. Forger", 1);
    assert_ne!(tampered, text, "the sample receipt holds the typed name");
    std::fs::write(&path, tampered).expect("write the tampered receipt");

    let run = verify(&env, &path, &[]);
    run.assert_code(7);
    assert!(run.stdout.contains("Integrity: FAILED"), "{}", run.stdout);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
}

#[test]
fn verify_unknown_key_exits_8() {
    let env = TestEnv::new();
    let path = write_sample(&env);
    let run = verify(&env, &path, &[]);
    run.assert_code(8);
    assert!(run.stdout.contains("Integrity: PASSED"), "{}", run.stdout);
    assert!(run.stdout.contains("Trust:     FAILED"), "{}", run.stdout);
    assert!(run.stderr.contains("not trusted"), "{}", run.stderr);
}

#[test]
fn verify_missing_file_exits_2() {
    let env = TestEnv::new();
    let path = env.path().join("no-such-receipt.json");
    let run = verify(&env, &path, &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("no-such-receipt.json"),
        "{}",
        run.stderr
    );
}

#[test]
fn verify_json_output_has_both_verdicts() {
    let env = TestEnv::new();
    let path = write_sample(&env);
    trust_sample_key(&env);
    let run = verify(&env, &path, &["--json"]);
    run.assert_code(0);
    let report: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(report["integrity"]["passed"], true);
    assert_eq!(report["trust"]["passed"], true);
    assert_eq!(report["passed"], true);
    assert_eq!(report["receipt_id"], "sgn_test1");
}
