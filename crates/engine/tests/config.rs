//! Configuration precedence, defaults and validation, with explicit inputs (no process
//! environment is read or changed).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use matter_engine::config::{Config, ConfigError, ConfigOverrides, Environment, Mode};

fn environment(config_home: &Path, variables: &[(&str, &str)]) -> Environment {
    Environment {
        variables: variables
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect::<HashMap<_, _>>(),
        config_home: Some(config_home.to_owned()),
        data_home: Some(PathBuf::from("/home/jane/.local/share")),
    }
}

fn write_file(config_home: &Path, text: &str) -> PathBuf {
    let dir = config_home.join("matter-signer");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path
}

const ISSUER: (&str, &str) = ("MATTER_ISSUER", "https://clerk.example.test");

#[test]
fn defaults_apply_with_issuer_set() {
    let home = tempfile::tempdir().unwrap();
    let config = Config::load_from(
        &ConfigOverrides::default(),
        &environment(home.path(), &[ISSUER]),
    )
    .unwrap();
    assert_eq!(config.api_base.as_str(), "https://api.mattermode.com/v1");
    assert_eq!(config.mode, Mode::Live);
    assert_eq!(config.client_id, "matter_signer_desktop");
    assert_eq!(config.matter_version, "2026-06-10");
    assert_eq!(config.redirect_port, 0);
    assert_eq!(
        config.data_dir,
        PathBuf::from("/home/jane/.local/share/matter-signer/live")
    );
    assert_eq!(config.config_dir, home.path().join("matter-signer"));
    assert!(!config.embedded_sandbox);
}

#[test]
fn missing_issuer_is_a_clear_error() {
    let home = tempfile::tempdir().unwrap();
    let error =
        Config::load_from(&ConfigOverrides::default(), &environment(home.path(), &[])).unwrap_err();
    assert_eq!(error.code(), "config_missing_issuer");
    let message = error.to_string();
    assert!(message.contains("MATTER_ISSUER"), "{message}");
    assert!(message.contains("--sandbox"), "{message}");
}

#[test]
fn environment_beats_file_and_flag_beats_environment() {
    let home = tempfile::tempdir().unwrap();
    write_file(
        home.path(),
        "client_id = \"from_file\"\nmatter_version = \"2026-05-01\"\nmode = \"test\"\n",
    );
    let env = environment(home.path(), &[ISSUER, ("MATTER_CLIENT_ID", "from_env")]);

    let config = Config::load_from(&ConfigOverrides::default(), &env).unwrap();
    assert_eq!(config.client_id, "from_env");
    assert_eq!(config.matter_version, "2026-05-01");
    assert_eq!(config.mode, Mode::Test);
    assert_eq!(
        config.data_dir,
        PathBuf::from("/home/jane/.local/share/matter-signer/test")
    );

    let overrides = ConfigOverrides {
        client_id: Some("from_flag".to_owned()),
        mode: Some(Mode::Live),
        ..ConfigOverrides::default()
    };
    let config = Config::load_from(&overrides, &env).unwrap();
    assert_eq!(config.client_id, "from_flag");
    assert_eq!(config.mode, Mode::Live);
}

#[test]
fn unknown_file_key_is_named() {
    let home = tempfile::tempdir().unwrap();
    let path = write_file(home.path(), "api_bsae = \"https://x.test/v1\"\n");
    let error = Config::load_from(
        &ConfigOverrides::default(),
        &environment(home.path(), &[ISSUER]),
    )
    .unwrap_err();
    assert_eq!(error.code(), "config_file_invalid");
    let message = error.to_string();
    assert!(message.contains("api_bsae"), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
}

#[test]
fn plain_http_rejected_for_remote_host() {
    let home = tempfile::tempdir().unwrap();
    let env = environment(
        home.path(),
        &[ISSUER, ("MATTER_API_BASE", "http://api.example.test/v1")],
    );
    let error = Config::load_from(&ConfigOverrides::default(), &env).unwrap_err();
    assert_eq!(error.code(), "config_invalid_value");
    let message = error.to_string();
    assert!(message.contains("MATTER_API_BASE"), "{message}");
    assert!(message.contains("http://api.example.test/v1"), "{message}");
    assert!(message.contains("https"), "{message}");
}

#[test]
fn plain_http_allowed_for_loopback() {
    let home = tempfile::tempdir().unwrap();
    for base in [
        "http://127.0.0.1:8080/v1",
        "http://[::1]:8080/v1",
        "http://localhost:8080/v1",
    ] {
        let env = environment(home.path(), &[ISSUER, ("MATTER_API_BASE", base)]);
        let config = Config::load_from(&ConfigOverrides::default(), &env);
        assert!(config.is_ok(), "{base}: {config:?}");
    }
}

#[test]
fn bad_matter_version_names_flag() {
    let home = tempfile::tempdir().unwrap();
    let overrides = ConfigOverrides {
        matter_version: Some("2026-6-10".to_owned()),
        ..ConfigOverrides::default()
    };
    let error = Config::load_from(&overrides, &environment(home.path(), &[ISSUER])).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("--matter-version"), "{message}");
    assert!(message.contains("YYYY-MM-DD"), "{message}");
}

#[test]
fn bad_file_value_names_file_and_key() {
    let home = tempfile::tempdir().unwrap();
    let path = write_file(home.path(), "issuer = \"ftp://clerk.example.test\"\n");
    let error =
        Config::load_from(&ConfigOverrides::default(), &environment(home.path(), &[])).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("key issuer"), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
}

#[test]
fn bad_mode_and_port_from_environment() {
    let home = tempfile::tempdir().unwrap();
    let env = environment(home.path(), &[ISSUER, ("MATTER_MODE", "prod")]);
    let error = Config::load_from(&ConfigOverrides::default(), &env).unwrap_err();
    assert!(error.to_string().contains("MATTER_MODE"));

    let env = environment(home.path(), &[ISSUER, ("MATTER_REDIRECT_PORT", "70000")]);
    let error = Config::load_from(&ConfigOverrides::default(), &env).unwrap_err();
    assert!(error.to_string().contains("MATTER_REDIRECT_PORT"));
}

#[test]
fn relative_data_dir_rejected() {
    let home = tempfile::tempdir().unwrap();
    let env = environment(home.path(), &[ISSUER, ("MATTER_DATA_DIR", "receipts")]);
    let error = Config::load_from(&ConfigOverrides::default(), &env).unwrap_err();
    assert!(matches!(
        error,
        ConfigError::Invalid {
            setting: "data_dir",
            ..
        }
    ));
}

#[test]
fn named_config_file_must_exist() {
    let home = tempfile::tempdir().unwrap();
    let overrides = ConfigOverrides {
        config_file: Some(home.path().join("absent.toml")),
        ..ConfigOverrides::default()
    };
    let error = Config::load_from(&overrides, &environment(home.path(), &[ISSUER])).unwrap_err();
    assert_eq!(error.code(), "config_file_unreadable");
}

#[test]
fn timeouts_from_file() {
    let home = tempfile::tempdir().unwrap();
    write_file(
        home.path(),
        "sign_in_timeout_secs = 120\nhttp_timeout_secs = 5\n",
    );
    let config = Config::load_from(
        &ConfigOverrides::default(),
        &environment(home.path(), &[ISSUER]),
    )
    .unwrap();
    assert_eq!(config.sign_in_timeout, Duration::from_secs(120));
    assert_eq!(config.http_timeout, Duration::from_secs(5));
}

#[test]
fn keys_url_uses_api_origin() {
    let config = Config::for_sandbox(
        "http://127.0.0.1:4010/v1".parse().unwrap(),
        "http://127.0.0.1:4010".parse().unwrap(),
        PathBuf::from("/tmp/data"),
    );
    assert_eq!(
        config.keys_url().as_str(),
        "http://127.0.0.1:4010/.well-known/matter-keys.json"
    );
    assert_eq!(config.mode, Mode::Test);
    assert!(config.embedded_sandbox);
}

#[test]
fn keys_url_for_matter_api_documented() {
    let home = tempfile::tempdir().unwrap();
    let config = Config::load_from(
        &ConfigOverrides::default(),
        &environment(home.path(), &[ISSUER]),
    )
    .unwrap();
    assert_eq!(
        config.api_base.as_str(),
        matter_engine::config::DEFAULT_API_BASE
    );
    assert_eq!(
        config.keys_url().as_str(),
        "https://mattermode.com/.well-known/matter-keys.json"
    );
}
