//! Engine benchmarks, as ratios so that they hold on any machine:
//!
//! 1. sign click to receipt fsynced, against the sandbox with 50 ms of added latency,
//!    divided by 2 × RTT (the session creation and the sign call); target ≤ 1.10;
//! 2. link to packet and hash ready, divided by 1 RTT (document, packet, bytes and keys
//!    are fetched concurrently); target ≤ 1.2;
//! 3. SHA-256 of a 64 MiB document: `sha256sum`'s time divided by the engine's hasher's
//!    time in the same run; target ≥ 0.95.
//!
//! Run with `cargo bench -p matter-engine --bench engine` (or `benches/engine.sh`).
//! `ENGINE_BENCH_ROUNDS` sets the rounds per measurement (default 7); medians are
//! reported. The RTT is the median of a plain GET to the same sandbox.

#[path = "../tests/flow_support/mod.rs"]
mod flow_support;

use std::io::{Read, Write};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use flow_support::{board_consent_link, Harness};
use matter_engine::api::documents::ContentHasher;
use matter_engine::interaction::Step;
use matter_sandbox::{seed, SandboxConfig};

const LATENCY: Duration = Duration::from_millis(50);
const DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing and only
    // wants the target to build and run quickly.
    let benching = std::env::args().any(|arg| arg == "--bench");
    let rounds: usize = std::env::var("ENGINE_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 7 } else { 1 });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");

    let mut sign_ratios = Vec::new();
    let mut packet_ratios = Vec::new();
    for _ in 0..rounds {
        let (sign, packet) = runtime.block_on(flow_round());
        sign_ratios.push(sign);
        packet_ratios.push(packet);
    }
    let hash_ratio = hash_round(if benching {
        DOCUMENT_BYTES
    } else {
        1024 * 1024
    });

    println!(
        "sign_click_to_receipt / (2 x RTT): median {:.3} over {rounds} rounds (target <= 1.10)",
        median(&mut sign_ratios)
    );
    println!(
        "link_to_packet_ready / RTT: median {:.3} over {rounds} rounds (target <= 1.2)",
        median(&mut packet_ratios)
    );
    match hash_ratio {
        Some(ratio) => println!(
            "sha256sum_time / engine_sha256_time on {} MiB: {ratio:.3} (target >= 0.95)",
            if benching { 64 } else { 1 }
        ),
        None => println!("sha256sum not found; SHA-256 comparison skipped"),
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// One signing against a fresh sandbox with [`LATENCY`]; returns the two ratios.
async fn flow_round() -> (f64, f64) {
    let config = SandboxConfig {
        latency: LATENCY,
        ..SandboxConfig::default()
    };
    let harness = Harness::start_with(config, seed::JANE_EMAIL, seed::JANE_PASSWORD).await;
    harness.engine.sign_in(&harness.ui).await.expect("sign in");
    let rtt = measure_rtt(&harness).await;

    let review_at: Arc<Mutex<Option<Instant>>> = Arc::default();
    let hook_time = review_at.clone();
    harness.ui.on_review(move |_| {
        *hook_time.lock().unwrap() = Some(Instant::now());
    });
    let saved_at: Arc<Mutex<Option<Instant>>> = Arc::default();
    let step_time = saved_at.clone();
    // The receipt is fsynced when the engine reports `RenderingReceipt`; the HTML and
    // PDF copies written after it are not part of this figure.
    harness.ui.on_step(Step::RenderingReceipt, move |_| {
        *step_time.lock().unwrap() = Some(Instant::now());
    });

    let started = Instant::now();
    let outcome = harness
        .engine
        .sign(&board_consent_link(), &harness.ui)
        .await
        .expect("signing succeeds");
    assert!(outcome.saved.is_ok(), "the receipt was saved");

    let review_at = review_at.lock().unwrap().expect("review shown");
    let saved_at = saved_at.lock().unwrap().expect("receipt saved");
    let packet_ready = review_at - started;
    let click_to_receipt = saved_at - review_at;
    (
        click_to_receipt.as_secs_f64() / (2.0 * rtt.as_secs_f64()),
        packet_ready.as_secs_f64() / rtt.as_secs_f64(),
    )
}

/// The median of plain authenticated-free GETs to the sandbox's keys document, which
/// the sandbox delays by the same [`LATENCY`] as every API call.
async fn measure_rtt(harness: &Harness) -> Duration {
    let api = harness.engine.api();
    let mut samples = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        api.matter_keys().await.expect("keys");
        samples.push(start.elapsed().as_secs_f64());
    }
    Duration::from_secs_f64(median(&mut samples))
}

/// Hashes a file of `size` bytes with the engine's hasher and with `sha256sum`, each
/// best of three, and returns `sha256sum` time / engine time.
fn hash_round(size: usize) -> Option<f64> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("document.pdf");
    {
        let mut file = std::fs::File::create(&path).expect("create");
        let mut block = vec![0u8; 1024 * 1024];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..size / block.len() {
            for byte in block.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *byte = state as u8;
            }
            file.write_all(&block).expect("write");
        }
        file.sync_all().expect("sync");
    }

    let mut ours = f64::MAX;
    let mut ours_hex = String::new();
    for _ in 0..3 {
        let start = Instant::now();
        let mut file = std::fs::File::open(&path).expect("open");
        let mut hasher = ContentHasher::new();
        let mut buffer = vec![0u8; 256 * 1024];
        loop {
            let read = file.read(&mut buffer).expect("read");
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
        }
        let (hex, _) = hasher.finish();
        ours = ours.min(start.elapsed().as_secs_f64());
        ours_hex = hex;
    }

    let mut theirs = f64::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let output = Command::new("sha256sum").arg(&path).output().ok()?;
        theirs = theirs.min(start.elapsed().as_secs_f64());
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            text.starts_with(&ours_hex),
            "sha256sum and the engine disagree: {text} vs {ours_hex}"
        );
    }
    Some(theirs / ours)
}
