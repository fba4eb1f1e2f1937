//! Settings: the TOML file, then `TIDINGS_*` variables and flags over it, then defaults.
//!
//! ```toml
//! data_dir = "/var/lib/tidings"
//! # database_url = "postgres://tidings@localhost/tidings"
//! listen = "127.0.0.1:8080"
//! site_name = "Tidings"
//! # base_url = "https://news.example"   # else taken from each request's Host header
//! default_sources = true
//!
//! [fetch]
//! timeout_secs = 30
//! max_body_bytes = 8388608
//! max_entries_per_feed = 500
//! allow_private_addresses = false
//!
//! [pipeline]
//! workers = 4
//! poll_interval_secs = 900
//!
//! [server]
//! header_read_timeout_secs = 20   # a client that has not sent its headers by then is cut off
//! max_connections = 10000
//!
//! [websub]
//! # enabled = true   # default: only when base_url is https on a public host
//! # allow_insecure_hubs = false   # subscribe to http:// hubs too (the secret goes in clear)
//! ```
//!
//! The README lists every key.

use crate::cli::{GlobalArgs, ServeArgs};
use anyhow::Context;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tidings_fetch::FetchConfig;
use tidings_insight::llm::LlmConfig;
use tidings_pipeline::PipelineSettings;
use tidings_pipeline::retention::RetentionPolicy;
use tidings_web::people::PeopleConfig;

/// The configuration file's contents; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    /// The data directory.
    pub data_dir: Option<PathBuf>,
    /// The database URL.
    pub database_url: Option<String>,
    /// The address to listen on.
    pub listen: Option<String>,
    /// The site's name.
    pub site_name: Option<String>,
    /// The site's public base URL, for absolute links in feeds and API answers.
    pub base_url: Option<String>,
    /// Whether an empty database gets the default sources.
    pub default_sources: Option<bool>,
    /// How much of an article pages show: `full` or `excerpt` (the default; sources may
    /// override it with `tidings sources display`).
    pub display: Option<String>,
    /// `[fetch]`.
    pub fetch: FetchFile,
    /// `[pipeline]`.
    pub pipeline: PipelineFile,
    /// `[llm]`: an optional OpenAI-compatible chat endpoint.
    pub llm: Option<LlmFile>,
    /// `[people]`: sign-up, pre-moderation, sessions, rate limits, the login throttle.
    pub people: PeopleConfig,
    /// `[retention]`: how long full text and articles are kept.
    pub retention: RetentionFile,
    /// `[websub]`: whether sources whose feed announces a hub are subscribed to.
    pub websub: WebSubFile,
    /// `[server]`: the web server's connection limits.
    pub server: ServerFile,
}

/// `[server]` in the configuration file: limits on the connections the web server holds.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerFile {
    /// Seconds a client has to send a request's headers (also the idle keep-alive limit).
    pub header_read_timeout_secs: Option<u64>,
    /// The most connections served at once.
    pub max_connections: Option<usize>,
}

/// The connection limits of `[server]`, checked.
fn server_limits(file: &ServerFile) -> anyhow::Result<tidings_web::ServerLimits> {
    let defaults = tidings_web::ServerLimits::default();
    let limits = tidings_web::ServerLimits {
        header_read_timeout: file
            .header_read_timeout_secs
            .map(Duration::from_secs)
            .unwrap_or(defaults.header_read_timeout),
        max_connections: file.max_connections.unwrap_or(defaults.max_connections),
    };
    if limits.header_read_timeout.is_zero() {
        anyhow::bail!("[server] header_read_timeout_secs must be at least 1");
    }
    if limits.max_connections == 0 {
        anyhow::bail!("[server] max_connections must be at least 1");
    }
    Ok(limits)
}

/// `[websub]` in the configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebSubFile {
    /// `true`: subscribe (needs `base_url`, which hubs must be able to reach); `false`:
    /// never; unset: when `base_url` is an `https://` URL on a public host.
    pub enabled: Option<bool>,
    /// Whether hubs on plain `http://` are subscribed to (their `hub.secret` then travels in
    /// clear); by default they are not and their sources are polled.
    pub allow_insecure_hubs: bool,
}

/// The WebSub settings the file asks for: `enabled = false` never subscribes; `enabled =
/// true` subscribes with callbacks under `base_url` (an error without one); unset subscribes
/// only when `base_url` is `https://` on a public host (a name that is not `localhost` or a
/// local suffix, or a public IP address), the one case where hubs can surely reach it.
pub fn websub_settings(
    enabled: Option<bool>,
    base_url: Option<&str>,
) -> anyhow::Result<Option<tidings_pipeline::websub::WebSubSettings>> {
    let settings = base_url.map(tidings_pipeline::websub::WebSubSettings::new);
    match enabled {
        Some(false) => Ok(None),
        Some(true) => settings
            .map(Some)
            .context("[websub] enabled = true needs base_url: the address hubs reach this site at"),
        None => Ok(settings.filter(|_| base_url.is_some_and(is_public_https))),
    }
}

/// Whether `url` is `https://` on a host the internet can reach.
fn is_public_https(url: &str) -> bool {
    let Ok(url) = url::Url::parse(url) else {
        return false;
    };
    if url.scheme() != "https" {
        return false;
    }
    match url.host() {
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name.contains('.')
                && ![
                    ".localhost",
                    ".local",
                    ".internal",
                    ".lan",
                    ".home.arpa",
                    ".test",
                ]
                .iter()
                .any(|suffix| name.ends_with(suffix))
        }
        Some(url::Host::Ipv4(ip)) => tidings_fetch::is_public_address(ip.into()),
        Some(url::Host::Ipv6(ip)) => tidings_fetch::is_public_address(ip.into()),
        None => false,
    }
}

/// `[retention]` in the configuration file. Without it everything is kept.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionFile {
    /// Days an article keeps its full text after its shown time; then only its metadata
    /// (headline, standfirst, byline, outlet, link, times, story) stays. At least 3: the
    /// story assigner reads the text of the last three days.
    pub full_text_days: Option<u64>,
    /// Days after which an article is deleted (stories left empty go with it).
    pub delete_after_days: Option<u64>,
    /// Minutes between two purge passes [default: 60].
    pub interval_minutes: Option<u64>,
}

/// `[llm]` in the configuration file: any OpenAI-compatible chat endpoint (a local
/// llama.cpp or Ollama server, or a hosted one). Without it, everything is extractive.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LlmFile {
    /// The API base, e.g. `http://127.0.0.1:11434/v1` (`/chat/completions` is appended).
    pub base_url: String,
    /// The model name.
    pub model: Option<String>,
    /// The bearer key; `TIDINGS_LLM_API_KEY` in the environment wins over it.
    pub api_key: Option<String>,
    /// The time limit of one call, in seconds.
    pub timeout_secs: Option<u64>,
    /// The most tokens one call generates.
    pub max_tokens: Option<u32>,
    /// The most calls in flight at once.
    pub concurrent_calls: Option<usize>,
}

/// `[fetch]` in the configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FetchFile {
    /// Seconds a whole request may take.
    pub timeout_secs: Option<u64>,
    /// Seconds connecting may take.
    pub connect_timeout_secs: Option<u64>,
    /// The largest response accepted.
    pub max_body_bytes: Option<usize>,
    /// The most redirects followed.
    pub max_redirects: Option<usize>,
    /// Whether loopback and private addresses may be fetched.
    pub allow_private_addresses: Option<bool>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
    /// Requests in flight to one host at once.
    pub per_host_concurrency: Option<usize>,
    /// Milliseconds between the starts of two requests to one host.
    pub per_host_delay_ms: Option<u64>,
    /// Whether robots.txt is obeyed.
    pub respect_robots: Option<bool>,
    /// The most entries of one fetched document read (the newest); the rest are left out.
    pub max_entries_per_feed: Option<usize>,
}

/// `[pipeline]` in the configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PipelineFile {
    /// Jobs run at once.
    pub workers: Option<usize>,
    /// Seconds between fetches of a healthy source.
    pub poll_interval_secs: Option<u64>,
    /// Seconds a claimed job stays leased without a heartbeat.
    pub lease_secs: Option<u64>,
    /// Whether teaser articles are completed from their pages.
    pub fetch_pages: Option<bool>,
    /// Whether each source's icon is looked for (its feed, home page and `/favicon.ico`).
    pub fetch_icons: Option<bool>,
    /// The shortest interval between fetches of a busy source.
    pub min_poll_interval_secs: Option<u64>,
    /// The longest interval between fetches of a quiet, healthy source.
    pub max_poll_interval_secs: Option<u64>,
}

/// Everything a command needs to know, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The data directory.
    pub data_dir: PathBuf,
    /// The database URL.
    pub database_url: String,
    /// The address to listen on.
    pub listen: String,
    /// The site's name.
    pub site_name: String,
    /// The site's public base URL (`https://news.example`); `None` builds absolute links
    /// from each request's `Host` header.
    pub base_url: Option<String>,
    /// Whether an empty database gets the default sources.
    pub load_default_sources: bool,
    /// Whether to load the demo corpus.
    pub demo: bool,
    /// Whether this process runs the scheduler and the workers.
    pub run_workers: bool,
    /// The HTTP client's settings.
    pub fetch: FetchConfig,
    /// The pipeline's settings.
    pub pipeline: PipelineSettings,
    /// The language model, if one is configured.
    pub llm: Option<LlmConfig>,
    /// How much of an article pages and the API show, unless its source says otherwise.
    pub display: tidings_web::DisplayPolicy,
    /// Accounts and comments.
    pub people: PeopleConfig,
    /// The web server's connection limits.
    pub server: tidings_web::ServerLimits,
}

impl Settings {
    /// Resolves the settings for a command from its flags and the file they name.
    pub fn resolve(global: &GlobalArgs, serve: &ServeArgs) -> anyhow::Result<Settings> {
        let file = match &global.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let data_dir = global
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("tidings-data"));
        let database_url = global
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| sqlite_url(&data_dir));
        let defaults = FetchConfig::default();
        let fetch = FetchConfig {
            user_agent: file.fetch.user_agent.unwrap_or(defaults.user_agent),
            timeout: file
                .fetch
                .timeout_secs
                .map(Duration::from_secs)
                .unwrap_or(defaults.timeout),
            connect_timeout: file
                .fetch
                .connect_timeout_secs
                .map(Duration::from_secs)
                .unwrap_or(defaults.connect_timeout),
            max_body_bytes: serve
                .pipeline
                .max_body_bytes
                .or(file.fetch.max_body_bytes)
                .unwrap_or(defaults.max_body_bytes),
            max_redirects: file.fetch.max_redirects.unwrap_or(defaults.max_redirects),
            allow_private_addresses: serve.pipeline.allow_private_addresses
                || file.fetch.allow_private_addresses.unwrap_or(false),
            per_host_concurrency: file
                .fetch
                .per_host_concurrency
                .unwrap_or(defaults.per_host_concurrency),
            per_host_min_delay: serve
                .pipeline
                .per_host_delay_ms
                .or(file.fetch.per_host_delay_ms)
                .map(Duration::from_millis)
                .unwrap_or(defaults.per_host_min_delay),
            respect_robots: file.fetch.respect_robots.unwrap_or(defaults.respect_robots),
            robots_agent: defaults.robots_agent,
        };
        let base = PipelineSettings::default();
        let pipeline = PipelineSettings {
            workers: serve
                .pipeline
                .workers
                .or(file.pipeline.workers)
                .unwrap_or(base.workers),
            poll_interval: serve
                .pipeline
                .poll_interval
                .or(file.pipeline.poll_interval_secs)
                .map(Duration::from_secs)
                .unwrap_or(base.poll_interval),
            lease: file
                .pipeline
                .lease_secs
                .map(Duration::from_secs)
                .unwrap_or(base.lease),
            min_poll_interval: file
                .pipeline
                .min_poll_interval_secs
                .map(Duration::from_secs)
                .unwrap_or(base.min_poll_interval),
            max_poll_interval: file
                .pipeline
                .max_poll_interval_secs
                .map(Duration::from_secs)
                .unwrap_or(base.max_poll_interval),
            fetch_pages: !serve.pipeline.no_article_pages
                && file.pipeline.fetch_pages.unwrap_or(true),
            fetch_icons: !serve.pipeline.no_icons
                && file.pipeline.fetch_icons.unwrap_or(base.fetch_icons),
            max_entries_per_feed: file
                .fetch
                .max_entries_per_feed
                .unwrap_or(base.max_entries_per_feed),
            exclusive: database_url.starts_with("sqlite:"),
            ..base
        };
        let retention = retention_policy(&file.retention)?;
        let base_url = file
            .base_url
            .map(|b| b.trim().trim_end_matches('/').to_string())
            .filter(|b| !b.is_empty());
        if let Some(base) = &base_url {
            check_base_url(base)?;
        }
        let pipeline = PipelineSettings {
            retention,
            websub: websub_settings(file.websub.enabled, base_url.as_deref())?.map(|w| {
                tidings_pipeline::websub::WebSubSettings {
                    allow_insecure_hubs: file.websub.allow_insecure_hubs,
                    ..w
                }
            }),
            ..pipeline
        };
        let llm = file.llm.filter(|l| !l.base_url.trim().is_empty()).map(|l| {
            let defaults = LlmConfig::default();
            LlmConfig {
                base_url: l.base_url.trim().to_string(),
                model: l.model.unwrap_or(defaults.model),
                api_key: std::env::var("TIDINGS_LLM_API_KEY").ok().or(l.api_key),
                timeout: l
                    .timeout_secs
                    .map(Duration::from_secs)
                    .unwrap_or(defaults.timeout),
                max_tokens: l.max_tokens.unwrap_or(defaults.max_tokens),
                concurrent_calls: l
                    .concurrent_calls
                    .unwrap_or(defaults.concurrent_calls)
                    .max(1),
            }
        });
        let display = match serve.display.clone().or(file.display) {
            Some(name) => tidings_web::DisplayPolicy::parse(&name).with_context(|| {
                format!("display must be \"full\" or \"excerpt\", not {name:?}")
            })?,
            // A private instance, read only by its signed-in readers, shows articles in full;
            // a public one shows excerpts: the text belongs to its publisher.
            None if file.people.private => tidings_web::DisplayPolicy::Full,
            None => tidings_web::DisplayPolicy::Excerpt,
        };
        let server = server_limits(&file.server)?;
        Ok(Settings {
            server,
            display,
            llm,
            people: file.people,
            data_dir,
            database_url,
            listen: serve
                .listen
                .clone()
                .or(file.listen)
                .unwrap_or_else(|| "127.0.0.1:8080".to_string()),
            site_name: file.site_name.unwrap_or_else(|| "Tidings".to_string()),
            base_url,
            load_default_sources: !serve.no_default_sources
                && !serve.demo
                && file.default_sources.unwrap_or(true),
            demo: serve.demo,
            run_workers: !serve.no_workers,
            fetch,
            pipeline,
        })
    }
}

/// The retention policy of `[retention]`, checked.
fn retention_policy(file: &RetentionFile) -> anyhow::Result<RetentionPolicy> {
    const DAY: u64 = 24 * 3600;
    if let Some(days) = file.full_text_days
        && days < 3
    {
        anyhow::bail!(
            "[retention] full_text_days = {days}: at least 3 (stories are formed from the text \
             of the last three days)"
        );
    }
    if let (Some(text), Some(delete)) = (file.full_text_days, file.delete_after_days)
        && delete < text
    {
        anyhow::bail!(
            "[retention] delete_after_days = {delete} is shorter than full_text_days = {text}"
        );
    }
    if file.delete_after_days == Some(0) {
        anyhow::bail!("[retention] delete_after_days = 0 would delete every article");
    }
    let defaults = RetentionPolicy::default();
    Ok(RetentionPolicy {
        full_text: file.full_text_days.map(|d| Duration::from_secs(d * DAY)),
        delete_after: file.delete_after_days.map(|d| Duration::from_secs(d * DAY)),
        interval: file
            .interval_minutes
            .map(|m| Duration::from_secs(m.max(1) * 60))
            .unwrap_or(defaults.interval),
    })
}

/// Refuses a `base_url` that is not an absolute `http(s)://host` address: every link the
/// site gives out (feeds, e-mails, WebSub callbacks) starts with it.
fn check_base_url(base: &str) -> anyhow::Result<()> {
    let usable = url::Url::parse(base)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    if !usable {
        anyhow::bail!(
            "base_url = {base:?} is not an http(s) address: write the address readers use, \
             e.g. base_url = \"https://news.example\""
        );
    }
    Ok(())
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid configuration file {}", path.display()))
}

/// The default database: `tidings.db` in the data directory.
fn sqlite_url(data_dir: &Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("tidings.db").display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_file(text: &str) -> anyhow::Result<Settings> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tidings.toml");
        std::fs::write(&path, text).expect("write");
        let global = GlobalArgs {
            config: Some(path),
            ..GlobalArgs::default()
        };
        Settings::resolve(&global, &ServeArgs::default())
    }

    #[test]
    fn a_private_instance_shows_articles_in_full_unless_told_otherwise() {
        let public = with_file("").expect("resolve");
        assert!(!public.people.private);
        assert_eq!(public.display, tidings_web::DisplayPolicy::Excerpt);
        let private = with_file("[people]\nprivate = true\n").expect("resolve");
        assert!(private.people.private);
        assert_eq!(private.display, tidings_web::DisplayPolicy::Full);
        let chosen = with_file("display = \"excerpt\"\n[people]\nprivate = true\n").expect("x");
        assert_eq!(chosen.display, tidings_web::DisplayPolicy::Excerpt);
    }

    #[test]
    fn retention_is_read_and_checked() {
        let s = with_file("").expect("resolve");
        assert!(
            !s.pipeline.retention.is_active(),
            "everything is kept by default"
        );
        let s = with_file("[retention]\nfull_text_days = 30\ndelete_after_days = 365\n")
            .expect("resolve");
        let day = 24 * 3600;
        assert_eq!(
            s.pipeline.retention.full_text,
            Some(Duration::from_secs(30 * day))
        );
        assert_eq!(
            s.pipeline.retention.delete_after,
            Some(Duration::from_secs(365 * day))
        );
        assert_eq!(s.pipeline.retention.interval, Duration::from_secs(3600));
        let short = with_file("[retention]\nfull_text_days = 1\n").expect_err("too short");
        assert!(short.to_string().contains("at least 3"), "{short}");
        let inverted = with_file("[retention]\nfull_text_days = 30\ndelete_after_days = 7\n")
            .expect_err("inverted");
        assert!(inverted.to_string().contains("shorter than"), "{inverted}");
    }

    #[test]
    fn server_limits_are_read_and_checked() {
        let s = with_file("").expect("resolve");
        assert_eq!(s.server, tidings_web::ServerLimits::default());
        let s = with_file("[server]\nheader_read_timeout_secs = 5\nmax_connections = 300\n")
            .expect("resolve");
        assert_eq!(s.server.header_read_timeout, Duration::from_secs(5));
        assert_eq!(s.server.max_connections, 300);
        let zero = with_file("[server]\nheader_read_timeout_secs = 0\n").expect_err("zero");
        assert!(zero.to_string().contains("at least 1"), "{zero}");
        let none = with_file("[server]\nmax_connections = 0\n").expect_err("zero");
        assert!(none.to_string().contains("at least 1"), "{none}");
    }

    #[test]
    fn defaults_are_sqlite_in_the_data_dir_on_port_8080() {
        let s = Settings::resolve(&GlobalArgs::default(), &ServeArgs::default()).expect("resolve");
        assert_eq!(s.data_dir, PathBuf::from("tidings-data"));
        assert_eq!(s.database_url, "sqlite://tidings-data/tidings.db?mode=rwc");
        assert_eq!(s.listen, "127.0.0.1:8080");
        assert!(s.load_default_sources);
        assert!(s.pipeline.exclusive);
        assert!(!s.fetch.allow_private_addresses);
        assert_eq!(
            s.pipeline.max_entries_per_feed,
            tidings_pipeline::DEFAULT_MAX_ENTRIES_PER_FEED
        );
    }

    #[test]
    fn flags_win_over_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tidings.toml");
        std::fs::write(
            &path,
            "listen = \"0.0.0.0:9000\"\ndata_dir = \"/srv/t\"\n\
             [fetch]\nmax_body_bytes = 1000\nallow_private_addresses = true\n\
             max_entries_per_feed = 40\n\
             [pipeline]\nworkers = 9\npoll_interval_secs = 60\n",
        )
        .expect("write");
        let global = GlobalArgs {
            config: Some(path),
            ..GlobalArgs::default()
        };
        let serve = ServeArgs {
            listen: Some("127.0.0.1:1".into()),
            pipeline: crate::cli::PipelineArgs {
                workers: Some(2),
                ..Default::default()
            },
            ..ServeArgs::default()
        };
        let s = Settings::resolve(&global, &serve).expect("resolve");
        assert_eq!(s.listen, "127.0.0.1:1");
        assert_eq!(s.data_dir, PathBuf::from("/srv/t"));
        assert_eq!(s.pipeline.workers, 2);
        assert_eq!(s.pipeline.poll_interval, Duration::from_secs(60));
        assert_eq!(s.fetch.max_body_bytes, 1000);
        assert!(s.fetch.allow_private_addresses);
        assert_eq!(s.pipeline.max_entries_per_feed, 40);
    }

    #[test]
    fn unknown_keys_are_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "lisen = \"x\"\n").expect("write");
        let global = GlobalArgs {
            config: Some(path),
            ..GlobalArgs::default()
        };
        let err = Settings::resolve(&global, &ServeArgs::default()).expect_err("typo");
        assert!(format!("{err:#}").contains("lisen"), "{err:#}");
    }

    #[test]
    fn an_llm_section_configures_the_model() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tidings.toml");
        std::fs::write(
            &path,
            "[llm]\nbase_url = \"http://127.0.0.1:11434/v1\"\nmodel = \"llama3\"\ntimeout_secs = 5\n\
             concurrent_calls = 4\n",
        )
        .expect("write");
        let global = GlobalArgs {
            config: Some(path),
            ..GlobalArgs::default()
        };
        let s = Settings::resolve(&global, &ServeArgs::default()).expect("resolve");
        let llm = s.llm.expect("configured");
        assert_eq!(llm.base_url, "http://127.0.0.1:11434/v1");
        assert_eq!(llm.model, "llama3");
        assert_eq!(llm.timeout, Duration::from_secs(5));
        assert_eq!(llm.concurrent_calls, 4);
        let none = Settings::resolve(&GlobalArgs::default(), &ServeArgs::default()).expect("x");
        assert!(none.llm.is_none(), "extractive unless configured");
    }

    #[test]
    fn a_base_url_is_read_without_its_trailing_slash() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tidings.toml");
        std::fs::write(&path, "base_url = \"https://news.example/\"\n").expect("write");
        let global = GlobalArgs {
            config: Some(path),
            ..GlobalArgs::default()
        };
        let s = Settings::resolve(&global, &ServeArgs::default()).expect("resolve");
        assert_eq!(s.base_url.as_deref(), Some("https://news.example"));
        let none = Settings::resolve(&GlobalArgs::default(), &ServeArgs::default()).expect("x");
        assert_eq!(
            none.base_url, None,
            "taken from the Host header unless configured"
        );
    }

    #[test]
    fn websub_follows_a_public_https_base_url_unless_told_otherwise() {
        let callbacks = |enabled: Option<bool>, base: Option<&str>| {
            websub_settings(enabled, base)
                .expect("valid")
                .map(|w| w.callback_base)
        };
        assert_eq!(
            callbacks(None, Some("https://news.example/")).as_deref(),
            Some("https://news.example")
        );
        for local in [
            "http://news.example",
            "https://localhost:8080",
            "https://tidings.local",
            "https://127.0.0.1",
            "https://10.0.0.5",
            "https://[::1]:8443",
            "https://intranet",
        ] {
            assert_eq!(callbacks(None, Some(local)), None, "{local}");
        }
        assert_eq!(callbacks(None, None), None);
        assert_eq!(
            callbacks(Some(true), Some("http://127.0.0.1:8080")).as_deref(),
            Some("http://127.0.0.1:8080"),
            "an explicit yes works on any base URL"
        );
        assert_eq!(callbacks(Some(false), Some("https://news.example")), None);
        assert!(websub_settings(Some(true), None).is_err());
        let s = with_file("base_url = \"https://news.example\"\n[websub]\nenabled = false\n")
            .expect("settings");
        assert_eq!(s.pipeline.websub, None);
        let s = with_file("base_url = \"https://news.example\"\n").expect("settings");
        assert!(
            s.pipeline.websub.is_some_and(
                |w| !w.allow_insecure_hubs && w.refusal("http://hub.example/").is_some()
            ),
            "plain-http hubs are refused by default"
        );
        let s = with_file(
            "base_url = \"https://news.example\"\n[websub]\nallow_insecure_hubs = true\n",
        )
        .expect("settings");
        assert!(s.pipeline.websub.is_some_and(|w| w.allow_insecure_hubs));
    }

    #[test]
    fn a_people_section_sets_sign_up_and_limits() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tidings.toml");
        std::fs::write(
            &path,
            "[people]\nsignup_open = false\npremoderate_new_accounts = true\n\
             [people.limits]\ncomments_per_minute_per_account = 2\n\
             [people.login_throttle]\naccount_failures_per_hour = 7\n",
        )
        .expect("write");
        let global = GlobalArgs {
            config: Some(path.clone()),
            ..GlobalArgs::default()
        };
        let s = Settings::resolve(&global, &ServeArgs::default()).expect("resolve");
        assert!(!s.people.signup_open);
        assert!(s.people.premoderate_new_accounts);
        assert_eq!(s.people.limits.comments_per_minute_per_account, 2);
        assert_eq!(
            s.people.limits.logins_per_minute_per_ip, 30,
            "others keep their defaults"
        );
        assert_eq!(s.people.login_throttle.account_failures_per_hour, 7);
        std::fs::write(&path, "[people]\nsignup_opn = false\n").expect("write");
        assert!(
            Settings::resolve(&global, &ServeArgs::default()).is_err(),
            "typos are caught"
        );
        let none = Settings::resolve(&GlobalArgs::default(), &ServeArgs::default()).expect("x");
        assert!(none.people.signup_open, "open by default");
        assert_eq!(
            none.people.reader_sources,
            tidings_web::people::ReaderSources::Review,
            "readers' new sources wait for review by default"
        );
        std::fs::write(&path, "[people]\nreader_sources = \"open\"\n").expect("write");
        let open = Settings::resolve(&global, &ServeArgs::default()).expect("resolve");
        assert_eq!(
            open.people.reader_sources,
            tidings_web::people::ReaderSources::Open
        );
        std::fs::write(&path, "[people]\nreader_sources = \"maybe\"\n").expect("write");
        assert!(Settings::resolve(&global, &ServeArgs::default()).is_err());
    }

    #[test]
    fn a_base_url_that_is_no_web_address_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tidings.toml");
        let global = GlobalArgs {
            config: Some(path.clone()),
            ..GlobalArgs::default()
        };
        for bad in [
            "not a url",
            "news.example",
            "ftp://news.example",
            "https://",
        ] {
            std::fs::write(&path, format!("base_url = {bad:?}\n")).expect("write");
            let err = Settings::resolve(&global, &ServeArgs::default()).expect_err(bad);
            assert!(
                format!("{err:#}").contains("is not an http(s) address"),
                "{bad}: {err:#}"
            );
        }
        std::fs::write(&path, "base_url = \"https://news.example/\"\n").expect("write");
        let s = Settings::resolve(&global, &ServeArgs::default()).expect("a good one");
        assert_eq!(s.base_url.as_deref(), Some("https://news.example"));
    }

    #[test]
    fn demo_mode_skips_the_default_sources() {
        let serve = ServeArgs {
            demo: true,
            ..ServeArgs::default()
        };
        let s = Settings::resolve(&GlobalArgs::default(), &serve).expect("resolve");
        assert!(!s.load_default_sources);
    }
}
