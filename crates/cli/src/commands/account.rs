//! `login`, `logout` and `whoami`.

use matter_engine::config::Mode;
use matter_engine::flow::Engine;
use matter_engine::interaction::UserView;
use serde_json::json;

use crate::cli::{GlobalOptions, JsonFlag};
use crate::commands::sign::{build_engine, keyring_store};
use crate::embedded::{AutoSignIn, EmbeddedSandbox};
use crate::exit::{CliError, CliResult, Exit};
use crate::render;
use crate::settings;
use crate::terminal::{Presets, TerminalInteraction};

fn user_line(user: &UserView) -> String {
    format!(
        "{} <{}> ({})",
        render::sanitize_line(&user.name),
        render::sanitize_line(&user.email),
        render::sanitize_line(&user.user_id)
    )
}

/// Runs `action` with an engine against the configured API, or against an embedded
/// sandbox with `--sandbox`.
async fn with_engine<T>(
    global: &GlobalOptions,
    action: impl AsyncFnOnce(&Engine, &TerminalInteraction, bool) -> CliResult<T>,
) -> CliResult<T> {
    let terminal = TerminalInteraction::new(Presets::default());
    if global.sandbox {
        let data_dir = settings::data_dir_for(global, Mode::Test)?;
        let sandbox = EmbeddedSandbox::start().await?;
        let result =
            match build_engine(sandbox.config(global, data_dir), EmbeddedSandbox::secrets()) {
                Ok(engine) => action(&engine, &terminal, global.sandbox_auto_login).await,
                Err(error) => Err(error),
            };
        sandbox.shutdown().await;
        return result;
    }
    let config = settings::load_config(global)?;
    let secrets = keyring_store(config.mode).await;
    let engine = build_engine(config, secrets)?;
    action(&engine, &terminal, false).await
}

pub async fn login(global: &GlobalOptions) -> CliResult<()> {
    with_engine(global, async |engine, terminal, auto| {
        let user = if auto {
            engine.sign_in(&AutoSignIn::new(terminal)).await?
        } else {
            let sign_in = engine.sign_in(terminal);
            tokio::select! {
                result = sign_in => result?,
                _ = tokio::signal::ctrl_c() => return Err(CliError::new(Exit::Cancelled, "sign-in cancelled")),
            }
        };
        println!("Signed in as {} ({} mode).", user_line(&user), engine.config().mode);
        Ok(())
    })
    .await
}

pub async fn logout(global: &GlobalOptions) -> CliResult<()> {
    with_engine(global, async |engine, _, _| {
        engine.sign_out().await?;
        println!(
            "Signed out ({} mode); the stored sign-in was removed.",
            engine.config().mode
        );
        Ok(())
    })
    .await
}

pub async fn whoami(global: &GlobalOptions, args: &JsonFlag) -> CliResult<()> {
    with_engine(global, async |engine, _, _| {
        let mode = engine.config().mode;
        let user = engine.whoami().await?;
        if args.json {
            let value = match &user {
                Some(user) => json!({"signed_in": true, "mode": mode, "user": user}),
                None => json!({"signed_in": false, "mode": mode, "user": null}),
            };
            println!("{value}");
        } else if let Some(user) = &user {
            println!("Signed in as {} ({mode} mode).", user_line(user));
        }
        match user {
            Some(_) => Ok(()),
            None => Err(CliError::new(
                Exit::SignIn,
                format!("not signed in ({mode} mode); run `matter-signer login`"),
            )),
        }
    })
    .await
}
