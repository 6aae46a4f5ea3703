//! The `matter-sandbox` and `matter-sandbox-browser` binaries as other tooling runs them.

#![cfg(unix)]

mod common;

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Command, Stdio};

use common::*;
use matter_sandbox::seed;
use serde_json::Value;

const SANDBOX: &str = env!("CARGO_BIN_EXE_matter-sandbox");
const BROWSER: &str = env!("CARGO_BIN_EXE_matter-sandbox-browser");

#[test]
fn prints_one_json_line_and_stops_on_sigterm() {
    let mut child = Command::new(SANDBOX)
        .args(["--addr", "127.0.0.1:0", "--latency-ms", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let ready: Value = serde_json::from_str(line.trim_end()).expect("one JSON line");
    let object = ready.as_object().unwrap();
    assert_eq!(object.len(), 2, "exactly api_base and issuer");
    let issuer = ready["issuer"].as_str().unwrap();
    assert!(issuer.starts_with("http://127.0.0.1:"));
    assert!(!issuer.ends_with('/'));
    assert_eq!(ready["api_base"].as_str().unwrap(), format!("{issuer}/v1"));

    let addr = issuer.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    std::io::Write::write_all(
        &mut stream,
        b"GET /.well-known/matter-keys.json HTTP/1.0\r\nHost: sandbox\r\n\r\n",
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(
        response.starts_with("HTTP/1.0 200"),
        "server answers while running"
    );
    assert!(response.contains("matter-sandbox-test-2026"));

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "clean exit on SIGTERM: {exit:?}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(rest.is_empty(), "nothing else on stdout: {rest:?}");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(stderr.contains("sandbox started"), "logs go to stderr");
}

#[test]
fn stops_on_sigint() {
    let mut child = Command::new(SANDBOX)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("api_base"));
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn refuses_non_loopback_address() {
    let output = Command::new(SANDBOX)
        .args(["--addr", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no ready line");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("loopback"), "{stderr}");
}

#[test]
fn refuses_loopback_other_than_the_two_named() {
    for addr in ["127.0.0.2:0", "127.255.255.254:0", "[::ffff:127.0.0.1]:0"] {
        let output = Command::new(SANDBOX)
            .args(["--addr", addr])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{addr}");
        assert!(output.stdout.is_empty(), "{addr}: no ready line");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("127.0.0.1 or ::1"), "{addr}: {stderr}");
    }
}

#[tokio::test]
async fn library_refuses_non_loopback_address() {
    let result = matter_sandbox::Sandbox::start(matter_sandbox::SandboxConfig {
        addr: "0.0.0.0:0".parse().unwrap(),
        ..Default::default()
    })
    .await;
    assert!(matches!(
        result,
        Err(matter_sandbox::SandboxError::NonLoopback(_))
    ));
}

#[tokio::test]
async fn browser_binary_completes_sign_in() {
    let harness = start().await;
    // The browser binary follows the redirect to the callback, so a local listener stands in
    // for the app and returns 200; the exit status then reflects a completed flow.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let callback_hit = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buffer = vec![0u8; 4096];
        let read = stream.read(&mut buffer).await.unwrap();
        let request = String::from_utf8_lossy(&buffer[..read]).to_string();
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
            .await
            .unwrap();
        request
    });
    let callback = format!("http://127.0.0.1:{port}/oauth/callback");
    let url = harness.authorize_url(&Pkce::new(), &[("redirect_uri", &callback)]);
    let status = tokio::process::Command::new(BROWSER)
        .arg(url.as_str())
        .env("MATTER_SANDBOX_EMAIL", seed::SAM_EMAIL)
        .env("MATTER_SANDBOX_PASSWORD", seed::SAM_PASSWORD)
        .status()
        .await
        .unwrap();
    assert!(status.success());
    let request = callback_hit.await.unwrap();
    assert!(
        request.starts_with("GET /oauth/callback?code=clk_code_"),
        "{request}"
    );
    assert_eq!(harness.control.interactive_sign_ins(), 1);
}

#[tokio::test]
async fn seeded_pdfs_are_readable_by_pdftotext() {
    let harness = start().await;
    let access = harness.jane().await;
    let bytes = harness
        .get("/v1/documents/doc_board_consent_2026/content", &access)
        .await
        .bytes()
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(format!("matter-sandbox-pdf-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("board.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let output = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("[TEST MODE]"), "{text}");
    assert!(text.contains("UNANIMOUS WRITTEN CONSENT"), "{text}");
}
