//! Login throttling against password guessing, which slows an attacker without locking the
//! owner out.
//!
//! Two rules, both in memory (per process; a restart forgets them, which favours the owner
//! and costs an attacker nothing they could not get by waiting):
//!
//! 1. **Per account and IP address**: after `free_failures` wrong passwords from one address,
//!    each further attempt on that account from there must wait `base_delay × 2^(n − free)`,
//!    up to `max_delay`. Attempts during the wait are refused (`429`) without checking the
//!    password, so guessing costs the attacker time, not the server CPU.
//! 2. **Per account**: after `account_failures_per_hour` wrong passwords from anywhere within
//!    an hour (a spread-out attack from many addresses), attempts are refused unless they
//!    come from a device or an address the account logged in from before.
//!
//! The owner's way in while an attacker hammers the account: a *known device* (a cookie
//! set at each successful login, stored hashed) bypasses both rules. A *known address* (one
//! the account logged in from before) spares only the account-wide lock, never the delay of
//! rule 1: an address is shared (a household, an office, a carrier's NAT, a proxy that is not
//! trusted), so anyone behind it guessing the password is slowed like anyone else. A
//! successful login clears its address's count.

use serde::Deserialize;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

/// The throttle's settings.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleConfig {
    /// Wrong passwords from one address before delays start.
    pub free_failures: u32,
    /// The first delay, in milliseconds; each further failure doubles it.
    pub base_delay_ms: u64,
    /// The longest delay, in seconds.
    pub max_delay_secs: u64,
    /// Wrong passwords per account per hour, from all addresses together, after which only
    /// known devices and addresses may try.
    pub account_failures_per_hour: u32,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            free_failures: 5,
            base_delay_ms: 1_000,
            max_delay_secs: 900,
            account_failures_per_hour: 100,
        }
    }
}

/// Why an attempt may not be made now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Too many failures from this address: wait this long.
    Wait(Duration),
    /// Too many failures on this account from everywhere: only known devices and addresses
    /// may try for this long.
    AccountLocked(Duration),
}

#[derive(Debug, Clone, Copy)]
struct PairState {
    failures: u32,
    last_failure_ms: i64,
}

#[derive(Debug, Clone, Copy)]
struct AccountState {
    window_start_ms: i64,
    failures: u32,
}

#[derive(Debug, Default)]
struct Tables {
    pairs: HashMap<(String, IpAddr), PairState>,
    accounts: HashMap<String, AccountState>,
    known_addresses: HashMap<String, Vec<IpAddr>>,
}

/// The most entries each table keeps before old ones are swept.
const MAX_ENTRIES: usize = 100_000;
const HOUR_MS: i64 = 3_600_000;
/// Known addresses remembered per account.
const KNOWN_PER_ACCOUNT: usize = 8;

/// The login throttle. Accounts are keyed by their normalised login name, so guesses at a
/// name that does not exist are throttled the same way (and reveal nothing).
#[derive(Debug)]
pub struct LoginThrottle {
    config: ThrottleConfig,
    tables: Mutex<Tables>,
}

impl LoginThrottle {
    /// A throttle with these settings.
    pub fn new(config: ThrottleConfig) -> LoginThrottle {
        LoginThrottle {
            config,
            tables: Mutex::new(Tables::default()),
        }
    }

    /// Whether an attempt on `account` from `ip` may check a password now. `known_device`
    /// says the request carries a device cookie this account logged in from: it bypasses
    /// both rules. An address the account logged in from before bypasses only the
    /// account-wide lock.
    pub fn check(
        &self,
        account: &str,
        ip: IpAddr,
        known_device: bool,
        now_ms: i64,
    ) -> Result<(), Refusal> {
        if known_device {
            return Ok(());
        }
        let tables = self.lock();
        if let Some(pair) = tables.pairs.get(&(account.to_string(), ip)) {
            let wait = self.delay(pair.failures);
            let until = pair.last_failure_ms + wait.as_millis() as i64;
            if wait > Duration::ZERO && now_ms < until {
                return Err(Refusal::Wait(Duration::from_millis(
                    (until - now_ms) as u64,
                )));
            }
        }
        let known_address = tables
            .known_addresses
            .get(account)
            .is_some_and(|ips| ips.contains(&ip));
        if !known_address
            && let Some(acc) = tables.accounts.get(account)
            && self.config.account_failures_per_hour > 0
            && acc.failures >= self.config.account_failures_per_hour
            && now_ms < acc.window_start_ms + HOUR_MS
        {
            let left = acc.window_start_ms + HOUR_MS - now_ms;
            return Err(Refusal::AccountLocked(Duration::from_millis(left as u64)));
        }
        Ok(())
    }

    /// Records a wrong password.
    pub fn failed(&self, account: &str, ip: IpAddr, now_ms: i64) {
        let mut tables = self.lock();
        if tables.pairs.len() >= MAX_ENTRIES || tables.accounts.len() >= MAX_ENTRIES {
            self.sweep(&mut tables, now_ms);
        }
        let pair = tables
            .pairs
            .entry((account.to_string(), ip))
            .or_insert(PairState {
                failures: 0,
                last_failure_ms: now_ms,
            });
        pair.failures = pair.failures.saturating_add(1);
        pair.last_failure_ms = now_ms;
        let acc = tables
            .accounts
            .entry(account.to_string())
            .or_insert(AccountState {
                window_start_ms: now_ms,
                failures: 0,
            });
        if now_ms >= acc.window_start_ms + HOUR_MS {
            *acc = AccountState {
                window_start_ms: now_ms,
                failures: 0,
            };
        }
        acc.failures = acc.failures.saturating_add(1);
    }

    /// Records a successful login: the address's count is cleared and it becomes known.
    pub fn succeeded(&self, account: &str, ip: IpAddr) {
        let mut tables = self.lock();
        tables.pairs.remove(&(account.to_string(), ip));
        if tables.known_addresses.len() >= MAX_ENTRIES {
            tables.known_addresses.clear();
        }
        let known = tables
            .known_addresses
            .entry(account.to_string())
            .or_default();
        if !known.contains(&ip) {
            if known.len() >= KNOWN_PER_ACCOUNT {
                known.remove(0);
            }
            known.push(ip);
        }
    }

    /// The wait after `failures` wrong passwords from one address.
    fn delay(&self, failures: u32) -> Duration {
        if failures == 0 || failures < self.config.free_failures {
            return Duration::ZERO;
        }
        let over = failures - self.config.free_failures;
        let factor = 1u64 << over.min(30);
        let ms = self.config.base_delay_ms.saturating_mul(factor);
        Duration::from_millis(ms).min(Duration::from_secs(self.config.max_delay_secs))
    }

    fn sweep(&self, tables: &mut Tables, now_ms: i64) {
        let max = self.config.max_delay_secs as i64 * 1000;
        tables.pairs.retain(|_, p| now_ms - p.last_failure_ms < max);
        tables
            .accounts
            .retain(|_, a| now_ms < a.window_start_ms + HOUR_MS);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> LoginThrottle {
        LoginThrottle::new(ThrottleConfig {
            free_failures: 3,
            base_delay_ms: 1_000,
            max_delay_secs: 60,
            account_failures_per_hour: 20,
        })
    }

    #[test]
    fn delays_start_after_the_free_failures_and_double() {
        let t = throttle();
        let ip: IpAddr = [10, 0, 0, 1].into();
        let mut now = 0;
        for _ in 0..3 {
            assert_eq!(t.check("ana", ip, false, now), Ok(()));
            t.failed("ana", ip, now);
        }
        assert_eq!(
            t.check("ana", ip, false, now),
            Err(Refusal::Wait(Duration::from_secs(1)))
        );
        now += 1_000;
        assert_eq!(t.check("ana", ip, false, now), Ok(()));
        t.failed("ana", ip, now);
        assert_eq!(
            t.check("ana", ip, false, now),
            Err(Refusal::Wait(Duration::from_secs(2)))
        );
        for _ in 0..20 {
            t.failed("ana", ip, now);
        }
        assert_eq!(
            t.check("ana", ip, false, now),
            Err(Refusal::Wait(Duration::from_secs(60))),
            "capped"
        );
        let other: IpAddr = [10, 0, 0, 2].into();
        assert!(
            matches!(
                t.check("ana", other, false, now),
                Err(Refusal::AccountLocked(_))
            ),
            "24 failures in the hour lock the account for unknown addresses"
        );
        assert_eq!(
            t.check("ana", other, true, now),
            Ok(()),
            "a known device gets in"
        );
        assert_eq!(
            t.check("bob", ip, false, now),
            Ok(()),
            "other accounts are free"
        );
        now += HOUR_MS;
        assert_eq!(t.check("ana", other, false, now), Ok(()), "the hour passes");
    }

    #[test]
    fn a_success_clears_the_address_and_makes_it_known() {
        let t = throttle();
        let ip: IpAddr = [10, 0, 0, 1].into();
        for _ in 0..25 {
            t.failed("ana", ip, 0);
        }
        assert!(t.check("ana", ip, false, 0).is_err());
        t.succeeded("ana", ip);
        assert_eq!(t.check("ana", ip, false, 0), Ok(()));
        let attacker: IpAddr = [192, 0, 2, 9].into();
        for _ in 0..25 {
            t.failed("ana", attacker, 0);
        }
        assert!(t.check("ana", attacker, false, 0).is_err());
        assert_eq!(
            t.check("ana", ip, false, 0),
            Ok(()),
            "the owner's address still works"
        );
    }

    #[test]
    fn a_known_address_spares_the_account_lock_but_not_its_own_delay() {
        let t = throttle();
        let home: IpAddr = [10, 0, 0, 1].into();
        t.succeeded("ana", home);
        for _ in 0..3 {
            assert_eq!(t.check("ana", home, false, 0), Ok(()));
            t.failed("ana", home, 0);
        }
        assert_eq!(
            t.check("ana", home, false, 0),
            Err(Refusal::Wait(Duration::from_secs(1))),
            "guesses from a known address are slowed like any others"
        );
        assert_eq!(
            t.check("ana", home, true, 0),
            Ok(()),
            "the known device is not"
        );
        let attacker: IpAddr = [192, 0, 2, 9].into();
        for _ in 0..25 {
            t.failed("ana", attacker, 0);
        }
        let later = 61_000;
        assert!(matches!(
            t.check("ana", [10, 0, 0, 2].into(), false, later),
            Err(Refusal::AccountLocked(_))
        ));
        assert_eq!(
            t.check("ana", home, false, later),
            Ok(()),
            "the known address is spared the account lock once its own wait is over"
        );
    }
}
