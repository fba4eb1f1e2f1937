//! The command line. Every flag can also be set by a `TIDINGS_*` environment variable or in
//! the TOML file given by `--config`; the command line wins over the environment, which wins
//! over the file.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Tidings reads hundreds of news outlets and turns them into one fast news site.
#[derive(Debug, Parser)]
#[command(name = "tidings", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Options every command shares.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Log filter, e.g. `debug` or `tidings_pipeline=debug` (default: info).
    #[arg(long, global = true, env = "TIDINGS_LOG")]
    pub log: Option<String>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// A TOML configuration file.
    #[arg(long, global = true, env = "TIDINGS_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The data directory [default: ./tidings-data].
    #[arg(long, global = true, env = "TIDINGS_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The database [default: SQLite in the data directory]; `postgres://…` for PostgreSQL.
    #[arg(long, global = true, env = "TIDINGS_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web site, the scheduler and the workers in one process.
    Serve(ServeArgs),
    /// Run the pipeline without the web site, beside other workers and `serve --no-workers`
    /// processes on one PostgreSQL database.
    Worker(WorkerArgs),
    /// Add, list, refresh, pause, resume, edit or remove sources, approve or reject those
    /// readers asked for, and set how much of their articles the site shows.
    #[command(subcommand)]
    Sources(SourcesCommand),
    /// Add every feed of an OPML file as a source (folders become sections).
    ImportOpml {
        /// The OPML file.
        file: PathBuf,
    },
    /// Write every source as OPML, to a file or standard output.
    ExportOpml {
        /// The file to write [default: standard output].
        file: Option<PathBuf>,
        /// Keep the credentials (userinfo, secret query parameters) of feed addresses,
        /// which are otherwise left out.
        #[arg(long)]
        with_credentials: bool,
    },
    /// Extract the article from a page (a URL, or a saved HTML file) and print it.
    Extract {
        /// The page's URL or an HTML file.
        page: String,
        /// How to print it.
        #[arg(long, value_enum, default_value = "text")]
        format: crate::commands::ExtractFormat,
    },
    /// Write a consistent copy of the SQLite database to a new file, while the server runs
    /// (on PostgreSQL: use pg_dump, as the error explains).
    Backup {
        /// The file to write; it must not exist.
        path: PathBuf,
    },
    /// Copy this SQLite installation into an empty PostgreSQL database, every table with its
    /// ids, and check the copy table by table (row counts and checksums).
    Migrate {
        /// The PostgreSQL database to fill, `postgres://…`.
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Measure: extraction, feed parsing, date parsing, clustering, summaries, end-to-end
    /// ingest, workers on PostgreSQL, search, and the web pages.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Search the articles (`tidings search 'flood -sport lang:de'`), or manage the index:
    /// `search rebuild`, `search check [--fix]`. (`tidings search -- check` searches for
    /// the word "check".)
    Search(SearchArgs),
    /// Create, list and change accounts (the first admin comes from here), and let their
    /// owners back in with a new password.
    #[command(subcommand)]
    Users(UsersCommand),
}

/// `users` subcommands.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create an account. The password is read from the first line of standard input, or
    /// from `--password-file`.
    Create {
        /// The login name (3–32 letters, digits, `_ . -`).
        name: String,
        /// Make it an admin.
        #[arg(long, conflicts_with = "moderator")]
        admin: bool,
        /// Make it a moderator.
        #[arg(long)]
        moderator: bool,
        /// Read the password from this file's first line instead of standard input.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// The name shown with its comments [default: the login name].
        #[arg(long)]
        display_name: Option<String>,
    },
    /// List the accounts with their roles and states.
    List,
    /// Change an account's role: reader, moderator or admin.
    SetRole {
        /// The login name.
        name: String,
        /// reader, moderator or admin.
        role: String,
    },
    /// Set an account's password and end every session of it. The password is read from the
    /// first line of standard input, or from `--password-file`, and meets the sign-up rules.
    SetPassword {
        /// The login name.
        name: String,
        /// Read the password from this file's first line instead of standard input.
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// Also revoke every API key of the account (reader apps), in the same transaction:
        /// for an account someone else got into.
        #[arg(long)]
        revoke_api_keys: bool,
    },
    /// Print a one-time link with which the account's owner sets a new password; hand it to
    /// them privately. The link starts with the configuration's `base_url`; without one, with
    /// `http://` and the `listen` address, which you replace with the address readers use.
    /// A new link ends the account's older ones.
    ResetLink {
        /// The login name.
        name: String,
        /// How many hours the link works (1 to 168).
        #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(i64).range(1..=168))]
        hours: i64,
    },
}

/// Options of `search`.
#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SearchArgs {
    /// Index maintenance instead of a query.
    #[command(subcommand)]
    pub command: Option<SearchCommand>,
    /// The query: words, "phrases", -exclude, OR, source:, lang:, entity:, after:, before:.
    /// Quote it (`'flood -sport'`) or put it after `--` when it has exclusions.
    #[arg(num_args = 0..)]
    pub query: Vec<String>,
    /// Order: relevance, date (newest first) or oldest.
    #[arg(long, default_value = "relevance")]
    pub sort: String,
    /// How many stories to show.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// How many stories to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Also print counts by outlet, month and language.
    #[arg(long)]
    pub facets: bool,
    /// The backend: auto (tantivy on SQLite, PostgreSQL full-text on PostgreSQL), tantivy or
    /// postgres.
    #[arg(long, default_value = "auto", env = "TIDINGS_SEARCH_ENGINE")]
    pub engine: String,
}

/// `search` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum SearchCommand {
    /// Empty the index and index every article again from the database.
    Rebuild,
    /// Compare the index with the database (counts, missing and extra ids).
    Check {
        /// Index the missing articles and remove the extra documents.
        #[arg(long)]
        fix: bool,
    },
}

/// `bench` subcommands.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Extract every page of an extraction dataset (ground-truth.jsonl + html/*.html.gz);
    /// writes {"id","body"} lines for its score.py and prints speed and memory.
    Extract {
        /// The dataset directory, e.g. ../shared/bench/extraction.
        dataset: PathBuf,
        /// Where to write the predictions.
        #[arg(long)]
        out: PathBuf,
    },
    /// Parse every document of a feed corpus (expectations.jsonl: `file` and `input` only);
    /// writes the scorer's schema and prints speed.
    Feeds {
        /// The corpus directory, e.g. ../shared/bench/feeds.
        dataset: PathBuf,
        /// Where to write the parsed output.
        #[arg(long)]
        out: PathBuf,
    },
    /// Parse the date strings of a dates.jsonl (`input` only).
    Dates {
        /// The dates file, e.g. ../shared/bench/feeds/dates.jsonl.
        dates: PathBuf,
        /// Where to write {"input","utc"} lines.
        #[arg(long)]
        out: PathBuf,
    },
    /// Cluster a stream of articles (lines {"id","title","body",…} in arrival order; a
    /// `cluster` field is never read) into stories; writes {"id","cluster"} lines for the
    /// clustering set's score.py and prints articles/s and peak memory.
    Cluster {
        /// The articles, e.g. ../shared/bench/clustering/ecbplus.dev.jsonl.
        articles: PathBuf,
        /// Where to write the assignments.
        #[arg(long)]
        out: PathBuf,
    },
    /// Summarise story clusters (lines {"cluster_id","articles"}; a `reference` field is
    /// never read); writes {"cluster_id","summary"} lines for the summary set's score.py
    /// and prints the time per summary.
    Summarize {
        /// The clusters, e.g. ../shared/bench/summaries/multinews.dev.jsonl.
        clusters: PathBuf,
        /// Where to write the summaries.
        #[arg(long)]
        out: PathBuf,
        /// Each summary stops at the first sentence that reaches this many words.
        #[arg(long, default_value_t = 250)]
        words: usize,
    },
    /// Ingest a made-up loopback web of feeds and article pages end to end on SQLite.
    Ingest(IngestArgs),
    /// Ingest the loopback web with 1, 2, 4… `tidings worker` processes on PostgreSQL, each
    /// count in a fresh database, and print the rates.
    Workers(WorkersBenchArgs),
    /// Build a search index of articles replayed from the shared corpora and time indexing
    /// and a mixed query set (optionally on PostgreSQL full-text too).
    Search(SearchBenchArgs),
    /// Measure the reader's pages with `wrk`: a static page, the front page and an article
    /// page, over an SQLite database of 100,000 articles in stories.
    Web(WebBenchArgs),
}

/// Options of `bench web`.
#[derive(Debug, Clone, Args)]
pub struct WebBenchArgs {
    /// The shared bench directory (its clustering/ corpora give the texts).
    #[arg(long, default_value = "../shared/bench")]
    pub corpora: PathBuf,
    /// The data directory to build (emptied first unless --reuse, when an earlier run made
    /// it; a directory with other contents is refused).
    #[arg(long, default_value = "target/web-bench")]
    pub dir: PathBuf,
    /// Articles to store.
    #[arg(long, default_value_t = 100_000)]
    pub articles: usize,
    /// Use the database already in --dir instead of building it again.
    #[arg(long)]
    pub reuse: bool,
    /// Seconds per wrk run.
    #[arg(long, default_value_t = 15)]
    pub duration_secs: u64,
    /// wrk connections.
    #[arg(long, default_value_t = 64)]
    pub connections: usize,
    /// Internal: serve the bench database (the child the benchmark starts).
    #[arg(long, hide = true)]
    pub serve: bool,
    /// Internal: the article page the static page is sized after.
    #[arg(long, hide = true)]
    pub article_path: Option<String>,
}

/// Options of `bench search`.
#[derive(Debug, Clone, Args)]
pub struct SearchBenchArgs {
    /// The shared bench directory (clustering/, summaries/, extraction/).
    #[arg(long, default_value = "../shared/bench")]
    pub corpora: PathBuf,
    /// Where to build the index (emptied first, when an earlier run made it; a directory
    /// with other contents is refused).
    #[arg(long, default_value = "target/search-bench")]
    pub dir: PathBuf,
    /// Articles to index.
    #[arg(long, default_value_t = 1_000_000)]
    pub docs: usize,
    /// Indexing threads.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Index writer memory, MiB.
    #[arg(long, default_value_t = 512)]
    pub heap_mib: usize,
    /// Timed passes over the query set.
    #[arg(long, default_value_t = 5)]
    pub passes: usize,
    /// Also index the first `--pg-docs` articles into PostgreSQL full-text search in this
    /// database (in a schema of its own, dropped afterwards) and time the same queries.
    #[arg(long)]
    pub postgres: Option<String>,
    /// Articles for the PostgreSQL run.
    #[arg(long, default_value_t = 100_000)]
    pub pg_docs: usize,
    /// Use (and keep) this schema for the PostgreSQL run instead of a throw-away one; when it
    /// already holds `--pg-docs` articles, only the queries are timed.
    #[arg(long)]
    pub pg_schema: Option<String>,
    /// Time the queries on the index already in `--dir` instead of building it again.
    #[arg(long)]
    pub reuse: bool,
}

/// Options of `bench workers`.
#[derive(Debug, Clone, Args)]
pub struct WorkersBenchArgs {
    /// A PostgreSQL database on the server to use; each run gets a fresh database next to it.
    #[arg(long, value_name = "URL")]
    pub postgres: String,
    /// The worker process counts to measure, e.g. 1,2,4.
    #[arg(long, value_delimiter = ',', default_values_t = [1, 2, 4])]
    pub processes: Vec<usize>,
    /// How many feeds.
    #[arg(long, default_value_t = 500)]
    pub feeds: usize,
    /// Entries per feed.
    #[arg(long, default_value_t = 20)]
    pub entries: usize,
    /// Jobs at once in each process.
    #[arg(long, default_value_t = 4)]
    pub jobs: usize,
    /// Feeds only: do not fetch and extract the article pages.
    #[arg(long)]
    pub no_pages: bool,
    /// No reader: by default one account marks the newest articles read as they arrive, as
    /// readers of a live instance do, so that copies placed later inherit marks.
    #[arg(long)]
    pub no_reader: bool,
    /// Give up on a run after this many seconds.
    #[arg(long, default_value_t = 600)]
    pub timeout_secs: u64,
}

/// Options of `bench ingest`.
#[derive(Debug, Clone, Args)]
pub struct IngestArgs {
    /// How many feeds.
    #[arg(long, default_value_t = 1000)]
    pub feeds: usize,
    /// Entries per feed.
    #[arg(long, default_value_t = 20)]
    pub entries: usize,
    /// Jobs at once.
    #[arg(long, default_value_t = 8)]
    pub workers: usize,
    /// Feeds only: do not fetch and extract the article pages.
    #[arg(long)]
    pub no_pages: bool,
    /// No reader: by default one account marks the newest articles read as they arrive, as
    /// readers of a live instance do, so that copies placed later inherit marks.
    #[arg(long)]
    pub no_reader: bool,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 600)]
    pub timeout_secs: u64,
}

/// Options of `serve`.
#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// The address to listen on [default: 127.0.0.1:8080]; port 0 picks a free port.
    #[arg(long, env = "TIDINGS_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,
    /// Load the bundled demo corpus (fictional outlets, no network needed) instead of the
    /// default sources.
    #[arg(long, env = "TIDINGS_DEMO")]
    pub demo: bool,
    /// Do not load the default world-news sources into an empty database.
    #[arg(long, env = "TIDINGS_NO_DEFAULT_SOURCES")]
    pub no_default_sources: bool,
    /// Serve the web site only: no scheduler, no workers (another process does the fetching).
    #[arg(long, env = "TIDINGS_NO_WORKERS")]
    pub no_workers: bool,
    /// The pipeline's options, shared with `worker`.
    #[command(flatten)]
    pub pipeline: PipelineArgs,
    /// How much of an article pages show: `full`, or `excerpt` (the default) with a link to the
    /// publisher. Sources may override it (`tidings sources display`).
    #[arg(long, env = "TIDINGS_DISPLAY", value_name = "full|excerpt")]
    pub display: Option<String>,
}

/// Options of the pipeline (fetching, extracting, scheduling), shared by `serve` and `worker`.
#[derive(Debug, Clone, Default, Args)]
pub struct PipelineArgs {
    /// Keep feeds' own text: never fetch an article's page to complete a teaser.
    #[arg(long, env = "TIDINGS_NO_ARTICLE_PAGES")]
    pub no_article_pages: bool,
    /// Never look for sources' icons (their feed's image, home page, `/favicon.ico`).
    #[arg(long, env = "TIDINGS_NO_ICONS")]
    pub no_icons: bool,
    /// How many jobs run at once [default: 4].
    #[arg(long, env = "TIDINGS_WORKERS", value_name = "N")]
    pub workers: Option<usize>,
    /// Seconds between fetches of a healthy source whose publishing rate is unknown; known
    /// rates set their own interval, from 5 minutes to 12 hours [default: 900].
    #[arg(long, env = "TIDINGS_POLL_INTERVAL", value_name = "SECS")]
    pub poll_interval: Option<u64>,
    /// Allow fetching loopback and private-network addresses (off by default, for safety).
    #[arg(long, env = "TIDINGS_ALLOW_PRIVATE_ADDRESSES")]
    pub allow_private_addresses: bool,
    /// Milliseconds between the starts of two requests to one host [default: 1000].
    #[arg(long, env = "TIDINGS_PER_HOST_DELAY_MS", value_name = "MS")]
    pub per_host_delay_ms: Option<u64>,
    /// The largest response accepted, in bytes [default: 8388608].
    #[arg(long, env = "TIDINGS_MAX_BODY_BYTES", value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,
}

/// Options of `worker`: the pipeline's, without the web site's (`serve`'s `--demo`,
/// `--no-workers`, `--display`, `--no-default-sources`).
#[derive(Debug, Clone, Default, Args)]
pub struct WorkerArgs {
    /// Answer `/metrics` and `/healthz` on this address, for monitoring [default: none].
    #[arg(long, env = "TIDINGS_LISTEN", value_name = "ADDR")]
    pub listen: Option<String>,
    /// The pipeline's options, as `serve` takes them.
    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

impl WorkerArgs {
    /// The same settings as `serve` options, the web site's left at their defaults (the
    /// settings are resolved one way for both commands).
    pub fn as_serve_args(&self) -> ServeArgs {
        ServeArgs {
            listen: None,
            pipeline: self.pipeline.clone(),
            ..ServeArgs::default()
        }
    }
}

/// `sources` subcommands.
#[derive(Debug, Subcommand)]
pub enum SourcesCommand {
    /// Add a feed.
    Add {
        /// The feed's URL.
        url: String,
        /// The outlet's name [default: the feed's title, at the first fetch].
        #[arg(long)]
        name: Option<String>,
        /// The section to file it under, e.g. World.
        #[arg(long)]
        category: Option<String>,
    },
    /// List every source with the outcome of its last fetch, then the sources readers added
    /// that await an administrator's review (who asked, since when).
    List,
    /// Approve sources readers added that await review, by id or URL: each becomes public
    /// and is fetched at the next scheduler tick.
    Approve {
        /// The sources' ids or feed URLs (one or more).
        #[arg(required = true)]
        sources: Vec<String>,
    },
    /// Reject sources readers added that await review, by id or URL: each is removed with
    /// its readers' subscriptions.
    Reject {
        /// The sources' ids or feed URLs (one or more).
        #[arg(required = true)]
        sources: Vec<String>,
    },
    /// Fetch a source (or every source) at the next scheduler tick of a running server.
    Refresh {
        /// The source's id or feed URL [default: every source].
        source: Option<String>,
    },
    /// Remove sources, by id or URL, with their articles.
    Remove {
        /// The sources' ids or feed URLs (one or more).
        #[arg(required = true)]
        sources: Vec<String>,
    },
    /// Set how much of a source's articles the site shows, over the instance's `display`.
    Display {
        /// The source's id or feed URL.
        source: String,
        /// `full`, `excerpt`, or `default` to follow the instance.
        policy: String,
    },
    /// Pause sources, by id or URL: not fetched until resumed; their articles stay.
    Pause {
        /// The sources' ids or feed URLs (one or more; all are looked up first).
        #[arg(required = true)]
        sources: Vec<String>,
    },
    /// Resume paused sources, by id or URL: fetched at the next scheduler tick.
    Resume {
        /// The sources' ids or feed URLs (one or more; all are looked up first).
        #[arg(required = true)]
        sources: Vec<String>,
    },
    /// Change a source's name, section or feed address.
    Edit {
        /// The source's id or feed URL.
        source: String,
        /// The outlet's new name ("" lets the feed's title name it at the next fetch).
        #[arg(long)]
        name: Option<String>,
        /// The new section, e.g. World ("" for none).
        #[arg(long, alias = "category")]
        section: Option<String>,
        /// The new feed address: checked as a new source's, due at once, its conditional-GET
        /// validators forgotten.
        #[arg(long)]
        url: Option<String>,
    },
}
