//! One careful, polite GET: limits, validators, redirects by hand, robots.txt, per-host turns
//! and the address guard.

use crate::HostSchedule;
use crate::address_guard::{PublicOnlyResolver, is_public_address};
use crate::cache_hints::{max_age, retry_after};
use crate::host_limits::HostLimits;
use crate::robots::{MAX_ROBOTS_BYTES, RobotsCache, Rules};
use crate::{FetchConfig, FetchError};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use reqwest::header::{
    CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, LINK, LOCATION,
};
use reqwest::{StatusCode, redirect};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use url::{Host, Url};

/// The validators of an earlier response, for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The earlier `ETag`.
    pub etag: Option<String>,
    /// The earlier `Last-Modified`.
    pub last_modified: Option<String>,
}

/// A fetched document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The URL the body came from, after redirects.
    pub final_url: String,
    /// The final URL when every redirect on the way was permanent (301, 308): the address to
    /// use from now on.
    pub permanent_redirect: Option<String>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// Validators for the next conditional GET.
    pub validators: Validators,
    /// `Cache-Control: max-age`: the server asks not to be asked again sooner.
    pub max_age: Option<Duration>,
    /// The `Link` header values (a WebSub publisher names its hub and topic in them), at
    /// most [`MAX_LINK_HEADERS`].
    pub link_headers: Vec<String>,
    /// The body, decompressed.
    pub body: Bytes,
}

/// The most `Link` header values kept from one response.
pub const MAX_LINK_HEADERS: usize = 16;

/// How much of the answer to a form POST is kept (for the error it explains).
const MAX_POST_ANSWER_BYTES: usize = 4096;

/// What a server answered to a form POST with a success status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostAnswer {
    /// The status code (2xx).
    pub status: u16,
}

/// What a GET gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// `304 Not Modified`: the validators still hold.
    NotModified,
    /// A new document.
    Document(Document),
}

/// The HTTP client. Cheap to clone: clones share connections, per-host turns (and the
/// shared host clock, if any) and the robots.txt cache.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    config: Arc<FetchConfig>,
    hosts: Arc<HostLimits>,
    shared_turns: Option<Arc<dyn HostSchedule>>,
    robots: Arc<RobotsCache>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("config", &self.config)
            .field("shares_host_turns", &self.shared_turns.is_some())
            .finish()
    }
}

impl Fetcher {
    /// Builds a client with the given settings.
    pub fn new(config: FetchConfig) -> Result<Fetcher, FetchError> {
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(redirect::Policy::none())
            .no_proxy();
        if !config.allow_private_addresses {
            builder = builder.dns_resolver(Arc::new(PublicOnlyResolver));
        }
        let client = builder
            .build()
            .map_err(|e| FetchError::Transfer(format!("cannot build the HTTP client: {e}")))?;
        Ok(Fetcher {
            client,
            hosts: Arc::new(HostLimits::new(
                config.per_host_concurrency,
                config.per_host_min_delay,
            )),
            shared_turns: None,
            robots: Arc::new(RobotsCache::default()),
            config: Arc::new(config),
        })
    }

    /// Also takes every request start from `clock`, shared with the fetchers of other
    /// processes, so that the minimum gap between starts to a host (with its `Crawl-delay`)
    /// holds across all of them and not only within this one. The per-host concurrency stays
    /// per process. Clones made after this call share the clock.
    pub fn with_host_schedule(mut self, clock: Arc<dyn HostSchedule>) -> Fetcher {
        self.shared_turns = Some(clock);
        self
    }

    /// Whether request starts are taken from a shared host clock
    /// ([`Fetcher::with_host_schedule`]).
    pub fn shares_host_turns(&self) -> bool {
        self.shared_turns.is_some()
    }

    /// The settings this fetcher was built with.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// GETs `url`, sending the validators of an earlier response when given.
    pub async fn get(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        let parsed = Url::parse(url).map_err(|e| FetchError::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        self.get_url(parsed, validators, true, self.config.max_body_bytes)
            .await
    }

    /// GETs `url` as [`Fetcher::get`] does (robots.txt, per-host turns, the address guard),
    /// with no validators and a body cap of `cap_bytes` instead of the configured one (the
    /// smaller of the two): what a small resource such as a site's icon is fetched with.
    pub async fn get_capped(&self, url: &str, cap_bytes: usize) -> Result<Fetched, FetchError> {
        let parsed = Url::parse(url).map_err(|e| FetchError::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        let cap = cap_bytes.min(self.config.max_body_bytes);
        self.get_url(parsed, &Validators::default(), true, cap)
            .await
    }

    /// POSTs a form (`application/x-www-form-urlencoded`) to `url` with the GET's care: the
    /// address guard, the per-host turn, the timeouts. A `307` or `308` answer is followed
    /// with the same method and form (the address guard again at each step, at most
    /// `max_redirects`, never from `https` to `http`: a form sent over TLS may hold a
    /// secret); `301`, `302` and `303`, which clients turn into a GET, are
    /// [`FetchError::Redirect`] (the form would be lost). A status other than 2xx is
    /// [`FetchError::Status`], with the start of the answer's text as its reason. What a
    /// WebSub subscription request is.
    pub async fn post_form(
        &self,
        url: &str,
        fields: &[(&str, &str)],
    ) -> Result<PostAnswer, FetchError> {
        let mut current = Url::parse(url).map_err(|e| FetchError::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let timeout_secs = self.config.timeout.as_secs();
        let mut visited: Vec<Url> = Vec::new();
        let response = loop {
            self.check_address(&current)?;
            let _turn = self
                .hosts
                .turn(&host_key(&current), self.shared_turns.as_deref())
                .await;
            let response = self
                .client
                .post(current.clone())
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body.clone())
                .send()
                .await
                .map_err(|e| FetchError::from_reqwest(&e, timeout_secs))?;
            let status = response.status();
            if status.is_success() {
                return Ok(PostAnswer {
                    status: status.as_u16(),
                });
            }
            if !status.is_redirection() {
                break response;
            }
            let location = header_text(response.headers(), LOCATION.as_str());
            let next = post_redirect(
                &current,
                status,
                location.as_deref(),
                &visited,
                self.config.max_redirects,
            )?;
            visited.push(std::mem::replace(&mut current, next));
        };
        let status = response.status();
        let retry_after = retry_after(response.headers(), SystemTime::now());
        let mut text = BytesMut::new();
        let mut stream = response.bytes_stream();
        while let Some(Ok(chunk)) = stream.next().await {
            let room = MAX_POST_ANSWER_BYTES.saturating_sub(text.len());
            text.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if text.len() >= MAX_POST_ANSWER_BYTES {
                break;
            }
        }
        let said: String = String::from_utf8_lossy(&text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let reason = status.canonical_reason().unwrap_or("").to_string();
        Err(FetchError::Status {
            status: status.as_u16(),
            reason: if said.is_empty() {
                reason
            } else {
                format!("{reason}: {said}")
            },
            retry_after,
        })
    }

    async fn get_url(
        &self,
        start: Url,
        validators: &Validators,
        obey_robots: bool,
        cap: usize,
    ) -> Result<Fetched, FetchError> {
        let timeout_secs = self.config.timeout.as_secs();
        let mut current = start;
        let mut visited: Vec<Url> = Vec::new();
        let mut all_permanent = true;
        loop {
            self.check_address(&current)?;
            if obey_robots && self.config.respect_robots {
                self.check_robots(&current).await?;
            }
            let _turn = self
                .hosts
                .turn(&host_key(&current), self.shared_turns.as_deref())
                .await;
            let mut request = self.client.get(current.clone());
            if let Some(etag) = &validators.etag {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(modified) = &validators.last_modified {
                request = request.header(IF_MODIFIED_SINCE, modified);
            }
            let response = request
                .send()
                .await
                .map_err(|e| FetchError::from_reqwest(&e, timeout_secs))?;
            let status = response.status();

            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let location = header_text(response.headers(), LOCATION.as_str());
                let next = next_hop(
                    &current,
                    status,
                    location.as_deref(),
                    &visited,
                    self.config.max_redirects,
                )?;
                all_permanent &= matches!(
                    status,
                    StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
                );
                visited.push(std::mem::replace(&mut current, next));
                continue;
            }
            if status == StatusCode::NOT_MODIFIED {
                return Ok(Fetched::NotModified);
            }
            if !status.is_success() {
                return Err(FetchError::Status {
                    status: status.as_u16(),
                    reason: status.canonical_reason().unwrap_or("").to_string(),
                    retry_after: retry_after(response.headers(), SystemTime::now()),
                });
            }
            if response
                .content_length()
                .is_some_and(|len| len > cap as u64)
            {
                return Err(FetchError::TooLarge { cap_bytes: cap });
            }
            let headers = response.headers().clone();
            let mut body = BytesMut::new();
            let mut stream = response.bytes_stream();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|e| FetchError::from_reqwest(&e, timeout_secs))?;
                if body.len() + chunk.len() > cap {
                    return Err(FetchError::TooLarge { cap_bytes: cap });
                }
                body.extend_from_slice(&chunk);
            }
            let final_url = current.to_string();
            return Ok(Fetched::Document(Document {
                permanent_redirect: (!visited.is_empty() && all_permanent)
                    .then(|| final_url.clone()),
                final_url,
                content_type: header_text(&headers, CONTENT_TYPE.as_str()),
                validators: Validators {
                    etag: header_text(&headers, ETAG.as_str()),
                    last_modified: header_text(&headers, LAST_MODIFIED.as_str()),
                },
                max_age: max_age(&headers),
                link_headers: headers
                    .get_all(LINK)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .take(MAX_LINK_HEADERS)
                    .map(str::to_string)
                    .collect(),
                body: body.freeze(),
            }));
        }
    }

    /// Refuses non-web schemes and, unless allowed, private IP literals. Host names are
    /// checked by the resolver.
    fn check_address(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(FetchError::InvalidUrl {
                url: url.to_string(),
                reason: "only http and https URLs can be fetched".to_string(),
            });
        }
        if !self.config.allow_private_addresses
            && let Some(ip) = literal_ip(url)
            && !is_public_address(ip)
        {
            return Err(FetchError::PrivateAddress(ip.to_string()));
        }
        Ok(())
    }

    /// Asks the site's robots.txt (fetched and cached on first use) about `url`.
    async fn check_robots(&self, url: &Url) -> Result<(), FetchError> {
        if url.path() == "/robots.txt" {
            return Ok(());
        }
        let site = url.origin().ascii_serialization();
        let rules = match self.robots.get(&site) {
            Some(rules) => rules,
            None => {
                let rules = self.fetch_robots(&site).await?;
                if let Some(delay) = rules.crawl_delay() {
                    self.hosts.apply_crawl_delay(&host_key(url), delay).await;
                }
                self.robots.put(&site, rules)
            }
        };
        rules.check(url.as_str()).map_err(FetchError::Robots)
    }

    /// Fetches a site's rules. A site that cannot be reached at all gives that error (the
    /// request would fail the same way), and nothing is cached.
    async fn fetch_robots(&self, site: &str) -> Result<Rules, FetchError> {
        let Ok(url) = Url::parse(&format!("{site}/robots.txt")) else {
            return Ok(Rules::AllowAll);
        };
        // Boxed: this is the one place the fetch calls itself (without robots).
        let fetched =
            Box::pin(self.get_url(url, &Validators::default(), false, MAX_ROBOTS_BYTES)).await;
        Ok(match fetched {
            Ok(Fetched::Document(doc)) => Rules::parse(&self.config.robots_agent, &doc.body),
            Ok(Fetched::NotModified) => Rules::AllowAll,
            Err(FetchError::Status { status, .. }) if (400..500).contains(&status) => {
                Rules::AllowAll
            }
            Err(err @ (FetchError::Connect(_) | FetchError::Timeout(_))) => return Err(err),
            // The request itself will be refused with the clearer error.
            Err(FetchError::PrivateAddress(_)) => Rules::AllowAll,
            Err(FetchError::TooLarge { .. }) => Rules::AllowAll,
            Err(err) => Rules::Unreachable(err.to_string()),
        })
    }
}

/// The host (and port) per-host limits are kept by.
fn host_key(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        _ => String::new(),
    }
}

/// Where the redirect `status` (with its `Location`) from `current` leads: at most
/// `max_redirects` hops (`visited` holds the addresses before `current`), without loops, and
/// to web URLs only. Every redirect, of a GET or a form POST, passes these checks.
fn next_hop(
    current: &Url,
    status: StatusCode,
    location: Option<&str>,
    visited: &[Url],
    max_redirects: usize,
) -> Result<Url, FetchError> {
    let location = location
        .ok_or_else(|| FetchError::Redirect(format!("HTTP {status} without a Location")))?;
    let next = current
        .join(location)
        .map_err(|e| FetchError::Redirect(format!("invalid Location {location:?}: {e}")))?;
    if visited.len() >= max_redirects {
        return Err(FetchError::Redirect(format!(
            "more than {max_redirects} redirects"
        )));
    }
    if &next == current || visited.contains(&next) {
        return Err(FetchError::Redirect(format!(
            "redirect loop back to {next}"
        )));
    }
    if !matches!(next.scheme(), "http" | "https") {
        return Err(FetchError::Redirect(format!(
            "redirect to a non-web URL {next}"
        )));
    }
    Ok(next)
}

/// Where a form POST to `current` answered with the redirect `status` (and `Location`) goes
/// next: only `307` and `308` keep the method and the body, so only they are followed,
/// through [`next_hop`]'s checks and never from `https` down to `http`.
fn post_redirect(
    current: &Url,
    status: StatusCode,
    location: Option<&str>,
    visited: &[Url],
    max_redirects: usize,
) -> Result<Url, FetchError> {
    if !matches!(
        status,
        StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT
    ) {
        return Err(FetchError::Redirect(format!(
            "HTTP {status} to {}: a form POST is followed only through 307 or 308 \
             (this answer turns it into a GET, which loses the form)",
            location.unwrap_or("nowhere")
        )));
    }
    let next = next_hop(current, status, location, visited, max_redirects)?;
    if current.scheme() == "https" && next.scheme() == "http" {
        return Err(FetchError::Redirect(format!(
            "HTTP {status} from https to plain http ({next}): a form sent over TLS is not \
             sent on in clear"
        )));
    }
    Ok(next)
}

/// The IP address a URL names directly, if its host is an IP literal.
fn literal_ip(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        Host::Domain(_) => None,
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("URL")
    }

    #[test]
    fn a_form_post_follows_only_307_and_308_and_never_down_to_http() {
        let hub = url("https://hub.example/sub");
        let follow = |status: u16, location: &str| {
            post_redirect(
                &hub,
                StatusCode::from_u16(status).expect("status"),
                Some(location),
                &[],
                5,
            )
        };
        assert_eq!(
            follow(307, "/v2/sub").expect("307").as_str(),
            "https://hub.example/v2/sub"
        );
        assert_eq!(
            follow(308, "https://other.example/").expect("308").as_str(),
            "https://other.example/"
        );
        for status in [301, 302, 303] {
            let err = follow(status, "/v2/sub")
                .expect_err("not followed")
                .to_string();
            assert!(err.contains("only through 307 or 308"), "{status}: {err}");
        }
        let err = follow(307, "http://hub.example/sub").expect_err("downgrade");
        assert!(err.to_string().contains("plain http"), "{err}");
        assert!(follow(307, "ftp://hub.example/").is_err());
        assert!(follow(307, "/sub").is_err(), "a loop to itself");
        let five: Vec<Url> = (0..5)
            .map(|i| url(&format!("https://hub.example/{i}")))
            .collect();
        let err = post_redirect(
            &hub,
            StatusCode::TEMPORARY_REDIRECT,
            Some("/next"),
            &five,
            5,
        )
        .expect_err("too many");
        assert!(err.to_string().contains("more than 5"), "{err}");
        assert!(post_redirect(&hub, StatusCode::TEMPORARY_REDIRECT, None, &[], 5).is_err());
    }
}
