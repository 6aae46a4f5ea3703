//! The Matter Signer signing engine.
//!
//! Everything that decides or protects anything lives here, free of Tauri, so that it
//! tests without a display: the terminal front end (`matter-signer`) and the desktop
//! shell only present what this crate produces and route the human's answers back.
//!
//! | Module | Holds |
//! |---|---|
//! | [`deep_link`] | the `mattermode://` parser: allow-listed shape, strict ids, length caps |
//! | [`config`] | configuration from flags, environment and the XDG config file |
//! | [`secrets`] | the refresh-token store (OS keyring, or memory when none is available) |
//! | [`auth`] | OAuth sign-in: PKCE, loopback redirect, ID-token checks, the freshness gate |
//! | [`api`] | the Matter API client: problem+json, idempotency keys, retries |
//! | [`disclosure`] | the disclosure packet and its RFC 8785 SHA-256 |
//! | [`flow`] | the signing flow both front ends run |
//! | [`interaction`] | what the flow asks of a front end |
//! | [`clock`] | wall and monotonic time, replaceable in tests |
//! | [`error`] | the engine's error type and its `{code, message}` form |

pub mod api;
pub mod auth;
pub mod browser_env;
pub mod clock;
pub mod config;
pub mod deep_link;
pub mod disclosure;
pub mod error;
pub mod flow;
pub mod interaction;
pub mod secrets;
