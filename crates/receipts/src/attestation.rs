//! The electronic signature text: the packet's `signature_attestation` with
//! the typed name filled in. The engine builds the text sent to the sign call
//! with [`electronic_signature_text`], and verification rebuilds it the same
//! way, so the typed name is bound to the signed text exactly.

/// The placeholder in `signature_attestation` that the typed name replaces.
pub const TYPED_NAME_PLACEHOLDER: &str = "{typed_name}";

/// The mark placed before the typed name when the attestation has no placeholder.
pub const SIGNATURE_MARK: &str = " /s/ ";

/// Returns `text` with leading and trailing whitespace removed and every inner
/// run of whitespace replaced by one space, the form in which a typed name is
/// sent and recorded.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Returns the `electronic_signature_text` for `typed_name`: `attestation`
/// with every `{typed_name}` replaced by the typed name, or, when it has no
/// placeholder, the attestation followed by ` /s/ ` and the typed name. The
/// typed name is first passed through [`collapse_whitespace`].
pub fn electronic_signature_text(attestation: &str, typed_name: &str) -> String {
    let typed_name = collapse_whitespace(typed_name);
    if attestation.contains(TYPED_NAME_PLACEHOLDER) {
        attestation.replace(TYPED_NAME_PLACEHOLDER, &typed_name)
    } else {
        format!("{attestation}{SIGNATURE_MARK}{typed_name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_placeholder() {
        assert_eq!(
            electronic_signature_text("I, {typed_name}, sign.", "Jane Doe"),
            "I, Jane Doe, sign."
        );
    }

    #[test]
    fn fill_replaces_every_placeholder() {
        assert_eq!(
            electronic_signature_text("{typed_name} /s/ {typed_name}", "Jane"),
            "Jane /s/ Jane"
        );
    }

    #[test]
    fn fill_appends_without_placeholder() {
        assert_eq!(
            electronic_signature_text("Typing your name is your signature.", "Jane Doe"),
            "Typing your name is your signature. /s/ Jane Doe"
        );
    }

    #[test]
    fn fill_collapses_whitespace() {
        assert_eq!(
            electronic_signature_text("I, {typed_name}, sign.", "  Jane \t Q.\n Doe "),
            "I, Jane Q. Doe, sign."
        );
    }

    #[test]
    fn collapse_trims_and_joins() {
        assert_eq!(collapse_whitespace("  a   b \n c "), "a b c");
        assert_eq!(collapse_whitespace("   "), "");
    }
}
