//! Waiting out a database that cannot be reached: the delay doubles from one second to
//! thirty with each failure in a row, and the outage is logged once when it starts and once
//! when it ends, not at every retry.

use std::time::Duration;

/// The first delay after a failure.
const FIRST: Duration = Duration::from_secs(1);
/// The longest delay.
const MAX: Duration = Duration::from_secs(30);

/// Consecutive failures of one loop, and the delay they call for.
#[derive(Debug, Default)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// Records a failure and returns how long to wait before the next try.
    pub fn fail(&mut self, what: &str, err: &dyn std::fmt::Display) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let delay = FIRST
            .checked_mul(1 << (self.failures - 1).min(5))
            .unwrap_or(MAX)
            .min(MAX);
        if self.failures == 1 {
            tracing::warn!(%err, "{what} failed; retrying with back-off until the database answers");
        } else {
            tracing::debug!(%err, failures = self.failures, ?delay, "{what} failed again");
        }
        delay
    }

    /// Records a success, logging the end of an outage.
    pub fn succeed(&mut self, what: &str) {
        if self.failures > 0 {
            tracing::info!(failures = self.failures, "{what} works again");
        }
        self.failures = 0;
    }

    /// Failures in a row so far.
    pub fn failures(&self) -> u32 {
        self.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_to_the_cap_and_reset_on_success() {
        let mut backoff = Backoff::default();
        let delays: Vec<u64> = (0..8)
            .map(|_| backoff.fail("x", &"down").as_secs())
            .collect();
        assert_eq!(delays, vec![1, 2, 4, 8, 16, 30, 30, 30]);
        backoff.succeed("x");
        assert_eq!(backoff.failures(), 0);
        assert_eq!(backoff.fail("x", &"down").as_secs(), 1);
    }
}
