//! Token canary: after whole flows (a success, a re-authentication, an ESRA consent and
//! several failures), no token value appears in the logs, the data directory, what the
//! front end received, or any error's text.
//!
//! The sandbox does not expose the tokens it issues, so the scan looks for the tokens'
//! shapes (`sig_…`, `oat_…`, `clk_refresh_…`, `clk_code_…`, and JWTs for ID tokens)
//! and for the exact refresh-token values the engine stored, recorded by the test's
//! secret store.

mod flow_support;

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use flow_support::{board_consent_link, document_link, Harness};
use matter_engine::interaction::Step;
use matter_sandbox::{seed, Route};
use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Token shapes: a prefix followed by at least 8 token characters.
const PREFIXES: [&str; 4] = ["sig_", "oat_", "clk_refresh_", "clk_code_"];

fn find_token_shapes(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for prefix in PREFIXES {
        let mut rest = text;
        while let Some(at) = rest.find(prefix) {
            let tail = &rest[at + prefix.len()..];
            let run: String = tail
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            if run.len() >= 8 {
                found.push(format!("{prefix}{run}"));
            }
            rest = tail;
        }
    }
    // A JWT's header starts with `{"` which base64url-encodes as `eyJ`; two dots follow.
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c))) {
        if word.starts_with("eyJ") && word.matches('.').count() == 2 && word.len() > 40 {
            found.push(word.to_owned());
        }
    }
    found
}

fn scan(label: &str, text: &str, known: &[String], hits: &mut Vec<String>) {
    for token in find_token_shapes(text) {
        hits.push(format!("{label}: token-shaped value {token}"));
    }
    for value in known {
        if !value.is_empty() && text.contains(value.as_str()) {
            hits.push(format!("{label}: a stored refresh token"));
        }
    }
}

fn scan_dir(dir: &Path, known: &[String], hits: &mut Vec<String>, files: &mut usize) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            scan_dir(&path, known, hits, files);
        } else {
            *files += 1;
            let bytes = std::fs::read(&path).unwrap();
            scan(
                &path.display().to_string(),
                &String::from_utf8_lossy(&bytes),
                known,
                hits,
            );
        }
    }
}

#[test]
fn no_token_reaches_logs_files_ui_or_errors() {
    let buffer = Buffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(buffer.clone())
        // The engine's and the receipt store's events; the in-process sandbox logs its
        // own view of the wire and is not under test.
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "matter_engine=trace,matter_receipts=trace",
        ))
        .with_ansi(false)
        .finish();
    // Global, so that logs from blocking threads (receipt writes, the keyring) count too.
    tracing::subscriber::set_global_default(subscriber).expect("first subscriber");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let mut texts: Vec<(String, String)> = Vec::new();
    let (data_dirs, known) = runtime.block_on(async {
        let mut data_dirs = Vec::new();
        let mut known = Vec::new();

        // A success with a server-requested re-authentication and a lost sign answer.
        let harness = Harness::start().await;
        harness.engine.sign_in(&harness.ui).await.unwrap();
        harness.control().advance_clock(Duration::from_secs(6 * 60));
        harness.sync_clock_on_sign_in();
        harness.control().drop_after_commit(Route::SignDocument, 1);
        let outcome = harness
            .engine
            .sign(&board_consent_link(), &harness.ui)
            .await
            .expect("signing succeeds");
        texts.push(("outcome".into(), format!("{outcome:?}")));
        // The same link again: already signed.
        let error = harness
            .engine
            .sign(&board_consent_link(), &harness.ui)
            .await
            .unwrap_err();
        texts.push(("error".into(), format!("{error} {error:?}")));
        texts.push(("error json".into(), serde_json::to_string(&error).unwrap()));
        // An expired session: the token was issued and then refused.
        harness.ui.on_step(Step::Signing, |control| {
            control.advance_clock(Duration::from_secs(16 * 60));
        });
        let nda = document_link(seed::NDA_DOC_ID, seed::JANE_STAKEHOLDER_ID);
        let error = harness.engine.sign(&nda, &harness.ui).await.unwrap_err();
        texts.push(("expired".into(), format!("{error} {error:?}")));
        texts.push(("engine".into(), format!("{:?}", harness.engine)));
        collect_ui(&harness, &mut texts);
        known.extend(harness.secrets.saved.lock().unwrap().iter().cloned());
        data_dirs.push(harness.data_dir);

        // ESRA consent, then a session whose answer is lost on every attempt.
        let harness = Harness::start_as(seed::LEE_EMAIL, seed::LEE_PASSWORD).await;
        harness.control().drop_after_commit(Route::SignDocument, 10);
        let link = document_link(seed::ELECTION_83B_DOC_ID, seed::LEE_STAKEHOLDER_ID);
        let error = harness.engine.sign(&link, &harness.ui).await.unwrap_err();
        texts.push(("unknown outcome".into(), format!("{error} {error:?}")));
        texts.push((
            "unknown json".into(),
            serde_json::to_string(&error).unwrap(),
        ));
        collect_ui(&harness, &mut texts);
        known.extend(harness.secrets.saved.lock().unwrap().iter().cloned());
        data_dirs.push(harness.data_dir);

        (data_dirs, known)
    });

    assert!(
        !known.is_empty(),
        "the engine stored at least one refresh token"
    );
    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("signing session created"),
        "the logs were captured"
    );

    let mut hits = Vec::new();
    scan("logs", &logs, &known, &mut hits);
    for (label, text) in &texts {
        scan(label, text, &known, &mut hits);
    }
    let mut files = 0;
    for dir in &data_dirs {
        scan_dir(dir.path(), &known, &mut hits, &mut files);
    }
    assert!(files >= 2, "receipts were written ({files} files)");
    assert!(hits.is_empty(), "token values leaked:\n{}", hits.join("\n"));
}

fn collect_ui(harness: &Harness, texts: &mut Vec<(String, String)>) {
    for call in harness.ui.calls() {
        let text = match &call {
            flow_support::UiCall::OpenSignIn(prompt) => serde_json::to_string(prompt).unwrap(),
            flow_support::UiCall::Review(review) => serde_json::to_string(review).unwrap(),
            flow_support::UiCall::Esra(prompt) => serde_json::to_string(prompt).unwrap(),
            flow_support::UiCall::Progress(step) => serde_json::to_string(step).unwrap(),
        };
        texts.push(("front end".into(), format!("{text} {call:?}")));
    }
}

#[test]
fn canary_scanner_finds_token_shapes() {
    let hits = find_token_shapes("Bearer sig_Ab12Cd34Ef56 and oat_zzzzzzzzzz, ssn_12345678");
    assert_eq!(hits, vec!["sig_Ab12Cd34Ef56", "oat_zzzzzzzzzz"]);
}
