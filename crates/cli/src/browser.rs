//! Opening the system browser for sign-in.
//!
//! `$BROWSER`, when set and not blank, is read as both front ends read it
//! ([`matter_engine::browser_env`]): a colon-separated list of commands tried in order,
//! each run without a shell with the URL as an argument. Otherwise `xdg-open` is used
//! (on macOS `open`, on Windows the `start` handler of `explorer`). The caller prints
//! the URL before calling [`open`], so a browser that cannot be started is reported
//! but is not fatal.

use std::path::Path;
use std::process::{Command, Stdio};

use matter_engine::browser_env::{browser_commands, BrowserCommand};

/// Returns the commands to try for `url`: those `$BROWSER` lists when it is set and
/// not blank, else the platform opener; and whether they came from `$BROWSER`.
pub fn commands_for(browser_env: Option<&str>, url: &str) -> (Vec<BrowserCommand>, bool) {
    if let Some(value) = browser_env.filter(|value| !value.trim().is_empty()) {
        let commands = browser_commands(value, url, |entry| Path::new(entry).is_file());
        if !commands.is_empty() {
            return (commands, true);
        }
    }
    let opener = BrowserCommand {
        program: platform_opener().to_owned(),
        args: vec![url.to_owned()],
    };
    (vec![opener], false)
}

fn platform_opener() -> &'static str {
    if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    }
}

/// Starts the browser at `url` and returns without waiting for it to exit.
///
/// Returns an error message naming the programs when none can be started. The child
/// is reaped on a background thread so that it never lingers as a zombie; its exit
/// status is logged, not reported, because openers such as `xdg-open` may exit
/// non-zero after handing the URL to a browser that is already running.
pub fn open(url: &str) -> Result<(), String> {
    let browser_env = std::env::var_os("BROWSER").map(|v| v.to_string_lossy().into_owned());
    let (commands, from_env) = commands_for(browser_env.as_deref(), url);
    let source = if from_env {
        "$BROWSER"
    } else {
        "the system opener"
    };

    let mut failures = Vec::new();
    for command in &commands {
        let spawned = Command::new(&command.program)
            .args(&command.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match spawned {
            Ok(mut child) => {
                tracing::debug!(program = %command.program, pid = child.id(), "browser started");
                std::thread::spawn(move || match child.wait() {
                    Ok(status) => tracing::debug!(%status, "browser command exited"),
                    Err(error) => tracing::debug!(%error, "could not wait for the browser command"),
                });
                return Ok(());
            }
            Err(error) => {
                tracing::warn!(program = %command.program, %error, "could not start the browser");
                failures.push(format!("`{}`: {error}", command.program));
            }
        }
    }
    Err(format!(
        "could not start {source} ({}); open the URL above yourself, or set $BROWSER to \
         your browser's program",
        failures.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://127.0.0.1:4010/oauth/authorize";

    #[test]
    fn browser_env_wins_when_set() {
        let (commands, from_env) = commands_for(Some("/usr/bin/firefox"), URL);
        assert!(from_env);
        assert_eq!(commands[0].program, "/usr/bin/firefox");
        assert_eq!(commands[0].args, [URL]);
    }

    #[test]
    fn browser_env_list_keeps_order() {
        let (commands, _) = commands_for(Some("firefox:chromium %s"), URL);
        let programs: Vec<_> = commands.iter().map(|c| c.program.as_str()).collect();
        assert_eq!(programs, ["firefox", "chromium"]);
    }

    #[test]
    fn blank_browser_env_falls_back() {
        let (commands, from_env) = commands_for(Some(" : "), URL);
        assert!(!from_env);
        assert_eq!(commands[0].program, platform_opener());
        assert_eq!(commands[0].args, [URL]);
    }

    #[test]
    fn unset_browser_env_falls_back() {
        let (commands, from_env) = commands_for(None, URL);
        assert!(!from_env);
        assert_eq!(commands[0].program, platform_opener());
    }
}
