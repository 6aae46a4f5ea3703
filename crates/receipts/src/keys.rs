//! Matter receipt-signing keys that the trust verdict accepts.
//!
//! Two sources: keys compiled into this crate ([`PINNED_KEYS`]) and keys the
//! engine cached from `/.well-known/matter-keys.json` when it signed, stored in
//! `<data_dir>/keys/matter-keys.json`. The cache keeps the shape of
//! `matter-keys.json` (`{"test": [...], "live": [...]}`), each entry extended
//! with `source`, `first_seen_at` and `last_seen_at`.
//!
//! Live keys are accepted only from an `https` source. The sandbox serves its
//! `matter-keys.json` over plain `http` on loopback and lists a `live` key so
//! that clients can prove they reject it. Such a key must never vouch for a
//! live receipt, so [`TrustedKeys::remember`] never caches a live key from a
//! source that is not `https`, and [`TrustedKeys::load`] drops any cached live
//! key whose recorded source is not `https`.

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::error::StoreError;
use crate::fsutil;
use crate::model::Mode;

/// The URL where Matter publishes its public keys, live and test
/// (<https://docs.mattermode.com/api/conventions/test-mode>). Live keys are
/// trusted only when they were fetched from exactly this URL; test keys may come
/// from any sandbox origin.
pub const MATTER_LIVE_KEYS_URL: &str = "https://mattermode.com/.well-known/matter-keys.json";

/// Keys compiled into the app: `(mode, kid, base64url public key)`.
///
/// TODO: live keys get pinned here once Matter publishes its receipt-signing
/// keys; until then only keys cached at signing time are trusted.
pub const PINNED_KEYS: &[(Mode, &str, &str)] = &[];

/// Origin of a trusted key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum KeyOrigin {
    /// Compiled into this app.
    Pinned,
    /// Cached from a `matter-keys.json` at `source`.
    Cached {
        source: String,
        #[serde(with = "time::serde::rfc3339")]
        first_seen_at: OffsetDateTime,
    },
}

/// One Ed25519 public key that may sign receipts of one mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    pub mode: Mode,
    pub kid: String,
    /// Base64url without padding of the 32-byte key.
    pub public_key: String,
    /// `status` as published (`active`, `retired`, …), when known.
    pub status: Option<String>,
    pub origin: KeyOrigin,
}

/// The set of keys the trust verdict accepts, per mode.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys {
    data_dir: Option<PathBuf>,
    keys: Vec<TrustedKey>,
}

/// One entry of the cache file, in `matter-keys.json` shape.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedJwk {
    kid: String,
    kty: String,
    crv: String,
    x: String,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "use")]
    key_use: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    source: String,
    #[serde(with = "time::serde::rfc3339")]
    first_seen_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    last_seen_at: OffsetDateTime,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct CacheFile {
    #[serde(default)]
    test: Vec<CachedJwk>,
    #[serde(default)]
    live: Vec<CachedJwk>,
}

impl TrustedKeys {
    /// Returns only the keys compiled into this app.
    pub fn pinned() -> Self {
        let keys = PINNED_KEYS
            .iter()
            .map(|(mode, kid, x)| TrustedKey {
                mode: *mode,
                kid: (*kid).to_owned(),
                public_key: (*x).to_owned(),
                status: None,
                origin: KeyOrigin::Pinned,
            })
            .collect();
        TrustedKeys {
            data_dir: None,
            keys,
        }
    }

    /// Returns the path of the key cache under `data_dir`.
    pub fn cache_path(data_dir: &Path) -> PathBuf {
        data_dir.join("keys").join("matter-keys.json")
    }

    /// Loads the pinned keys plus those cached under `data_dir`.
    ///
    /// A missing cache file is not an error (no key was cached yet). A cache
    /// file that cannot be parsed is [`StoreError::KeysFile`], so the caller can
    /// report it; [`TrustedKeys::remember`] moves such a file aside.
    pub fn load(data_dir: &Path) -> Result<Self, StoreError> {
        let mut trusted = TrustedKeys::pinned();
        trusted.data_dir = Some(data_dir.to_path_buf());
        if let Some(cache) = read_cache(data_dir)? {
            for (mode, entries) in [(Mode::Test, cache.test), (Mode::Live, cache.live)] {
                for entry in entries {
                    if mode == Mode::Live && !is_live_keys_source(&entry.source) {
                        tracing::warn!(kid = %entry.kid, source = %entry.source, "ignoring a cached live key that did not come from Matter's keys URL");
                        continue;
                    }
                    trusted.insert(TrustedKey {
                        mode,
                        kid: entry.kid,
                        public_key: entry.x,
                        status: entry.status,
                        origin: KeyOrigin::Cached {
                            source: entry.source,
                            first_seen_at: entry.first_seen_at,
                        },
                    });
                }
            }
        }
        Ok(trusted)
    }

    /// Adds a key in memory only, e.g. in tests or for a key the user pinned.
    pub fn insert(&mut self, key: TrustedKey) {
        if !self
            .keys
            .iter()
            .any(|k| k.mode == key.mode && k.kid == key.kid && k.public_key == key.public_key)
        {
            self.keys.push(key);
        }
    }

    /// Merges the Ed25519 keys that a `matter-keys.json` document fetched
    /// from `source_url` lists for `mode`, the mode the app is configured
    /// for, into the cache file and into `self`, and returns how many keys
    /// were new. Keys the document lists for the other mode are never cached.
    ///
    /// Live keys are cached only from an `https` source. A `source_url` that
    /// is not `https` (a loopback sandbox is `http`) with `mode` live is
    /// rejected with [`StoreError::InvalidKeys`] and nothing is cached.
    ///
    /// Entries are merged by `kid`: the same kid with the same key only
    /// updates `status` and `last_seen_at`. A kid that reappears with a
    /// different key is kept beside the old one, because dropping the old key
    /// would make receipts it signed untrusted. A warning is logged. Entries
    /// that are not Ed25519 (`kty` `OKP`, `crv` `Ed25519`, 32-byte `x`) are
    /// skipped with a warning. The cache is written atomically; an unreadable
    /// cache file is renamed to `matter-keys.json.corrupt-<unix time>` first.
    pub fn remember(
        &mut self,
        mode: Mode,
        keys_document: &Value,
        source_url: &str,
    ) -> Result<usize, StoreError> {
        let Some(data_dir) = self.data_dir.clone() else {
            return Err(StoreError::KeysFile {
                path: PathBuf::from("matter-keys.json"),
                reason: "these trusted keys were not loaded from a data directory, so there is no cache to write; use TrustedKeys::load".into(),
            });
        };
        if mode == Mode::Live && !is_live_keys_source(source_url) {
            return Err(StoreError::InvalidKeys {
                source_url: source_url.to_owned(),
                reason: format!(
                    "live keys are cached only from Matter's own keys URL, {MATTER_LIVE_KEYS_URL} (https); a receipt signed with a key from elsewhere cannot pass as a live Matter receipt"
                ),
            });
        }
        let fetched = parse_keys_document(keys_document, mode, source_url)?;
        let path = TrustedKeys::cache_path(&data_dir);
        let mut cache = match read_cache(&data_dir) {
            Ok(cache) => cache.unwrap_or_default(),
            Err(error) => {
                let aside = path.with_file_name(format!(
                    "matter-keys.json.corrupt-{}",
                    OffsetDateTime::now_utc().unix_timestamp()
                ));
                tracing::warn!(path = %path.display(), aside = %aside.display(), %error, "moving an unreadable trusted keys file aside");
                std::fs::rename(&path, &aside)
                    .map_err(|e| StoreError::io("move aside", path.clone(), e))?;
                CacheFile::default()
            }
        };

        let now = OffsetDateTime::now_utc();
        let mut added = 0;
        for (mode, jwk) in fetched {
            let list = match mode {
                Mode::Test => &mut cache.test,
                Mode::Live => &mut cache.live,
            };
            if let Some(existing) = list.iter_mut().find(|e| e.kid == jwk.kid && e.x == jwk.x) {
                existing.status = jwk.status.clone();
                existing.last_seen_at = now;
            } else {
                if list.iter().any(|e| e.kid == jwk.kid) {
                    tracing::warn!(kid = %jwk.kid, mode = %mode, source = source_url, "matter-keys.json lists a known kid with a different key; keeping both");
                }
                list.push(CachedJwk {
                    first_seen_at: now,
                    last_seen_at: now,
                    ..jwk.clone()
                });
                added += 1;
            }
            self.insert(TrustedKey {
                mode,
                kid: jwk.kid,
                public_key: jwk.x,
                status: jwk.status,
                origin: KeyOrigin::Cached {
                    source: source_url.to_owned(),
                    first_seen_at: now,
                },
            });
        }

        let keys_dir = data_dir.join("keys");
        fsutil::create_private_dir(&keys_dir)
            .map_err(|e| StoreError::io("create the directory", keys_dir.clone(), e))?;
        let mut bytes = serde_json::to_vec_pretty(&cache).expect("key cache serialises");
        bytes.push(b'\n');
        fsutil::write_atomic(&path, &bytes)
            .map_err(|e| StoreError::io("write", path.clone(), e))?;
        tracing::info!(path = %path.display(), added, source = source_url, "cached Matter receipt keys");
        Ok(added)
    }

    /// Returns every key of `mode` whose id is `kid`.
    pub fn find<'a>(
        &'a self,
        mode: Mode,
        kid: &'a str,
    ) -> impl Iterator<Item = &'a TrustedKey> + 'a {
        self.keys
            .iter()
            .filter(move |k| k.mode == mode && k.kid == kid)
    }

    /// Returns all keys, pinned first.
    pub fn keys(&self) -> &[TrustedKey] {
        &self.keys
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// True when `url` uses the `https` scheme (compared without regard to case).
/// Returns whether `url` is [`MATTER_LIVE_KEYS_URL`]. Scheme and host compare
/// without regard to case; the path must match exactly.
fn is_live_keys_source(url: &str) -> bool {
    let official = MATTER_LIVE_KEYS_URL;
    let scheme_and_host = "https://mattermode.com".len();
    url.len() == official.len()
        && url.is_char_boundary(scheme_and_host)
        && url[..scheme_and_host].eq_ignore_ascii_case(&official[..scheme_and_host])
        && url[scheme_and_host..] == official[scheme_and_host..]
}

fn read_cache(data_dir: &Path) -> Result<Option<CacheFile>, StoreError> {
    let path = TrustedKeys::cache_path(data_dir);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::io("read", path, e)),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| StoreError::KeysFile {
            path,
            reason: e.to_string(),
        })
}

/// Extracts the usable Ed25519 keys that a `matter-keys.json` document lists
/// for `mode`.
fn parse_keys_document(
    document: &Value,
    mode: Mode,
    source_url: &str,
) -> Result<Vec<(Mode, CachedJwk)>, StoreError> {
    let invalid = |reason: String| StoreError::InvalidKeys {
        source_url: source_url.to_owned(),
        reason,
    };
    let Some(object) = document.as_object() else {
        return Err(invalid("the document is not a JSON object".into()));
    };
    let now = OffsetDateTime::now_utc();
    let mut keys = Vec::new();
    let entries = match object.get(mode.as_str()) {
        None | Some(Value::Null) => return Ok(keys),
        Some(Value::Array(entries)) => entries,
        Some(_) => return Err(invalid(format!("\"{mode}\" is not an array"))),
    };
    for entry in entries {
        match parse_jwk(entry) {
            Ok((kid, x, key_use, status)) => keys.push((
                mode,
                CachedJwk {
                    kid,
                    kty: "OKP".into(),
                    crv: "Ed25519".into(),
                    x,
                    key_use,
                    status,
                    source: source_url.to_owned(),
                    first_seen_at: now,
                    last_seen_at: now,
                },
            )),
            Err(reason) => {
                tracing::warn!(mode = %mode, source = source_url, %reason, "skipping a matter-keys.json entry");
            }
        }
    }
    Ok(keys)
}

type ParsedJwk = (String, String, Option<String>, Option<String>);

fn parse_jwk(entry: &Value) -> Result<ParsedJwk, String> {
    let field = |name: &str| entry.get(name).and_then(Value::as_str);
    let kid = field("kid").filter(|k| !k.is_empty()).ok_or("no kid")?;
    if field("kty") != Some("OKP") || field("crv") != Some("Ed25519") {
        return Err(format!("key {kid} is not an Ed25519 OKP key"));
    }
    let x = field("x").ok_or_else(|| format!("key {kid} has no x"))?;
    let decoded = URL_SAFE_NO_PAD
        .decode(x)
        .map_err(|e| format!("key {kid} has an x that is not base64url without padding: {e}"))?;
    if decoded.len() != 32 {
        return Err(format!(
            "key {kid} has a {}-byte x, expected 32",
            decoded.len()
        ));
    }
    Ok((
        kid.to_owned(),
        x.to_owned(),
        field("use").map(str::to_owned),
        field("status").map(str::to_owned),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn x(byte: u8) -> String {
        URL_SAFE_NO_PAD.encode([byte; 32])
    }

    fn document(test: Value) -> Value {
        json!({"test": test, "live": []})
    }

    #[test]
    fn pinned_list_is_empty_until_published() {
        assert!(TrustedKeys::pinned().is_empty());
    }

    #[test]
    fn load_without_cache_has_pinned_only() {
        let dir = tempfile::tempdir().unwrap();
        let keys = TrustedKeys::load(dir.path()).unwrap();
        assert_eq!(keys.keys().len(), PINNED_KEYS.len());
    }

    #[test]
    fn remember_then_load_finds_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut keys = TrustedKeys::load(dir.path()).unwrap();
        let doc = document(
            json!([{"kid": "k1", "kty": "OKP", "crv": "Ed25519", "x": x(1), "use": "receipt", "status": "active"}]),
        );
        let added = keys
            .remember(
                Mode::Test,
                &doc,
                "http://127.0.0.1:1/.well-known/matter-keys.json",
            )
            .unwrap();
        assert_eq!(added, 1);
        let reloaded = TrustedKeys::load(dir.path()).unwrap();
        let found: Vec<_> = reloaded.find(Mode::Test, "k1").collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].public_key, x(1));
        assert_eq!(reloaded.find(Mode::Live, "k1").count(), 0);
    }

    #[test]
    fn remember_merges_by_kid() {
        let dir = tempfile::tempdir().unwrap();
        let mut keys = TrustedKeys::load(dir.path()).unwrap();
        let url = "http://127.0.0.1:1/.well-known/matter-keys.json";
        let first = document(
            json!([{"kid": "k1", "kty": "OKP", "crv": "Ed25519", "x": x(1), "status": "active"}]),
        );
        let second = document(json!([
            {"kid": "k1", "kty": "OKP", "crv": "Ed25519", "x": x(1), "status": "retired"},
            {"kid": "k2", "kty": "OKP", "crv": "Ed25519", "x": x(2), "status": "active"}
        ]));
        keys.remember(Mode::Test, &first, url).unwrap();
        let added = keys.remember(Mode::Test, &second, url).unwrap();
        assert_eq!(added, 1);
        let reloaded = TrustedKeys::load(dir.path()).unwrap();
        assert_eq!(reloaded.keys().len(), 2);
        let k1: Vec<_> = reloaded.find(Mode::Test, "k1").collect();
        assert_eq!(k1[0].status.as_deref(), Some("retired"));
    }

    #[test]
    fn remember_keeps_old_key_on_kid_reuse() {
        let dir = tempfile::tempdir().unwrap();
        let mut keys = TrustedKeys::load(dir.path()).unwrap();
        let url = "http://127.0.0.1:1/.well-known/matter-keys.json";
        keys.remember(
            Mode::Test,
            &document(json!([{"kid": "k1", "kty": "OKP", "crv": "Ed25519", "x": x(1)}])),
            url,
        )
        .unwrap();
        keys.remember(
            Mode::Test,
            &document(json!([{"kid": "k1", "kty": "OKP", "crv": "Ed25519", "x": x(2)}])),
            url,
        )
        .unwrap();
        let reloaded = TrustedKeys::load(dir.path()).unwrap();
        assert_eq!(reloaded.find(Mode::Test, "k1").count(), 2);
    }

    #[test]
    fn remember_skips_non_ed25519_entries() {
        let dir = tempfile::tempdir().unwrap();
        let mut keys = TrustedKeys::load(dir.path()).unwrap();
        let doc = document(json!([
            {"kid": "rsa", "kty": "RSA", "n": "abc", "e": "AQAB"},
            {"kid": "short", "kty": "OKP", "crv": "Ed25519", "x": "AAAA"}
        ]));
        let added = keys
            .remember(Mode::Test, &doc, "http://127.0.0.1:1/k")
            .unwrap();
        assert_eq!(added, 0);
    }

    #[test]
    fn remember_rejects_non_object_document() {
        let dir = tempfile::tempdir().unwrap();
        let mut keys = TrustedKeys::load(dir.path()).unwrap();
        let error = keys
            .remember(Mode::Test, &json!([1]), "http://127.0.0.1:1/k")
            .unwrap_err();
        assert_eq!(error.code(), "matter_keys_invalid");
    }

    fn both_modes(byte: u8) -> Value {
        json!({
            "test": [{"kid": "t1", "kty": "OKP", "crv": "Ed25519", "x": x(byte)}],
            "live": [{"kid": "l1", "kty": "OKP", "crv": "Ed25519", "x": x(byte + 1)}]
        })
    }

    #[test]
    fn remember_from_http_caches_no_live_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut keys = TrustedKeys::load(dir.path()).unwrap();
        keys.remember(
            Mode::Test,
            &both_modes(1),
            "http://127.0.0.1:1/.well-known/matter-keys.json",
        )
        .unwrap();
        assert_eq!(keys.find(Mode::Live, "l1").count(), 0);
        let reloaded = TrustedKeys::load(dir.path()).unwrap();
        assert_eq!(reloaded.find(Mode::Live, "l1").count(), 0);
        assert_eq!(reloaded.find(Mode::Test, "t1").count(), 1);
    }

    #[test]
    fn remember_in_test_mode_caches_no_live_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut keys = TrustedKeys::load(dir.path()).unwrap();
        let added = keys
            .remember(Mode::Test, &both_modes(1), "https://mattermode.com/k")
            .unwrap();
        assert_eq!(added, 1);
        assert_eq!(keys.find(Mode::Live, "l1").count(), 0);
        let reloaded = TrustedKeys::load(dir.path()).unwrap();
        assert_eq!(reloaded.find(Mode::Live, "l1").count(), 0);
        assert_eq!(reloaded.find(Mode::Test, "t1").count(), 1);
    }

    #[test]
    fn remember_in_live_mode_caches_live_keys_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut keys = TrustedKeys::load(dir.path()).unwrap();
        keys.remember(Mode::Live, &both_modes(1), MATTER_LIVE_KEYS_URL)
            .unwrap();
        let reloaded = TrustedKeys::load(dir.path()).unwrap();
        assert_eq!(reloaded.find(Mode::Live, "l1").count(), 1);
        assert_eq!(reloaded.find(Mode::Test, "t1").count(), 0);
    }

    #[test]
    fn remember_live_from_another_https_origin_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let mut keys = TrustedKeys::load(dir.path()).unwrap();
        for source in [
            "https://mattermode.com.attacker.example/.well-known/matter-keys.json",
            "https://api.mattermode.com/.well-known/matter-keys.json",
            "https://mattermode.com/.well-known/matter-keys.json?x=1",
            "https://mattermode.com:8443/.well-known/matter-keys.json",
        ] {
            let error = keys
                .remember(Mode::Live, &both_modes(1), source)
                .unwrap_err();
            assert_eq!(error.code(), "matter_keys_invalid", "{source}");
            assert!(error.to_string().contains(MATTER_LIVE_KEYS_URL), "{error}");
        }
        assert_eq!(keys.find(Mode::Live, "l1").count(), 0);
    }

    #[test]
    fn remember_live_accepts_uppercase_host() {
        let dir = tempfile::tempdir().unwrap();
        let mut keys = TrustedKeys::load(dir.path()).unwrap();
        keys.remember(
            Mode::Live,
            &both_modes(1),
            "HTTPS://MatterMode.com/.well-known/matter-keys.json",
        )
        .unwrap();
        assert_eq!(keys.find(Mode::Live, "l1").count(), 1);
    }

    #[test]
    fn remember_live_from_http_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let mut keys = TrustedKeys::load(dir.path()).unwrap();
        let error = keys
            .remember(
                Mode::Live,
                &both_modes(1),
                "http://127.0.0.1:41177/.well-known/matter-keys.json",
            )
            .unwrap_err();
        assert_eq!(error.code(), "matter_keys_invalid");
        assert!(error.to_string().contains("https"), "{error}");
        assert_eq!(keys.find(Mode::Live, "l1").count(), 0);
        let reloaded = TrustedKeys::load(dir.path()).unwrap();
        assert!(reloaded.find(Mode::Live, "l1").next().is_none());
    }

    #[test]
    fn load_ignores_cached_live_key_from_http() {
        let dir = tempfile::tempdir().unwrap();
        let path = TrustedKeys::cache_path(dir.path());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let entry = |source: &str| {
            json!([{"kid": "l1", "kty": "OKP", "crv": "Ed25519", "x": x(2), "source": source,
                    "first_seen_at": "2026-12-04T21:42:57Z", "last_seen_at": "2026-12-04T21:42:57Z"}])
        };
        let planted = json!({"test": [], "live": entry("http://127.0.0.1:41177/.well-known/matter-keys.json")});
        std::fs::write(&path, planted.to_string()).unwrap();
        let keys = TrustedKeys::load(dir.path()).unwrap();
        assert_eq!(keys.find(Mode::Live, "l1").count(), 0);
    }

    #[test]
    fn live_keys_source_is_matters_url_only() {
        assert!(is_live_keys_source(MATTER_LIVE_KEYS_URL));
        assert!(is_live_keys_source(
            "HTTPS://MATTERMODE.COM/.well-known/matter-keys.json"
        ));
        assert!(!is_live_keys_source(
            "https://mattermode.com/.well-known/MATTER-keys.json"
        ));
        assert!(!is_live_keys_source(
            "http://mattermode.com/.well-known/matter-keys.json"
        ));
        assert!(!is_live_keys_source(
            "https://mattermode.co/.well-known/matter-keys.json/"
        ));
        assert!(!is_live_keys_source(
            "https://é.com/.well-known/matter-keys.json"
        ));
        assert!(!is_live_keys_source(""));
    }

    #[test]
    fn load_reports_corrupt_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = TrustedKeys::cache_path(dir.path());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"{\"test\": [").unwrap();
        let error = TrustedKeys::load(dir.path()).unwrap_err();
        assert_eq!(error.code(), "trusted_keys_unreadable");
    }

    #[test]
    fn remember_moves_corrupt_cache_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = TrustedKeys::cache_path(dir.path());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"not json").unwrap();
        let mut keys = TrustedKeys::pinned();
        keys.data_dir = Some(dir.path().to_path_buf());
        keys.remember(
            Mode::Test,
            &document(json!([{"kid": "k1", "kty": "OKP", "crv": "Ed25519", "x": x(1)}])),
            "http://127.0.0.1:1/k",
        )
        .unwrap();
        let names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names
                .iter()
                .any(|n| n.starts_with("matter-keys.json.corrupt-")),
            "{names:?}"
        );
        assert_eq!(
            TrustedKeys::load(dir.path())
                .unwrap()
                .find(Mode::Test, "k1")
                .count(),
            1
        );
    }
}
