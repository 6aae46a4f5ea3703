//! Where the refresh token lives between runs: the OS keyring, or this process's memory
//! when no keyring is available. There is no file fallback, ever.
//!
//! The keyring is `keyring` 4.2 with its default stores: the Secret Service over zbus on
//! Linux and the BSDs (no libdbus needed at build time), Keychain on macOS and the
//! Credential Manager on Windows. Keyring calls block (they are D-Bus or system IPC, tens
//! to hundreds of milliseconds), so async callers run them on a blocking thread.
//!
//! Entries are named by a service namespaced with the mode (see [`service_name`]) and a
//! user made of the issuer and client id (see [`entry_user`]), so a test sign-in never
//! overwrites a live one.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use secrecy::{ExposeSecret, SecretString};

use crate::config::Mode;

/// How the session is kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StorageKind {
    /// The OS keyring: the sign-in survives a restart.
    Keyring,
    /// This process's memory only: the sign-in ends with the process. `reason` says why
    /// no keyring was used, in plain words.
    Memory { reason: String },
}

impl fmt::Display for StorageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageKind::Keyring => f.write_str("the OS keyring"),
            StorageKind::Memory { reason } => write!(
                f,
                "memory only, so you will need to sign in again next time ({reason})"
            ),
        }
    }
}

/// Why a secret could not be read, written or deleted. No variant carries the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretStoreError {
    /// The keyring is locked or refused access.
    #[error("the OS keyring refused access ({detail}); unlock it and try again")]
    NoAccess { detail: String },
    /// The keyring failed.
    #[error("the OS keyring failed ({detail})")]
    Platform { detail: String },
    /// The stored value is not text; it is treated as absent after deletion.
    #[error("the stored value in the OS keyring is not valid text; sign in again")]
    Corrupt,
    /// The keyring rejected the value or the entry name.
    #[error("the OS keyring rejected the entry ({detail})")]
    Rejected { detail: String },
}

impl SecretStoreError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            SecretStoreError::NoAccess { .. } => "keyring_no_access",
            SecretStoreError::Platform { .. } => "keyring_failed",
            SecretStoreError::Corrupt => "keyring_corrupt_entry",
            SecretStoreError::Rejected { .. } => "keyring_rejected",
        }
    }
}

/// A place for secrets that outlive one request.
pub trait SecretStore: Send + Sync + fmt::Debug {
    /// Reads the secret under `key`; `Ok(None)` when there is none.
    fn load(&self, key: &str) -> Result<Option<SecretString>, SecretStoreError>;
    /// Writes `value` under `key`, replacing any previous value.
    fn save(&self, key: &str, value: &SecretString) -> Result<(), SecretStoreError>;
    /// Removes the secret under `key`; succeeds when there was none.
    fn delete(&self, key: &str) -> Result<(), SecretStoreError>;
    /// Which kind of storage this is.
    fn kind(&self) -> StorageKind;
}

/// The keyring service name for `mode`: `com.mattermode.signer.live` or `….test`.
pub fn service_name(mode: Mode) -> String {
    format!("com.mattermode.signer.{}", mode.as_str())
}

/// The keyring entry user for a refresh token: the issuer and the client id, so that
/// two providers or two registrations never share an entry.
pub fn entry_user(issuer: &url::Url, client_id: &str) -> String {
    format!("{} {client_id}", issuer.as_str().trim_end_matches('/'))
}

/// The OS keyring, one entry per key under a fixed service name.
pub struct KeyringStore {
    service: String,
}

impl fmt::Debug for KeyringStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyringStore")
            .field("service", &self.service)
            .finish()
    }
}

impl KeyringStore {
    /// Connects to the OS keyring, failing with the reason when none is usable.
    ///
    /// The platform store is set up once per process; a failure here stays for the
    /// life of the process.
    pub fn open(service: &str) -> Result<Self, SecretStoreError> {
        if let Err(error) = keyring::Entry::store_status() {
            return Err(map_keyring_error(error));
        }
        Ok(KeyringStore {
            service: service.to_owned(),
        })
    }

    fn entry(&self, key: &str) -> Result<keyring::Entry, SecretStoreError> {
        keyring::Entry::new(&self.service, key).map_err(|error| map_keyring_error(&error))
    }

    /// Reads, writes and deletes a probe entry, so that a locked or absent Secret
    /// Service shows up now rather than at the first sign-in.
    fn probe(&self) -> Result<(), SecretStoreError> {
        let probe = SecretString::from("probe");
        self.save(PROBE_KEY, &probe)?;
        let read = self.load(PROBE_KEY)?;
        self.delete(PROBE_KEY)?;
        match read {
            Some(value) if value.expose_secret() == "probe" => Ok(()),
            _ => Err(SecretStoreError::Platform {
                detail: "a value written could not be read back".to_owned(),
            }),
        }
    }
}

const PROBE_KEY: &str = "availability probe";

impl SecretStore for KeyringStore {
    fn load(&self, key: &str) -> Result<Option<SecretString>, SecretStoreError> {
        match self.entry(key)?.get_password() {
            Ok(value) => Ok(Some(SecretString::from(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(map_keyring_error(&error)),
        }
    }

    fn save(&self, key: &str, value: &SecretString) -> Result<(), SecretStoreError> {
        self.entry(key)?
            .set_password(value.expose_secret())
            .map_err(|error| map_keyring_error(&error))
    }

    fn delete(&self, key: &str) -> Result<(), SecretStoreError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(map_keyring_error(&error)),
        }
    }

    fn kind(&self) -> StorageKind {
        StorageKind::Keyring
    }
}

/// Maps a keyring error to ours without its payload: `BadEncoding` and `BadDataFormat`
/// carry the stored bytes, which are the secret.
fn map_keyring_error(error: &keyring::Error) -> SecretStoreError {
    match error {
        keyring::Error::NoStorageAccess(platform) => SecretStoreError::NoAccess {
            detail: one_line(&platform.to_string()),
        },
        keyring::Error::PlatformFailure(platform) => SecretStoreError::Platform {
            detail: one_line(&platform.to_string()),
        },
        keyring::Error::NoDefaultStore => SecretStoreError::Platform {
            detail: "no credential store could be opened".to_owned(),
        },
        keyring::Error::BadEncoding(_) | keyring::Error::BadDataFormat(_, _) => {
            SecretStoreError::Corrupt
        }
        keyring::Error::Ambiguous(_) => SecretStoreError::Rejected {
            detail: "more than one matching entry".to_owned(),
        },
        keyring::Error::TooLong(attribute, limit) => SecretStoreError::Rejected {
            detail: format!("{attribute} is longer than {limit}"),
        },
        keyring::Error::Invalid(attribute, reason) => SecretStoreError::Rejected {
            detail: format!("{attribute}: {reason}"),
        },
        other => SecretStoreError::Platform {
            detail: one_line(&other.to_string()),
        },
    }
}

fn one_line(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    if text.chars().count() > 200 {
        text.chars().take(200).collect::<String>() + "…"
    } else {
        text
    }
}

/// Secrets in this process's memory; gone when it exits.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, SecretString>>,
    reason: String,
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.lock().len();
        f.debug_struct("MemoryStore")
            .field("entries", &count)
            .field("reason", &self.reason)
            .finish()
    }
}

impl MemoryStore {
    /// Creates an empty store; `reason` says why memory is used instead of a keyring.
    pub fn new(reason: impl Into<String>) -> Self {
        MemoryStore {
            entries: Mutex::new(HashMap::new()),
            reason: reason.into(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, SecretString>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn load(&self, key: &str) -> Result<Option<SecretString>, SecretStoreError> {
        Ok(self.lock().get(key).cloned())
    }

    fn save(&self, key: &str, value: &SecretString) -> Result<(), SecretStoreError> {
        self.lock().insert(key.to_owned(), value.clone());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), SecretStoreError> {
        self.lock().remove(key);
        Ok(())
    }

    fn kind(&self) -> StorageKind {
        StorageKind::Memory {
            reason: self.reason.clone(),
        }
    }
}

/// Opens the OS keyring under `service` if it works now (a probe entry is written,
/// read and deleted), or else a [`MemoryStore`] that records why. Never a file.
///
/// Blocks for the keyring's IPC; async callers should use `spawn_blocking`.
pub fn open_secret_store(service: &str) -> Arc<dyn SecretStore> {
    let opened = KeyringStore::open(service).and_then(|store| store.probe().map(|()| store));
    match opened {
        Ok(store) => {
            tracing::info!(service, "using the OS keyring for the sign-in");
            Arc::new(store)
        }
        Err(error) => {
            let reason = format!("no usable OS keyring: {error}");
            tracing::warn!(service, %reason, "keeping the sign-in in memory only");
            Arc::new(MemoryStore::new(reason))
        }
    }
}
