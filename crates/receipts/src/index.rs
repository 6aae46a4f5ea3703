//! The library index: one summary line per receipt in `<root>/index.json`, so
//! listing and searching do not read every receipt file.
//!
//! The index is a cache. [`crate::ReceiptStore::list`] compares only the
//! folder names with it, so a listing costs one directory read and one index
//! read. When folders appeared or disappeared, or the index is missing or
//! corrupt, the index is refreshed from the receipt files, re-reading only
//! those whose size or modification time changed.
//!
//! NOTE: a `receipt.json` edited in place inside an existing folder is seen
//! only after [`crate::ReceiptStore::rescan`] or the next change to the set of
//! folders. `load` and verification always read the file itself.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::model::{Mode, Receipt};

pub(crate) const INDEX_FORMAT: &str = "matter-signer-receipt-index";
pub(crate) const INDEX_FORMAT_VERSION: u32 = 1;

/// The summary of one receipt that listing and search use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub receipt_id: String,
    pub mode: Mode,
    pub document_id: String,
    pub document_title: String,
    pub entity_id: String,
    pub entity_name: String,
    pub envelope_id: Option<String>,
    pub stakeholder_id: String,
    pub stakeholder_name: String,
    pub typed_name: String,
    pub signed_in_email: String,
    #[serde(with = "time::serde::rfc3339")]
    pub server_signed_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub local_signed_at: OffsetDateTime,
    /// Size of `receipt.json` when indexed, to notice a changed file.
    pub json_len: u64,
    /// Modification time of `receipt.json` in nanoseconds since the Unix epoch.
    pub json_modified_ns: i128,
}

impl IndexEntry {
    pub(crate) fn from_receipt(receipt: &Receipt, stamp: FileStamp) -> Self {
        IndexEntry {
            receipt_id: receipt.receipt_id.clone(),
            mode: receipt.mode,
            document_id: receipt.document.id.clone(),
            document_title: receipt.document.title.clone(),
            entity_id: receipt.document.entity_id.clone(),
            entity_name: receipt.document.entity_name.clone(),
            envelope_id: receipt.envelope.as_ref().map(|e| e.id.clone()),
            stakeholder_id: receipt.stakeholder.id.clone(),
            stakeholder_name: receipt.stakeholder.name.clone(),
            typed_name: receipt.typed_name.clone(),
            signed_in_email: receipt.signed_in_user.email.clone(),
            server_signed_at: receipt.timestamps.server_signed_at,
            local_signed_at: receipt.timestamps.local_signed_at,
            json_len: stamp.len,
            json_modified_ns: stamp.modified_ns,
        }
    }

    pub(crate) fn stamp(&self) -> FileStamp {
        FileStamp {
            len: self.json_len,
            modified_ns: self.json_modified_ns,
        }
    }
}

/// Size and modification time of a receipt file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FileStamp {
    pub len: u64,
    pub modified_ns: i128,
}

impl FileStamp {
    pub(crate) fn of(metadata: &std::fs::Metadata) -> Self {
        let modified_ns = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        FileStamp {
            len: metadata.len(),
            modified_ns,
        }
    }
}

/// A receipt folder that could not be indexed, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct UnreadableFolder {
    pub name: String,
    pub reason: String,
    /// Stamp of `receipt.json` when it exists, so a repaired file is re-read.
    pub stamp: Option<FileStamp>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct IndexFile {
    pub format: String,
    pub format_version: u32,
    pub entries: Vec<IndexEntry>,
    pub unreadable: Vec<UnreadableFolder>,
}

impl IndexFile {
    pub(crate) fn new(entries: Vec<IndexEntry>, unreadable: Vec<UnreadableFolder>) -> Self {
        IndexFile {
            format: INDEX_FORMAT.into(),
            format_version: INDEX_FORMAT_VERSION,
            entries,
            unreadable,
        }
    }

    /// Parses index bytes, rejecting another format or version so that the
    /// caller rebuilds.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, String> {
        let index: IndexFile = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if index.format != INDEX_FORMAT || index.format_version != INDEX_FORMAT_VERSION {
            return Err(format!(
                "format {:?} version {} is not {INDEX_FORMAT:?} version {INDEX_FORMAT_VERSION}",
                index.format, index.format_version
            ));
        }
        Ok(index)
    }
}

impl IndexFile {
    /// Returns why this index cannot be trusted as a cache, or `None`. The
    /// causes are an entry id that is not a receipt id, an unreadable name
    /// that is not a single folder name, and a name listed twice. The caller
    /// then rebuilds the index from the files, so a hostile index can neither
    /// hide a receipt behind a duplicate nor list a path outside the library.
    pub(crate) fn problem(&self) -> Option<String> {
        let mut seen = std::collections::HashSet::new();
        for entry in &self.entries {
            if !crate::store::is_valid_receipt_id(&entry.receipt_id) {
                return Some(format!(
                    "it lists {:?}, which is not a receipt id",
                    entry.receipt_id
                ));
            }
            if !seen.insert(entry.receipt_id.as_str()) {
                return Some(format!("it lists {:?} twice", entry.receipt_id));
            }
        }
        for folder in &self.unreadable {
            let name = folder.name.as_str();
            if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\', '\0']) {
                return Some(format!(
                    "it lists {name:?} as an unreadable folder, which is not a folder name under the library"
                ));
            }
            if !seen.insert(name) {
                return Some(format!("it lists {name:?} twice"));
            }
        }
        None
    }
}

/// Search criteria for [`crate::ReceiptStore::list`]; an empty filter lists
/// everything. Text matches are case-insensitive substrings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReceiptFilter {
    /// Matches the document id exactly or the document title as a substring.
    pub document: Option<String>,
    /// Matches the entity id exactly or the entity name as a substring.
    pub entity: Option<String>,
    /// Matches the stakeholder id exactly, or the stakeholder name or typed
    /// name as a substring.
    pub stakeholder: Option<String>,
    /// Earliest server signing time, inclusive.
    #[serde(with = "time::serde::rfc3339::option")]
    pub signed_from: Option<OffsetDateTime>,
    /// Latest server signing time, inclusive.
    #[serde(with = "time::serde::rfc3339::option")]
    pub signed_until: Option<OffsetDateTime>,
    pub mode: Option<Mode>,
}

impl ReceiptFilter {
    /// Returns whether `entry` meets every criterion that is set.
    pub fn matches(&self, entry: &IndexEntry) -> bool {
        if let Some(document) = non_empty(&self.document) {
            if entry.document_id != document && !contains_ci(&entry.document_title, document) {
                return false;
            }
        }
        if let Some(entity) = non_empty(&self.entity) {
            if entry.entity_id != entity && !contains_ci(&entry.entity_name, entity) {
                return false;
            }
        }
        if let Some(stakeholder) = non_empty(&self.stakeholder) {
            if entry.stakeholder_id != stakeholder
                && !contains_ci(&entry.stakeholder_name, stakeholder)
                && !contains_ci(&entry.typed_name, stakeholder)
            {
                return false;
            }
        }
        if self
            .signed_from
            .is_some_and(|from| entry.server_signed_at < from)
        {
            return false;
        }
        if self
            .signed_until
            .is_some_and(|until| entry.server_signed_at > until)
        {
            return false;
        }
        if self.mode.is_some_and(|mode| entry.mode != mode) {
            return false;
        }
        true
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    if haystack.is_ascii() && needle.is_ascii() {
        let needle = needle.as_bytes();
        return haystack
            .as_bytes()
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle));
    }
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

/// The result of listing the library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listing {
    /// Matching receipts, newest signature first.
    pub entries: Vec<IndexEntry>,
    /// Receipt folders that could not be read, with the reason, whatever the filter.
    pub unreadable: Vec<(PathBuf, String)>,
    /// Reason the index was rebuilt or refreshed during this call, if it was.
    pub refreshed: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{signing_key, SampleReceipt};

    fn entry(number: u32) -> IndexEntry {
        let receipt = SampleReceipt::new(number).build(&signing_key(1));
        IndexEntry::from_receipt(
            &receipt,
            FileStamp {
                len: 1,
                modified_ns: 1,
            },
        )
    }

    #[test]
    fn empty_filter_matches_all() {
        assert!(ReceiptFilter::default().matches(&entry(1)));
    }

    #[test]
    fn document_filter_matches_id_or_title() {
        let e = entry(3);
        let by_id = ReceiptFilter {
            document: Some("doc_test3".into()),
            ..Default::default()
        };
        let by_title = ReceiptFilter {
            document: Some("board CONSENT".into()),
            ..Default::default()
        };
        let other = ReceiptFilter {
            document: Some("doc_test4".into()),
            ..Default::default()
        };
        assert!(by_id.matches(&e));
        assert!(by_title.matches(&e));
        assert!(!other.matches(&e));
    }

    #[test]
    fn entity_filter_matches_id_or_name() {
        let e = entry(3);
        let by_id = ReceiptFilter {
            entity: Some("ent_test3".into()),
            ..Default::default()
        };
        let by_name = ReceiptFilter {
            entity: Some("robotics".into()),
            ..Default::default()
        };
        let other = ReceiptFilter {
            entity: Some("ent_test4".into()),
            ..Default::default()
        };
        assert!(by_id.matches(&e));
        assert!(by_name.matches(&e));
        assert!(!other.matches(&e));
    }

    #[test]
    fn stakeholder_filter_matches_name() {
        let e = entry(3);
        let by_name = ReceiptFilter {
            stakeholder: Some("jane q".into()),
            ..Default::default()
        };
        let other = ReceiptFilter {
            stakeholder: Some("john".into()),
            ..Default::default()
        };
        assert!(by_name.matches(&e));
        assert!(!other.matches(&e));
    }

    #[test]
    fn date_range_is_inclusive() {
        let e = entry(3);
        let at = e.server_signed_at;
        let exact = ReceiptFilter {
            signed_from: Some(at),
            signed_until: Some(at),
            ..Default::default()
        };
        let later = ReceiptFilter {
            signed_from: Some(at + time::Duration::seconds(1)),
            ..Default::default()
        };
        let earlier = ReceiptFilter {
            signed_until: Some(at - time::Duration::seconds(1)),
            ..Default::default()
        };
        assert!(exact.matches(&e));
        assert!(!later.matches(&e));
        assert!(!earlier.matches(&e));
    }

    #[test]
    fn non_ascii_match_ignores_case() {
        assert!(contains_ci("Société Générale", "GÉNÉRALE"));
        assert!(!contains_ci("Société", "generale"));
    }
}
