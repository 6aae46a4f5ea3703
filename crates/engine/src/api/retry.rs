//! Retry policy and idempotency keys.
//!
//! A POST is one logical operation with one `Idempotency-Key`, made before the first
//! attempt and reused for every retry of it, so that Matter replays its first answer
//! instead of acting twice. Retried: timeouts, connection errors, 5xx and 429. Matter's
//! rate-limit page prescribes waiting for `Retry-After` and otherwise backing off 1, 2,
//! 4, 8 and 16 seconds over five attempts
//! (<https://docs.mattermode.com/api/conventions/rate-limits>).

use std::fmt;
use std::time::Duration;

/// An `Idempotency-Key`: a UUIDv4, made once per logical operation.
///
/// Not a secret (Matter echoes it in events), but it is only valid with the credential
/// it was first sent with.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Makes a fresh random key.
    pub fn new() -> Self {
        IdempotencyKey(uuid::Uuid::new_v4().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for IdempotencyKey {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdempotencyKey({})", self.0)
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How often and how long to retry one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included.
    pub max_attempts: u32,
    /// Wait before the second attempt when Matter gave no `Retry-After`; each later wait
    /// doubles it.
    pub base_delay: Duration,
    /// Upper bound on any single wait, `Retry-After` included.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Five attempts, waiting 1, 2, 4 and 8 seconds (16 would follow a fifth failure).
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy for tests and benchmarks: the same attempts with millisecond waits.
    pub fn fast() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(200),
        }
    }

    /// The wait after failed attempt number `attempt` (1-based), honouring
    /// `retry_after` seconds when the server sent it.
    pub fn delay(&self, attempt: u32, retry_after: Option<u64>) -> Duration {
        let wait = match retry_after {
            Some(seconds) => Duration::from_secs(seconds),
            None => {
                let doublings = attempt.saturating_sub(1).min(16);
                self.base_delay.saturating_mul(1u32 << doublings)
            }
        };
        wait.min(self.max_delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_backoff_doubles_from_one_second() {
        let policy = RetryPolicy::default();
        let waits: Vec<u64> = (1..=5).map(|a| policy.delay(a, None).as_secs()).collect();
        assert_eq!(waits, vec![1, 2, 4, 8, 16]);
    }

    #[test]
    fn retry_after_wins_over_backoff() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(1, Some(7)), Duration::from_secs(7));
    }

    #[test]
    fn retry_after_is_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(1, Some(3600)), Duration::from_secs(60));
    }

    #[test]
    fn keys_are_fresh_uuids() {
        let a = IdempotencyKey::new();
        let b = IdempotencyKey::new();
        assert_ne!(a, b);
        assert!(uuid::Uuid::parse_str(a.as_str()).is_ok());
    }
}
