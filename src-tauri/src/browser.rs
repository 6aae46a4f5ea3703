//! Opening the system browser for sign-in.

use std::process::{Command, Stdio};

/// Opens a URL in the human's browser.
pub trait BrowserOpener: Send + Sync {
    fn open(&self, url: &str) -> Result<(), String>;
}

/// Honours `$BROWSER` first, as `xdg-open` and the terminal front end do, then the
/// desktop's default handler through the opener plugin.
///
/// `$BROWSER` is a colon-separated list of commands; each is tried in order until one
/// starts. A `%s` in a command is replaced by the URL, otherwise the URL is appended
/// as the last argument. Commands run directly, never through a shell, and only ever
/// receive the engine's authorize URL (nothing from a deep link).
pub struct SystemBrowser;

impl BrowserOpener for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        if let Some(list) = std::env::var_os("BROWSER") {
            let list = list.to_string_lossy().into_owned();
            for entry in list.split(':').filter(|entry| !entry.trim().is_empty()) {
                match spawn_browser(entry, url) {
                    Ok(()) => return Ok(()),
                    Err(error) => {
                        tracing::warn!(browser = entry, %error, "could not start $BROWSER entry")
                    }
                }
            }
        }
        tauri_plugin_opener::open_url(url, None::<&str>).map_err(|error| error.to_string())
    }
}

/// Starts one `$BROWSER` command with the URL and lets it run on its own. A background
/// thread waits for the child, so it does not linger as a zombie.
fn spawn_browser(command: &str, url: &str) -> Result<(), String> {
    let mut words = command.split_whitespace();
    let program = words.next().ok_or("empty command")?;
    let mut args: Vec<String> = words.map(str::to_owned).collect();
    if args.iter().any(|arg| arg.contains("%s")) {
        for arg in &mut args {
            *arg = arg.replace("%s", url);
        }
    } else {
        args.push(url.to_owned());
    }
    let mut child = Command::new(program)
        .args(&args)
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
