//! The receipt JSON written next to every signature.
//!
//! Every field is required unless it is an `Option`. Unknown members are
//! ignored when reading, so a receipt written by a later version still loads,
//! but they are not kept: re-serialising a `Receipt` drops them.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

/// Value of the `format` member that marks a file as a Matter Signer receipt.
pub const RECEIPT_FORMAT: &str = "matter-signer-receipt";

/// The receipt format version this crate writes and verifies.
pub const RECEIPT_FORMAT_VERSION: u32 = 1;

/// A signed receipt: what the human saw, what was sent and what Matter signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    /// Always [`RECEIPT_FORMAT`].
    pub format: String,
    /// Always [`RECEIPT_FORMAT_VERSION`] for receipts this crate writes.
    pub format_version: u32,
    /// The signature id (`sgn_…`), which also names the receipt's folder.
    pub receipt_id: String,
    pub mode: Mode,
    /// API base URL the signature was made against, e.g. `http://127.0.0.1:PORT/v1`.
    pub api_base: String,
    pub app: AppInfo,
    pub document: DocumentInfo,
    /// The envelope slot signed, or `None` for a stand-alone document.
    pub envelope: Option<EnvelopeInfo>,
    pub stakeholder: StakeholderInfo,
    pub signed_in_user: SignedInUser,
    /// The full name the human typed.
    pub typed_name: String,
    /// The attestation containing the typed name, exactly as sent to the sign call.
    pub electronic_signature_text: String,
    /// The disclosure packet exactly as shown, `packet_hash` member included.
    pub disclosure_packet: Value,
    /// Lowercase hex SHA-256 computed locally by [`crate::hash::packet_sha256`].
    pub disclosure_packet_hash: String,
    pub signing_session_id: String,
    /// The server's signature record as returned, without its `receipt` member.
    pub signature: Value,
    pub server_receipt: ServerReceipt,
    pub signing_key: SigningKeyInfo,
    pub request_ids: RequestIds,
    pub timestamps: Timestamps,
}

/// Test or live, as in Matter's `livemode` flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Test,
    Live,
}

impl Mode {
    /// Returns the lowercase name used in JSON and in `matter-keys.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Test => "test",
            Mode::Live => "live",
        }
    }

    /// Returns the mode whose `livemode` flag is `livemode`.
    pub fn from_livemode(livemode: bool) -> Self {
        if livemode {
            Mode::Live
        } else {
            Mode::Test
        }
    }

    pub fn is_live(self) -> bool {
        self == Mode::Live
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    /// `cli` or `desktop`.
    pub front_end: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentInfo {
    pub id: String,
    pub title: String,
    pub entity_id: String,
    pub entity_name: String,
    /// Lowercase hex SHA-256 of the document's PDF bytes.
    pub sha256: String,
    pub byte_length: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvelopeInfo {
    pub id: String,
    pub subject: String,
    pub signer_id: String,
    pub position: u32,
    pub signer_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StakeholderInfo {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub user_id: String,
    pub email: String,
    pub name: String,
    /// OpenID Connect issuer of the sign-in.
    pub issuer: String,
}

/// Matter's detached receipt signature, as returned by the sign call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerReceipt {
    /// The signed object; its JCS (RFC 8785) bytes are what `signature` covers.
    pub payload: Value,
    /// Always `Ed25519`.
    pub alg: String,
    pub kid: String,
    /// Base64url without padding of the 64-byte Ed25519 signature.
    pub signature: String,
}

/// The public key the receipt signature was checked against when it was saved,
/// cached from `/.well-known/matter-keys.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SigningKeyInfo {
    pub kid: String,
    pub alg: String,
    /// Base64url without padding of the 32-byte Ed25519 public key.
    pub public_key: String,
    pub mode: Mode,
    /// URL of the `matter-keys.json` the key came from.
    pub source: String,
    #[serde(with = "time::serde::rfc3339")]
    pub fetched_at: OffsetDateTime,
}

/// Request ids (`Matter-Request-Id`) of the calls that led to the signature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestIds {
    pub document: String,
    pub dry_run: String,
    pub create_session: String,
    pub sign: String,
}

/// RFC 3339 timestamps, each written with its own offset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timestamps {
    /// The server's `signed_at`, in UTC.
    #[serde(with = "time::serde::rfc3339")]
    pub server_signed_at: OffsetDateTime,
    /// The local clock when the sign call returned, with the local offset.
    #[serde(with = "time::serde::rfc3339")]
    pub local_signed_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub session_created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub session_expires_at: OffsetDateTime,
    /// When the human last signed in interactively.
    #[serde(with = "time::serde::rfc3339")]
    pub signed_in_at: OffsetDateTime,
}

/// Failure to read bytes as a receipt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the file is not JSON ({0}); it may be truncated or of another kind")]
    NotJson(String),
    #[error("the JSON is not a Matter Signer receipt: {0}")]
    WrongKind(String),
    #[error("the receipt is incomplete or malformed: {0}")]
    Malformed(String),
    #[error("the receipt JSON has the member {0:?} twice, so two readers could see two different receipts; a receipt never repeats a member, so this file was edited")]
    DuplicateMember(String),
}

impl Receipt {
    /// Parses receipt JSON, telling apart bytes that are not JSON, JSON of
    /// another kind, and a receipt with missing or malformed fields.
    /// A UTF-8 byte order mark at the start (as some Windows editors save
    /// files) is skipped.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Receipt, ParseError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| ParseError::NotJson(e.to_string()))?;
        // RFC 8785 takes I-JSON (RFC 7493), which forbids duplicate member
        // names; serde_json keeps the last one while other parsers keep the first.
        let duplicate: FirstDuplicate =
            serde_json::from_slice(bytes).map_err(|e| ParseError::NotJson(e.to_string()))?;
        if let Some(path) = duplicate.0 {
            return Err(ParseError::DuplicateMember(path));
        }
        Receipt::from_json_value(value)
    }

    /// Parses a JSON value already read, with the same errors as [`Receipt::from_json_bytes`].
    pub fn from_json_value(value: Value) -> Result<Receipt, ParseError> {
        let Some(object) = value.as_object() else {
            return Err(ParseError::WrongKind(
                "the top level is not an object".into(),
            ));
        };
        match object.get("format").and_then(Value::as_str) {
            Some(RECEIPT_FORMAT) => {}
            Some(other) => {
                return Err(ParseError::WrongKind(format!(
                    "format is {other:?}, expected {RECEIPT_FORMAT:?}"
                )))
            }
            None => {
                return Err(ParseError::WrongKind(format!(
                    "no \"format\": {RECEIPT_FORMAT:?} member"
                )))
            }
        }
        serde_json::from_value(value).map_err(|e| ParseError::Malformed(e.to_string()))
    }

    /// Serialises the receipt as indented JSON followed by a newline.
    pub fn to_json_pretty(&self) -> Vec<u8> {
        // Serialising plain structs, strings and `Value`s into memory cannot fail.
        let mut bytes = serde_json::to_vec_pretty(self).expect("receipt serialises");
        bytes.push(b'\n');
        bytes
    }
}

/// The path (`a.b[2].c`) of the first member name repeated within one JSON
/// object, found while parsing, or `None`.
struct FirstDuplicate(Option<String>);

impl<'de> serde::Deserialize<'de> for FirstDuplicate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DuplicateVisitor)
    }
}

struct DuplicateVisitor;

impl<'de> serde::de::Visitor<'de> for DuplicateVisitor {
    type Value = FirstDuplicate;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(FirstDuplicate(None))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(FirstDuplicate(None))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(FirstDuplicate(None))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(FirstDuplicate(None))
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(FirstDuplicate(None))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(FirstDuplicate(None))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        let mut index = 0usize;
        while let Some(FirstDuplicate(inner)) = seq.next_element()? {
            if found.is_none() {
                found = inner.map(|path| format!("[{index}]{}", member_suffix(&path)));
            }
            index += 1;
        }
        Ok(FirstDuplicate(found))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let FirstDuplicate(inner) = map.next_value()?;
            if found.is_none() {
                if seen.contains(&key) {
                    found = Some(key.clone());
                } else if let Some(path) = inner {
                    found = Some(format!("{key}{}", member_suffix(&path)));
                }
            }
            seen.insert(key);
        }
        Ok(FirstDuplicate(found))
    }
}

/// Joins a child path to its parent: `.name` for a member, `[i]` as is.
fn member_suffix(path: &str) -> String {
    if path.starts_with('[') {
        path.to_owned()
    } else {
        format!(".{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duplicate(json: &str) -> Option<String> {
        serde_json::from_str::<FirstDuplicate>(json).unwrap().0
    }

    #[test]
    fn duplicate_finder_names_nested_path() {
        assert_eq!(
            duplicate(r#"{"a":1,"b":{"c":[{"d":1,"d":2}]}}"#).as_deref(),
            Some("b.c[0].d")
        );
        assert_eq!(duplicate(r#"{"a":1,"a":1}"#).as_deref(), Some("a"));
        assert_eq!(
            duplicate(r#"[[{"x":{"y":0,"y":0}}]]"#).as_deref(),
            Some("[0][0].x.y")
        );
    }

    #[test]
    fn duplicate_finder_accepts_distinct_members() {
        assert_eq!(
            duplicate(r#"{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":null}"#),
            None
        );
    }
}
