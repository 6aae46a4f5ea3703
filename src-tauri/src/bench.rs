//! Start-up timing for `benches/desktop.sh`.
//!
//! With `MATTER_SIGNER_BENCH_FIRST_PAINT=FILE`, the main window gets an
//! initialization script. It waits for the second animation frame after
//! `DOMContentLoaded`, when the first frame has been painted, and calls the
//! `first_paint` command. That command writes the wall-clock time in nanoseconds since
//! the Unix epoch to FILE, and the bench script compares it with the launch time.

use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The environment variable naming the file to write.
pub const ENV: &str = "MATTER_SIGNER_BENCH_FIRST_PAINT";

/// Runs in the page before its own scripts, only in bench runs.
pub const FIRST_PAINT_SCRIPT: &str = r#"
document.addEventListener('DOMContentLoaded', () => {
  requestAnimationFrame(() => requestAnimationFrame(() => {
    window.__TAURI_INTERNALS__.invoke('first_paint');
  }));
});
"#;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Notes the time `main` started.
pub fn mark_start() {
    STARTED.get_or_init(Instant::now);
}

/// Returns whether this run measures first paint.
pub fn enabled() -> bool {
    std::env::var_os(ENV).is_some()
}

/// Logs the time since `main` started and, in bench runs, writes the wall-clock time
/// to the file named by [`ENV`]. Returns the time since `main` started.
pub fn record_first_paint() -> Duration {
    let elapsed = STARTED.get().map(Instant::elapsed).unwrap_or_default();
    tracing::info!(elapsed_ms = elapsed.as_millis() as u64, "first paint");
    if let Some(path) = std::env::var_os(ENV) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        if let Err(error) = std::fs::write(&path, format!("{now}\n")) {
            tracing::warn!(%error, "could not write the first-paint time");
        }
    }
    elapsed
}
