//! The scheduler and the job handlers that walk each source through the pipeline.
//!
//! ```text
//! scheduler ──enqueue──▶ jobs table ──claim──▶ worker ──▶ fetch ▶ parse ▶ articles
//! articles (text final) ──▶ assign_stories ──▶ stories
//! ```
//!
//! The [`scheduler`] finds sources that are due and enqueues one `fetch_source` [`Task`] per
//! source (keyed, so never twice), and reclaims the jobs of workers that died. Each [`worker`]
//! claims a job with a lease, keeps the lease alive while it works, and completes or fails it.
//! The [`fetch_source`] handler fetches the feed, parses it, turns its entries into articles
//! ([`entry_to_article`]) and stores the new ones in one transaction, queueing a
//! [`fetch_article`] job (in the same transaction) for each new article whose feed text is a
//! [`teaser`]. Every step is idempotent:
//! articles are keyed by canonical URL, so a job run twice after a crash adds nothing.
//! The story assigner ([`assign_stories`]) places each article whose text is final in a
//! story, in arrival order, one transaction per batch, and queues an [`understand_story`]
//! job for each story changed (summary, key points, entities, timeline, and the links to the
//! same event's stories in other languages, [`link_languages`], whose entities named alike
//! become one, [`merge_entities`]); [`index_search`] then
//! indexes each placed article for search. A story that loses articles (a source removed,
//! [`retention`]) is queued by the store and understood again from the articles it keeps
//! ([`understand_again`], drained by the scheduler). A source whose feed announces a WebSub
//! hub is subscribed to when the site is reachable ([`websub`]): the hub's pushes are
//! ingested like fetched feeds, and polling slows to a safety net. On PostgreSQL the fetcher
//! spaces its request starts to each host by a clock in the database ([`host_turns`]), so
//! the per-host gap holds across every worker process. After a successful fetch of a source
//! whose icon is missing or a week old, a low-priority [`fetch_icon`] job finds and stores it.

pub mod assign_stories;
pub mod backoff;
pub mod entry_to_article;
mod error;
mod feed_document;
pub mod fetch_article;
pub mod fetch_icon;
pub mod fetch_source;
pub mod host_turns;
pub mod html_text;
pub mod index_search;
mod labels;
pub mod link_languages;
pub mod merge_entities;
mod pipeline;
pub mod poll_interval;
pub mod retention;
pub mod role;
pub mod scheduler;
mod task;
pub mod teaser;
mod time;
pub mod understand_again;
pub mod understand_story;
pub mod websub;
pub mod worker;

pub use error::PipelineError;
pub use pipeline::{BundledDocuments, DEFAULT_MAX_ENTRIES_PER_FEED, Pipeline, PipelineSettings};
pub use task::Task;
