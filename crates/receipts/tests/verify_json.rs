//! Verification of the JSON form: round trip, tampering, trust and bad input.

use matter_receipts::testing::{resign, signing_key, trusted_test_keys, SampleReceipt};
use matter_receipts::{
    verify_json_bytes, verify_receipt, verify_receipt_at, Mode, Receipt, ReceiptKind, TrustedKeys,
};
use serde_json::{json, Value};
use time::{Duration, OffsetDateTime};

fn sample() -> (Receipt, TrustedKeys) {
    let key = signing_key(7);
    (SampleReceipt::new(1).build(&key), trusted_test_keys(&key))
}

/// Edits the receipt's JSON through `edit` and verifies the result.
fn verify_edited(edit: impl FnOnce(&mut Value)) -> matter_receipts::VerificationReport {
    let (receipt, keys) = sample();
    let mut value = serde_json::to_value(&receipt).unwrap();
    edit(&mut value);
    verify_json_bytes(&serde_json::to_vec(&value).unwrap(), &keys)
}

#[test]
fn json_round_trip_passes_both() {
    let (receipt, keys) = sample();
    let bytes = receipt.to_json_pretty();
    let report = verify_json_bytes(&bytes, &keys);
    assert_eq!(report.kind, ReceiptKind::Json);
    assert!(report.integrity.passed, "{}", report.integrity.reason);
    assert!(report.trust.passed, "{}", report.trust.reason);
    assert_eq!(report.receipt.as_ref(), Some(&receipt));
}

#[test]
fn json_round_trip_keeps_offsets() {
    let (receipt, _) = sample();
    let text = String::from_utf8(receipt.to_json_pretty()).unwrap();
    assert!(
        text.contains("\"local_signed_at\": \"2026-05-28T22:"),
        "{text}"
    );
    assert!(text.contains("+02:00\""), "{text}");
}

#[test]
fn tampered_signed_fields_fail_integrity() {
    // Each pointer names a field covered by Matter's signature, directly or as a
    // copy of a payload member.
    let cases: &[(&str, Value)] = &[
        ("/receipt_id", json!("sgn_other")),
        ("/signing_session_id", json!("ssn_other")),
        ("/document/id", json!("doc_other")),
        ("/document/title", json!("Another title")),
        ("/document/sha256", json!("00".repeat(32))),
        ("/document/entity_id", json!("ent_other")),
        ("/stakeholder/id", json!("stk_other")),
        ("/signed_in_user/user_id", json!("user_other")),
        ("/electronic_signature_text", json!("I, John Doe, sign.")),
        ("/typed_name", json!("John Doe")),
        ("/disclosure_packet_hash", json!("11".repeat(32))),
        ("/mode", json!("live")),
        (
            "/timestamps/server_signed_at",
            json!("2026-05-28T20:00:00Z"),
        ),
        ("/signature/id", json!("sgn_other")),
        ("/signature/electronic_signature_text", json!("other")),
        (
            "/envelope",
            json!({"id": "env_x", "subject": "s", "signer_id": "sgr_x", "position": 1, "signer_count": 2}),
        ),
        ("/server_receipt/payload/document_title", json!("Edited")),
        ("/server_receipt/payload/signed_at", json!(1_780_000_001)),
        ("/server_receipt/payload/livemode", json!(true)),
        ("/server_receipt/kid", json!("other-kid")),
        ("/signing_key/kid", json!("other-kid")),
    ];
    for (pointer, new_value) in cases {
        let report = verify_edited(|v| *v.pointer_mut(pointer).unwrap() = new_value.clone());
        assert!(
            !report.integrity.passed,
            "editing {pointer} passed integrity"
        );
        assert!(
            !report.integrity.reason.is_empty(),
            "editing {pointer} gave no reason"
        );
    }
}

#[test]
fn tampered_packet_text_fails_integrity() {
    let report = verify_edited(|v| {
        v["disclosure_packet"]["consequences"][0] = json!("You approve nothing.");
    });
    assert!(!report.integrity.passed);
    assert!(
        report
            .integrity
            .reason
            .contains("disclosure packet text was changed"),
        "{}",
        report.integrity.reason
    );
}

#[test]
fn tampered_packet_fails_even_with_matching_hashes() {
    // Someone edits the packet and rewrites both unsigned copies of its hash:
    // the signed payload still holds the original hash.
    let (receipt, keys) = sample();
    let mut value = serde_json::to_value(&receipt).unwrap();
    value["disclosure_packet"]["who_bears_risk"] = json!("matter");
    let new_hash = matter_receipts::packet_sha256(&value["disclosure_packet"]).unwrap();
    value["disclosure_packet"]["packet_hash"] = json!(new_hash);
    value["disclosure_packet_hash"] = json!(new_hash);
    let report = verify_json_bytes(&serde_json::to_vec(&value).unwrap(), &keys);
    assert!(!report.integrity.passed);
    assert!(
        report.integrity.reason.contains("disclosure_packet_hash"),
        "{}",
        report.integrity.reason
    );
}

#[test]
fn tampered_payload_fails_signature_check() {
    let report =
        verify_edited(|v| v["server_receipt"]["payload"]["consent_id"] = json!("esc_other"));
    assert!(!report.integrity.passed);
    assert!(
        report
            .integrity
            .reason
            .contains("signature over server_receipt.payload does not verify"),
        "{}",
        report.integrity.reason
    );
    assert!(!report.trust.passed);
}

#[test]
fn tampered_signature_fails_integrity() {
    let report = verify_edited(|v| {
        let signature = v["server_receipt"]["signature"]
            .as_str()
            .unwrap()
            .to_owned();
        let flipped = if signature.starts_with('A') { "B" } else { "A" };
        v["server_receipt"]["signature"] = json!(format!("{flipped}{}", &signature[1..]));
    });
    assert!(!report.integrity.passed);
}

#[test]
fn unsigned_fields_may_change() {
    // Local time, app version and request ids other than the signed one are
    // recorded by the app alone; editing them must not break the signature.
    let report = verify_edited(|v| {
        v["app"]["version"] = json!("9.9.9");
        v["request_ids"]["dry_run"] = json!("req_other");
    });
    assert!(report.integrity.passed, "{}", report.integrity.reason);
}

#[test]
fn unknown_key_fails_only_trust() {
    let key = signing_key(7);
    let receipt = SampleReceipt::new(1).build(&key);
    let other_keys = trusted_test_keys(&signing_key(8));
    let (integrity, trust) = verify_receipt(&receipt, &other_keys);
    assert!(integrity.passed, "{}", integrity.reason);
    assert!(!trust.passed);
    assert!(
        trust.reason.contains("different public key"),
        "{}",
        trust.reason
    );
}

#[test]
fn empty_trust_store_fails_only_trust() {
    let (receipt, _) = sample();
    let (integrity, trust) = verify_receipt(&receipt, &TrustedKeys::pinned());
    assert!(integrity.passed, "{}", integrity.reason);
    assert!(!trust.passed);
    assert!(
        trust.reason.contains("not a known Matter test key"),
        "{}",
        trust.reason
    );
}

#[test]
fn test_key_never_vouches_for_live() {
    let key = signing_key(7);
    let mut input = SampleReceipt::new(1);
    input.mode = Mode::Live;
    let receipt = input.build(&key);
    let keys = trusted_test_keys(&key);
    let (integrity, trust) = verify_receipt(&receipt, &keys);
    assert!(integrity.passed, "{}", integrity.reason);
    assert!(!trust.passed);
    assert!(
        trust.reason.contains("never vouches for a live receipt"),
        "{}",
        trust.reason
    );
}

#[test]
fn live_receipt_with_test_recorded_key_fails_trust() {
    let key = signing_key(7);
    let mut input = SampleReceipt::new(1);
    input.mode = Mode::Live;
    let mut receipt = input.build(&key);
    receipt.signing_key.mode = Mode::Test;
    let (integrity, trust) = verify_receipt(&receipt, &trusted_test_keys(&key));
    assert!(integrity.passed, "{}", integrity.reason);
    assert!(!trust.passed);
}

#[test]
fn live_receipt_with_key_cached_in_test_mode_fails_trust() {
    use base64::Engine as _;
    let key = signing_key(7);
    let mut input = SampleReceipt::new(1);
    input.mode = Mode::Live;
    let receipt = input.build(&key);
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes());
    let document = json!({
        "test": [],
        "live": [{"kid": receipt.signing_key.kid, "kty": "OKP", "crv": "Ed25519", "x": x, "status": "active"}]
    });
    let dir = tempfile::tempdir().unwrap();
    let mut keys = TrustedKeys::load(dir.path()).unwrap();
    for source in [
        "http://127.0.0.1:41177/.well-known/matter-keys.json",
        "https://mattermode.com/.well-known/matter-keys.json",
    ] {
        keys.remember(Mode::Test, &document, source).unwrap();
    }
    assert!(keys
        .remember(
            Mode::Live,
            &document,
            "http://127.0.0.1:41177/.well-known/matter-keys.json"
        )
        .is_err());
    let reloaded = TrustedKeys::load(dir.path()).unwrap();
    for keys in [&keys, &reloaded] {
        let (integrity, trust) = verify_receipt(&receipt, keys);
        assert!(integrity.passed, "{}", integrity.reason);
        assert!(!trust.passed, "{}", trust.reason);
    }
}

#[test]
fn future_signing_time_fails_integrity() {
    let key = signing_key(7);
    let receipt = SampleReceipt::new(1).build(&key);
    let keys = trusted_test_keys(&key);
    let before = receipt.timestamps.server_signed_at - Duration::minutes(6);
    let (integrity, _) = verify_receipt_at(&receipt, &keys, before);
    assert!(!integrity.passed);
    assert!(
        integrity.reason.contains("in the future"),
        "{}",
        integrity.reason
    );
}

#[test]
fn small_clock_skew_is_allowed() {
    let key = signing_key(7);
    let receipt = SampleReceipt::new(1).build(&key);
    let keys = trusted_test_keys(&key);
    let before = receipt.timestamps.server_signed_at - Duration::minutes(4);
    let (integrity, _) = verify_receipt_at(&receipt, &keys, before);
    assert!(integrity.passed, "{}", integrity.reason);
}

#[test]
fn signed_future_time_fails_even_when_resigned() {
    let key = signing_key(7);
    let mut input = SampleReceipt::new(1);
    input.signed_at = OffsetDateTime::now_utc() + Duration::days(365);
    let mut receipt = input.build(&key);
    resign(&mut receipt, &key);
    let (integrity, trust) = verify_receipt(&receipt, &trusted_test_keys(&key));
    assert!(!integrity.passed);
    assert!(trust.passed, "{}", trust.reason);
}

#[test]
fn typed_name_missing_from_text_fails() {
    let key = signing_key(7);
    let mut receipt = SampleReceipt::new(1).build(&key);
    receipt.typed_name = "Someone Else".into();
    let (integrity, _) = verify_receipt(&receipt, &trusted_test_keys(&key));
    assert!(!integrity.passed);
    assert!(
        integrity.reason.contains("typed_name"),
        "{}",
        integrity.reason
    );
}

#[test]
fn typed_name_substring_of_text_fails() {
    let (receipt, keys) = sample();
    let text = receipt.electronic_signature_text.clone();
    for typed in [
        "I",
        "Founder",
        "Jane",
        "intend to sign",
        "Q. Founder",
        &text,
    ] {
        assert!(text.contains(typed), "{typed:?}");
        let mut edited = receipt.clone();
        edited.typed_name = typed.to_string();
        let (integrity, trust) = verify_receipt(&edited, &keys);
        assert!(!integrity.passed, "typed name {typed:?} passed");
        assert!(
            integrity.reason.contains("typed_name"),
            "{}",
            integrity.reason
        );
        assert!(trust.passed, "{}", trust.reason);
    }
}

#[test]
fn typed_name_with_extra_spaces_fails() {
    let (receipt, keys) = sample();
    for typed in [
        "   Jane Q. Founder   ",
        "Jane  Q. Founder",
        "Jane Q. Founder\n",
    ] {
        let mut edited = receipt.clone();
        edited.typed_name = typed.to_string();
        let (integrity, _) = verify_receipt(&edited, &keys);
        assert!(!integrity.passed, "typed name {typed:?} passed");
        assert!(
            integrity.reason.contains("whitespace"),
            "{}",
            integrity.reason
        );
    }
}

#[test]
fn typed_name_matching_attestation_passes() {
    let (receipt, keys) = sample();
    let attestation = receipt.disclosure_packet["signature_attestation"]
        .as_str()
        .unwrap();
    assert_eq!(
        matter_receipts::electronic_signature_text(attestation, &receipt.typed_name),
        receipt.electronic_signature_text
    );
    let (integrity, _) = verify_receipt(&receipt, &keys);
    assert!(integrity.passed, "{}", integrity.reason);
}

#[test]
fn signature_record_copies_must_match_payload() {
    let cases: [(&str, Value); 5] = [
        ("/signature/legal_basis", json!("wet_ink_power_of_attorney")),
        ("/signature/consent_record/consent_id", json!("esc_forged")),
        ("/signature/stakeholder_id", json!("stk_forged")),
        ("/signature/signing_envelope_id", json!("env_forged")),
        ("/request_ids/sign", json!("req_forged")),
    ];
    for (pointer, forged) in cases {
        let report = verify_edited(|v| *v.pointer_mut(pointer).unwrap() = forged.clone());
        assert!(!report.integrity.passed, "{pointer} edit passed");
        let field = pointer.rsplit('/').next().unwrap();
        assert!(
            report.integrity.reason.contains(field),
            "{pointer}: {}",
            report.integrity.reason
        );
    }
}

#[test]
fn emptied_signature_record_fails() {
    let report = verify_edited(|v| v["signature"] = json!({"object": "signature"}));
    assert!(!report.integrity.passed);
    assert!(
        report.integrity.reason.contains("missing"),
        "{}",
        report.integrity.reason
    );
}

#[test]
fn signature_record_member_removed_fails() {
    for member in ["legal_basis", "consent_record", "signed_at", "livemode"] {
        let report = verify_edited(|v| {
            v["signature"].as_object_mut().unwrap().remove(member);
        });
        assert!(!report.integrity.passed, "removing {member} passed");
    }
}

/// Inserts `member` (JSON text, with its trailing comma) before the first
/// occurrence of `before` after `after` in the receipt's pretty JSON.
fn with_inserted_member(after: &str, before: &str, member: &str) -> Vec<u8> {
    let (receipt, _) = sample();
    let text = String::from_utf8(receipt.to_json_pretty()).unwrap();
    let start = text.find(after).unwrap();
    let at = start + text[start..].find(before).unwrap();
    format!("{}{member}{}", &text[..at], &text[at..]).into_bytes()
}

#[test]
fn duplicate_payload_member_fails_integrity() {
    let (_, keys) = sample();
    let bytes = with_inserted_member(
        "\"payload\"",
        "\"document_title\"",
        "\"document_title\": \"Transfer of all shares to Mallory\",\n      ",
    );
    let report = verify_json_bytes(&bytes, &keys);
    assert!(!report.integrity.passed);
    assert!(
        report
            .integrity
            .reason
            .contains("server_receipt.payload.document_title"),
        "{}",
        report.integrity.reason
    );
    assert!(!report.trust.passed);
}

#[test]
fn duplicate_top_level_member_fails_integrity() {
    let (_, keys) = sample();
    let bytes = with_inserted_member("{", "\"typed_name\"", "\"typed_name\": \"Mallory\",\n  ");
    let report = verify_json_bytes(&bytes, &keys);
    assert!(!report.integrity.passed);
    assert!(
        report.integrity.reason.contains("\"typed_name\" twice"),
        "{}",
        report.integrity.reason
    );
}

#[test]
fn json_with_byte_order_mark_verifies() {
    let (receipt, keys) = sample();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(&receipt.to_json_pretty());
    let report = verify_json_bytes(&bytes, &keys);
    assert!(report.integrity.passed, "{}", report.integrity.reason);
    assert!(report.trust.passed, "{}", report.trust.reason);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receipt.json");
    std::fs::write(&path, &bytes).unwrap();
    let from_file = matter_receipts::verify_path(&path, &keys);
    assert_eq!(from_file.kind, ReceiptKind::Json);
    assert!(from_file.integrity.passed, "{}", from_file.integrity.reason);
}

#[test]
fn truncated_json_gets_reason() {
    let (receipt, keys) = sample();
    let bytes = receipt.to_json_pretty();
    for length in [0, 1, 10, bytes.len() / 2, bytes.len() - 3] {
        let report = verify_json_bytes(&bytes[..length], &keys);
        assert!(!report.integrity.passed, "length {length}");
        assert!(report.receipt.is_none(), "length {length}");
        assert!(
            report.integrity.reason.contains("truncated"),
            "length {length}: {}",
            report.integrity.reason
        );
    }
}

#[test]
fn wrong_kind_json_gets_reason() {
    let (_, keys) = sample();
    let report = verify_json_bytes(br#"{"test": [], "live": []}"#, &keys);
    assert!(!report.integrity.passed);
    assert!(
        report
            .integrity
            .reason
            .contains("not a Matter Signer receipt"),
        "{}",
        report.integrity.reason
    );
}

#[test]
fn missing_field_gets_reason() {
    let report = verify_edited(|v| {
        v.as_object_mut().unwrap().remove("typed_name");
    });
    assert!(!report.integrity.passed);
    assert!(
        report.integrity.reason.contains("typed_name"),
        "{}",
        report.integrity.reason
    );
}

#[test]
fn unknown_extra_fields_are_accepted() {
    let report = verify_edited(|v| v["future_field"] = json!({"x": 1}));
    assert!(report.integrity.passed, "{}", report.integrity.reason);
}

#[test]
fn newer_format_version_gets_reason() {
    let report = verify_edited(|v| v["format_version"] = json!(2));
    assert!(!report.integrity.passed);
    assert!(
        report.integrity.reason.contains("format_version 2"),
        "{}",
        report.integrity.reason
    );
}

#[test]
fn binary_garbage_gets_reason() {
    let (_, keys) = sample();
    let report = verify_json_bytes(&[0xff, 0xd8, 0xff, 0x00, 0x10], &keys);
    assert!(!report.integrity.passed);
    assert!(!report.trust.passed);
}

#[test]
fn report_serialises_for_front_ends() {
    let (receipt, keys) = sample();
    let report = verify_json_bytes(&receipt.to_json_pretty(), &keys);
    let value = serde_json::to_value(&report).unwrap();
    assert_eq!(value["kind"], json!("json"));
    assert_eq!(value["integrity"]["passed"], json!(true));
    assert_eq!(value["trust"]["passed"], json!(true));
}

#[test]
fn envelope_receipt_passes_both() {
    let key = signing_key(7);
    let mut input = SampleReceipt::new(2);
    input.in_envelope = true;
    let receipt = input.build(&key);
    let (integrity, trust) = verify_receipt(&receipt, &trusted_test_keys(&key));
    assert!(integrity.passed, "{}", integrity.reason);
    assert!(trust.passed, "{}", trust.reason);
}

#[test]
fn envelope_fields_are_checked() {
    let key = signing_key(7);
    let mut input = SampleReceipt::new(2);
    input.in_envelope = true;
    let receipt = input.build(&key);
    let keys = trusted_test_keys(&key);
    type Edit = fn(&mut Receipt);
    let edits: [(&str, Edit); 4] = [
        ("envelope.id", |r| {
            r.envelope.as_mut().unwrap().id = "env_other".into()
        }),
        ("envelope.signer_id", |r| {
            r.envelope.as_mut().unwrap().signer_id = "sgr_other".into()
        }),
        ("envelope.position", |r| {
            r.envelope.as_mut().unwrap().position = 2
        }),
        ("envelope (removed)", |r| r.envelope = None),
    ];
    for (name, edit) in edits {
        let mut edited = receipt.clone();
        edit(&mut edited);
        let (integrity, _) = verify_receipt(&edited, &keys);
        assert!(!integrity.passed, "editing {name} passed integrity");
    }
}
