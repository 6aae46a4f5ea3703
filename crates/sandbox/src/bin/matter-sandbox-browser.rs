//! `matter-sandbox-browser URL`: a scripted browser for the sandbox's sign-in pages.
//!
//! Set `$BROWSER` to this binary in tests: it opens the authorize URL, signs in with
//! `MATTER_SANDBOX_EMAIL` / `MATTER_SANDBOX_PASSWORD` (Jane's demo credentials by default),
//! approves consent and follows the redirect to the app's loopback callback.

use std::process::ExitCode;

use matter_sandbox::browser::SandboxBrowser;
use matter_sandbox::seed;
use url::Url;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(argument) = std::env::args().nth(1) else {
        eprintln!("usage: matter-sandbox-browser AUTHORIZE_URL");
        return ExitCode::from(2);
    };
    let url = match Url::parse(&argument) {
        Ok(url) => url,
        Err(error) => {
            eprintln!("matter-sandbox-browser: invalid URL: {error}");
            return ExitCode::from(2);
        }
    };
    let email =
        std::env::var("MATTER_SANDBOX_EMAIL").unwrap_or_else(|_| seed::JANE_EMAIL.to_owned());
    let password =
        std::env::var("MATTER_SANDBOX_PASSWORD").unwrap_or_else(|_| seed::JANE_PASSWORD.to_owned());
    match SandboxBrowser::new().sign_in(&url, &email, &password).await {
        Ok(outcome) => {
            eprintln!(
                "matter-sandbox-browser: callback returned HTTP {}",
                outcome.status
            );
            if (200..300).contains(&outcome.status) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(error) => {
            eprintln!("matter-sandbox-browser: {error}");
            ExitCode::FAILURE
        }
    }
}
