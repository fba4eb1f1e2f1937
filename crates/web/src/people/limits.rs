//! Rate limits per IP address and per account (`governor`'s keyed GCRA limiters), answered
//! with `429 Too Many Requests` and `Retry-After`.
//!
//! Limits are per process and in memory: with several web processes each keeps its own, so
//! an operator divides the figures by the process count if the total matters.

use super::clock::SharedClock;
use governor::clock::Clock as _;
use governor::{Quota, RateLimiter};
use serde::Deserialize;
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tidings_model::UserId;

/// How many actions of each kind an IP address or an account may take per minute (or per
/// hour, for sign-ups). `0` turns a limit off.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Accounts created per IP address per hour.
    pub signups_per_hour_per_ip: u32,
    /// Login attempts per IP address per minute (whatever the account; the login throttle
    /// slows guessing at one account further).
    pub logins_per_minute_per_ip: u32,
    /// Comments (and edits) per account per minute.
    pub comments_per_minute_per_account: u32,
    /// Comments (and edits) per IP address per minute.
    pub comments_per_minute_per_ip: u32,
    /// Other writes (reports, deletions, account changes) per account per minute.
    pub writes_per_minute_per_account: u32,
    /// API requests per IP address per minute.
    pub api_per_minute_per_ip: u32,
    /// Downloads of the account's data (`/account/export`, a heavy read) per account per
    /// minute.
    pub exports_per_minute_per_account: u32,
    /// Feed discoveries (`POST /v1/discover`: the site fetches an address a reader app
    /// names) per account per minute.
    pub discoveries_per_minute_per_account: u32,
    /// Questions about a story per IP address per minute that reach the language model
    /// (cached answers and questions the sources do not address are not counted); further
    /// ones are answered from the story's own sentences.
    pub model_questions_per_minute_per_ip: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            signups_per_hour_per_ip: 10,
            logins_per_minute_per_ip: 30,
            comments_per_minute_per_account: 6,
            comments_per_minute_per_ip: 30,
            writes_per_minute_per_account: 30,
            api_per_minute_per_ip: 600,
            exports_per_minute_per_account: 3,
            discoveries_per_minute_per_account: 6,
            model_questions_per_minute_per_ip: 6,
        }
    }
}

impl RateLimitConfig {
    /// Every limit off (benchmarks, where 50 clients share one loopback address).
    pub fn off() -> RateLimitConfig {
        RateLimitConfig {
            signups_per_hour_per_ip: 0,
            logins_per_minute_per_ip: 0,
            comments_per_minute_per_account: 0,
            comments_per_minute_per_ip: 0,
            writes_per_minute_per_account: 0,
            api_per_minute_per_ip: 0,
            exports_per_minute_per_account: 0,
            discoveries_per_minute_per_account: 0,
            model_questions_per_minute_per_ip: 0,
        }
    }
}

/// An action refused for now; retry after the duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited(pub Duration);

type Keyed<K> = RateLimiter<
    K,
    governor::state::keyed::DefaultKeyedStateStore<K>,
    SharedClock,
    governor::middleware::NoOpMiddleware<Duration>,
>;

/// One keyed limit, or none when configured off.
#[derive(Debug)]
struct Limit<K: Hash + Eq + Clone> {
    limiter: Option<Keyed<K>>,
    clock: SharedClock,
}

impl<K: Hash + Eq + Clone> Limit<K> {
    fn new(count: u32, per: Duration, clock: &SharedClock) -> Limit<K> {
        let limiter = NonZeroU32::new(count).and_then(|n| {
            let quota = Quota::with_period(per / n.get())?.allow_burst(n);
            Some(RateLimiter::new(
                quota,
                governor::state::keyed::DefaultKeyedStateStore::default(),
                clock.clone(),
            ))
        });
        Limit {
            limiter,
            clock: clock.clone(),
        }
    }

    fn check(&self, key: &K) -> Result<(), Limited> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        limiter
            .check_key(key)
            .map_err(|not_until| Limited(not_until.wait_time_from(self.clock.now())))
    }

    fn prune(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.retain_recent();
        }
    }
}

/// Every rate limit of the site.
#[derive(Debug)]
pub struct RateLimits {
    signups_ip: Limit<IpAddr>,
    logins_ip: Limit<IpAddr>,
    comments_account: Limit<UserId>,
    comments_ip: Limit<IpAddr>,
    writes_account: Limit<UserId>,
    api_ip: Limit<IpAddr>,
    exports_account: Limit<UserId>,
    discoveries_account: Limit<UserId>,
    model_questions_ip: Limit<IpAddr>,
    checks: AtomicU64,
}

/// Every this many checks, keys whose buckets are full again are forgotten.
const PRUNE_EVERY: u64 = 10_000;

/// What is being done, for [`RateLimits::check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Creating an account.
    Signup,
    /// Trying to log in.
    Login,
    /// Posting or editing a comment.
    Comment,
    /// Another write: a report, a deletion, an account change.
    Write,
    /// Any API request.
    Api,
    /// Downloading the account's data.
    Export,
    /// Having the site fetch an address to find its feeds.
    Discover,
    /// Asking a question that the language model will answer.
    ModelQuestion,
}

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);

impl RateLimits {
    /// The limits `config` describes, timed by `clock`.
    pub fn new(config: &RateLimitConfig, clock: &SharedClock) -> RateLimits {
        RateLimits {
            signups_ip: Limit::new(config.signups_per_hour_per_ip, HOUR, clock),
            logins_ip: Limit::new(config.logins_per_minute_per_ip, MINUTE, clock),
            comments_account: Limit::new(config.comments_per_minute_per_account, MINUTE, clock),
            comments_ip: Limit::new(config.comments_per_minute_per_ip, MINUTE, clock),
            writes_account: Limit::new(config.writes_per_minute_per_account, MINUTE, clock),
            api_ip: Limit::new(config.api_per_minute_per_ip, MINUTE, clock),
            exports_account: Limit::new(config.exports_per_minute_per_account, MINUTE, clock),
            discoveries_account: Limit::new(
                config.discoveries_per_minute_per_account,
                MINUTE,
                clock,
            ),
            model_questions_ip: Limit::new(config.model_questions_per_minute_per_ip, MINUTE, clock),
            checks: AtomicU64::new(0),
        }
    }

    /// Counts one `action` by `ip` (and `account`, when logged in) against its limits.
    pub fn check(
        &self,
        action: Action,
        ip: IpAddr,
        account: Option<UserId>,
    ) -> Result<(), Limited> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.prune();
        }
        match action {
            Action::Signup => self.signups_ip.check(&ip),
            Action::Login => self.logins_ip.check(&ip),
            Action::Api => self.api_ip.check(&ip),
            Action::ModelQuestion => self.model_questions_ip.check(&ip),
            Action::Comment => {
                self.comments_ip.check(&ip)?;
                match account {
                    Some(a) => self.comments_account.check(&a),
                    None => Ok(()),
                }
            }
            Action::Write => match account {
                Some(a) => self.writes_account.check(&a),
                None => Ok(()),
            },
            Action::Export => match account {
                Some(a) => self.exports_account.check(&a),
                None => Ok(()),
            },
            Action::Discover => match account {
                Some(a) => self.discoveries_account.check(&a),
                None => Ok(()),
            },
        }
    }

    /// Forgets keys whose buckets are full again, so memory follows recent traffic.
    pub fn prune(&self) {
        self.signups_ip.prune();
        self.logins_ip.prune();
        self.comments_account.prune();
        self.comments_ip.prune();
        self.writes_account.prune();
        self.api_ip.prune();
        self.exports_account.prune();
        self.discoveries_account.prune();
        self.model_questions_ip.prune();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::clock::ManualClock;
    use std::sync::Arc;

    #[test]
    fn a_burst_is_allowed_then_refused_with_a_wait_then_allowed_again() {
        let clock = Arc::new(ManualClock::at(1_000_000));
        let shared = SharedClock(clock.clone());
        let config = RateLimitConfig {
            comments_per_minute_per_account: 3,
            ..RateLimitConfig::default()
        };
        let limits = RateLimits::new(&config, &shared);
        let ip: IpAddr = [127, 0, 0, 1].into();
        let ana = Some(UserId(1));
        for _ in 0..3 {
            assert_eq!(limits.check(Action::Comment, ip, ana), Ok(()));
        }
        let Err(Limited(wait)) = limits.check(Action::Comment, ip, ana) else {
            panic!("the fourth comment in a minute is refused");
        };
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert_eq!(
            limits.check(Action::Comment, ip, Some(UserId(2))),
            Ok(()),
            "another account is not held back"
        );
        clock.advance(wait);
        assert_eq!(limits.check(Action::Comment, ip, ana), Ok(()));
    }

    #[test]
    fn a_zero_turns_a_limit_off() {
        let shared = SharedClock(Arc::new(ManualClock::at(0)));
        let limits = RateLimits::new(&RateLimitConfig::off(), &shared);
        let ip: IpAddr = [10, 0, 0, 1].into();
        for _ in 0..1000 {
            assert_eq!(limits.check(Action::Signup, ip, None), Ok(()));
        }
    }
}
