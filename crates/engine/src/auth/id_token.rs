//! ID-token verification for the token response of a code exchange.
//!
//! `openidconnect` checks the RS256 signature against the provider's JWKS, `aud`
//! (= our client id), `exp` and the `nonce` (compared through SHA-256 digests, so in
//! constant time). Its default verifier accepts any `iat` and `auth_time`, so this
//! module adds the freshness checks: `iat` within `[t0 − skew, now + skew]`, and
//! `auth_time ≥ t0 − skew` when present, where `t0` is when this sign-in started.
//!
//! `iss` is compared here as a parsed URL rather than by `openidconnect`'s exact string
//! match, so that `https://issuer` and `https://issuer/` are the same issuer.

use std::fmt;

use openidconnect::core::{CoreIdToken, CoreJsonWebKeySet, CoreJwsSigningAlgorithm};
use openidconnect::{
    ClaimsVerificationError, ClientId, IdTokenVerifier, IssuerUrl, Nonce,
    SignatureVerificationError,
};
use time::OffsetDateTime;
use url::Url;

use crate::interaction::UserView;

/// How far the provider's clock may differ from ours.
pub(crate) const CLOCK_SKEW: time::Duration = time::Duration::seconds(60);

/// Which ID-token check failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdTokenCheck {
    /// The token response carried no ID token.
    Missing,
    /// The signature did not verify against the provider's keys.
    Signature,
    /// The token was not signed with RS256.
    Algorithm,
    /// `iss` is not the configured issuer.
    Issuer,
    /// `aud` does not name this app's client id.
    Audience,
    /// `exp` has passed.
    Expired,
    /// `nonce` is missing or not the one this sign-in sent.
    Nonce,
    /// `iat` is before this sign-in started or in the future.
    IssuedAt,
    /// `auth_time` is before this sign-in started.
    AuthTime,
    /// The token is otherwise malformed.
    Malformed,
}

impl fmt::Display for IdTokenCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdTokenCheck::Missing => "the provider sent no ID token",
            IdTokenCheck::Signature => "its signature does not match the provider's keys",
            IdTokenCheck::Algorithm => "it is not signed with RS256",
            IdTokenCheck::Issuer => "it was issued by another provider (iss)",
            IdTokenCheck::Audience => "it was issued for another app (aud)",
            IdTokenCheck::Expired => "it has expired (exp)",
            IdTokenCheck::Nonce => "it does not belong to this sign-in (nonce)",
            IdTokenCheck::IssuedAt => {
                "it was issued before this sign-in started or in the future (iat)"
            }
            IdTokenCheck::AuthTime => {
                "the sign-in it reports happened before this one started (auth_time)"
            }
            IdTokenCheck::Malformed => "it is malformed",
        })
    }
}

impl IdTokenCheck {
    /// Returns what the human can do about the failed check. The time checks compare
    /// the provider's clock with this computer's, so a wrong system clock can fail them
    /// on every sign-in.
    pub fn next_step(self) -> &'static str {
        match self {
            IdTokenCheck::Expired | IdTokenCheck::IssuedAt | IdTokenCheck::AuthTime => {
                "check that this computer's date, time and time zone are set correctly, then sign in again"
            }
            _ => "sign in again, and check the issuer setting if this repeats",
        }
    }
}

/// What the verified token says about the human.
#[derive(Debug, Clone)]
pub(crate) struct VerifiedIdentity {
    pub(crate) user: UserView,
    pub(crate) auth_time: Option<OffsetDateTime>,
}

/// What a valid token must match.
pub(crate) struct Expectations<'a> {
    pub(crate) issuer: &'a Url,
    pub(crate) client_id: &'a str,
    pub(crate) nonce: &'a Nonce,
    /// When this sign-in started (the browser was about to open).
    pub(crate) started_at: OffsetDateTime,
    /// Now, by the engine's clock.
    pub(crate) now: OffsetDateTime,
}

fn to_chrono(value: OffsetDateTime) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(value.unix_timestamp(), value.nanosecond())
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC)
}

fn from_chrono(value: chrono::DateTime<chrono::Utc>) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(value.timestamp()).ok()
}

const IAT_PREFIX: &str = "iat:";

/// Verifies `id_token` against `keys` and `expected`.
pub(crate) fn verify(
    id_token: &CoreIdToken,
    keys: &CoreJsonWebKeySet,
    expected: &Expectations<'_>,
) -> Result<VerifiedIdentity, IdTokenCheck> {
    let earliest = to_chrono(expected.started_at - CLOCK_SKEW);
    let latest = to_chrono(expected.now + CLOCK_SKEW);
    let now = to_chrono(expected.now);

    // The issuer check below replaces openidconnect's exact string match, so the
    // placeholder given here is never compared.
    let issuer = IssuerUrl::from_url(expected.issuer.clone());
    let verifier = IdTokenVerifier::new_public_client(
        ClientId::new(expected.client_id.to_owned()),
        issuer,
        keys.clone(),
    )
    .require_issuer_match(false)
    .set_allowed_algs([CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256])
    .set_time_fn(move || now)
    .set_issue_time_verifier_fn(move |iat| {
        if iat < earliest || iat > latest {
            Err(format!("{IAT_PREFIX} outside the sign-in window"))
        } else {
            Ok(())
        }
    })
    .set_auth_time_verifier_fn(move |auth_time| match auth_time {
        Some(auth_time) if auth_time < earliest => Err("before the sign-in started".to_owned()),
        _ => Ok(()),
    });

    let claims = id_token
        .claims(&verifier, expected.nonce)
        .map_err(map_error)?;

    let issuer_matches = Url::parse(claims.issuer().as_str())
        .map(|claimed| claimed == *expected.issuer)
        .unwrap_or(false);
    if !issuer_matches {
        return Err(IdTokenCheck::Issuer);
    }

    let email = claims
        .email()
        .map(|email| email.as_str().to_owned())
        .unwrap_or_default();
    let name = claims
        .name()
        .and_then(|names| names.get(None))
        .map(|name| name.as_str().to_owned())
        .unwrap_or_else(|| email.clone());
    Ok(VerifiedIdentity {
        user: UserView {
            user_id: claims.subject().as_str().to_owned(),
            email,
            name,
        },
        auth_time: claims.auth_time().and_then(from_chrono),
    })
}

fn map_error(error: ClaimsVerificationError) -> IdTokenCheck {
    match error {
        ClaimsVerificationError::Expired(message) if message.starts_with(IAT_PREFIX) => {
            IdTokenCheck::IssuedAt
        }
        ClaimsVerificationError::Expired(_) => IdTokenCheck::Expired,
        ClaimsVerificationError::InvalidAudience(_) => IdTokenCheck::Audience,
        ClaimsVerificationError::InvalidAuthTime(_) => IdTokenCheck::AuthTime,
        ClaimsVerificationError::InvalidIssuer(_) => IdTokenCheck::Issuer,
        ClaimsVerificationError::InvalidNonce(_) => IdTokenCheck::Nonce,
        ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::DisallowedAlg(_),
        ) => IdTokenCheck::Algorithm,
        ClaimsVerificationError::SignatureVerification(_) => IdTokenCheck::Signature,
        _ => IdTokenCheck::Malformed,
    }
}
