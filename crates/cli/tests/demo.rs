//! `demo` end to end against the embedded sandbox, and the receipt commands on the
//! receipt it writes.

mod common;

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use common::{run_demo, TestEnv};
use serde_json::Value;

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

fn with_extension(paths: &[PathBuf], extension: &str) -> PathBuf {
    paths
        .iter()
        .find(|path| path.extension().and_then(|e| e.to_str()) == Some(extension))
        .unwrap_or_else(|| panic!("no .{extension} path in {paths:?}"))
        .clone()
}

fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    port
}

fn receipt_id(json_path: &Path) -> String {
    let text = std::fs::read_to_string(json_path).expect("read the receipt");
    let receipt: Value = serde_json::from_str(&text).expect("the receipt is JSON");
    receipt["receipt_id"]
        .as_str()
        .expect("a receipt_id")
        .to_owned()
}

#[test]
fn demo_signs_and_saves_receipt() {
    let env = TestEnv::new();
    let (run, paths) = run_demo(&env);
    assert!(run.stderr.contains("Signing in automatically as the sandbox demo user jane@acme.example (allowed only against the embedded sandbox)"), "{}", run.stderr);
    assert!(run.stdout.contains("TEST MODE"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Disclosure packet SHA-256"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Typed name (from --typed-name): Jane Q. Founder"),
        "{}",
        run.stdout
    );
    assert_eq!(
        paths.len(),
        3,
        "JSON, HTML and PDF: {paths:?}\n{}",
        run.stdout
    );
    for path in &paths {
        assert!(path.is_file(), "{} does not exist", path.display());
        assert!(
            path.starts_with(env.data_dir()),
            "{} is outside MATTER_DATA_DIR",
            path.display()
        );
    }
    assert!(run.stdout.contains("Integrity: PASSED"), "{}", run.stdout);
    assert!(run.stdout.contains("Trust:     PASSED"), "{}", run.stdout);
}

#[test]
fn demo_receipt_verifies_offline_in_every_form() {
    let mut env = TestEnv::new();
    let (_, paths) = run_demo(&env);

    let port = closed_port();
    env.set("MATTER_API_BASE", format!("http://127.0.0.1:{port}/v1"));
    env.set("MATTER_ISSUER", format!("http://127.0.0.1:{port}"));
    for extension in ["json", "html", "pdf"] {
        let path = with_extension(&paths, extension);
        let run = env.run(&["receipts", "verify", path_str(&path)]);
        run.assert_code(0);
        assert!(
            run.stdout.contains("Integrity: PASSED"),
            "{extension}: {}",
            run.stdout
        );
        assert!(
            run.stdout.contains("Trust:     PASSED"),
            "{extension}: {}",
            run.stdout
        );
    }
}

#[test]
fn tampered_demo_receipt_exits_7() {
    let env = TestEnv::new();
    let (_, paths) = run_demo(&env);
    let original = with_extension(&paths, "json");
    let text = std::fs::read_to_string(&original).expect("read the receipt");
    let tampered = text.replacen("Jane Q. Founder", "Jane Q. Forger", 1);
    assert_ne!(tampered, text, "the receipt holds the typed name");
    let copy = env.path().join("tampered.json");
    std::fs::write(&copy, tampered).expect("write the tampered copy");

    let run = env.run(&["receipts", "verify", path_str(&copy)]);
    run.assert_code(7);
    assert!(run.stdout.contains("Integrity: FAILED"), "{}", run.stdout);
    assert!(run.stderr.contains("error: "), "{}", run.stderr);
}

#[test]
fn receipts_list_and_show_find_demo_receipt() {
    let env = TestEnv::new();
    let (_, paths) = run_demo(&env);
    let id = receipt_id(&with_extension(&paths, "json"));

    let run = env.run(&["receipts", "list"]);
    run.assert_code(0);
    assert!(run.stdout.contains(&id), "{}", run.stdout);

    let run = env.run(&[
        "receipts",
        "list",
        "--json",
        "--document",
        "board",
        "--stakeholder",
        "stk_jane_founder",
    ]);
    run.assert_code(0);
    let listing: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(listing["receipts"][0]["receipt_id"], id.as_str());

    let run = env.run(&["receipts", "list", "--json", "--entity", "no-such-entity"]);
    run.assert_code(0);
    let listing: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(listing["receipts"].as_array().map(Vec::len), Some(0));

    let run = env.run(&["receipts", "show", &id]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("Typed name:     Jane Q. Founder"),
        "{}",
        run.stdout
    );

    let run = env.run(&["receipts", "show", &id, "--json"]);
    run.assert_code(0);
    let receipt: Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(receipt["receipt_id"], id.as_str());
}

#[test]
fn receipts_list_rejects_bad_date() {
    let env = TestEnv::new();
    let run = env.run(&["receipts", "list", "--since", "30/06/2026"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("--since \"30/06/2026\" is invalid"),
        "{}",
        run.stderr
    );
}

#[test]
fn receipts_show_unknown_id_exits_2() {
    let env = TestEnv::new();
    let run = env.run(&["receipts", "show", "sgn_does_not_exist"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("no receipt sgn_does_not_exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn receipts_export_copies_files() {
    let env = TestEnv::new();
    let (_, paths) = run_demo(&env);
    let id = receipt_id(&with_extension(&paths, "json"));
    let dest = env.path().join("exported");

    let run = env.run(&["receipts", "export", &id, path_str(&dest)]);
    run.assert_code(0);
    let exported = dest.read_dir().map(|entries| entries.count()).unwrap_or(0);
    assert!(exported > 0, "nothing exported to {}", dest.display());

    let archive = env.path().join("all-receipts.zip");
    let run = env.run(&["receipts", "export-all", path_str(&archive)]);
    run.assert_code(0);
    assert!(archive.is_file(), "{}", run.stdout);
}

#[test]
fn receipts_import_refiles_receipt() {
    let env = TestEnv::new();
    let (_, paths) = run_demo(&env);
    let json = with_extension(&paths, "json");
    let id = receipt_id(&json);
    let rescued = env.path().join("rescued.json");
    std::fs::copy(&json, &rescued).expect("copy the receipt");
    std::fs::remove_dir_all(json.parent().expect("a receipt folder")).expect("remove the receipt");

    let run = env.run(&["receipts", "import", path_str(&rescued)]);
    run.assert_code(0);
    assert!(
        run.stdout.contains(&format!("Imported receipt {id}")),
        "{}",
        run.stdout
    );
    assert!(json.is_file(), "{} was not re-created", json.display());
}

#[test]
fn demo_reads_typed_name_from_stdin() {
    let env = TestEnv::new();
    let mut child = env
        .command(&["demo"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start matter-signer");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"Jane Q. Founder\n")
        .expect("write the name");
    let run = common::to_run(child.wait_with_output().expect("wait for matter-signer"));
    run.assert_code(0);
    assert!(run.stdout.contains("Your full name: "), "{}", run.stdout);
    assert_eq!(common::saved_paths(&run.stdout).len(), 3, "{}", run.stdout);
}

#[test]
fn demo_empty_answer_cancels_with_130() {
    let env = TestEnv::new();
    let run = env.run(&["demo"]);
    run.assert_code(130);
    assert!(run.stderr.contains("Cancelled"), "{}", run.stderr);
    assert!(!run.stdout.contains("Receipt saved:"), "{}", run.stdout);
}

#[test]
fn demo_wrong_name_is_refused() {
    let env = TestEnv::new();
    let run = env.run(&["demo", "--typed-name", "Somebody Else"]);
    run.assert_code(2);
    assert!(run.stderr.contains("does not match"), "{}", run.stderr);
    assert!(!run.stdout.contains("Receipt saved:"), "{}", run.stdout);
}

#[test]
fn no_secret_reaches_output_or_files() {
    let mut env = TestEnv::new();
    env.set("RUST_LOG", "trace");
    let (run, paths) = run_demo(&env);
    assert_eq!(paths.len(), 3, "{}", run.stdout);
    let id = receipt_id(&with_extension(&paths, "json"));
    let followups = [
        env.run(&["receipts", "list"]),
        env.run(&["receipts", "show", &id, "--json"]),
        env.run(&["receipts", "verify", path_str(&paths[0])]),
    ];

    assert!(
        run.stderr.contains("TRACE") || run.stderr.contains("DEBUG"),
        "trace logging is on:\n{}",
        run.stderr
    );
    for (name, text) in [("demo stdout", &run.stdout), ("demo stderr", &run.stderr)] {
        let hits = common::find_secrets(text);
        assert!(hits.is_empty(), "{name} holds {hits:?}");
    }
    for followup in &followups {
        assert!(
            common::find_secrets(&followup.stdout).is_empty(),
            "{}",
            followup.stdout
        );
        assert!(
            common::find_secrets(&followup.stderr).is_empty(),
            "{}",
            followup.stderr
        );
    }
    let hits = common::find_secrets_in_files(env.path());
    assert!(hits.is_empty(), "files hold {hits:?}");
}

#[test]
fn canary_pattern_finds_planted_token() {
    let planted = "Authorization: Bearer oat_Zx81kQpLmN2";
    assert_eq!(
        common::find_secrets(planted),
        vec!["oat_Zx81kQpLmN2".to_owned()]
    );
    assert!(common::find_secrets("sign_in and sig_… are words").is_empty());
}

#[test]
fn receipts_import_accepts_printed_form() {
    let env = TestEnv::new();
    let (_, paths) = run_demo(&env);
    let json = with_extension(&paths, "json");
    let id = receipt_id(&json);
    let text = std::fs::read_to_string(&json).expect("read the receipt");
    let printed = format!(
        "some terminal noise\n-----BEGIN MATTER SIGNER RECEIPT-----\n{text}-----END MATTER SIGNER RECEIPT-----\nerror: signed, but the receipt was not saved\n"
    );
    let rescued = env.path().join("copied-from-terminal.txt");
    std::fs::write(&rescued, printed).expect("write the copy");
    std::fs::remove_dir_all(json.parent().expect("a receipt folder")).expect("remove the receipt");

    let run = env.run(&["receipts", "import", path_str(&rescued)]);
    run.assert_code(0);
    assert!(
        run.stdout.contains(&format!("Imported receipt {id}")),
        "{}",
        run.stdout
    );
    assert!(json.is_file(), "{} was not re-created", json.display());
}

#[test]
fn receipts_import_rejects_tampered_receipt() {
    let env = TestEnv::new();
    let (_, paths) = run_demo(&env);
    let json = with_extension(&paths, "json");
    let text = std::fs::read_to_string(&json).expect("read the receipt");
    let tampered = env.path().join("tampered.json");
    std::fs::write(
        &tampered,
        text.replacen("Jane Q. Founder", "Jane Q. Forger", 1),
    )
    .expect("write");
    std::fs::remove_dir_all(json.parent().expect("a receipt folder")).expect("remove the receipt");

    let run = env.run(&["receipts", "import", path_str(&tampered)]);
    run.assert_code(7);
    assert!(!json.exists(), "a tampered receipt was filed");
}

/// Returns the receipt JSON printed between the unsaved-receipt markers.
fn printed_receipt(stdout: &str) -> String {
    let begin = "-----BEGIN MATTER SIGNER RECEIPT-----";
    let end = "-----END MATTER SIGNER RECEIPT-----";
    let start = stdout
        .find(begin)
        .unwrap_or_else(|| panic!("no receipt block in stdout:\n{stdout}"))
        + begin.len();
    let stop = stdout[start..]
        .find(end)
        .unwrap_or_else(|| panic!("unterminated receipt block in stdout:\n{stdout}"))
        + start;
    stdout[start..stop].trim().to_owned()
}

#[test]
fn unwritable_library_exits_6_then_imports() {
    let env = TestEnv::new();
    let library = env.data_dir().join("receipts");
    // A directory where the library's lock file belongs makes every write fail, for
    // root as well (permission bits would not stop root).
    std::fs::create_dir_all(library.join(".lock")).expect("create the blocking directory");

    let run = env.run(&["demo", "--typed-name", "Jane Q. Founder"]);
    run.assert_code(6);
    assert!(
        run.stderr.contains("was not saved"),
        "stderr does not say the receipt was not saved:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("matter-signer receipts import"),
        "stderr does not name the recovery command:\n{}",
        run.stderr
    );
    let json = printed_receipt(&run.stdout);
    let receipt: Value = serde_json::from_str(&json).expect("the printed receipt is JSON");
    let id = receipt["receipt_id"]
        .as_str()
        .expect("a receipt_id")
        .to_owned();
    assert!(id.starts_with("sgn_"), "{id}");
    assert!(
        !library.join(&id).join("receipt.json").exists(),
        "a receipt file exists although saving failed"
    );

    // The disk is fixed; the human saves the printed block and imports it.
    std::fs::remove_dir(library.join(".lock")).expect("remove the blocking directory");
    let saved_copy = env.path().join("printed-receipt.json");
    std::fs::write(&saved_copy, &json).expect("save the printed block");
    env.run(&["receipts", "import", path_str(&saved_copy)])
        .assert_code(0);
    let stored = library.join(&id).join("receipt.json");
    assert!(stored.is_file(), "import did not file {}", stored.display());
    let listed = env.run(&["receipts", "list"]);
    listed.assert_code(0);
    assert!(listed.stdout.contains(&id), "{}", listed.stdout);
    env.run(&["receipts", "verify", path_str(&stored)])
        .assert_code(0);
}
