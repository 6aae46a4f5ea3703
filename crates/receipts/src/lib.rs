//! Signing receipts for Matter Signer: the receipt model, offline
//! verification with two verdicts (integrity and trust), and the keys the
//! trust verdict accepts.
//!
//! Verification never touches the network: it is a function of the receipt
//! file, the [`TrustedKeys`] and the computer's clock.

mod error;
mod fsutil;
pub mod hash;
pub mod keys;
pub mod model;
pub mod testing;
pub mod verify;

pub use error::StoreError;
pub use hash::{packet_sha256, HashError};
pub use keys::{KeyOrigin, TrustedKey, TrustedKeys};
pub use model::*;
pub use verify::{
    verify_json_bytes, verify_receipt, verify_receipt_at, ReceiptKind, Verdict, VerificationReport,
};
