//! Signing receipts for Matter Signer: the receipt model, offline
//! verification with two verdicts (integrity and trust), the keys the trust
//! verdict accepts, atomic storage with a library index, and the HTML and
//! tagged PDF renderings.
//!
//! Verification never touches the network: it is a function of the receipt
//! file, the [`TrustedKeys`] and the computer's clock.

pub mod attestation;
mod error;
mod export;
mod fsutil;
pub mod hash;
pub mod html;
mod index;
pub mod keys;
pub mod model;
pub mod pdf;
mod read;
mod store;
pub mod testing;
pub mod verify;
mod view;

pub use attestation::{collapse_whitespace, electronic_signature_text, TYPED_NAME_PLACEHOLDER};
pub use error::StoreError;
pub use export::ArchiveSummary;
pub use fsutil::write_atomic;
pub use hash::{packet_sha256, HashError};
pub use index::{IndexEntry, Listing, ReceiptFilter};
pub use keys::{KeyOrigin, TrustedKey, TrustedKeys, MATTER_LIVE_KEYS_URL};
pub use model::*;
pub use read::{verify_path, ReceiptFile, MAX_RECEIPT_FILE_BYTES};
pub use store::{
    is_valid_receipt_id, Imported, ReceiptPaths, ReceiptStore, Rendering, SavedReceipt, HTML_FILE,
    INDEX_FILE, JSON_FILE, PDF_FILE,
};
pub use verify::{
    verify_json_bytes, verify_receipt, verify_receipt_at, ReceiptKind, Verdict, VerificationReport,
};
