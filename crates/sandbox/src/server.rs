//! The router and the accept loop.
//!
//! The accept loop is hyper's own, not `axum::serve`, so that each connection's IO can be
//! poisoned: `Control::drop_after_commit` lets the handler finish and then makes every write
//! fail, which closes the TCP connection without a response.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::routing::{get, post};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::state::App;
use crate::{api, oauth, pipeline};

/// How long shutdown waits for open connections before it drops them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/v1/documents/{id}", get(api::get_document))
        .route("/v1/documents/{id}/content", get(api::get_document_content))
        .route("/v1/documents/{id}/sign", post(api::sign_document))
        .route("/v1/signing_envelopes/{id}", get(api::get_signing_envelope))
        .route(
            "/v1/signing_envelopes/{id}/signers/{signer_id}/sign",
            post(api::sign_envelope_signer),
        )
        .route("/v1/signing_sessions", post(api::create_signing_session))
        .route("/v1/signing_sessions/{id}", get(api::get_signing_session))
        .route(
            "/v1/acknowledgements/esra_consent",
            get(api::get_esra_disclosure),
        )
        .route("/v1/consents/esra", post(api::create_esra_consent))
        .route(
            "/.well-known/openid-configuration",
            get(oauth::openid_configuration),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(oauth::authorization_server_metadata),
        )
        .route("/.well-known/jwks.json", get(oauth::jwks))
        .route("/.well-known/matter-keys.json", get(oauth::matter_keys))
        .route("/oauth/authorize", get(oauth::authorize))
        .route("/oauth/sign_in", post(oauth::sign_in))
        .route("/oauth/consent", post(oauth::consent))
        .route("/oauth/token", post(oauth::token))
        .route("/oauth/userinfo", get(oauth::userinfo))
        .with_state(app)
}

/// Accepts connections until `shutdown` changes or its sender is dropped, then waits up to
/// [`SHUTDOWN_GRACE`] for open connections to finish.
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(error) => {
                        tracing::warn!(%error, "accept failed");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let poison = Arc::new(AtomicBool::new(false));
                let io = TokioIo::new(PoisonableStream { inner: stream, poison: poison.clone() });
                let app = app.clone();
                let router = router.clone();
                let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                    let app = app.clone();
                    let router = router.clone();
                    let poison = poison.clone();
                    async move {
                        let request = request.map(Body::new);
                        Ok::<_, Infallible>(pipeline::handle(app, router, request, poison).await)
                    }
                });
                let connection = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service);
                let watched = graceful.watch(connection);
                tokio::spawn(async move {
                    if let Err(error) = watched.await {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                });
            }
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("connections still open after the shutdown grace period; dropping them");
        }
    }
}

/// A TCP stream whose writes fail once `poison` is set.
struct PoisonableStream {
    inner: TcpStream,
    poison: Arc<AtomicBool>,
}

impl PoisonableStream {
    fn dropped() -> io::Error {
        io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "connection dropped after commit (Control::drop_after_commit)",
        )
    }
}

impl AsyncRead for PoisonableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for PoisonableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.poison.load(Ordering::SeqCst) {
            return Poll::Ready(Err(Self::dropped()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.poison.load(Ordering::SeqCst) {
            return Poll::Ready(Err(Self::dropped()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
