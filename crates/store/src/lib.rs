//! The Tidings database.
//!
//! One schema, kept for SQLite (the embedded default, WAL mode, in the data directory) and for
//! PostgreSQL (when several processes share one database), reached through one code path:
//! sqlx's `AnyPool`, with times stored as epoch integers. The few places where the two
//! dialects differ live in [`Backend`].
//!
//! The store is reached through [`Store`], which hands out one repository per table:
//! [`Sources`], [`Articles`], [`Stories`] (and their links across languages,
//! [`CrossLanguage`], and the [`StoriesToUnderstand`] again after they lost articles), the
//! [`Insights`] computed for stories with the entities they name (one entity across
//! languages: [`EntityGroups`]), the
//! durable job queue [`Jobs`], and the people who comment:
//! [`Users`], [`Sessions`], the [`PasswordResets`] links that let an account back in,
//! [`Comments`], the [`Replies`] to each account's comments, [`Moderation`] and [`Bans`]; and
//! each account's
//! reading ([`Reading`]: folders, subscriptions, follows, read and starred marks), what it
//! hid from its pages ([`HiddenThings`]) and the [`ApiKeys`] its apps log in with; and the
//! [`WebSub`] subscriptions through which hubs push feeds; each source's [`SourceIcons`]; and the [`HostTurns`] that space
//! request starts to a host across every process that fetches.
//!
//! ```no_run
//! # async fn demo() -> Result<(), tidings_store::StoreError> {
//! let store = tidings_store::Store::open("sqlite://tidings.db?mode=rwc", Default::default()).await?;
//! for source in store.sources().list().await? {
//!     println!("{} {}", source.id, source.url);
//! }
//! # Ok(()) }
//! ```

mod api_keys;
mod articles;
mod backend;
pub mod backup;
mod bans;
mod comments;
pub mod copy;
mod crosslang;
mod entity_groups;
mod error;
mod headline;
mod hidden;
mod host_turns;
mod icons;
mod id_list;
mod insights;
mod jobs;
mod leadership;
mod linking_lock;
mod migrations;
mod moderation;
mod names;
mod orphans;
mod password_resets;
mod reading;
mod replies;
mod retention;
mod revision;
mod sessions;
mod source_admin;
mod source_merge;
mod source_review;
mod sources;
mod stats;
mod store;
mod stories;
mod stories_to_understand;
#[cfg(feature = "testing")]
pub mod testing;
mod users;
mod websub;
mod write_transaction;

pub use api_keys::{ApiKey, ApiKeys};
pub use articles::{
    ArticleLabels, ArticleListing, Articles, CanonicalMove, Exclusions, ListFilter, PageContent,
    Republication, StoredEntries,
};
pub use backend::Backend;
pub use bans::{BanOutcome, BannedAccount, Bans};
pub use comments::{AuthoredComment, Comments, NewComment};
pub use crosslang::{CandidateQuery, CrossLanguage, KeyedStory, StoryKey};
pub use entity_groups::{EntityGroup, EntityGroups, EntityLookup};
pub use error::StoreError;
pub use hidden::{
    Hidden, HiddenKind, HiddenThing, HiddenThings, HideOutcome, MAX_HIDDEN, MAX_WORD_CHARS,
    WordError, hidden_words,
};
pub use host_turns::HostTurns;
pub use icons::{IconMark, NewIcon, SourceIcons, StoredIcon};
pub use insights::{Insights, StoredInsight, StoryEntity};
pub use jobs::{Job, JobCounts, Jobs, KindCounts, NewJob, RetryPolicy};
pub use leadership::Leadership;
pub use linking_lock::LinkingLock;
pub use moderation::{FiledReport, LogEntry, LogLineAbout, Moderation, QueueItem};
pub use names::lookalike_key;
pub use orphans::ForgottenArticles;
pub use password_resets::{PasswordResets, ResetLink};
pub use reading::{
    Folder, Follow, FollowKind, ImportedFeed, Item, ItemOrder, ItemQuery, ItemScope, MarkKind,
    MarkedArticle, Reading, Subscription,
};
pub use replies::{Replies, Reply, UNREAD_CAP};
pub use retention::Retention;
pub use sessions::{Ended, LoginCursor, LoginSession, SessionRecord, Sessions};
pub use source_admin::{Edited, SourceEdit};
pub use source_review::{AddedBy, AwaitingSource};
pub use sources::{FetchSuccess, NewSource, Sources};
pub use stats::{JobGroup, Stats, StoreStats};
pub use store::{Store, StoreOptions};
pub use stories::{ArticleText, Placement, PlacementBatch, Stories, StoryReport};
pub use stories_to_understand::{StoriesToUnderstand, TakenStories};
pub use users::{AccountLine, Credentials, NewUser, Users, name_key};
pub use websub::{
    DENIED_RETRY_SECS, NewPushSubscription, PUSH_JOB_KIND, PendingUnsubscribe, PushOutcome,
    PushState, PushSubscription, UNSUBSCRIBE_ATTEMPTS, WebSub, push_job, renewal_time,
};
