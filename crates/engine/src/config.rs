//! Configuration from defaults, the XDG config file, the environment and flags.
//!
//! Precedence, lowest first: built-in defaults, `$XDG_CONFIG_HOME/matter-signer/config.toml`,
//! the environment (`MATTER_API_BASE`, `MATTER_ISSUER`, `MATTER_CLIENT_ID`,
//! `MATTER_VERSION`, `MATTER_MODE`, `MATTER_DATA_DIR`, `MATTER_REDIRECT_PORT`), then
//! command-line flags ([`ConfigOverrides`]). A deep link never changes any setting.
//!
//! Every error names the value, where it came from (flag, environment variable, or file
//! and key) and how to fix it.

// Configuration loads once per run, so a large error type costs nothing that matters.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::deep_link::quote;

/// Which Matter environment the app talks to. It is shown on every screen and recorded
/// in every receipt, and receipts are verified against that mode's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Test credentials or the sandbox: nothing is binding.
    Test,
    /// Live credentials: signatures are legally binding.
    Live,
}

impl Mode {
    /// The lowercase name used in files, paths and the environment.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Test => "test",
            Mode::Live => "live",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The live Matter API base URL.
pub const DEFAULT_API_BASE: &str = "https://api.mattermode.com/v1";
/// The OAuth client id registered for this app.
pub const DEFAULT_CLIENT_ID: &str = "matter_signer_desktop";
/// The `Matter-Version` header value sent unless configured.
pub const DEFAULT_MATTER_VERSION: &str = "2026-06-10";
/// How long a browser sign-in may take, from opening the browser to the redirect.
/// Five minutes, well inside the provider's 10-minute code lifetime.
pub const DEFAULT_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);
/// The total deadline for one HTTP request.
pub const DEFAULT_HTTP_TIMEOUT: Duration = Duration::from_secs(30);
/// The directory name under the XDG config and data directories.
pub const APP_DIR: &str = "matter-signer";
/// The config file name inside the config directory.
pub const CONFIG_FILE: &str = "config.toml";

/// The resolved configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The Matter API base, ending in `/v1`.
    pub api_base: Url,
    /// The OAuth issuer (Clerk's Frontend API URL); every OAuth endpoint lives under it.
    pub issuer: Url,
    /// The public OAuth client id.
    pub client_id: String,
    /// The `Matter-Version` header value, `YYYY-MM-DD`.
    pub matter_version: String,
    pub mode: Mode,
    /// The loopback port for the OAuth redirect; 0 lets the system pick a free one.
    pub redirect_port: u16,
    /// Where receipts and other app data go: `$XDG_DATA_HOME/matter-signer/<mode>`.
    pub data_dir: PathBuf,
    /// `$XDG_CONFIG_HOME/matter-signer`.
    pub config_dir: PathBuf,
    /// How long to wait for the browser sign-in redirect.
    pub sign_in_timeout: Duration,
    /// The total deadline for one HTTP request.
    pub http_timeout: Duration,
    /// Whether the API and the OAuth provider are the embedded sandbox.
    pub embedded_sandbox: bool,
}

/// Settings from command-line flags; `None` leaves the lower layers in charge.
///
/// Flag names used in error messages: `--api-base`, `--issuer`, `--client-id`,
/// `--matter-version`, `--mode`, `--redirect-port`, `--data-dir`, `--config`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigOverrides {
    pub api_base: Option<String>,
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub matter_version: Option<String>,
    pub mode: Option<Mode>,
    pub redirect_port: Option<u16>,
    pub data_dir: Option<PathBuf>,
    /// A config file to read instead of the one in the XDG config directory.
    pub config_file: Option<PathBuf>,
    pub sign_in_timeout: Option<Duration>,
    pub http_timeout: Option<Duration>,
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueSource {
    Default,
    File { path: PathBuf, key: &'static str },
    Environment { variable: &'static str },
    Flag { flag: &'static str },
}

impl fmt::Display for ValueSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueSource::Default => f.write_str("the built-in default"),
            ValueSource::File { path, key } => {
                write!(f, "key {key} in {}", path.display())
            }
            ValueSource::Environment { variable } => {
                write!(f, "environment variable {variable}")
            }
            ValueSource::Flag { flag } => write!(f, "flag {flag}"),
        }
    }
}

/// Why the configuration could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A value is present but unusable.
    #[error("{setting} {value} from {origin} is invalid: {problem}; {fix}")]
    Invalid {
        setting: &'static str,
        value: String,
        origin: ValueSource,
        problem: String,
        fix: String,
    },
    /// No OAuth issuer is configured.
    #[error("no OAuth issuer is configured: Matter has not published the sign-in issuer for desktop clients; set MATTER_ISSUER or `issuer` in {config_file} (the terminal app also takes --issuer) to the issuer URL Matter gave you, or run with --sandbox to try the app on the built-in sandbox")]
    MissingIssuer { config_file: String },
    /// The config file exists but could not be read.
    #[error("could not read the config file {path}: {detail}; fix its permissions or remove it")]
    FileUnreadable { path: String, detail: String },
    /// The config file is not valid TOML or has unknown keys.
    #[error("the config file {path} is invalid: {detail}; fix or remove the line named")]
    FileInvalid { path: String, detail: String },
    /// No data or config directory could be found for this user.
    #[error("could not find the user's {which} directory (is HOME set?); set {variable}")]
    NoDirectory {
        which: &'static str,
        variable: &'static str,
    },
}

impl ConfigError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::Invalid { .. } => "config_invalid_value",
            ConfigError::MissingIssuer { .. } => "config_missing_issuer",
            ConfigError::FileUnreadable { .. } => "config_file_unreadable",
            ConfigError::FileInvalid { .. } => "config_file_invalid",
            ConfigError::NoDirectory { .. } => "config_no_directory",
        }
    }
}

/// The keys accepted in `config.toml`. Unknown keys are rejected with their name.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    api_base: Option<String>,
    issuer: Option<String>,
    client_id: Option<String>,
    matter_version: Option<String>,
    mode: Option<String>,
    redirect_port: Option<u16>,
    data_dir: Option<PathBuf>,
    /// Seconds.
    sign_in_timeout_secs: Option<u64>,
    /// Seconds.
    http_timeout_secs: Option<u64>,
}

/// The process inputs [`Config::load`] reads, separated so tests can supply their own.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// Environment variables (only the `MATTER_*` ones are read).
    pub variables: HashMap<String, String>,
    /// `$XDG_CONFIG_HOME` or its platform equivalent.
    pub config_home: Option<PathBuf>,
    /// `$XDG_DATA_HOME` or its platform equivalent.
    pub data_home: Option<PathBuf>,
}

impl Environment {
    /// Reads the `MATTER_*` variables and the user's directories from this process.
    pub fn from_process() -> Self {
        let variables = std::env::vars()
            .filter(|(name, _)| name.starts_with("MATTER_"))
            .collect();
        Environment {
            variables,
            config_home: dirs::config_dir(),
            data_home: dirs::data_dir(),
        }
    }

    fn get(&self, variable: &'static str) -> Option<(String, ValueSource)> {
        self.variables
            .get(variable)
            .filter(|value| !value.is_empty())
            .map(|value| (value.clone(), ValueSource::Environment { variable }))
    }
}

/// Picks the highest-precedence value present: flag, then environment, then file.
fn pick(
    flag: Option<(String, &'static str)>,
    env: Option<(String, ValueSource)>,
    file: Option<(String, &'static str)>,
    file_path: &Path,
) -> Option<(String, ValueSource)> {
    if let Some((value, flag)) = flag {
        return Some((value, ValueSource::Flag { flag }));
    }
    if env.is_some() {
        return env;
    }
    file.map(|(value, key)| {
        (
            value,
            ValueSource::File {
                path: file_path.to_owned(),
                key,
            },
        )
    })
}

impl Config {
    /// Loads the configuration of this process: defaults, the XDG config file, the
    /// `MATTER_*` environment and `overrides`, in rising precedence.
    pub fn load(overrides: &ConfigOverrides) -> Result<Config, ConfigError> {
        Self::load_from(overrides, &Environment::from_process())
    }

    /// Loads the configuration from explicit inputs; [`Config::load`] passes the
    /// process's own.
    pub fn load_from(
        overrides: &ConfigOverrides,
        env: &Environment,
    ) -> Result<Config, ConfigError> {
        let config_home = env.config_home.clone().ok_or(ConfigError::NoDirectory {
            which: "config",
            variable: "XDG_CONFIG_HOME",
        })?;
        let config_dir = config_home.join(APP_DIR);
        let file_path = overrides
            .config_file
            .clone()
            .unwrap_or_else(|| config_dir.join(CONFIG_FILE));
        // An explicitly named file must exist; the default one is optional.
        let file = read_file(&file_path, overrides.config_file.is_some())?;

        let flag = |value: &Option<String>, name: &'static str| value.clone().map(|v| (v, name));
        let keyed = |value: &Option<String>, key: &'static str| value.clone().map(|v| (v, key));

        let mode = match (&overrides.mode, env.get("MATTER_MODE"), &file.mode) {
            (Some(mode), _, _) => *mode,
            (None, Some((value, source)), _) => parse_mode(&value, source)?,
            (None, None, Some(value)) => parse_mode(
                value,
                ValueSource::File {
                    path: file_path.clone(),
                    key: "mode",
                },
            )?,
            (None, None, None) => Mode::Live,
        };

        let api_base = match pick(
            flag(&overrides.api_base, "--api-base"),
            env.get("MATTER_API_BASE"),
            keyed(&file.api_base, "api_base"),
            &file_path,
        ) {
            Some((value, source)) => parse_endpoint("api_base", &value, source)?,
            None => Url::parse(DEFAULT_API_BASE).expect("the default API base is a valid URL"),
        };

        let issuer = match pick(
            flag(&overrides.issuer, "--issuer"),
            env.get("MATTER_ISSUER"),
            keyed(&file.issuer, "issuer"),
            &file_path,
        ) {
            Some((value, source)) => parse_endpoint("issuer", &value, source)?,
            None => {
                return Err(ConfigError::MissingIssuer {
                    config_file: file_path.display().to_string(),
                })
            }
        };

        let client_id = match pick(
            flag(&overrides.client_id, "--client-id"),
            env.get("MATTER_CLIENT_ID"),
            keyed(&file.client_id, "client_id"),
            &file_path,
        ) {
            Some((value, source)) => parse_client_id(&value, source)?,
            None => DEFAULT_CLIENT_ID.to_owned(),
        };

        let matter_version = match pick(
            flag(&overrides.matter_version, "--matter-version"),
            env.get("MATTER_VERSION"),
            keyed(&file.matter_version, "matter_version"),
            &file_path,
        ) {
            Some((value, source)) => parse_matter_version(&value, source)?,
            None => DEFAULT_MATTER_VERSION.to_owned(),
        };

        let redirect_port = match (overrides.redirect_port, env.get("MATTER_REDIRECT_PORT")) {
            (Some(port), _) => port,
            (None, Some((value, source))) => parse_port(&value, source)?,
            (None, None) => file.redirect_port.unwrap_or(0),
        };

        let data_dir = match (
            &overrides.data_dir,
            env.get("MATTER_DATA_DIR"),
            &file.data_dir,
        ) {
            (Some(path), _, _) => {
                check_absolute(path.clone(), ValueSource::Flag { flag: "--data-dir" })?
            }
            (None, Some((value, source)), _) => check_absolute(PathBuf::from(value), source)?,
            (None, None, Some(path)) => check_absolute(
                path.clone(),
                ValueSource::File {
                    path: file_path.clone(),
                    key: "data_dir",
                },
            )?,
            (None, None, None) => env
                .data_home
                .clone()
                .ok_or(ConfigError::NoDirectory {
                    which: "data",
                    variable: "MATTER_DATA_DIR",
                })?
                .join(APP_DIR)
                .join(mode.as_str()),
        };

        let sign_in_timeout = overrides
            .sign_in_timeout
            .or(file.sign_in_timeout_secs.map(Duration::from_secs))
            .unwrap_or(DEFAULT_SIGN_IN_TIMEOUT);
        check_timeout("sign_in_timeout_secs", sign_in_timeout, &file_path)?;
        let http_timeout = overrides
            .http_timeout
            .or(file.http_timeout_secs.map(Duration::from_secs))
            .unwrap_or(DEFAULT_HTTP_TIMEOUT);
        check_timeout("http_timeout_secs", http_timeout, &file_path)?;

        Ok(Config {
            api_base,
            issuer,
            client_id,
            matter_version,
            mode,
            redirect_port,
            data_dir,
            config_dir,
            sign_in_timeout,
            http_timeout,
            embedded_sandbox: false,
        })
    }

    /// The configuration for a run against the embedded sandbox: test mode, the
    /// sandbox's own API base and issuer, and an ephemeral redirect port.
    pub fn for_sandbox(api_base: Url, issuer: Url, data_dir: PathBuf) -> Config {
        let config_dir = dirs::config_dir()
            .map(|dir| dir.join(APP_DIR))
            .unwrap_or_else(|| data_dir.join("config"));
        Config {
            api_base,
            issuer,
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            matter_version: DEFAULT_MATTER_VERSION.to_owned(),
            mode: Mode::Test,
            redirect_port: 0,
            data_dir,
            config_dir,
            sign_in_timeout: DEFAULT_SIGN_IN_TIMEOUT,
            http_timeout: DEFAULT_HTTP_TIMEOUT,
            embedded_sandbox: true,
        }
    }

    /// Matter's receipt-signing public keys. For Matter's own API
    /// ([`DEFAULT_API_BASE`]) that is [`matter_receipts::MATTER_LIVE_KEYS_URL`] on the
    /// main domain, as Matter documents; for any other API base (a sandbox) it is the
    /// origin of `api_base` followed by `/.well-known/matter-keys.json`.
    pub fn keys_url(&self) -> Url {
        if self.api_base.scheme() == "https"
            && self.api_base.host_str() == Some("api.mattermode.com")
            && self.api_base.port().is_none()
        {
            if let Ok(url) = Url::parse(matter_receipts::MATTER_LIVE_KEYS_URL) {
                return url;
            }
        }
        let mut url = self.api_base.clone();
        url.set_path("/.well-known/matter-keys.json");
        url.set_query(None);
        url.set_fragment(None);
        url
    }
}

fn read_file(path: &Path, required: bool) -> Result<FileConfig, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && !required => {
            return Ok(FileConfig::default())
        }
        Err(error) => {
            return Err(ConfigError::FileUnreadable {
                path: path.display().to_string(),
                detail: error.to_string(),
            })
        }
    };
    toml::from_str(&text).map_err(|error| ConfigError::FileInvalid {
        path: path.display().to_string(),
        // toml's message names the line and, for unknown keys, the key and the accepted ones.
        detail: error.to_string().trim().replace('\n', " "),
    })
}

fn invalid(
    setting: &'static str,
    value: &str,
    source: ValueSource,
    problem: impl Into<String>,
    fix: impl Into<String>,
) -> ConfigError {
    ConfigError::Invalid {
        setting,
        value: quote(value),
        origin: source,
        problem: problem.into(),
        fix: fix.into(),
    }
}

fn parse_mode(value: &str, source: ValueSource) -> Result<Mode, ConfigError> {
    match value {
        "test" => Ok(Mode::Test),
        "live" => Ok(Mode::Live),
        _ => Err(invalid(
            "mode",
            value,
            source,
            "it is neither test nor live",
            "use test or live",
        )),
    }
}

/// Whether `url` names a loopback host, where plain `http` is acceptable.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(address)) => address.is_loopback(),
        Some(Host::Ipv6(address)) => address.is_loopback(),
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

fn parse_endpoint(
    setting: &'static str,
    value: &str,
    source: ValueSource,
) -> Result<Url, ConfigError> {
    let url = Url::parse(value).map_err(|error| {
        invalid(
            setting,
            value,
            source.clone(),
            format!("it is not a URL ({error})"),
            "give an absolute https:// URL",
        )
    })?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(invalid(
                setting,
                value,
                source,
                "plain http is allowed only for 127.0.0.1, ::1 and localhost",
                "use https://",
            ))
        }
        _ => {
            return Err(invalid(
                setting,
                value,
                source,
                "the scheme is not https",
                "use an https:// URL",
            ))
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            setting,
            value,
            source,
            "it contains a user name or password",
            "remove the part before the @",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            setting,
            value,
            source,
            "it has a query or fragment",
            "remove everything from the ? or #",
        ));
    }
    Ok(url)
}

fn parse_client_id(value: &str, source: ValueSource) -> Result<String, ConfigError> {
    let valid = !value.is_empty()
        && value.len() <= 200
        && value.bytes().all(|byte| byte.is_ascii_graphic());
    if valid {
        Ok(value.to_owned())
    } else {
        Err(invalid(
            "client_id",
            value,
            source,
            "it must be 1 to 200 printable ASCII characters without spaces",
            format!("use the client id Matter registered, such as {DEFAULT_CLIENT_ID}"),
        ))
    }
}

fn parse_matter_version(value: &str, source: ValueSource) -> Result<String, ConfigError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let well_formed = value.len() == 10 && time::Date::parse(value, &format).is_ok();
    if well_formed {
        Ok(value.to_owned())
    } else {
        Err(invalid(
            "matter_version",
            value,
            source,
            "it is not a date in the form YYYY-MM-DD",
            format!("use a Matter API version such as {DEFAULT_MATTER_VERSION}"),
        ))
    }
}

fn parse_port(value: &str, source: ValueSource) -> Result<u16, ConfigError> {
    value.parse::<u16>().map_err(|_| {
        invalid(
            "redirect_port",
            value,
            source,
            "it is not a port number from 0 to 65535",
            "give a port number, or 0 for any free port",
        )
    })
}

fn check_absolute(path: PathBuf, source: ValueSource) -> Result<PathBuf, ConfigError> {
    if path.is_absolute() {
        Ok(path)
    } else {
        Err(invalid(
            "data_dir",
            &path.display().to_string(),
            source,
            "it is a relative path",
            "give an absolute path",
        ))
    }
}

fn check_timeout(key: &'static str, value: Duration, file_path: &Path) -> Result<(), ConfigError> {
    if value.is_zero() || value > Duration::from_secs(3600) {
        Err(invalid(
            key,
            &value.as_secs().to_string(),
            ValueSource::File {
                path: file_path.to_owned(),
                key,
            },
            "it must be between 1 and 3600 seconds",
            "give a number of seconds in that range",
        ))
    } else {
        Ok(())
    }
}
