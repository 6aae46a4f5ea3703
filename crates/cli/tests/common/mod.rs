//! Shared helpers: run the built `matter-signer` in a sandboxed environment.
//!
//! Every run gets its own temporary HOME, XDG directories and `MATTER_DATA_DIR`, and
//! none of the caller's `MATTER_*`, `BROWSER` or `RUST_LOG` variables, so tests never
//! read or write the developer's configuration, data or keyring.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

/// A temporary home for one test's runs.
pub struct TestEnv {
    pub root: TempDir,
    extra: Vec<(String, String)>,
}

/// The outcome of one run, with stdout and stderr as text.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with both streams when the exit code is not `expected`.
    pub fn assert_code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(expected),
            "unexpected exit code\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

impl TestEnv {
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("create a temporary directory");
        for dir in [
            "home",
            "data",
            "config",
            "state",
            "cache",
            "runtime",
            "matter-data",
        ] {
            std::fs::create_dir_all(root.path().join(dir)).expect("create a test directory");
        }
        Self {
            root,
            extra: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        self.root.path()
    }

    /// Returns the directory `MATTER_DATA_DIR` points at.
    pub fn data_dir(&self) -> PathBuf {
        self.path().join("matter-data")
    }

    /// Adds an environment variable to every later run.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.extra.push((key.to_owned(), value.into()));
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_matter-signer"));
        command.args(args);
        for (key, _) in std::env::vars() {
            if key.starts_with("MATTER_")
                || key.starts_with("XDG_")
                || key == "BROWSER"
                || key == "RUST_LOG"
                || key == "DBUS_SESSION_BUS_ADDRESS"
            {
                command.env_remove(key);
            }
        }
        let root = self.path();
        command
            .env("HOME", root.join("home"))
            .env("XDG_DATA_HOME", root.join("data"))
            .env("XDG_CONFIG_HOME", root.join("config"))
            .env("XDG_STATE_HOME", root.join("state"))
            .env("XDG_CACHE_HOME", root.join("cache"))
            .env("XDG_RUNTIME_DIR", root.join("runtime"))
            .env("MATTER_DATA_DIR", self.data_dir())
            // A browser that cannot start, so that no test ever opens a real one.
            .env("BROWSER", root.join("no-browser"))
            .stdin(Stdio::null());
        for (key, value) in &self.extra {
            command.env(key, value);
        }
        command
    }

    pub fn run(&self, args: &[&str]) -> Run {
        to_run(self.command(args).output().expect("run matter-signer"))
    }
}

pub fn to_run(output: Output) -> Run {
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Returns the data directories whose key cache the CLI reads for verification:
/// `MATTER_DATA_DIR` serves both modes.
pub fn key_dirs(env: &TestEnv) -> Vec<PathBuf> {
    vec![env.data_dir()]
}

/// Token prefixes whose values must never appear in any output or file: access
/// tokens, refresh tokens, authorization codes and signing-session tokens.
pub const SECRET_PREFIXES: &[&str] = &["oat_", "clk_refresh_", "clk_code_", "sig_"];

/// Returns every token-like value (a secret prefix followed by at least six id
/// characters) found in `text`.
pub fn find_secrets(text: &str) -> Vec<String> {
    let pattern = regex::Regex::new(r"(oat_|clk_refresh_|clk_code_|sig_)[A-Za-z0-9_\-]{6,}")
        .expect("a valid pattern");
    pattern
        .find_iter(text)
        .map(|found| found.as_str().to_owned())
        .collect()
}

/// Returns `(path, value)` for every token-like value in any file under `root`.
pub fn find_secrets_in_files(root: &Path) -> Vec<(PathBuf, String)> {
    let mut hits = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                for value in find_secrets(&String::from_utf8_lossy(&bytes)) {
                    hits.push((path.clone(), value));
                }
            }
        }
    }
    hits
}

/// Returns the receipt paths printed under "Receipt saved:".
pub fn saved_paths(stdout: &str) -> Vec<PathBuf> {
    stdout
        .lines()
        .skip_while(|line| !line.starts_with("Receipt saved:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .map(|line| PathBuf::from(line.trim()))
        .collect()
}

/// Runs `demo --typed-name "Jane Q. Founder"` and returns the run and the paths of
/// the receipt's JSON, HTML and PDF files.
pub fn run_demo(env: &TestEnv) -> (Run, Vec<PathBuf>) {
    let run = env.run(&["demo", "--typed-name", "Jane Q. Founder"]);
    run.assert_code(0);
    let paths = saved_paths(&run.stdout);
    (run, paths)
}
