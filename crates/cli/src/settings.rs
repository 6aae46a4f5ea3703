//! Turning the global flags into the engine's [`Config`], and finding data directories.

use std::path::{Path, PathBuf};
use std::time::Duration;

use matter_engine::config::{Config, ConfigError, ConfigOverrides, Mode};

use crate::cli::{GlobalOptions, ModeArg};
use crate::exit::{CliError, CliResult};

impl From<ModeArg> for Mode {
    fn from(mode: ModeArg) -> Self {
        match mode {
            ModeArg::Test => Mode::Test,
            ModeArg::Live => Mode::Live,
        }
    }
}

/// The flags as the engine's overrides; the engine adds the environment and the file.
pub fn overrides(global: &GlobalOptions) -> ConfigOverrides {
    ConfigOverrides {
        api_base: global.api_base.clone(),
        issuer: global.issuer.clone(),
        client_id: global.client_id.clone(),
        matter_version: global.matter_version.clone(),
        mode: global.mode.map(Mode::from),
        redirect_port: global.redirect_port,
        data_dir: global.data_dir.clone(),
        config_file: global.config.clone(),
        sign_in_timeout: global.sign_in_timeout.map(Duration::from_secs),
        http_timeout: global.http_timeout.map(Duration::from_secs),
    }
}

pub fn config_error(error: ConfigError) -> CliError {
    let code = error.code();
    CliError::usage(error.to_string()).with_code(code)
}

/// Loads the configuration for commands that talk to Matter.
pub fn load_config(global: &GlobalOptions) -> CliResult<Config> {
    Config::load(&overrides(global)).map_err(config_error)
}

/// The data directory of `mode`, for commands that only read or write local files
/// (receipts, trusted keys) or that run against the embedded sandbox.
///
/// These commands need no OAuth issuer, so a missing issuer is no error here: the
/// directories are resolved as if one were set, and the placeholder never leaves
/// this function.
pub fn data_dir_for(global: &GlobalOptions, mode: Mode) -> CliResult<PathBuf> {
    let mut overrides = overrides(global);
    overrides.mode = Some(mode);
    match Config::load(&overrides) {
        Ok(config) => Ok(config.data_dir),
        Err(ConfigError::MissingIssuer { .. }) => {
            overrides.issuer = Some("http://127.0.0.1/".into());
            Config::load(&overrides)
                .map(|config| config.data_dir)
                .map_err(config_error)
        }
        Err(error) => Err(config_error(error)),
    }
}

/// The data directories whose receipts and keys local commands read: the one of
/// `--mode` when given, else those of both modes (one when `--data-dir` or
/// `MATTER_DATA_DIR` names a single directory). Test mode comes first.
pub fn local_data_dirs(global: &GlobalOptions) -> CliResult<Vec<PathBuf>> {
    let modes = match global.mode {
        Some(mode) => vec![Mode::from(mode)],
        None => vec![Mode::Test, Mode::Live],
    };
    let mut dirs: Vec<PathBuf> = Vec::new();
    for mode in modes {
        let dir = data_dir_for(global, mode)?;
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    Ok(dirs)
}

/// The receipt library inside a data directory, where the engine saves receipts.
pub fn receipts_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("receipts")
}
