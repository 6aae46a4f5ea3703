//! The signing engine (skeleton; being built).
