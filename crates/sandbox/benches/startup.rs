//! Measures how long `Sandbox::start` takes, so that the "every test starts its own
//! sandbox" design stays cheap. Run with
//! `cargo bench --profile dev -p matter-sandbox --bench startup` to measure the build that tests
//! use (the release profile rebuilds every dependency).
//!
//! Prints the mean and the slowest start-up over the runs; the first start also parses the
//! committed RSA key and is reported apart.

use std::time::{Duration, Instant};

use matter_sandbox::{Sandbox, SandboxConfig};

const RUNS: u32 = 200;

#[tokio::main]
async fn main() {
    let first_started = Instant::now();
    let first = Sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox starts");
    let first_elapsed = first_started.elapsed();
    first.shutdown().await;

    let mut total = Duration::ZERO;
    let mut slowest = Duration::ZERO;
    for _ in 0..RUNS {
        let started = Instant::now();
        let sandbox = Sandbox::start(SandboxConfig::default())
            .await
            .expect("sandbox starts");
        let elapsed = started.elapsed();
        total += elapsed;
        slowest = slowest.max(elapsed);
        sandbox.shutdown().await;
    }
    println!("sandbox start-up, first (parses the RSA key): {first_elapsed:?}");
    println!(
        "sandbox start-up over {RUNS} runs: mean {:?}, slowest {slowest:?}",
        total / RUNS
    );
}
