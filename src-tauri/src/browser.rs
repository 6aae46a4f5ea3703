//! Opening the system browser for sign-in.

use std::path::Path;
use std::process::{Command, Stdio};

use matter_engine::browser_env::{browser_commands, BrowserCommand};

/// Opens a URL in the human's browser.
pub trait BrowserOpener: Send + Sync {
    fn open(&self, url: &str) -> Result<(), String>;
}

/// Honours `$BROWSER` first, as `xdg-open` and the terminal front end do, then the
/// desktop's default handler through the opener plugin.
///
/// `$BROWSER` is read as the terminal front end reads it
/// ([`matter_engine::browser_env`]): a colon-separated list of commands, each tried in
/// order until one starts, run directly (never through a shell) with the engine's
/// authorize URL (nothing from a deep link).
pub struct SystemBrowser;

impl BrowserOpener for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        if let Some(value) = std::env::var_os("BROWSER") {
            let value = value.to_string_lossy();
            for command in browser_commands(&value, url, |entry| Path::new(entry).is_file()) {
                match spawn_browser(&command) {
                    Ok(()) => return Ok(()),
                    Err(error) => {
                        tracing::warn!(browser = %command.program, %error, "could not start $BROWSER entry")
                    }
                }
            }
        }
        tauri_plugin_opener::open_url(url, None::<&str>).map_err(|error| error.to_string())
    }
}

/// Starts one `$BROWSER` command with the URL and lets it run on its own. A background
/// thread waits for the child, so it does not linger as a zombie.
fn spawn_browser(command: &BrowserCommand) -> Result<(), String> {
    let mut child = Command::new(&command.program)
        .args(&command.args)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|error| error.to_string())?;
    std::thread::spawn(move || {
        if let Err(error) = child.wait() {
            tracing::warn!(%error, "could not wait for the browser process");
        }
    });
    Ok(())
}
