//! Offline verification: two separate verdicts, no network access.
//!
//! * Integrity ("unchanged since signing"): Matter's Ed25519 signature covers
//!   the receipt's `server_receipt.payload`, and every copy of a signed value
//!   elsewhere in the receipt, including the disclosure packet through its
//!   hash, agrees with the payload.
//! * Trust ("signed by a known Matter key"): that signature was made by a key
//!   that [`TrustedKeys`] lists for the receipt's mode.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::attestation::{collapse_whitespace, electronic_signature_text};
use crate::hash::{jcs_bytes, json_type_name, packet_sha256};
use crate::keys::{KeyOrigin, TrustedKeys};
use crate::model::{Receipt, RECEIPT_FORMAT, RECEIPT_FORMAT_VERSION};

/// How far a signing time may lie ahead of the verifying computer's clock.
pub const MAX_CLOCK_SKEW: Duration = Duration::minutes(5);

/// The outcome of one check, with a reason a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub passed: bool,
    pub reason: String,
}

impl Verdict {
    pub fn pass(reason: impl Into<String>) -> Self {
        Verdict {
            passed: true,
            reason: reason.into(),
        }
    }

    pub fn fail(reason: impl Into<String>) -> Self {
        Verdict {
            passed: false,
            reason: reason.into(),
        }
    }
}

/// The form a receipt file was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReceiptKind {
    Json,
    Html,
    Pdf,
}

impl std::fmt::Display for ReceiptKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ReceiptKind::Json => "JSON",
            ReceiptKind::Html => "HTML",
            ReceiptKind::Pdf => "PDF",
        })
    }
}

/// Both verdicts for one receipt file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationReport {
    pub kind: ReceiptKind,
    /// The receipt, when the file could be read as one.
    pub receipt: Option<Receipt>,
    /// Unchanged since signing.
    pub integrity: Verdict,
    /// Signed by a known Matter key of the receipt's mode.
    pub trust: Verdict,
}

impl VerificationReport {
    /// Builds the report for a file that could not be read as a receipt: both
    /// verdicts fail with the same reason.
    pub fn unreadable(kind: ReceiptKind, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        VerificationReport {
            kind,
            receipt: None,
            integrity: Verdict::fail(reason.clone()),
            trust: Verdict::fail(format!("not checked: {reason}")),
        }
    }

    /// Returns whether both verdicts passed.
    pub fn passed(&self) -> bool {
        self.integrity.passed && self.trust.passed
    }
}

/// Verifies a parsed receipt against `keys` with the computer's current clock.
pub fn verify_receipt(receipt: &Receipt, keys: &TrustedKeys) -> (Verdict, Verdict) {
    verify_receipt_at(receipt, keys, OffsetDateTime::now_utc())
}

/// Verifies a parsed receipt as of `now`, returning `(integrity, trust)`.
pub fn verify_receipt_at(
    receipt: &Receipt,
    keys: &TrustedKeys,
    now: OffsetDateTime,
) -> (Verdict, Verdict) {
    let signature_check = check_signature(receipt);
    let integrity = match signature_check
        .clone()
        .and_then(|()| check_consistency(receipt, now))
    {
        Ok(()) => Verdict::pass(format!(
            "unchanged since signing: Matter's Ed25519 signature (key {}) verifies over the signed payload, and the disclosure packet, document, signer, session and times in this receipt match it",
            receipt.server_receipt.kid
        )),
        Err(reason) => Verdict::fail(reason),
    };
    let trust = match signature_check {
        Ok(()) => check_trust(receipt, keys),
        Err(reason) => Verdict::fail(format!(
            "no key vouches for this receipt, because its signature cannot be checked or does not verify: {reason}"
        )),
    };
    (integrity, trust)
}

/// Verifies receipt JSON bytes: a parse failure fails both verdicts with the reason.
pub fn verify_json_bytes(bytes: &[u8], keys: &TrustedKeys) -> VerificationReport {
    verify_json_bytes_as(ReceiptKind::Json, bytes, keys)
}

pub(crate) fn verify_json_bytes_as(
    kind: ReceiptKind,
    bytes: &[u8],
    keys: &TrustedKeys,
) -> VerificationReport {
    match Receipt::from_json_bytes(bytes) {
        Ok(receipt) => {
            let (integrity, trust) = verify_receipt(&receipt, keys);
            VerificationReport {
                kind,
                receipt: Some(receipt),
                integrity,
                trust,
            }
        }
        Err(error) => VerificationReport::unreadable(kind, error.to_string()),
    }
}

/// Checks the format markers and Matter's Ed25519 signature over JCS(payload).
fn check_signature(receipt: &Receipt) -> Result<(), String> {
    if receipt.format != RECEIPT_FORMAT {
        return Err(format!(
            "format is {:?}, expected {RECEIPT_FORMAT:?}",
            receipt.format
        ));
    }
    if receipt.format_version != RECEIPT_FORMAT_VERSION {
        return Err(format!(
            "format_version {} is not supported by this version, which reads version {RECEIPT_FORMAT_VERSION}; a newer Matter Signer may verify it",
            receipt.format_version
        ));
    }

    let server = &receipt.server_receipt;
    let key = &receipt.signing_key;
    if server.alg != "Ed25519" {
        return Err(format!(
            "server_receipt.alg is {:?}, expected \"Ed25519\"",
            server.alg
        ));
    }
    if key.alg != "Ed25519" {
        return Err(format!(
            "signing_key.alg is {:?}, expected \"Ed25519\"",
            key.alg
        ));
    }
    if key.kid != server.kid {
        return Err(format!(
            "signing_key.kid {:?} differs from server_receipt.kid {:?}",
            key.kid, server.kid
        ));
    }

    let key_bytes: [u8; 32] = URL_SAFE_NO_PAD
        .decode(&key.public_key)
        .map_err(|e| format!("signing_key.public_key is not base64url without padding: {e}"))?
        .try_into()
        .map_err(|bytes: Vec<u8>| {
            format!(
                "signing_key.public_key is {} bytes, expected 32",
                bytes.len()
            )
        })?;
    let verifying_key = VerifyingKey::from_bytes(&key_bytes)
        .map_err(|e| format!("signing_key.public_key is not a valid Ed25519 public key: {e}"))?;

    let signature_bytes: [u8; 64] = URL_SAFE_NO_PAD
        .decode(&server.signature)
        .map_err(|e| format!("server_receipt.signature is not base64url without padding: {e}"))?
        .try_into()
        .map_err(|bytes: Vec<u8>| {
            format!(
                "server_receipt.signature is {} bytes, expected 64",
                bytes.len()
            )
        })?;
    let signature = Signature::from_bytes(&signature_bytes);

    if !server.payload.is_object() {
        return Err(format!(
            "server_receipt.payload is {}, expected an object",
            json_type_name(&server.payload)
        ));
    }
    let message = jcs_bytes(&server.payload).map_err(|e| format!("server_receipt.payload: {e}"))?;
    verifying_key
        .verify_strict(&message, &signature)
        .map_err(|_| {
            format!(
                "the Ed25519 signature over server_receipt.payload does not verify with key {}: the signed payload or the signature was changed",
                server.kid
            )
        })
}

/// Checks that every unsigned copy of a signed value agrees with the payload.
fn check_consistency(receipt: &Receipt, now: OffsetDateTime) -> Result<(), String> {
    let payload = &receipt.server_receipt.payload;
    let packet = &receipt.disclosure_packet;

    // The disclosure packet, through its hash.
    let computed = packet_sha256(packet).map_err(|e| format!("disclosure_packet: {e}"))?;
    if computed != receipt.disclosure_packet_hash {
        return Err(format!(
            "the disclosure packet text was changed: its SHA-256 is {computed}, but disclosure_packet_hash is {}",
            receipt.disclosure_packet_hash
        ));
    }
    let packet_hash = packet.get("packet_hash").and_then(Value::as_str);
    if packet_hash != Some(computed.as_str()) {
        return Err(format!(
            "disclosure_packet.packet_hash is {}, but the packet's SHA-256 is {computed}",
            describe(packet.get("packet_hash"))
        ));
    }
    expect_str(
        payload,
        "disclosure_packet_hash",
        &computed,
        "disclosure_packet_hash",
    )?;

    // Identifiers and texts copied from the signed payload.
    expect_str(payload, "signature_id", &receipt.receipt_id, "receipt_id")?;
    expect_str(
        payload,
        "signing_session_id",
        &receipt.signing_session_id,
        "signing_session_id",
    )?;
    expect_str(payload, "document_id", &receipt.document.id, "document.id")?;
    expect_str(
        payload,
        "document_title",
        &receipt.document.title,
        "document.title",
    )?;
    expect_str(
        payload,
        "document_sha256",
        &receipt.document.sha256,
        "document.sha256",
    )?;
    expect_str(
        payload,
        "entity_id",
        &receipt.document.entity_id,
        "document.entity_id",
    )?;
    expect_str(
        payload,
        "stakeholder_id",
        &receipt.stakeholder.id,
        "stakeholder.id",
    )?;
    expect_str(
        payload,
        "human_clerk_user_id",
        &receipt.signed_in_user.user_id,
        "signed_in_user.user_id",
    )?;
    expect_str(
        payload,
        "electronic_signature_text",
        &receipt.electronic_signature_text,
        "electronic_signature_text",
    )?;
    let packet_document_sha = packet.pointer("/document/sha256").and_then(Value::as_str);
    expect_str(
        payload,
        "document_sha256",
        packet_document_sha.unwrap_or(""),
        "disclosure_packet.document.sha256",
    )?;
    let packet_document_id = packet.pointer("/document/id").and_then(Value::as_str);
    expect_str(
        payload,
        "document_id",
        packet_document_id.unwrap_or(""),
        "disclosure_packet.document.id",
    )?;
    let packet_stakeholder = packet.pointer("/stakeholder/id").and_then(Value::as_str);
    expect_str(
        payload,
        "stakeholder_id",
        packet_stakeholder.unwrap_or(""),
        "disclosure_packet.stakeholder.id",
    )?;

    // Display fields that the packet, and so the signature, covers.
    expect_packet(
        packet,
        "/stakeholder/name",
        &Value::from(receipt.stakeholder.name.as_str()),
        "stakeholder.name",
    )?;
    expect_packet(
        packet,
        "/document/title",
        &Value::from(receipt.document.title.as_str()),
        "document.title",
    )?;
    expect_packet(
        packet,
        "/document/entity_name",
        &Value::from(receipt.document.entity_name.as_str()),
        "document.entity_name",
    )?;
    expect_packet(
        packet,
        "/document/byte_length",
        &Value::from(receipt.document.byte_length),
        "document.byte_length",
    )?;
    if let Some(envelope) = &receipt.envelope {
        expect_packet(
            packet,
            "/envelope/subject",
            &Value::from(envelope.subject.as_str()),
            "envelope.subject",
        )?;
        expect_packet(
            packet,
            "/envelope/position",
            &Value::from(envelope.position),
            "envelope.position",
        )?;
        expect_packet(
            packet,
            "/envelope/signer_count",
            &Value::from(envelope.signer_count),
            "envelope.signer_count",
        )?;
    }

    // Mode.
    let livemode = payload
        .get("livemode")
        .and_then(Value::as_bool)
        .ok_or_else(|| "the signed payload has no boolean livemode".to_string())?;
    if receipt.mode.is_live() != livemode {
        return Err(format!(
            "mode is {}, but the signed payload has livemode {livemode}",
            receipt.mode
        ));
    }
    if packet.get("livemode").and_then(Value::as_bool) != Some(livemode) {
        return Err(format!(
            "disclosure_packet.livemode is {}, but the signed payload has livemode {livemode}",
            describe(packet.get("livemode"))
        ));
    }

    // Envelope slot.
    let (envelope_id, signer_id) = match &receipt.envelope {
        Some(envelope) => (
            Some(envelope.id.as_str()),
            Some(envelope.signer_id.as_str()),
        ),
        None => (None, None),
    };
    expect_optional_str(payload, "signing_envelope_id", envelope_id, "envelope.id")?;
    expect_optional_str(payload, "signer_id", signer_id, "envelope.signer_id")?;

    // The server's signature record: each member the payload also holds.
    check_signature_record(receipt, payload)?;

    // The typed name, bound exactly: the text must be the packet's
    // attestation filled with the typed name as recorded.
    check_typed_name(receipt)?;

    // Times.
    let signed_at = payload_time(payload, "signed_at")?;
    if signed_at != receipt.timestamps.server_signed_at {
        return Err(format!(
            "timestamps.server_signed_at is {}, but the signed payload has signed_at {}",
            rfc3339(receipt.timestamps.server_signed_at),
            rfc3339(signed_at)
        ));
    }
    if signed_at > now + MAX_CLOCK_SKEW {
        return Err(format!(
            "the signing time {} is in the future: this computer's clock reads {}, and at most 5 minutes of clock difference is allowed; check the computer's date or the receipt's origin",
            rfc3339(signed_at),
            rfc3339(now)
        ));
    }
    Ok(())
}

/// Checks that `electronic_signature_text` is the packet's
/// `signature_attestation` filled with `typed_name` by
/// [`electronic_signature_text`], and that `typed_name` is recorded in the
/// collapsed form the app sends.
fn check_typed_name(receipt: &Receipt) -> Result<(), String> {
    let typed = &receipt.typed_name;
    if typed.trim().is_empty() {
        return Err("typed_name is empty".into());
    }
    if *typed != collapse_whitespace(typed) {
        return Err(format!(
            "typed_name {typed:?} has leading, trailing or repeated whitespace, which the app never records"
        ));
    }
    let attestation = receipt
        .disclosure_packet
        .get("signature_attestation")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            "the disclosure packet has no string signature_attestation to rebuild the electronic signature text from".to_string()
        })?;
    let expected = electronic_signature_text(attestation, typed);
    if receipt.electronic_signature_text != expected {
        return Err(format!(
            "typed_name {typed:?} does not match the signature: the packet's signature_attestation filled with it reads {expected:?}, but electronic_signature_text is {:?}",
            receipt.electronic_signature_text
        ));
    }
    Ok(())
}

/// Compares the members of the server's signature record that the payload also
/// holds. Each of them must be present in the record: the contract's record
/// carries all of them, so a missing member means the record was edited.
fn check_signature_record(receipt: &Receipt, payload: &Value) -> Result<(), String> {
    let record = &receipt.signature;
    if !record.is_object() {
        return Err(format!(
            "signature is {}, expected an object",
            json_type_name(record)
        ));
    }
    let pairs = [
        ("/id", "signature_id"),
        ("/signing_session_id", "signing_session_id"),
        ("/document_id", "document_id"),
        ("/stakeholder_id", "stakeholder_id"),
        ("/human_clerk_user_id", "human_clerk_user_id"),
        ("/electronic_signature_text", "electronic_signature_text"),
        ("/disclosure_packet_hash", "disclosure_packet_hash"),
        ("/document_sha256", "document_sha256"),
        ("/signing_envelope_id", "signing_envelope_id"),
        ("/signer_id", "signer_id"),
        ("/legal_basis", "legal_basis"),
        ("/consent_record/consent_id", "consent_id"),
        ("/livemode", "livemode"),
    ];
    for (pointer, payload_field) in pairs {
        let Some(signed) = payload.get(payload_field) else {
            continue;
        };
        let record_field = pointer[1..].replace('/', ".");
        match record.pointer(pointer) {
            Some(value) if value == signed => {}
            Some(value) => {
                return Err(format!(
                    "signature.{record_field} is {value}, but the signed payload has {payload_field} {signed}"
                ))
            }
            None => {
                return Err(format!(
                    "signature.{record_field} is missing, but the signed payload has {payload_field} {signed}; the server's signature record was edited"
                ))
            }
        }
    }
    if payload.get("signed_at").is_some() {
        let record_time = value_time(record.get("signed_at"), "signature.signed_at")?;
        let payload_time = payload_time(payload, "signed_at")?;
        if record_time != payload_time {
            return Err(format!(
                "signature.signed_at is {}, but the signed payload has signed_at {}",
                rfc3339(record_time),
                rfc3339(payload_time)
            ));
        }
    }
    expect_str(
        payload,
        "request_id",
        &receipt.request_ids.sign,
        "request_ids.sign",
    )
}

/// Decides the trust verdict for a receipt whose signature verifies.
fn check_trust(receipt: &Receipt, keys: &TrustedKeys) -> Verdict {
    let mode = receipt.mode;
    let key = &receipt.signing_key;
    if key.mode != mode {
        return Verdict::fail(format!(
            "the receipt is in {mode} mode but its signing key {} is recorded as a {} key; a {} key never vouches for a {mode} receipt",
            key.kid, key.mode, key.mode
        ));
    }
    let candidates: Vec<_> = keys.find(mode, &key.kid).collect();
    if let Some(trusted) = candidates.iter().find(|k| k.public_key == key.public_key) {
        if trusted.status.as_deref() == Some("revoked") {
            return Verdict::fail(format!(
                "key {} is a Matter {mode} key that Matter marked revoked",
                key.kid
            ));
        }
        let origin = match &trusted.origin {
            KeyOrigin::Pinned => "pinned in this app".to_string(),
            KeyOrigin::Cached {
                source,
                first_seen_at,
            } => format!("cached from {source} on {}", rfc3339(*first_seen_at)),
        };
        let note = if mode.is_live() {
            ""
        } else {
            "; test mode: this signature has no legal effect"
        };
        return Verdict::pass(format!(
            "signed by Matter {mode} key {} ({origin}){note}",
            key.kid
        ));
    }
    if !candidates.is_empty() {
        return Verdict::fail(format!(
            "key id {} is a known Matter {mode} key, but this receipt carries a different public key for it",
            key.kid
        ));
    }
    let other = match mode {
        crate::model::Mode::Test => crate::model::Mode::Live,
        crate::model::Mode::Live => crate::model::Mode::Test,
    };
    if keys
        .find(other, &key.kid)
        .any(|k| k.public_key == key.public_key)
    {
        return Verdict::fail(format!(
            "key {} is a Matter {other} key; a {other} key never vouches for a {mode} receipt",
            key.kid
        ));
    }
    Verdict::fail(format!(
        "key {} is not a known Matter {mode} key: it is neither pinned in this app nor cached from matter-keys.json on this computer",
        key.kid
    ))
}

fn expect_str(
    payload: &Value,
    payload_field: &str,
    actual: &str,
    receipt_field: &str,
) -> Result<(), String> {
    match payload.get(payload_field).and_then(Value::as_str) {
        Some(signed) if signed == actual => Ok(()),
        Some(signed) => Err(format!(
            "{receipt_field} is {actual:?}, but the signed payload has {payload_field} {signed:?}"
        )),
        None => Err(format!(
            "the signed payload has no string {payload_field} to compare with {receipt_field}"
        )),
    }
}

fn expect_packet(
    packet: &Value,
    pointer: &str,
    actual: &Value,
    receipt_field: &str,
) -> Result<(), String> {
    let shown = packet.pointer(pointer);
    if shown == Some(actual) {
        Ok(())
    } else {
        Err(format!(
            "{receipt_field} is {actual}, but the disclosure packet shown has {} at {pointer}",
            describe(shown)
        ))
    }
}

fn expect_optional_str(
    payload: &Value,
    payload_field: &str,
    actual: Option<&str>,
    receipt_field: &str,
) -> Result<(), String> {
    let signed = match payload.get(payload_field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(other) => {
            return Err(format!(
                "the signed payload's {payload_field} is {}, expected a string or null",
                json_type_name(other)
            ))
        }
    };
    if signed == actual {
        Ok(())
    } else {
        Err(format!(
            "{receipt_field} is {}, but the signed payload has {payload_field} {}",
            actual.map_or("absent".to_string(), |a| format!("{a:?}")),
            signed.map_or("null".to_string(), |s| format!("{s:?}"))
        ))
    }
}

fn payload_time(payload: &Value, field: &str) -> Result<OffsetDateTime, String> {
    value_time(payload.get(field), &format!("the signed payload's {field}"))
}

/// Reads a time given as unix seconds or an RFC 3339 string (both occur in
/// Matter responses).
fn value_time(value: Option<&Value>, what: &str) -> Result<OffsetDateTime, String> {
    match value {
        Some(Value::Number(n)) => {
            let seconds = n
                .as_i64()
                .ok_or_else(|| format!("{what} is {n}, expected whole unix seconds"))?;
            OffsetDateTime::from_unix_timestamp(seconds)
                .map_err(|e| format!("{what} is {seconds}, out of range: {e}"))
        }
        Some(Value::String(s)) => OffsetDateTime::parse(s, &Rfc3339)
            .map_err(|e| format!("{what} is {s:?}, not an RFC 3339 time: {e}")),
        other => Err(format!("{what} is {}, expected a time", describe(other))),
    }
}

fn describe(value: Option<&Value>) -> String {
    match value {
        None => "absent".into(),
        Some(value) => value.to_string(),
    }
}

pub(crate) fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339).unwrap_or_else(|_| time.to_string())
}
