//! Without a session bus the store falls back to memory, says why, and writes no file.
//! This binary holds one test because the keyring backend is chosen once per process.

use matter_engine::secrets::{open_secret_store, StorageKind};
use secrecy::{ExposeSecret, SecretString};

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn no_bus_falls_back_to_memory_without_files() {
    let home = tempfile::tempdir().unwrap();
    std::env::set_var("HOME", home.path());
    std::env::set_var("XDG_DATA_HOME", home.path().join("data"));
    std::env::set_var("XDG_CONFIG_HOME", home.path().join("config"));
    std::env::set_var("XDG_RUNTIME_DIR", home.path().join("run"));
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", home.path().join("no-bus").display()),
    );
    std::env::remove_var("DISPLAY");

    let store = open_secret_store("com.mattermode.signer.test");
    let reason = match store.kind() {
        StorageKind::Memory { reason } => reason,
        StorageKind::Keyring => panic!("a keyring was found without a bus"),
    };
    assert!(reason.contains("keyring"), "{reason}");

    store
        .save(
            "issuer client",
            &SecretString::from("clk_refresh_canary_no_bus"),
        )
        .unwrap();
    let loaded = store.load("issuer client").unwrap().unwrap();
    assert_eq!(loaded.expose_secret(), "clk_refresh_canary_no_bus");
    assert!(files_under(home.path()).is_empty());
    assert!(!format!("{store:?}").contains("clk_refresh_canary_no_bus"));
}
