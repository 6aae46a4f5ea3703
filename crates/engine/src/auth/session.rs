//! The in-memory session: access token, refresh token copy, user, and the time of the
//! last interactive sign-in that the freshness gate reads.

use std::fmt;
use std::time::{Duration, Instant};

use secrecy::SecretString;
use time::OffsetDateTime;

use crate::interaction::UserView;

/// How old an interactive sign-in may be before a signing session needs a new one.
/// Matter accepts a signing session within 5 minutes of an interactive sign-in; the
/// minute of margin covers clock skew and the time between the provider's sign-in
/// form and the code exchange recorded here.
pub const STEP_UP_AFTER: Duration = Duration::from_secs(4 * 60);

/// How long before its stated expiry an access token is treated as expired.
pub(crate) const ACCESS_TOKEN_MARGIN: Duration = Duration::from_secs(60);

/// An access token and when it stops being used.
pub(crate) struct AccessToken {
    pub(crate) token: SecretString,
    /// `None` when the provider gave no `expires_in`.
    pub(crate) expires_at: Option<Instant>,
}

impl AccessToken {
    pub(crate) fn is_usable(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|expires_at| now < expires_at)
    }
}

/// When an interactive sign-in completed, on both clocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InteractiveSignIn {
    pub(crate) at: Instant,
    pub(crate) at_utc: OffsetDateTime,
}

/// Everything the authenticator keeps between calls.
#[derive(Default)]
pub(crate) struct Session {
    pub(crate) access: Option<AccessToken>,
    /// A copy of the refresh token, so the session works when the store fails.
    pub(crate) refresh: Option<SecretString>,
    pub(crate) user: Option<UserView>,
    /// Set only by a completed code exchange; a refresh never moves it.
    pub(crate) interactive: Option<InteractiveSignIn>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("access", &self.access.as_ref().map(|_| "[redacted]"))
            .field("refresh", &self.refresh.as_ref().map(|_| "[redacted]"))
            .field("user", &self.user)
            .field("interactive", &self.interactive)
            .finish()
    }
}

/// Whether a signing session needs a new interactive sign-in first: there was none in
/// this process, or the last one is [`STEP_UP_AFTER`] old or older.
pub(crate) fn needs_step_up(last: Option<InteractiveSignIn>, now: Instant) -> bool {
    match last {
        None => true,
        Some(sign_in) => now.saturating_duration_since(sign_in.at) >= STEP_UP_AFTER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed_in_at(at: Instant) -> Option<InteractiveSignIn> {
        Some(InteractiveSignIn {
            at,
            at_utc: OffsetDateTime::UNIX_EPOCH,
        })
    }

    #[test]
    fn step_up_needed_without_sign_in() {
        assert!(needs_step_up(None, Instant::now()));
    }

    #[test]
    fn step_up_not_needed_just_before_four_minutes() {
        let start = Instant::now();
        let now = start + STEP_UP_AFTER - Duration::from_secs(1);
        assert!(!needs_step_up(signed_in_at(start), now));
    }

    #[test]
    fn step_up_needed_at_four_minutes() {
        let start = Instant::now();
        assert!(needs_step_up(signed_in_at(start), start + STEP_UP_AFTER));
    }

    #[test]
    fn access_token_expires_at_its_time() {
        let now = Instant::now();
        let token = AccessToken {
            token: SecretString::from("oat_x"),
            expires_at: Some(now + Duration::from_secs(10)),
        };
        assert!(token.is_usable(now));
        assert!(!token.is_usable(now + Duration::from_secs(10)));
    }

    #[test]
    fn session_debug_redacts_tokens() {
        let session = Session {
            access: Some(AccessToken {
                token: SecretString::from("oat_canary_debug"),
                expires_at: None,
            }),
            refresh: Some(SecretString::from("clk_refresh_canary_debug")),
            user: None,
            interactive: None,
        };
        let shown = format!("{session:?}");
        assert!(!shown.contains("oat_canary_debug"));
        assert!(!shown.contains("clk_refresh_canary_debug"));
    }
}
