//! Sandbox configuration and the wire variants a sandbox can be switched to serve.

use std::net::SocketAddr;
use std::time::Duration;

/// Name of the field that carries the `sig_…` token in the signing-session creation response.
/// The public create-signing-session page uses both names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenField {
    #[default]
    SignatureToken,
    SigningToken,
}

impl TokenField {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenField::SignatureToken => "signature_token",
            TokenField::SigningToken => "signing_token",
        }
    }
}

/// `code` of the 409 returned when an `Idempotency-Key` is reused with a different request.
/// Each name appears on a different public Matter page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConflictCode {
    #[default]
    ReusedWithDifferentBody,
    Replay,
    ValidationConflict,
}

impl ConflictCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictCode::ReusedWithDifferentBody => "idempotency_key_reused_with_different_body",
            ConflictCode::Replay => "idempotency_key_replay",
            ConflictCode::ValidationConflict => "validation_idempotency_key_conflict",
        }
    }
}

/// Response header that carries the request id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RequestIdHeader {
    #[default]
    MatterRequestId,
    XRequestId,
}

impl RequestIdHeader {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestIdHeader::MatterRequestId => "Matter-Request-Id",
            RequestIdHeader::XRequestId => "X-Request-Id",
        }
    }
}

/// A fixed-window rate limit over all `/v1` requests, counted on the sandbox clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub requests: u32,
    /// Window length; `Retry-After` is the time left in the current window, rounded up to seconds.
    pub window: Duration,
}

/// The switches that select which documented variant the sandbox serves.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Variants {
    pub token_field: TokenField,
    pub conflict_code: ConflictCode,
    pub request_id_header: RequestIdHeader,
    /// When on, a loopback redirect URI must also match the registered port (none registered
    /// means port 80), instead of any port as RFC 8252 §7.3 asks.
    pub exact_port_redirects: bool,
    /// When on, ID tokens carry `auth_time` (Clerk does not document this claim).
    pub id_token_auth_time: bool,
    pub rate_limit: Option<RateLimit>,
    /// When on, an `Idempotency-Key` that is not a UUID is rejected with 400.
    pub uuid_only_idempotency_keys: bool,
}

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Listen address; the host must be 127.0.0.1 or ::1. Port 0 picks a free port.
    pub addr: SocketAddr,
    /// Delay added before every response.
    pub latency: Duration,
    pub variants: Variants,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            latency: Duration::ZERO,
            variants: Variants::default(),
        }
    }
}
