//! Signed receipts that could not be written to the library, held until the human
//! saves them or writes a copy elsewhere.
//!
//! The engine returns a receipt it could not write after three attempts
//! (`matter_engine::flow::UnsavedReceipt`). Matter has already recorded that
//! signature, so signing again fails with `already_signed`, and this copy in memory is
//! the only one on the computer. [`UnsavedReceipts`] keeps every such receipt, keyed by
//! receipt id, for as long as the process runs, whichever screen the UI shows.
//!
//! Holding a receipt in memory is safe: a `Receipt` has no token field, because the
//! engine builds it from the sign call's response, which carries none (the engine's
//! canary test scans written receipts for every token shape).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use matter_engine::flow::UnsavedReceipt;
use matter_receipts::{write_atomic, Receipt, StoreError};
use serde::Serialize;

use crate::error::ShellError;

/// A held receipt as the UI lists it (`UnsavedReceipt` in `docs/ipc.md` and `ui/src/types.ts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnsavedReceiptView {
    pub receipt_id: String,
    pub document_id: String,
    pub document_title: String,
    pub entity_name: String,
    pub stakeholder_name: String,
    /// RFC 3339 time at which Matter recorded the signature.
    pub server_signed_at: String,
    /// The reason the last write failed, with what to do.
    pub error: ShellError,
}

/// The file [`UnsavedReceipts::write_copy`] wrote a receipt to (`UnsavedCopy` in `docs/ipc.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnsavedCopy {
    pub receipt_id: String,
    pub path: String,
}

struct HeldReceipt {
    receipt: Box<Receipt>,
    error: ShellError,
}

/// The unsaved receipts of this run, keyed by receipt id.
#[derive(Default)]
pub struct UnsavedReceipts {
    held: Mutex<BTreeMap<String, HeldReceipt>>,
}

impl UnsavedReceipts {
    /// Keeps `unsaved` and returns its view. A receipt already held under the same id
    /// is replaced, since Matter returns the same signature for the same request.
    pub fn hold(&self, unsaved: UnsavedReceipt) -> UnsavedReceiptView {
        let receipt_id = unsaved.receipt.receipt_id.clone();
        let error = not_saved_error(&receipt_id, &unsaved.error);
        tracing::warn!(%receipt_id, code = unsaved.error.code(), "holding a signed receipt that could not be saved");
        let held = HeldReceipt {
            receipt: unsaved.receipt,
            error,
        };
        let view = view(&held);
        lock(&self.held).insert(receipt_id, held);
        view
    }

    /// Returns a copy of the held receipt `receipt_id`, or `not_found`.
    pub fn receipt(&self, receipt_id: &str) -> Result<Receipt, ShellError> {
        lock(&self.held)
            .get(receipt_id)
            .map(|held| (*held.receipt).clone())
            .ok_or_else(|| not_held(receipt_id))
    }

    /// Records why another attempt to save `receipt_id` failed and returns the error
    /// the UI shows.
    pub fn save_failed(&self, receipt_id: &str, error: &StoreError) -> ShellError {
        let error = not_saved_error(receipt_id, error);
        if let Some(held) = lock(&self.held).get_mut(receipt_id) {
            held.error = error.clone();
        }
        error
    }

    /// Removes `receipt_id` once it is in the library or written elsewhere.
    pub fn release(&self, receipt_id: &str) {
        if lock(&self.held).remove(receipt_id).is_some() {
            tracing::info!(%receipt_id, "unsaved receipt released");
        }
    }

    /// Lists the held receipts, ordered by receipt id.
    pub fn list(&self) -> Vec<UnsavedReceiptView> {
        lock(&self.held).values().map(view).collect()
    }

    /// Writes the held receipt `receipt_id` as JSON to `path` and then releases it.
    /// The write is atomic ([`matter_receipts::write_atomic`]: a 0600 temporary file
    /// in the same folder, fsync, rename, folder fsync); an existing file at `path` is
    /// replaced, because the save dialog has already asked the human to confirm that.
    pub fn write_copy(&self, receipt_id: &str, path: &Path) -> Result<UnsavedCopy, ShellError> {
        let receipt = self.receipt(receipt_id)?;
        write_atomic(path, &receipt.to_json_pretty()).map_err(|error| {
            tracing::warn!(%receipt_id, path = %path.display(), %error, "could not write a copy of an unsaved receipt");
            ShellError::new(
                "export_failed",
                format!(
                    "Could not write receipt {receipt_id} to {}: {error}. The app still holds it; choose another folder and try again.",
                    path.display()
                ),
            )
        })?;
        tracing::info!(%receipt_id, path = %path.display(), "wrote a copy of an unsaved receipt");
        self.release(receipt_id);
        Ok(UnsavedCopy {
            receipt_id: receipt_id.to_owned(),
            path: path.display().to_string(),
        })
    }
}

fn view(held: &HeldReceipt) -> UnsavedReceiptView {
    let receipt = &held.receipt;
    UnsavedReceiptView {
        receipt_id: receipt.receipt_id.clone(),
        document_id: receipt.document.id.clone(),
        document_title: receipt.document.title.clone(),
        entity_name: receipt.document.entity_name.clone(),
        stakeholder_name: receipt.stakeholder.name.clone(),
        server_signed_at: receipt
            .timestamps
            .server_signed_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| receipt.timestamps.server_signed_at.to_string()),
        error: held.error.clone(),
    }
}

/// Creates the `receipt_not_saved` error for a failed write of `receipt_id`: the
/// store's reason, then what to do. The store's code goes to `cause_code`.
pub fn not_saved_error(receipt_id: &str, error: &StoreError) -> ShellError {
    let advice = match error {
        StoreError::Conflict { .. } => {
            "Choose Save a copy… to write this receipt to another folder, and keep both files."
        }
        _ => {
            "Free disk space or fix the receipts folder's permissions, then choose Try saving again, or choose Save a copy… to write it to another folder."
        }
    };
    ShellError {
        code: "receipt_not_saved".into(),
        message: format!(
            "Receipt {receipt_id} is not saved: {}. {advice}",
            capitalise(&error.to_string())
        ),
        request_id: None,
        cause_code: Some(error.code().into()),
    }
}

fn not_held(receipt_id: &str) -> ShellError {
    ShellError::new(
        "not_found",
        format!(
            "This app holds no unsaved receipt {receipt_id}. It may be saved already; look for it in Receipts."
        ),
    )
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    use matter_receipts::testing::{signing_key, SampleReceipt};

    fn unsaved(number: u32) -> UnsavedReceipt {
        UnsavedReceipt {
            receipt: Box::new(SampleReceipt::new(number).build(&signing_key(1))),
            error: StoreError::Io {
                action: "write",
                path: PathBuf::from("/receipts/sgn_test1/receipt.json"),
                source: std::io::Error::from_raw_os_error(28),
            },
        }
    }

    #[test]
    fn hold_lists_receipt_with_error() {
        let store = UnsavedReceipts::default();
        let view = store.hold(unsaved(1));
        assert_eq!(store.list(), vec![view.clone()]);
        assert_eq!(view.receipt_id, "sgn_test1");
        assert_eq!(view.error.code, "receipt_not_saved");
        assert_eq!(view.error.cause_code.as_deref(), Some("receipt_io_failed"));
        assert!(view
            .error
            .message
            .contains("Failed to write /receipts/sgn_test1/receipt.json"));
        assert!(view.error.message.contains("Try saving again"));
    }

    #[test]
    fn hold_keeps_several_receipts() {
        let store = UnsavedReceipts::default();
        store.hold(unsaved(1));
        store.hold(unsaved(2));
        let ids: Vec<String> = store
            .list()
            .into_iter()
            .map(|view| view.receipt_id)
            .collect();
        assert_eq!(ids, ["sgn_test1", "sgn_test2"]);
    }

    #[test]
    fn release_forgets_only_that_receipt() {
        let store = UnsavedReceipts::default();
        store.hold(unsaved(1));
        store.hold(unsaved(2));
        store.release("sgn_test1");
        assert_eq!(store.list().len(), 1);
        assert_eq!(store.receipt("sgn_test1").unwrap_err().code, "not_found");
        assert!(store.receipt("sgn_test2").is_ok());
    }

    #[test]
    fn conflict_advises_a_copy() {
        let error = not_saved_error(
            "sgn_test1",
            &StoreError::Conflict {
                id: "sgn_test1".into(),
                path: PathBuf::from("/receipts/sgn_test1/receipt.json"),
            },
        );
        assert_eq!(error.cause_code.as_deref(), Some("receipt_conflict"));
        assert!(error.message.contains("Save a copy…"));
        assert!(!error.message.contains("Try saving again"));
    }

    #[test]
    fn write_copy_writes_exact_json_and_releases() {
        let store = UnsavedReceipts::default();
        let expected = unsaved(1).receipt.to_json_pretty();
        store.hold(unsaved(1));
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("copy.json");
        let copy = store.write_copy("sgn_test1", &path).unwrap();
        assert_eq!(copy.path, path.display().to_string());
        assert_eq!(std::fs::read(&path).unwrap(), expected);
        assert!(store.list().is_empty());
    }

    #[test]
    fn write_copy_failure_keeps_receipt() {
        let store = UnsavedReceipts::default();
        store.hold(unsaved(1));
        let folder = tempfile::tempdir().unwrap();
        // A regular file as the parent folder fails even for root.
        let blocker = folder.path().join("not-a-folder");
        std::fs::write(&blocker, b"x").unwrap();
        let error = store
            .write_copy("sgn_test1", &blocker.join("copy.json"))
            .unwrap_err();
        assert_eq!(error.code, "export_failed");
        assert!(error.message.contains("not-a-folder"));
        assert_eq!(store.list().len(), 1);
    }
}
