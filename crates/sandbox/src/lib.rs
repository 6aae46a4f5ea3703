//! A local stand-in for the Matter API and a Clerk-style OAuth provider, on loopback only.
//!
//! [`Sandbox::start`] binds an ephemeral loopback port in a few milliseconds and serves,
//! from one origin, the Matter API under `/v1`, the OAuth/OIDC provider (the issuer is the
//! origin) and `/.well-known/matter-keys.json`. The data is the fixed seed in [`seed`];
//! [`Control`] changes and inspects a running sandbox for tests.
//!
//! ```no_run
//! # async fn demo() -> Result<(), matter_sandbox::SandboxError> {
//! let sandbox = matter_sandbox::Sandbox::start(Default::default()).await?;
//! println!("API at {}", sandbox.api_base());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

mod api;
pub mod browser;
pub mod config;
pub mod control;
mod keys;
mod oauth;
mod packet;
mod pdf;
mod pipeline;
mod problem;
pub mod seed;
mod server;
mod state;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use url::Url;

pub use config::{ConflictCode, RateLimit, RequestIdHeader, SandboxConfig, TokenField, Variants};
pub use control::{
    ConsentSummary, Control, Route, RouteSelector, SessionSummary, SignatureSummary,
};
pub use keys::{OAUTH_KID, RECEIPT_LIVE_KID, RECEIPT_TEST_KID};
pub use packet::hash as packet_hash;
pub use pipeline::{MAX_BODY_BYTES, SUPPORTED_VERSIONS};
pub use state::{BearerKind, IdTokenTamper, LoggedRequest, SessionStatus};

/// Errors from starting a sandbox.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error(
        "refusing to listen on {0}: the sandbox binds loopback addresses only (127.0.0.1 or ::1)"
    )]
    NonLoopback(SocketAddr),
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

/// Entry point: `Sandbox::start(config)`.
pub struct Sandbox;

impl Sandbox {
    /// Binds `config.addr` (loopback only) and serves until the handle is shut down or dropped.
    pub async fn start(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
        // Exactly the two addresses the docs name, not the whole 127.0.0.0/8 range: the
        // client's redirect URIs and the browser helper know only these two hosts.
        let ip = config.addr.ip();
        if ip != IpAddr::V4(Ipv4Addr::LOCALHOST) && ip != IpAddr::V6(Ipv6Addr::LOCALHOST) {
            return Err(SandboxError::NonLoopback(config.addr));
        }
        let listener =
            TcpListener::bind(config.addr)
                .await
                .map_err(|source| SandboxError::Bind {
                    addr: config.addr,
                    source,
                })?;
        let local_addr = listener.local_addr().map_err(|source| SandboxError::Bind {
            addr: config.addr,
            source,
        })?;
        let origin = format!("http://{local_addr}");
        keys::keys();
        let app = Arc::new(state::App::new(origin.clone(), &config));
        let router = server::router(app.clone());
        let (shutdown, shutdown_receiver) = watch::channel(false);
        let task = tokio::spawn(server::serve(
            listener,
            app.clone(),
            router,
            shutdown_receiver,
        ));
        tracing::info!(%origin, "sandbox started");
        Ok(SandboxHandle {
            origin,
            local_addr,
            control: Control { app },
            shutdown,
            task,
        })
    }
}

/// A running sandbox. Dropping it stops the accept loop too; `shutdown` also waits for it.
pub struct SandboxHandle {
    origin: String,
    local_addr: SocketAddr,
    control: Control,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl SandboxHandle {
    /// `http://127.0.0.1:{port}/v1`
    pub fn api_base(&self) -> Url {
        Url::parse(&format!("{}/v1", self.origin)).expect("the origin is a valid URL")
    }

    /// The OAuth issuer as a URL. `Url` always prints a trailing `/` after a bare origin;
    /// the `iss` claim is [`SandboxHandle::issuer_str`], without it.
    pub fn issuer(&self) -> Url {
        Url::parse(&self.origin).expect("the origin is a valid URL")
    }

    /// The issuer exactly as in `iss`: `http://127.0.0.1:{port}`, no trailing slash.
    pub fn issuer_str(&self) -> &str {
        &self.origin
    }

    /// `http://127.0.0.1:{port}/.well-known/matter-keys.json`
    pub fn keys_url(&self) -> Url {
        Url::parse(&format!("{}/.well-known/matter-keys.json", self.origin))
            .expect("the origin is a valid URL")
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn control(&self) -> Control {
        self.control.clone()
    }

    /// Stops accepting, lets open requests finish (up to 5 s) and returns when the server is gone.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        if let Err(error) = self.task.await {
            tracing::warn!(%error, "sandbox server task ended abnormally");
        }
        tracing::info!(origin = %self.origin, "sandbox stopped");
    }
}
