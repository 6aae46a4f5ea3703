//! The typed-name prompt at a real terminal: `demo` runs inside a detached tmux
//! session and the test types the name as a person would.
//!
//! Needs `tmux` on PATH; the test fails with that message when it is missing.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::TestEnv;

/// A detached tmux server and session, killed on drop.
struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    fn tmux(&self) -> Command {
        let mut command = Command::new("tmux");
        command.args(["-S", &self.socket]);
        command
    }

    fn send(&self, keys: &[&str]) {
        let status = self
            .tmux()
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .status()
            .expect("run tmux send-keys");
        assert!(status.success(), "tmux send-keys failed");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux().args(["kill-server"]).status();
    }
}

/// Polls `path` until `done` accepts its contents, for up to `limit`.
fn wait_for(path: &Path, limit: Duration, done: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + limit;
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if done(&text) || Instant::now() > deadline {
            return text;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[test]
fn typed_name_prompt_at_a_terminal() {
    let env = TestEnv::new();
    let stdout = env.path().join("stdout.txt");
    let stderr = env.path().join("stderr.txt");
    let status = env.path().join("status.txt");

    // The command line the tmux pane runs: stdin is the pane's terminal, output goes
    // to files for the assertions.
    let command = env.command(&["demo"]);
    let mut line = String::from("env");
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            line.push_str(&format!(
                " {}={}",
                key.to_string_lossy(),
                shell_quote(&value.to_string_lossy())
            ));
        }
    }
    line.push_str(&format!(
        " {} demo > {} 2> {}; echo $? > {}",
        shell_quote(env!("CARGO_BIN_EXE_matter-signer")),
        shell_quote(&stdout.to_string_lossy()),
        shell_quote(&stderr.to_string_lossy()),
        shell_quote(&status.to_string_lossy()),
    ));

    let tmux = Tmux {
        socket: env.path().join("tmux.sock").to_string_lossy().into_owned(),
        session: "matter-signer-test".into(),
    };
    let started = tmux
        .tmux()
        .args([
            "new-session",
            "-d",
            "-s",
            &tmux.session,
            "-x",
            "200",
            "-y",
            "50",
            &line,
        ])
        .status()
        .expect("tmux is installed");
    assert!(started.success(), "tmux new-session failed");

    let shown = wait_for(&stdout, Duration::from_secs(120), |text| {
        text.contains("Your full name: ")
    });
    assert!(
        shown.contains("Your full name: "),
        "no prompt; stdout:\n{shown}\nstderr:\n{}",
        std::fs::read_to_string(&stderr).unwrap_or_default()
    );
    assert!(shown.contains("TEST MODE"), "{shown}");

    tmux.send(&["-l", "Jane Q. Founder"]);
    tmux.send(&["Enter"]);

    let code = wait_for(&status, Duration::from_secs(120), |text| {
        text.ends_with('\n')
    });
    let out = std::fs::read_to_string(&stdout).unwrap_or_default();
    let err = std::fs::read_to_string(&stderr).unwrap_or_default();
    assert_eq!(code.trim(), "0", "stdout:\n{out}\nstderr:\n{err}");
    assert_eq!(common::saved_paths(&out).len(), 3, "{out}");
}
