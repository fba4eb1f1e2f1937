//! robots.txt: fetched once per site, cached, and asked before every request (RFC 9309).
//!
//! A missing robots.txt (4xx) allows everything. An unreachable one (5xx, network error)
//! disallows the site for a short while, as RFC 9309 §2.3.1.3 asks, and is tried again then.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use texting_robots::Robot;
use tokio::time::Instant;

/// How long a site's rules stay cached.
const TTL: Duration = Duration::from_secs(24 * 3600);
/// How long an unreachable robots.txt blocks its site before it is tried again.
const UNREACHABLE_TTL: Duration = Duration::from_secs(10 * 60);
/// The most of a robots.txt that is read (RFC 9309 asks for at least 500 KiB).
pub(crate) const MAX_ROBOTS_BYTES: usize = 512 * 1024;

/// A site's rules.
pub(crate) enum Rules {
    /// No robots.txt: everything allowed.
    AllowAll,
    /// robots.txt could not be fetched: nothing allowed for now.
    Unreachable(String),
    /// Parsed rules.
    Parsed(Box<Robot>),
}

impl Rules {
    /// Parses a robots.txt body for `agent` (the bare product token, e.g. `Tidings`).
    pub(crate) fn parse(agent: &str, body: &[u8]) -> Rules {
        match Robot::new(agent, body) {
            Ok(robot) => Rules::Parsed(Box::new(robot)),
            // An unparseable file states no rule we could follow: treat it as absent.
            Err(_) => Rules::AllowAll,
        }
    }

    /// Whether `url` may be fetched; `Err` carries the reason when not.
    pub(crate) fn check(&self, url: &str) -> Result<(), String> {
        match self {
            Rules::AllowAll => Ok(()),
            Rules::Unreachable(why) => Err(format!("robots.txt unavailable ({why})")),
            Rules::Parsed(robot) if robot.allowed(url) => Ok(()),
            Rules::Parsed(_) => Err("disallowed by the site's robots.txt".to_string()),
        }
    }

    /// The `Crawl-delay` the rules ask for.
    pub(crate) fn crawl_delay(&self) -> Option<Duration> {
        match self {
            Rules::Parsed(robot) => robot
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| Duration::from_secs_f32(d.min(3600.0))),
            _ => None,
        }
    }

    fn ttl(&self) -> Duration {
        match self {
            Rules::Unreachable(_) => UNREACHABLE_TTL,
            _ => TTL,
        }
    }
}

/// Cached rules per site (`scheme://host:port`).
#[derive(Default)]
pub(crate) struct RobotsCache {
    sites: Mutex<HashMap<String, (Instant, std::sync::Arc<Rules>)>>,
}

impl RobotsCache {
    /// The cached rules of a site, if still fresh.
    pub(crate) fn get(&self, site: &str) -> Option<std::sync::Arc<Rules>> {
        let sites = self.sites.lock().unwrap_or_else(|p| p.into_inner());
        sites
            .get(site)
            .filter(|(at, rules)| at.elapsed() < rules.ttl())
            .map(|(_, rules)| rules.clone())
    }

    /// Caches a site's rules.
    pub(crate) fn put(&self, site: &str, rules: Rules) -> std::sync::Arc<Rules> {
        let rules = std::sync::Arc::new(rules);
        let mut sites = self.sites.lock().unwrap_or_else(|p| p.into_inner());
        sites.insert(site.to_string(), (Instant::now(), rules.clone()));
        rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &[u8] = b"User-agent: *\nDisallow: /private/\n\nUser-agent: Tidings\nDisallow: /no-tidings/\nCrawl-delay: 2\n";

    #[test]
    fn rules_for_our_token_apply() {
        let rules = Rules::parse("Tidings", TXT);
        assert!(rules.check("https://a.example/news/1").is_ok());
        assert!(rules.check("https://a.example/no-tidings/feed").is_err());
        assert_eq!(rules.crawl_delay(), Some(Duration::from_secs(2)));
        let others = Rules::parse("Otherbot", TXT);
        assert!(others.check("https://a.example/private/x").is_err());
        assert!(others.check("https://a.example/no-tidings/feed").is_ok());
    }

    #[test]
    fn unreachable_robots_block_for_now() {
        let rules = Rules::Unreachable("HTTP 503".into());
        assert_eq!(
            rules.check("https://a.example/"),
            Err("robots.txt unavailable (HTTP 503)".into())
        );
        assert!(Rules::AllowAll.check("https://a.example/anything").is_ok());
    }
}
