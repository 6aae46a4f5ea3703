//! Timestamps as Matter sends them: unix seconds (the documented form) or RFC 3339
//! strings (seen on some pages), read into one type.

use serde::{Deserialize, Deserializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

#[derive(Deserialize)]
#[serde(untagged)]
enum Wire {
    Seconds(i64),
    Fractional(f64),
    Text(String),
}

/// Deserializes a required timestamp.
pub fn timestamp<'de, D: Deserializer<'de>>(deserializer: D) -> Result<OffsetDateTime, D::Error> {
    let wire = Wire::deserialize(deserializer)?;
    convert(wire).map_err(serde::de::Error::custom)
}

/// Deserializes an optional timestamp; `null` and a missing member are `None`.
pub fn optional_timestamp<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<OffsetDateTime>, D::Error> {
    match Option::<Wire>::deserialize(deserializer)? {
        Some(wire) => convert(wire).map(Some).map_err(serde::de::Error::custom),
        None => Ok(None),
    }
}

fn convert(wire: Wire) -> Result<OffsetDateTime, String> {
    match wire {
        Wire::Seconds(seconds) => OffsetDateTime::from_unix_timestamp(seconds)
            .map_err(|error| format!("timestamp {seconds} is out of range: {error}")),
        Wire::Fractional(seconds) => {
            let nanos = (seconds * 1e9) as i128;
            OffsetDateTime::from_unix_timestamp_nanos(nanos)
                .map_err(|error| format!("timestamp {seconds} is out of range: {error}"))
        }
        Wire::Text(text) => OffsetDateTime::parse(&text, &Rfc3339).map_err(|error| {
            format!("timestamp {text:?} is neither unix seconds nor RFC 3339: {error}")
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(deserialize_with = "timestamp")]
        at: OffsetDateTime,
    }

    #[test]
    fn unix_seconds_and_rfc3339_agree() {
        let a: Probe = serde_json::from_str(r#"{"at": 1780000000}"#).unwrap();
        let b: Probe = serde_json::from_str(r#"{"at": "2026-05-28T20:26:40Z"}"#).unwrap();
        assert_eq!(a.at, b.at);
    }

    #[test]
    fn garbage_timestamp_is_rejected() {
        let error = serde_json::from_str::<Probe>(r#"{"at": "yesterday"}"#)
            .err()
            .unwrap();
        assert!(error.to_string().contains("yesterday"));
    }
}
