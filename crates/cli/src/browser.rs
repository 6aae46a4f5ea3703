//! Opening the system browser for sign-in.
//!
//! `$BROWSER`, when set and not empty, names one program that is run with the URL as
//! its only argument, without a shell, so the URL can never be read as shell syntax.
//! Otherwise `xdg-open` is used (on macOS `open`, on Windows the `start` handler of
//! `explorer`). The caller prints the URL before calling [`open`], so a browser that
//! cannot be started is reported but is not fatal.

use std::ffi::OsString;
use std::process::{Command, Stdio};

/// Where the browser command came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserCommand {
    pub program: OsString,
    pub from_env: bool,
}

/// Chooses the browser program: `$BROWSER` if set and not empty, else the platform opener.
pub fn browser_command(browser_env: Option<OsString>) -> BrowserCommand {
    match browser_env {
        Some(program) if !program.is_empty() => BrowserCommand {
            program,
            from_env: true,
        },
        _ => BrowserCommand {
            program: OsString::from(platform_opener()),
            from_env: false,
        },
    }
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
/// Returns an error message naming the program when it cannot be started. The child
/// is reaped on a background thread so that it never lingers as a zombie; its exit
/// status is logged, not reported, because openers such as `xdg-open` may exit
/// non-zero after handing the URL to a browser that is already running.
pub fn open(url: &str) -> Result<(), String> {
    let command = browser_command(std::env::var_os("BROWSER"));
    let source = if command.from_env {
        "$BROWSER"
    } else {
        "the system opener"
    };
    let program_shown = command.program.to_string_lossy().into_owned();

    let spawned = Command::new(&command.program)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match spawned {
        Ok(mut child) => {
            tracing::debug!(program = %program_shown, pid = child.id(), "browser started");
            std::thread::spawn(move || match child.wait() {
                Ok(status) => tracing::debug!(%status, "browser command exited"),
                Err(error) => tracing::debug!(%error, "could not wait for the browser command"),
            });
            Ok(())
        }
        Err(error) => {
            tracing::warn!(program = %program_shown, %error, "could not start the browser");
            Err(format!(
                "could not start {source} `{program_shown}`: {error}; open the URL above yourself, \
                 or set $BROWSER to your browser's program"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_env_wins_when_set() {
        let command = browser_command(Some(OsString::from("/usr/bin/firefox")));
        assert_eq!(command.program, OsString::from("/usr/bin/firefox"));
        assert!(command.from_env);
    }

    #[test]
    fn empty_browser_env_falls_back() {
        let command = browser_command(Some(OsString::new()));
        assert_eq!(command.program, OsString::from(platform_opener()));
        assert!(!command.from_env);
    }

    #[test]
    fn unset_browser_env_falls_back() {
        let command = browser_command(None);
        assert_eq!(command.program, OsString::from(platform_opener()));
        assert!(!command.from_env);
    }
}
