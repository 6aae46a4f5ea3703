//! The `mattermode://` link parser.
//!
//! A link is untrusted input: any program or web page can open one. It only names what
//! to show; it never signs anything by itself and never chooses the API host or any
//! other setting. Two shapes are accepted:
//!
//! - `mattermode://sign?document_id=doc_…&stakeholder_id=stk_…`
//! - `mattermode://sign?signing_envelope_id=env_…&signer_id=sgr_…&stakeholder_id=stk_…`
//!
//! The parser is hand-written instead of built on `url::Url`, because `Url` normalises
//! (it decodes percent-escapes, lowercases and drops empty pieces), and a normalised
//! link could pass for an allowed one. Rules, checked in this order:
//!
//! 1. at most [`MAX_LINK_BYTES`] bytes, checked before anything else;
//! 2. printable ASCII only: no whitespace, control or non-ASCII characters;
//! 3. scheme `mattermode`, compared without case (RFC 3986 §3.1);
//! 4. host exactly `sign`, with no userinfo and no port; path empty or `/`; no fragment;
//! 5. query parameters from the allow-list only, each at most once, with a non-empty
//!    value that has no percent-escape or `+`;
//! 6. ids in the strict formats of [`DocumentId`], [`EnvelopeId`], [`SignerId`] and
//!    [`StakeholderId`], and exactly one of the two shapes above.
//!
//! Error messages quote the offending part, escaped and cut to [`MAX_QUOTED_CHARS`]
//! characters; a value that looks like a token (`sig_`, `oat_`, `clk_`) is never quoted.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest link accepted, in bytes.
pub const MAX_LINK_BYTES: usize = 2048;

/// The most characters of an offending value that an error message quotes.
pub const MAX_QUOTED_CHARS: usize = 60;

/// The shortest and longest id body after its prefix, in characters.
const ID_BODY_MIN: usize = 4;
const ID_BODY_MAX: usize = 64;

/// Prefixes of secrets that must never be echoed, even when a link carries one.
const SECRET_PREFIXES: [&str; 3] = ["sig_", "oat_", "clk_"];

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The prefix every id of this kind starts with.
            pub const PREFIX: &'static str = $prefix;

            /// Parses an id, checking its prefix, length and characters.
            pub fn parse(value: &str) -> Result<Self, LinkError> {
                check_id(value, $prefix, $what).map(|()| Self(value.to_owned()))
            }

            /// The id as sent to the API.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Self::parse(&value).map_err(serde::de::Error::custom)
            }
        }

        impl std::str::FromStr for $name {
            type Err = LinkError;

            fn from_str(value: &str) -> Result<Self, LinkError> {
                Self::parse(value)
            }
        }
    };
}

id_type!(
    /// A Matter document id: `doc_` followed by 4 to 64 of `[A-Za-z0-9_]`.
    DocumentId, "doc_", "document id"
);
id_type!(
    /// A signing envelope id: `env_` followed by 4 to 64 of `[A-Za-z0-9_]`.
    EnvelopeId, "env_", "signing envelope id"
);
id_type!(
    /// A signer slot id in an envelope: `sgr_` followed by 4 to 64 of `[A-Za-z0-9_]`.
    SignerId, "sgr_", "signer id"
);
id_type!(
    /// A stakeholder id: `stk_` followed by 4 to 64 of `[A-Za-z0-9_]`.
    StakeholderId, "stk_", "stakeholder id"
);

/// What a link asks the human to sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SigningTarget {
    /// A standalone document.
    Document { document_id: DocumentId },
    /// One signer's slot in a signing envelope.
    EnvelopeSlot {
        envelope_id: EnvelopeId,
        signer_id: SignerId,
    },
}

/// A parsed link: what to sign, and for which stakeholder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningRequest {
    pub target: SigningTarget,
    pub stakeholder_id: StakeholderId,
}

/// Why a link was rejected. `Display` names the offending part and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link is {length} bytes long, over the {max}-byte limit; ask the sender for a new link", max = MAX_LINK_BYTES)]
    TooLong { length: usize },
    #[error("the link is empty; open a mattermode://sign link from Matter")]
    Empty,
    #[error("the link contains {character} at byte {position}; links may contain printable ASCII only, so copy the link again without spaces or line breaks")]
    InvalidCharacter { character: String, position: usize },
    #[error("the link is not of the form mattermode://sign?…: {problem}")]
    Malformed { problem: String },
    #[error("the link scheme {scheme} is not supported; only mattermode:// links are accepted")]
    UnknownScheme { scheme: String },
    #[error(
        "the link host {host} is not supported; the only accepted link is mattermode://sign?…"
    )]
    UnknownHost { host: String },
    #[error(
        "the link contains a user name or password before the host; remove everything up to the @"
    )]
    Userinfo,
    #[error("the link has a port ({port}); mattermode://sign links take no port")]
    Port { port: String },
    #[error("the link has the path {path}; mattermode://sign links take no path")]
    Path { path: String },
    #[error("the link has a fragment (#{fragment}); mattermode://sign links take none")]
    Fragment { fragment: String },
    #[error("the link has no parameters; it needs stakeholder_id and either document_id or signing_envelope_id with signer_id")]
    NoQuery,
    #[error("the link parameter {name} is not supported; accepted parameters are document_id, signing_envelope_id, signer_id and stakeholder_id")]
    UnknownParameter { name: String },
    #[error("the link parameter {name} appears more than once; each parameter may appear once")]
    DuplicateParameter { name: String },
    #[error("the link parameter {name} has no value; give it an id")]
    EmptyValue { name: String },
    #[error("the link parameter {name} is percent-encoded or contains '+' ({value}); ids are plain ASCII, so use the link exactly as Matter sent it")]
    Encoded { name: String, value: String },
    #[error("the link is missing the parameter {name}")]
    MissingParameter { name: &'static str },
    #[error("the link names both a document and a signing envelope; it must name one of them")]
    ConflictingTargets,
    #[error(
        "the link names neither document_id nor signing_envelope_id; it must name one of them"
    )]
    MissingTarget,
    #[error("{value} is not a valid {what}: expected {prefix} followed by {min} to {max} letters, digits or underscores", min = ID_BODY_MIN, max = ID_BODY_MAX)]
    InvalidId {
        what: &'static str,
        prefix: &'static str,
        value: String,
    },
}

impl LinkError {
    /// A stable machine-readable code, such as `link_unknown_parameter`.
    pub fn code(&self) -> &'static str {
        match self {
            LinkError::TooLong { .. } => "link_too_long",
            LinkError::Empty => "link_empty",
            LinkError::InvalidCharacter { .. } => "link_invalid_character",
            LinkError::Malformed { .. } => "link_malformed",
            LinkError::UnknownScheme { .. } => "link_unknown_scheme",
            LinkError::UnknownHost { .. } => "link_unknown_host",
            LinkError::Userinfo => "link_userinfo",
            LinkError::Port { .. } => "link_port",
            LinkError::Path { .. } => "link_path",
            LinkError::Fragment { .. } => "link_fragment",
            LinkError::NoQuery => "link_no_parameters",
            LinkError::UnknownParameter { .. } => "link_unknown_parameter",
            LinkError::DuplicateParameter { .. } => "link_duplicate_parameter",
            LinkError::EmptyValue { .. } => "link_empty_value",
            LinkError::Encoded { .. } => "link_encoded_value",
            LinkError::MissingParameter { .. } => "link_missing_parameter",
            LinkError::ConflictingTargets => "link_conflicting_targets",
            LinkError::MissingTarget => "link_missing_target",
            LinkError::InvalidId { .. } => "link_invalid_id",
        }
    }
}

/// Quotes an untrusted value for an error message: escaped, cut to
/// [`MAX_QUOTED_CHARS`] characters, and withheld when it looks like a token.
pub(crate) fn quote(value: &str) -> String {
    if SECRET_PREFIXES.iter().any(|prefix| {
        value.len() >= prefix.len() && value[..prefix.len()].eq_ignore_ascii_case(prefix)
    }) {
        return "(a value that looks like a secret token, not shown)".to_owned();
    }
    let mut quoted = String::from("\"");
    let mut chars = value.chars();
    for ch in chars.by_ref().take(MAX_QUOTED_CHARS) {
        if ch.is_ascii_graphic() || ch == ' ' {
            quoted.push(ch);
        } else {
            quoted.extend(ch.escape_default());
        }
    }
    quoted.push('"');
    if chars.next().is_some() {
        quoted.push_str(" (cut)");
    }
    quoted
}

fn check_id(value: &str, prefix: &'static str, what: &'static str) -> Result<(), LinkError> {
    let invalid = || LinkError::InvalidId {
        what,
        prefix,
        value: quote(value),
    };
    let body = value.strip_prefix(prefix).ok_or_else(invalid)?;
    let length_ok = (ID_BODY_MIN..=ID_BODY_MAX).contains(&body.len());
    let characters_ok = body
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
    if length_ok && characters_ok {
        Ok(())
    } else {
        Err(invalid())
    }
}

const SCHEME: &str = "mattermode";
const HOST: &str = "sign";
const PARAMETERS: [&str; 4] = [
    "document_id",
    "signing_envelope_id",
    "signer_id",
    "stakeholder_id",
];

/// Parses a `mattermode://` link into what it asks to sign.
///
/// The result only selects what to fetch and show; nothing is signed without the
/// human's review and explicit decision.
pub fn parse_link(link: &str) -> Result<SigningRequest, LinkError> {
    if link.len() > MAX_LINK_BYTES {
        return Err(LinkError::TooLong { length: link.len() });
    }
    if link.is_empty() {
        return Err(LinkError::Empty);
    }
    if let Some((position, character)) = link.char_indices().find(|(_, ch)| !ch.is_ascii_graphic())
    {
        return Err(LinkError::InvalidCharacter {
            character: describe_character(character),
            position,
        });
    }

    let (scheme, rest) = link.split_once(':').ok_or_else(|| LinkError::Malformed {
        problem: "no scheme".to_owned(),
    })?;
    if !scheme.eq_ignore_ascii_case(SCHEME) {
        return Err(LinkError::UnknownScheme {
            scheme: quote(scheme),
        });
    }
    let rest = rest
        .strip_prefix("//")
        .ok_or_else(|| LinkError::Malformed {
            problem: "the scheme must be followed by //".to_owned(),
        })?;

    if let Some((_, fragment)) = rest.split_once('#') {
        return Err(LinkError::Fragment {
            fragment: quote(fragment),
        });
    }

    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, rest) = rest.split_at(authority_end);
    if authority.contains('@') {
        return Err(LinkError::Userinfo);
    }
    if let Some((_, port)) = authority.split_once(':') {
        return Err(LinkError::Port { port: quote(port) });
    }
    if authority != HOST {
        return Err(LinkError::UnknownHost {
            host: quote(authority),
        });
    }

    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    if !(path.is_empty() || path == "/") {
        return Err(LinkError::Path { path: quote(path) });
    }
    let query = match query {
        Some(query) if !query.is_empty() => query,
        _ => return Err(LinkError::NoQuery),
    };

    let values = parse_query(query)?;
    build_request(values)
}

fn describe_character(character: char) -> String {
    match character {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        '\n' | '\r' => "a line break".to_owned(),
        ch if ch.is_ascii_control() => format!("the control character {}", ch.escape_default()),
        ch => format!("the non-ASCII character {}", ch.escape_unicode()),
    }
}

/// The values of the allow-listed parameters, in [`PARAMETERS`] order.
type ParameterValues<'a> = [Option<&'a str>; 4];

fn parse_query(query: &str) -> Result<ParameterValues<'_>, LinkError> {
    let mut values: ParameterValues<'_> = [None; 4];
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').ok_or_else(|| {
            if pair.is_empty() {
                LinkError::Malformed {
                    problem: "an empty parameter (two & in a row, or a trailing &)".to_owned(),
                }
            } else {
                LinkError::Malformed {
                    problem: format!("the parameter {} has no =", quote(pair)),
                }
            }
        })?;
        let index = PARAMETERS
            .iter()
            .position(|known| *known == name)
            .ok_or_else(|| LinkError::UnknownParameter { name: quote(name) })?;
        if values[index].is_some() {
            return Err(LinkError::DuplicateParameter {
                name: name.to_owned(),
            });
        }
        if value.is_empty() {
            return Err(LinkError::EmptyValue {
                name: name.to_owned(),
            });
        }
        if value.contains(['%', '+']) {
            return Err(LinkError::Encoded {
                name: name.to_owned(),
                value: quote(value),
            });
        }
        values[index] = Some(value);
    }
    Ok(values)
}

fn build_request(values: ParameterValues<'_>) -> Result<SigningRequest, LinkError> {
    let [document_id, envelope_id, signer_id, stakeholder_id] = values;

    let target = match (document_id, envelope_id, signer_id) {
        (Some(_), Some(_), _) => return Err(LinkError::ConflictingTargets),
        (Some(_), None, Some(_)) => {
            return Err(LinkError::MissingParameter {
                name: "signing_envelope_id",
            })
        }
        (Some(document_id), None, None) => SigningTarget::Document {
            document_id: DocumentId::parse(document_id)?,
        },
        (None, Some(envelope_id), Some(signer_id)) => SigningTarget::EnvelopeSlot {
            envelope_id: EnvelopeId::parse(envelope_id)?,
            signer_id: SignerId::parse(signer_id)?,
        },
        (None, Some(_), None) => return Err(LinkError::MissingParameter { name: "signer_id" }),
        (None, None, Some(_)) => {
            return Err(LinkError::MissingParameter {
                name: "signing_envelope_id",
            })
        }
        (None, None, None) => return Err(LinkError::MissingTarget),
    };

    let stakeholder_id = stakeholder_id.ok_or(LinkError::MissingParameter {
        name: "stakeholder_id",
    })?;
    Ok(SigningRequest {
        target,
        stakeholder_id: StakeholderId::parse(stakeholder_id)?,
    })
}
