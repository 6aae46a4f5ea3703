//! The `mattermode://` parser against accepted shapes and every rejection.

use matter_engine::deep_link::{
    parse_link, DocumentId, EnvelopeId, LinkError, SignerId, SigningTarget, StakeholderId,
    MAX_LINK_BYTES,
};

const DOCUMENT_LINK: &str =
    "mattermode://sign?document_id=doc_7Hpx9WxY&stakeholder_id=stk_jane_7Hpx9WxY";
const ENVELOPE_LINK: &str =
    "mattermode://sign?signing_envelope_id=env_board2026&signer_id=sgr_jane01&stakeholder_id=stk_jane_7Hpx9WxY";

fn code_of(link: &str) -> &'static str {
    parse_link(link)
        .expect_err("link should be rejected")
        .code()
}

#[test]
fn document_link_parses() {
    let request = parse_link(DOCUMENT_LINK).unwrap();
    assert_eq!(
        request.target,
        SigningTarget::Document {
            document_id: DocumentId::parse("doc_7Hpx9WxY").unwrap()
        }
    );
    assert_eq!(request.stakeholder_id.as_str(), "stk_jane_7Hpx9WxY");
}

#[test]
fn envelope_link_parses() {
    let request = parse_link(ENVELOPE_LINK).unwrap();
    assert_eq!(
        request.target,
        SigningTarget::EnvelopeSlot {
            envelope_id: EnvelopeId::parse("env_board2026").unwrap(),
            signer_id: SignerId::parse("sgr_jane01").unwrap(),
        }
    );
}

#[test]
fn parameter_order_does_not_matter() {
    let link = "mattermode://sign?stakeholder_id=stk_jane_7Hpx9WxY&signer_id=sgr_jane01&signing_envelope_id=env_board2026";
    assert_eq!(
        parse_link(link).unwrap(),
        parse_link(ENVELOPE_LINK).unwrap()
    );
}

#[test]
fn scheme_is_case_insensitive() {
    let link = DOCUMENT_LINK.replacen("mattermode", "MatterMode", 1);
    assert!(parse_link(&link).is_ok());
}

#[test]
fn trailing_slash_path_is_accepted() {
    let link = DOCUMENT_LINK.replacen("sign?", "sign/?", 1);
    assert!(parse_link(&link).is_ok());
}

#[test]
fn rejections_have_specific_codes() {
    let cases: &[(&str, &str)] = &[
        ("", "link_empty"),
        ("https://sign?document_id=doc_1234&stakeholder_id=stk_1234", "link_unknown_scheme"),
        ("mattermode:sign?document_id=doc_1234&stakeholder_id=stk_1234", "link_malformed"),
        ("mattermode://evil?document_id=doc_1234&stakeholder_id=stk_1234", "link_unknown_host"),
        ("mattermode://SIGN?document_id=doc_1234&stakeholder_id=stk_1234", "link_unknown_host"),
        ("mattermode://user@sign?document_id=doc_1234&stakeholder_id=stk_1234", "link_userinfo"),
        ("mattermode://sign:443?document_id=doc_1234&stakeholder_id=stk_1234", "link_port"),
        ("mattermode://sign/x?document_id=doc_1234&stakeholder_id=stk_1234", "link_path"),
        ("mattermode://sign?document_id=doc_1234&stakeholder_id=stk_1234#top", "link_fragment"),
        ("mattermode://sign", "link_no_parameters"),
        ("mattermode://sign?", "link_no_parameters"),
        ("mattermode://sign?document_id=doc_1234&stakeholder_id=stk_1234&api_base=x", "link_unknown_parameter"),
        ("mattermode://sign?document_id=doc_1234&document_id=doc_5678&stakeholder_id=stk_1234", "link_duplicate_parameter"),
        ("mattermode://sign?document_id=&stakeholder_id=stk_1234", "link_empty_value"),
        ("mattermode://sign?document_id=doc%5F1234&stakeholder_id=stk_1234", "link_encoded_value"),
        ("mattermode://sign?document_id=doc_1234+&stakeholder_id=stk_1234", "link_encoded_value"),
        ("mattermode://sign?document_id=doc_1234", "link_missing_parameter"),
        ("mattermode://sign?signing_envelope_id=env_1234&stakeholder_id=stk_1234", "link_missing_parameter"),
        ("mattermode://sign?signer_id=sgr_1234&stakeholder_id=stk_1234", "link_missing_parameter"),
        ("mattermode://sign?document_id=doc_1234&signing_envelope_id=env_1234&signer_id=sgr_1234&stakeholder_id=stk_1234", "link_conflicting_targets"),
        ("mattermode://sign?stakeholder_id=stk_1234", "link_missing_target"),
        ("mattermode://sign?document_id=doc_1234&&stakeholder_id=stk_1234", "link_malformed"),
        ("mattermode://sign?document_id&stakeholder_id=stk_1234", "link_malformed"),
        ("mattermode://sign?document_id=doc_123&stakeholder_id=stk_1234", "link_invalid_id"),
        ("mattermode://sign?document_id=env_1234&stakeholder_id=stk_1234", "link_invalid_id"),
        ("mattermode://sign?document_id=doc_12-4&stakeholder_id=stk_1234", "link_invalid_id"),
        ("mattermode://sign?document_id=doc_1234 &stakeholder_id=stk_1234", "link_invalid_character"),
        ("mattermode://sign?document_id=doc_1234\n&stakeholder_id=stk_1234", "link_invalid_character"),
        ("mattermode://sign?document_id=doc_1234\u{0}&stakeholder_id=stk_1234", "link_invalid_character"),
        ("mattermode://sign?document_id=doc_1234é&stakeholder_id=stk_1234", "link_invalid_character"),
    ];
    for (link, expected) in cases {
        assert_eq!(code_of(link), *expected, "link {link:?}");
    }
}

#[test]
fn length_cap_is_checked_before_parsing() {
    let link = format!("{DOCUMENT_LINK}&{}", "x".repeat(MAX_LINK_BYTES));
    assert_eq!(
        parse_link(&link).unwrap_err(),
        LinkError::TooLong { length: link.len() }
    );
    let garbage = "\u{0}".repeat(MAX_LINK_BYTES + 1);
    assert_eq!(code_of(&garbage), "link_too_long");
}

#[test]
fn link_at_length_cap_is_parsed() {
    let padding = MAX_LINK_BYTES - DOCUMENT_LINK.len();
    let link = format!("{DOCUMENT_LINK}{}", "x".repeat(padding));
    assert_eq!(link.len(), MAX_LINK_BYTES);
    // The padding makes the stakeholder id too long, so the error is about the id.
    assert_eq!(code_of(&link), "link_invalid_id");
}

#[test]
fn id_length_bounds() {
    assert!(DocumentId::parse("doc_abcd").is_ok());
    assert!(DocumentId::parse(&format!("doc_{}", "a".repeat(64))).is_ok());
    assert!(DocumentId::parse("doc_abc").is_err());
    assert!(DocumentId::parse(&format!("doc_{}", "a".repeat(65))).is_err());
}

#[test]
fn id_prefix_is_case_sensitive() {
    assert!(StakeholderId::parse("STK_abcd").is_err());
}

#[test]
fn error_names_offending_parameter() {
    let error =
        parse_link("mattermode://sign?document_id=doc_1234&stakeholder_id=stk_1234&host=evil")
            .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("host"), "{message}");
    assert!(message.contains("document_id"), "{message}");
}

#[test]
fn error_cuts_long_values() {
    let long_host = "h".repeat(500);
    let error = parse_link(&format!("mattermode://{long_host}?document_id=doc_1234")).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("(cut)"), "{message}");
    assert!(message.len() < 300, "{message}");
}

#[test]
fn error_withholds_token_like_values() {
    let error =
        parse_link("mattermode://sign?document_id=sig_secretvalue123&stakeholder_id=stk_1234")
            .unwrap_err();
    let message = error.to_string();
    assert!(!message.contains("sig_secretvalue123"), "{message}");
    assert_eq!(error.code(), "link_invalid_id");
}

#[test]
fn error_escapes_control_characters_in_position_message() {
    let error = parse_link("mattermode://sign?document_id=doc_1234\u{1b}[31m").unwrap_err();
    let message = error.to_string();
    assert!(!message.contains('\u{1b}'), "{message}");
}

#[test]
fn ids_deserialize_with_validation() {
    let parsed: DocumentId = serde_json::from_str("\"doc_abcd\"").unwrap();
    assert_eq!(parsed.as_str(), "doc_abcd");
    assert!(serde_json::from_str::<DocumentId>("\"doc_a\"").is_err());
    assert!(serde_json::from_str::<SignerId>("\"stk_abcd\"").is_err());
}

#[test]
fn ids_serialize_as_strings() {
    let id = EnvelopeId::parse("env_abcd").unwrap();
    assert_eq!(serde_json::to_string(&id).unwrap(), "\"env_abcd\"");
    assert_eq!(id.to_string(), "env_abcd");
}
