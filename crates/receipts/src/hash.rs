//! Hashes over RFC 8785 (JSON Canonicalization Scheme) bytes.
//!
//! The engine computes the disclosure-packet hash with [`packet_sha256`] before
//! signing and the verifier recomputes it from the receipt, so both sides share
//! this one implementation.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Failure to compute a hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashError {
    #[error("the disclosure packet is not a JSON object (found {found})")]
    PacketNotObject { found: &'static str },
    #[error("the JSON cannot be canonicalised (RFC 8785): {0}")]
    Canonicalization(String),
}

/// Returns the RFC 8785 canonical JSON bytes of `value`.
pub fn jcs_bytes(value: &Value) -> Result<Vec<u8>, HashError> {
    serde_json_canonicalizer::to_vec(value).map_err(|e| HashError::Canonicalization(e.to_string()))
}

/// Returns the lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Computes a disclosure packet's hash: the lowercase hex SHA-256 of the JCS
/// bytes of the packet object without its `packet_hash` member.
///
/// The packet's own `packet_hash` value is ignored, so the result can be
/// compared with it.
pub fn packet_sha256(packet: &Value) -> Result<String, HashError> {
    let Value::Object(members) = packet else {
        return Err(HashError::PacketNotObject {
            found: json_type_name(packet),
        });
    };
    let mut without_hash = members.clone();
    without_hash.remove("packet_hash");
    let bytes = jcs_bytes(&Value::Object(without_hash))?;
    Ok(sha256_hex(&bytes))
}

pub(crate) fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// RFC 8785 section 3.2.2 input, written as JSON text.
    const RFC8785_INPUT: &str = r#"{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }"#;

    /// RFC 8785 section 3.2.2 expected canonical output.
    const RFC8785_OUTPUT: &str = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],\"string\":\"\u{20ac}$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";

    #[test]
    fn jcs_matches_rfc8785_main_example() {
        let value: Value = serde_json::from_str(RFC8785_INPUT).unwrap();
        let bytes = jcs_bytes(&value).unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), RFC8785_OUTPUT);
    }

    #[test]
    fn jcs_sorts_keys_by_utf16_code_units() {
        // RFC 8785 section 3.2.3 sorting example.
        let input = r#"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#;
        let value: Value = serde_json::from_str(input).unwrap();
        let text = String::from_utf8(jcs_bytes(&value).unwrap()).unwrap();
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}";
        assert_eq!(text, expected);
    }

    #[test]
    fn jcs_formats_numbers_as_ecmascript() {
        // A selection of RFC 8785 Appendix B number serialisations.
        let cases = [
            ("0", "0"),
            ("-0.0", "0"),
            ("1e21", "1e+21"),
            ("1e20", "100000000000000000000"),
            ("9007199254740992", "9007199254740992"),
            ("0.000001", "0.000001"),
            ("1e-7", "1e-7"),
            ("295147905179352830000", "295147905179352830000"),
        ];
        for (input, expected) in cases {
            let value: Value = serde_json::from_str(input).unwrap();
            let text = String::from_utf8(jcs_bytes(&value).unwrap()).unwrap();
            assert_eq!(text, expected, "input {input}");
        }
    }

    #[test]
    fn packet_hash_ignores_packet_hash_member() {
        let mut packet: Value = serde_json::from_str(RFC8785_INPUT).unwrap();
        let without = packet_sha256(&packet).unwrap();
        packet["packet_hash"] = json!("0000");
        let with = packet_sha256(&packet).unwrap();
        assert_eq!(without, with);
    }

    #[test]
    fn packet_hash_of_rfc8785_example() {
        let packet: Value = serde_json::from_str(RFC8785_INPUT).unwrap();
        // `printf '%s' "$RFC8785_OUTPUT" | sha256sum`, computed outside Rust.
        let expected = "2d5e01a318d0f0879ab568c4be289c8b1f64ef8921a53c6277d5e069978baacb";
        let computed = packet_sha256(&packet).unwrap();
        assert_eq!(computed, sha256_hex(RFC8785_OUTPUT.as_bytes()));
        assert_eq!(computed, expected);
    }

    #[test]
    fn packet_hash_is_lowercase_hex() {
        let hash = packet_sha256(&json!({"a": 1})).unwrap();
        assert_eq!(hash.len(), 64);
        assert!(hash
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
    }

    #[test]
    fn packet_hash_does_not_depend_on_member_order() {
        let a: Value = serde_json::from_str(r#"{"b": 1, "a": {"y": 2, "x": 3}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a": {"x": 3, "y": 2}, "b": 1}"#).unwrap();
        assert_eq!(packet_sha256(&a).unwrap(), packet_sha256(&b).unwrap());
    }

    #[test]
    fn packet_hash_changes_with_content() {
        let a = packet_sha256(&json!({"text": "Jane"})).unwrap();
        let b = packet_sha256(&json!({"text": "Jane "})).unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn packet_hash_rejects_non_object() {
        let error = packet_sha256(&json!(["a"])).unwrap_err();
        assert_eq!(error, HashError::PacketNotObject { found: "an array" });
    }
}
