//! Signing receipts (skeleton; being built).
