//! The refresh-token store against the real Secret Service. Ignored by default; run it
//! inside a session bus with an unlocked gnome-keyring:
//!
//! ```sh
//! dbus-run-session -- bash -c 'export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"; export HOME=$(mktemp -d); eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)"; cargo test -p matter-engine --test secrets_keyring -- --ignored --test-threads=1'
//! ```

use matter_engine::secrets::{open_secret_store, StorageKind};
use secrecy::{ExposeSecret, SecretString};

#[test]
#[ignore = "needs a session bus with an unlocked gnome-keyring; see the module docs"]
fn keyring_round_trip() {
    let store = open_secret_store("com.mattermode.signer.keyring-test");
    assert_eq!(store.kind(), StorageKind::Keyring);
    let key = "http://127.0.0.1:1 matter_signer_desktop";

    store.delete(key).unwrap();
    assert!(store.load(key).unwrap().is_none());

    store
        .save(key, &SecretString::from("clk_refresh_first"))
        .unwrap();
    let loaded = store.load(key).unwrap().unwrap();
    assert_eq!(loaded.expose_secret(), "clk_refresh_first");

    store
        .save(key, &SecretString::from("clk_refresh_second"))
        .unwrap();
    let overwritten = store.load(key).unwrap().unwrap();
    assert_eq!(overwritten.expose_secret(), "clk_refresh_second");

    store.delete(key).unwrap();
    assert!(store.load(key).unwrap().is_none());
    store.delete(key).unwrap();
}
