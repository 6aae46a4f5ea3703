//! `matter-sandbox`: runs the sandbox on loopback and prints its URLs as one JSON line.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use matter_sandbox::{
    ConflictCode, RateLimit, RequestIdHeader, Sandbox, SandboxConfig, TokenField, Variants,
};

/// Local Matter API and Clerk-style OAuth sandbox (test mode, loopback only).
///
/// Once ready it prints one JSON line on stdout,
/// `{"api_base":"http://127.0.0.1:PORT/v1","issuer":"http://127.0.0.1:PORT"}`;
/// logs go to stderr. SIGINT or SIGTERM stops it.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Listen address; must be loopback (127.0.0.1 or [::1]). Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// Milliseconds added before every response.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Name of the token field in the signing-session response.
    #[arg(long, value_parser = ["signature_token", "signing_token"], default_value = "signature_token")]
    token_field: String,
    /// `code` of the 409 for an Idempotency-Key reused with a different body.
    #[arg(long, value_parser = ["idempotency_key_reused_with_different_body", "idempotency_key_replay", "validation_idempotency_key_conflict"], default_value = "idempotency_key_reused_with_different_body")]
    conflict_code: String,
    /// Send the request id as `X-Request-Id` instead of `Matter-Request-Id`.
    #[arg(long)]
    x_request_id: bool,
    /// Require loopback redirect URIs to match the registered port exactly.
    #[arg(long)]
    exact_port_redirects: bool,
    /// Add `auth_time` to ID tokens.
    #[arg(long)]
    id_token_auth_time: bool,
    /// Rate limit on /v1 as REQUESTS/SECONDS, for example `10/1`.
    #[arg(long)]
    rate_limit: Option<String>,
    /// Reject Idempotency-Key values that are not UUIDs.
    #[arg(long)]
    uuid_idempotency_keys: bool,
}

fn parse_rate_limit(text: &str) -> Result<RateLimit, String> {
    let (requests, seconds) = text.split_once('/').ok_or_else(|| {
        format!("invalid --rate-limit `{text}`: expected REQUESTS/SECONDS, for example 10/1")
    })?;
    let requests: u32 = requests
        .parse()
        .map_err(|_| format!("invalid request count `{requests}` in --rate-limit"))?;
    let seconds: u64 = seconds
        .parse()
        .map_err(|_| format!("invalid window `{seconds}` in --rate-limit; give whole seconds"))?;
    if requests == 0 || seconds == 0 {
        return Err("--rate-limit needs at least 1 request per window of at least 1 s".to_owned());
    }
    Ok(RateLimit {
        requests,
        window: Duration::from_secs(seconds),
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    let rate_limit = match args.rate_limit.as_deref().map(parse_rate_limit).transpose() {
        Ok(limit) => limit,
        Err(message) => {
            eprintln!("matter-sandbox: {message}");
            return ExitCode::from(2);
        }
    };
    let variants = Variants {
        token_field: if args.token_field == "signing_token" {
            TokenField::SigningToken
        } else {
            TokenField::SignatureToken
        },
        conflict_code: match args.conflict_code.as_str() {
            "idempotency_key_replay" => ConflictCode::Replay,
            "validation_idempotency_key_conflict" => ConflictCode::ValidationConflict,
            _ => ConflictCode::ReusedWithDifferentBody,
        },
        request_id_header: if args.x_request_id {
            RequestIdHeader::XRequestId
        } else {
            RequestIdHeader::MatterRequestId
        },
        exact_port_redirects: args.exact_port_redirects,
        id_token_auth_time: args.id_token_auth_time,
        rate_limit,
        uuid_only_idempotency_keys: args.uuid_idempotency_keys,
    };
    let config = SandboxConfig {
        addr: args.addr,
        latency: Duration::from_millis(args.latency_ms),
        variants,
    };
    // Install the handlers before the ready line, so a signal sent right after it is caught.
    let stop = match StopSignal::install() {
        Ok(stop) => stop,
        Err(error) => {
            eprintln!("matter-sandbox: could not install signal handlers: {error}");
            return ExitCode::FAILURE;
        }
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("matter-sandbox: {error}");
            return ExitCode::from(2);
        }
    };
    println!(
        "{}",
        serde_json::json!({"api_base": sandbox.api_base().as_str(), "issuer": sandbox.issuer_str()})
    );
    stop.wait().await;
    tracing::info!("stop signal received");
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}

/// SIGINT or SIGTERM (SIGINT only on platforms without Unix signals).
struct StopSignal {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl StopSignal {
    fn install() -> std::io::Result<StopSignal> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(StopSignal {
                terminate: signal(SignalKind::terminate())?,
                interrupt: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(StopSignal {})
        }
    }

    async fn wait(mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.terminate.recv() => {}
                _ = self.interrupt.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
