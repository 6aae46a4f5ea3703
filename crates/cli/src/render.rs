//! Plain-text rendering for the terminal.
//!
//! Everything the server sends is untrusted: before it reaches the terminal, control
//! characters (ANSI escape sequences included) are replaced, so that a packet cannot
//! move the cursor, recolour or overwrite the lines the human reads before signing.

use std::fmt::Write as _;

use matter_engine::config::Mode;
use matter_engine::interaction::Review;

/// Replaces control characters other than newline and tab with U+FFFD, and carriage
/// returns too, because a bare `\r` lets later text overwrite a line already shown.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c == '\n' || c == '\t' || !c.is_control() {
                c
            } else {
                '\u{FFFD}'
            }
        })
        .collect()
}

/// Like [`sanitize`], for values shown on one line: newlines and tabs are replaced too.
pub fn sanitize_line(text: &str) -> String {
    sanitize(text).replace(['\n', '\t'], " ")
}

/// Formats a timestamp as RFC 3339 with its own offset, the form receipts record.
pub fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| at.to_string())
}

/// Splits a hex digest into groups of four for reading aloud and comparing:
/// `3f2a 9c01 …`, eight groups per line.
pub fn group_hex(hex: &str) -> String {
    let groups: Vec<&str> = hex
        .as_bytes()
        .chunks(4)
        .map(|chunk| std::str::from_utf8(chunk).unwrap_or("????"))
        .collect();
    groups
        .chunks(8)
        .map(|line| line.join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The banner that states the mode before anything else is shown.
pub fn mode_banner(mode: Mode) -> String {
    let line = match mode {
        Mode::Test => {
            "TEST MODE: test credentials or the sandbox; this signature is NOT legally binding"
        }
        Mode::Live => "LIVE MODE: this signature is LEGALLY BINDING",
    };
    let rule = "=".repeat(line.chars().count());
    format!("{rule}\n{line}\n{rule}")
}

/// Renders everything the human must see before typing their name.
pub fn review_text(review: &Review) -> String {
    let mut out = String::new();
    let document = &review.document;
    let _ = writeln!(out, "{}", mode_banner(review.mode));
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Document:         {} ({})",
        sanitize_line(&document.title),
        sanitize_line(&document.id)
    );
    let _ = writeln!(
        out,
        "Entity:           {} ({})",
        sanitize_line(&document.entity_name),
        sanitize_line(&document.entity_id)
    );
    let _ = writeln!(
        out,
        "Document SHA-256: {} ({} bytes)",
        sanitize_line(&document.sha256),
        document.byte_length
    );
    let _ = writeln!(
        out,
        "Document status:  {}",
        sanitize_line(&document.execution_status)
    );
    match &review.envelope {
        Some(envelope) => {
            let _ = writeln!(
                out,
                "Envelope:         {} ({}), signer {} of {} (slot {})",
                sanitize_line(&envelope.subject),
                sanitize_line(&envelope.id),
                envelope.position,
                envelope.signer_count,
                sanitize_line(&envelope.signer_id)
            );
        }
        None => {
            let _ = writeln!(out, "Envelope:         none (a stand-alone document)");
        }
    }
    let _ = writeln!(
        out,
        "Asked to sign:    {} ({})",
        sanitize_line(&review.stakeholder.name),
        sanitize_line(&review.stakeholder.id)
    );
    let user = &review.signed_in_user;
    let _ = writeln!(
        out,
        "Signed in as:     {} <{}> ({})",
        sanitize_line(&user.name),
        sanitize_line(&user.email),
        sanitize_line(&user.user_id)
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "----- Disclosure packet -----");
    let packet = sanitize(&review.packet_text);
    let _ = writeln!(out, "{}", packet.trim_end());
    let _ = writeln!(out, "----- End of disclosure packet -----");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Disclosure packet SHA-256 (checked against Matter's packet_hash):"
    );
    let _ = writeln!(out, "  {}", sanitize_line(&review.packet_hash));
    for line in group_hex(&sanitize_line(&review.packet_hash)).lines() {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", mode_banner(review.mode));
    let _ = writeln!(out);
    let _ = writeln!(out, "Attestation you sign:");
    let _ = writeln!(
        out,
        "  {}",
        sanitize(&review.signature_attestation).trim_end()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_keeps_the_offset() {
        let at = time::macros::datetime!(2026-12-04 22:58:28 -05:00);
        assert_eq!(rfc3339(at), "2026-12-04T22:58:28-05:00");
    }

    #[test]
    fn sanitize_replaces_escape_sequences() {
        assert_eq!(sanitize("a\u{1b}[2Jb"), "a\u{FFFD}[2Jb");
    }

    #[test]
    fn sanitize_replaces_carriage_return() {
        assert_eq!(sanitize("shown\rhidden"), "shown\u{FFFD}hidden");
    }

    #[test]
    fn sanitize_keeps_newlines_and_tabs() {
        assert_eq!(sanitize("a\n\tb"), "a\n\tb");
    }

    #[test]
    fn sanitize_line_flattens_newlines() {
        assert_eq!(sanitize_line("a\nb"), "a b");
    }

    #[test]
    fn group_hex_splits_in_fours_and_eights() {
        let hex = "0123456789abcdef".repeat(4);
        let grouped = group_hex(&hex);
        let lines: Vec<&str> = grouped.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], "0123 4567 89ab cdef 0123 4567 89ab cdef");
        assert_eq!(grouped.replace([' ', '\n'], ""), hex);
    }

    #[test]
    fn mode_banner_is_loud() {
        assert!(mode_banner(Mode::Live).contains("LIVE MODE"));
        assert!(mode_banner(Mode::Test).contains("TEST MODE"));
    }
}
