//! Wall-clock and monotonic time behind one trait, so that tests can age a sign-in or
//! expire a session without sleeping.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

/// A source of time. The engine never calls `Instant::now` or `OffsetDateTime::now_utc`
/// directly; it asks its clock.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Monotonic time, for ages and deadlines (unaffected by wall-clock changes).
    fn now(&self) -> Instant;
    /// Wall-clock time in UTC, for timestamps that are shown or recorded.
    fn now_utc(&self) -> OffsetDateTime;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn now_utc(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that runs with real time plus an offset that tests move forward.
#[derive(Debug, Default)]
pub struct ManualClock {
    offset: Mutex<Duration>,
}

impl ManualClock {
    /// Creates a clock that starts at real time.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves this clock forward by `by`; real time keeps running underneath.
    pub fn advance(&self, by: Duration) {
        let mut offset = self
            .offset
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *offset += by;
    }

    fn offset(&self) -> Duration {
        *self
            .offset
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        Instant::now() + self.offset()
    }

    fn now_utc(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.offset()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_advances_both_times() {
        let clock = ManualClock::new();
        let (mono, wall) = (clock.now(), clock.now_utc());
        clock.advance(Duration::from_secs(300));
        assert!(clock.now() >= mono + Duration::from_secs(300));
        assert!(clock.now_utc() >= wall + Duration::from_secs(300));
    }
}
