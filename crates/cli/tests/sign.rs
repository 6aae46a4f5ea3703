//! `sign`, `login`, `logout` and `whoami`: link checks, live-mode rules, and the
//! browser sign-in against the embedded sandbox.

mod common;

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::TestEnv;
use matter_sandbox::browser::SandboxBrowser;
use matter_sandbox::seed;

const JANE_LINK: &str =
    "mattermode://sign?document_id=doc_board_consent_2026&stakeholder_id=stk_jane_founder";

#[test]
fn bad_links_exit_2_naming_the_problem() {
    let env = TestEnv::new();
    let cases = [
        ("https://evil.example/sign?document_id=doc_board_consent_2026&stakeholder_id=stk_jane_founder", r#"scheme "https""#),
        ("mattermode://sign?document_id=doc_x&stakeholder_id=stk_jane_founder", r#""doc_x" is not a valid document id"#),
        ("mattermode://sign?document_id=doc_board_consent_2026", "missing the parameter stakeholder_id"),
        ("mattermode://sign?document_id=doc_board_consent_2026&stakeholder_id=stk_jane_founder&auto_sign=1", r#""auto_sign" is not supported"#),
        ("", "the link is empty"),
    ];
    for (link, problem) in cases {
        let run = env.run(&["sign", link]);
        run.assert_code(2);
        assert!(
            run.stderr.starts_with("error: invalid link: "),
            "{link}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(problem),
            "{link}: expected {problem:?} in {}",
            run.stderr
        );
    }
}

#[test]
fn typed_name_refused_in_live_mode() {
    let env = TestEnv::new();
    let run = env.run(&[
        "sign",
        JANE_LINK,
        "--mode",
        "live",
        "--issuer",
        "http://127.0.0.1:9",
        "--api-base",
        "http://127.0.0.1:9/v1",
        "--typed-name",
        "Jane Q. Founder",
    ]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("--typed-name is not accepted in live mode"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("Opening your browser"),
        "{}",
        run.stderr
    );
}

#[test]
fn agree_esra_refused_in_live_mode() {
    let env = TestEnv::new();
    let run = env.run(&[
        "sign",
        JANE_LINK,
        "--mode",
        "live",
        "--issuer",
        "http://127.0.0.1:9",
        "--agree-esra",
        "email",
    ]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("--agree-esra is not accepted in live mode"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_issuer_exits_2_with_fix() {
    let env = TestEnv::new();
    let run = env.run(&["whoami"]);
    run.assert_code(2);
    assert!(run.stderr.contains("MATTER_ISSUER"), "{}", run.stderr);
}

#[test]
fn sandbox_sign_with_auto_login() {
    let env = TestEnv::new();
    let run = env.run(&[
        "sign",
        JANE_LINK,
        "--sandbox",
        "--sandbox-auto-login",
        "--typed-name",
        "Jane Q. Founder",
    ]);
    run.assert_code(0);
    assert_eq!(common::saved_paths(&run.stdout).len(), 3, "{}", run.stdout);
}

/// Polls for `path` to hold a line, for up to `limit`.
fn wait_for_line(path: &Path, limit: Duration) -> Option<String> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(path) {
            if text.ends_with('\n') {
                return Some(text.trim().to_owned());
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[test]
fn sandbox_sign_opens_browser_with_url() {
    let mut env = TestEnv::new();
    // $BROWSER is a script that records the URL; this test then plays the browser.
    let url_file = env.path().join("browser-url.txt");
    let script = env.path().join("record-browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" > '{}.tmp' && mv '{0}.tmp' '{0}'\n",
            url_file.display()
        ),
    )
    .expect("write the browser script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    env.set("BROWSER", script.to_str().expect("UTF-8 path"));

    let mut child = env
        .command(&[
            "sign",
            JANE_LINK,
            "--sandbox",
            "--typed-name",
            "Jane Q. Founder",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start matter-signer");

    let url = wait_for_line(&url_file, Duration::from_secs(60)).expect("the browser was opened");
    let url = url::Url::parse(&url).expect("the browser got a URL");
    assert_eq!(url.path(), "/oauth/authorize");
    assert_eq!(url.host_str(), Some("127.0.0.1"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let outcome = runtime
        .block_on(SandboxBrowser::new().sign_in(&url, seed::JANE_EMAIL, seed::JANE_PASSWORD))
        .expect("the sandbox sign-in");
    assert!(
        (200..300).contains(&outcome.status),
        "callback status {}",
        outcome.status
    );

    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    let run = common::to_run(child.wait_with_output().expect("wait for matter-signer"));
    assert_eq!(
        run.code,
        Some(0),
        "stdout:\n{}\nstderr:\n{stderr}",
        run.stdout
    );
    assert!(
        stderr.contains(url.as_str()),
        "the URL was not printed:\n{stderr}"
    );
    assert!(!stderr.contains("Signing in automatically"), "{stderr}");
    assert_eq!(common::saved_paths(&run.stdout).len(), 3, "{}", run.stdout);
}

#[test]
fn sandbox_login_with_auto_login() {
    let env = TestEnv::new();
    let run = env.run(&["login", "--sandbox", "--sandbox-auto-login"]);
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("Signed in as Jane Q. Founder <jane@acme.example>"),
        "{}",
        run.stdout
    );
}

#[test]
fn sandbox_whoami_not_signed_in_exits_3() {
    let env = TestEnv::new();
    let run = env.run(&["whoami", "--sandbox", "--json"]);
    run.assert_code(3);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("stdout is JSON");
    assert_eq!(value["signed_in"], false);
    assert!(run.stderr.contains("not signed in"), "{}", run.stderr);
}

#[test]
fn sandbox_logout_succeeds() {
    let env = TestEnv::new();
    let run = env.run(&["logout", "--sandbox"]);
    run.assert_code(0);
    assert!(run.stdout.contains("Signed out"), "{}", run.stdout);
}
