//! Personal reading: each account's folders and subscriptions, its read and starred marks,
//! and the lists of items the reader apps' protocols page through.
//!
//! **Copies fold into one item.** An article that copies another (`duplicate_of`: a wire
//! copy, a republication) and its original form one *group*, keyed by the original's id.
//! Every list here shows one article per group (the one with the lowest id among the
//! articles the list draws from), and every mark (read, unread, starred) is written to every
//! article of the group, so a copy read in one app is read everywhere, under any outlet.
//!
//! Every query is scoped to one account: marks are keyed by `(user_id, article_id)` and no
//! statement reads another account's rows.

use crate::ArticleListing;
use crate::articles::{COLUMNS, Exclusions, listing_from_row};
use crate::stories::{STORY_COLUMNS, story_from_row};
use crate::{NewSource, StoreError, id_list, revision, sources};
use sqlx::{AnyConnection, AnyPool, Row};
use std::collections::HashMap;
use tidings_model::{ArticleId, SourceId, Story, StoryId, UnixSeconds, UserId};

/// A folder of subscriptions (a Miniflux category, a Fever group, a Google Reader label).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// Its id, unique across accounts.
    pub id: i64,
    /// Its name, unique within the account.
    pub title: String,
}

/// A source an account subscribes to, and the folder it is filed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The source.
    pub source_id: SourceId,
    /// The source's name, the same for every reader.
    pub name: String,
    /// The account's own title for the feed, if it gave one (see [`Reading::retitle`]).
    pub title: Option<String>,
    /// The feed's address.
    pub url: String,
    /// The outlet's home page, when known.
    pub site_url: Option<String>,
    /// The folder.
    pub folder: Folder,
    /// When the account subscribed.
    pub created_at: UnixSeconds,
    /// Whether the source waits for an administrator's review (see
    /// [`crate::AddedBy::ReaderForReview`]): not fetched yet.
    pub awaiting_review: bool,
    /// The integer id of the source's icon, when it has one (see [`crate::SourceIcons`]).
    pub icon_id: Option<i64>,
    /// Whether an administrator paused the source: not fetched until resumed.
    pub paused: bool,
}

impl Subscription {
    /// The feed's title as this account sees it: its own title, else the outlet's name (or,
    /// for an outlet without one, its feed's public address).
    pub fn shown_title(&self) -> String {
        match &self.title {
            Some(title) => title.clone(),
            None => tidings_model::shown_source_name(&self.name, &self.url).into_owned(),
        }
    }
}

/// One feed of a subscription import (see [`Reading::import_subscriptions`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportedFeed {
    /// The source to follow: the one with this URL, else this one, added.
    pub source: NewSource,
    /// The name of the account's folder to file it in, made if the account has none.
    pub folder: String,
}

/// Something other than a source an account follows on the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowKind {
    /// A site section, by slug.
    Section,
    /// An entity (person, place, organisation), by slug.
    Entity,
    /// A saved search, by its query text.
    Search,
    /// A developing story, by its id written in decimal (`"42"`).
    Story,
}

impl FollowKind {
    /// Every kind, in the order the site names them.
    pub const ALL: [FollowKind; 4] = [
        FollowKind::Section,
        FollowKind::Entity,
        FollowKind::Search,
        FollowKind::Story,
    ];

    /// The kind's stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            FollowKind::Section => "section",
            FollowKind::Entity => "entity",
            FollowKind::Search => "search",
            FollowKind::Story => "story",
        }
    }

    /// The kind a stored name names.
    pub fn parse(text: &str) -> Option<FollowKind> {
        match text {
            "section" => Some(FollowKind::Section),
            "entity" => Some(FollowKind::Entity),
            "search" => Some(FollowKind::Search),
            "story" => Some(FollowKind::Story),
            _ => None,
        }
    }
}

/// One follow of a section, entity, saved search or story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follow {
    /// What is followed.
    pub kind: FollowKind,
    /// The section or entity slug, the search's query, or the story's id in decimal.
    pub target: String,
}

impl Follow {
    /// The follow of a story, its target written as [`Reading::followed_stories`] reads it.
    pub fn story(id: StoryId) -> Follow {
        Follow {
            kind: FollowKind::Story,
            target: id.0.to_string(),
        }
    }
}

/// Which of an account's marks on articles (see [`Reading::marked`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkKind {
    /// Read.
    Read,
    /// Starred.
    Starred,
}

impl MarkKind {
    /// The column of `article_states` that holds the mark's time.
    fn column(self) -> &'static str {
        match self {
            MarkKind::Read => "read_at",
            MarkKind::Starred => "starred_at",
        }
    }
}

/// One page of an account's marks of `kind` (`$1`: the account, `$2`: the article id after
/// which the page starts, `$3`: its length); see [`Reading::marked`]. The start is written
/// for `articles` too: PostgreSQL carries equalities across a join but not ranges, and
/// without it merged every page with the articles from the first id on.
pub(crate) fn marked_sql(kind: MarkKind) -> String {
    let column = kind.column();
    format!(
        "SELECT st.article_id, a.url, a.title, st.{column} AS at FROM article_states st \
         JOIN articles a ON a.id = st.article_id WHERE st.user_id = $1 \
         AND st.article_id > $2 AND a.id > $2 AND st.{column} IS NOT NULL \
         ORDER BY st.article_id LIMIT $3"
    )
}

/// An article an account marked read or starred, as its data export lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkedArticle {
    /// The article.
    pub article_id: ArticleId,
    /// Its address at its outlet.
    pub url: String,
    /// Its headline.
    pub title: String,
    /// When the account marked it.
    pub at: UnixSeconds,
}

/// Which articles a list draws from, before copies fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemScope {
    /// Every subscribed source's articles.
    Subscribed,
    /// One subscribed source's articles.
    Source(SourceId),
    /// The articles of the subscribed sources filed in one folder.
    Folder(i64),
    /// One story's articles, subscribed or not.
    Story(StoryId),
    /// The starred articles, subscribed or not.
    Starred,
}

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ItemOrder {
    /// Newest first (by shown time, then id).
    #[default]
    NewestFirst,
    /// Oldest first.
    OldestFirst,
    /// Lowest id first (Fever pages by id).
    IdAscending,
    /// Highest id first.
    IdDescending,
    /// Most recently starred first (then highest id): for [`ItemScope::Starred`], whose
    /// items all have a star's time.
    StarredNewestFirst,
}

/// Which items of a scope a list shows, and which page of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemQuery {
    /// Where the items come from.
    pub scope: Option<ItemScope>,
    /// `Some(false)`: unread only; `Some(true)`: read only.
    pub read: Option<bool>,
    /// `Some(true)`: starred only; `Some(false)`: not starred only.
    pub starred: Option<bool>,
    /// Only items with an id above this.
    pub after_id: Option<i64>,
    /// Only items with an id below this.
    pub before_id: Option<i64>,
    /// Only items shown at or after this time.
    pub since: Option<UnixSeconds>,
    /// Only items shown before this time.
    pub until: Option<UnixSeconds>,
    /// Only items that arrived (were fetched) at or after this time: the Google Reader
    /// sync window (`ot`), which counts from when an item reached the site, not from when
    /// its outlet dated it, so an item dated before a client's last sync but fetched after
    /// it is still listed.
    pub arrived_since: Option<UnixSeconds>,
    /// Only items that arrived (were fetched) before this time (`nt`, and the cut-off of
    /// marking all read: an item that arrived after it was never shown to the client).
    pub arrived_before: Option<UnixSeconds>,
    /// Continue after this item, in `order` (a keyset cursor: its shown time, or in
    /// [`ItemOrder::StarredNewestFirst`] its star's time, and its id).
    pub after_key: Option<(i64, i64)>,
    /// The order.
    pub order: ItemOrder,
    /// At most this many (`0`: no limit).
    pub limit: i64,
    /// Skip this many first.
    pub offset: i64,
    /// Articles left out, as a reader's hiding leaves them out of the site's lists (their
    /// outlet, a topic they are tagged with, an entity their story names). Empty: none.
    pub excluded: Exclusions,
    /// Only these articles (a search's matches, say); `None`: no such limit. An empty list
    /// lists nothing.
    pub only: Option<Vec<ArticleId>>,
}

/// One item of a list: an article and this account's marks on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The article, with its outlet's name.
    pub listing: ArticleListing,
    /// The time it was sorted by (published, else updated, else fetched).
    pub sort_at: UnixSeconds,
    /// When the account read it, if it did.
    pub read_at: Option<UnixSeconds>,
    /// When the account starred it, if it did.
    pub starred_at: Option<UnixSeconds>,
}

/// A value bound to a built statement.
#[derive(Debug, Clone)]
enum Bind {
    Int(i64),
    Text(String),
}

/// A statement's `WHERE` conditions and their bound values, parameters numbered in order.
#[derive(Debug, Default)]
struct Conditions {
    clauses: Vec<String>,
    binds: Vec<Bind>,
}

impl Conditions {
    /// Adds a value and returns its parameter (`$n`).
    fn bind(&mut self, value: i64) -> String {
        self.binds.push(Bind::Int(value));
        format!("${}", self.binds.len())
    }

    fn push(&mut self, clause: String) {
        self.clauses.push(clause);
    }

    /// Adds the conditions that leave out what `excluded` names, with their values.
    fn exclude(&mut self, excluded: &Exclusions) {
        let (clauses, binds) = excluded.clauses(self.binds.len() + 1);
        self.binds.extend(binds.into_iter().map(Bind::Text));
        self.clauses.extend(clauses);
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }

    fn apply<'q>(
        &self,
        mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        for bind in &self.binds {
            match bind {
                Bind::Int(v) => query = query.bind(*v),
                Bind::Text(v) => query = query.bind(v.clone()),
            }
        }
        query
    }
}

/// The condition that article `x` belongs to the scope, with the account bound as `user`.
fn in_scope(scope: ItemScope, x: &str, user: &str, c: &mut Conditions) -> String {
    match scope {
        ItemScope::Subscribed => {
            format!("{x}.source_id IN (SELECT source_id FROM subscriptions WHERE user_id = {user})")
        }
        ItemScope::Source(source) => {
            let p = c.bind(source.0);
            format!(
                "{x}.source_id = {p} AND {x}.source_id IN \
                 (SELECT source_id FROM subscriptions WHERE user_id = {user})"
            )
        }
        ItemScope::Folder(folder) => {
            let p = c.bind(folder);
            format!(
                "{x}.source_id IN (SELECT source_id FROM subscriptions \
                 WHERE user_id = {user} AND folder_id = {p})"
            )
        }
        ItemScope::Story(story) => {
            let p = c.bind(story.0);
            format!("{x}.story_id = {p}")
        }
        ItemScope::Starred => format!(
            "EXISTS (SELECT 1 FROM article_states sx WHERE sx.user_id = {user} \
             AND sx.article_id = {x}.id AND sx.starred_at IS NOT NULL)"
        ),
    }
}

/// The statement pieces of a list: the `FROM … WHERE …` with the account's marks joined as
/// `st`, folding copies into the lowest-id article of each group within the scope. The
/// starred articles are read from the account's marks (the index `article_states_starred`),
/// not found among all articles.
fn list_conditions(user: UserId, query: &ItemQuery) -> (String, Conditions) {
    list_conditions_folding(user, query, Folding::InScope)
}

/// Which articles a copy folds into: the lowest-id article of its group in the whole scope,
/// or only among the articles of its own source (as the list of that one source folds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Folding {
    /// Across the scope.
    InScope,
    /// Within each article's own source.
    WithinSource,
}

/// [`list_conditions`], with copies folded as `folding` says.
fn list_conditions_folding(
    user: UserId,
    query: &ItemQuery,
    folding: Folding,
) -> (String, Conditions) {
    let mut c = Conditions::default();
    let u = c.bind(user.0);
    let scope = query.scope.unwrap_or(ItemScope::Subscribed);
    let from = if scope == ItemScope::Starred {
        c.push(format!("st.user_id = {u} AND st.starred_at IS NOT NULL"));
        "FROM article_states st JOIN articles a ON a.id = st.article_id \
         JOIN sources s ON s.id = a.source_id"
            .to_string()
    } else {
        let a_in = in_scope(scope, "a", &u, &mut c);
        c.push(a_in);
        format!(
            "FROM articles a JOIN sources s ON s.id = a.source_id \
             LEFT JOIN article_states st ON st.user_id = {u} AND st.article_id = a.id"
        )
    };
    // Folding: no article of the same group in the scope has a lower id. A copy from a
    // hidden outlet does not count, so a text a hidden outlet carried first is shown from
    // the first outlet the reader did not hide.
    let shown = |x: &str| {
        let same_source = match folding {
            Folding::InScope => String::new(),
            Folding::WithinSource => format!(" AND {x}.source_id = a.source_id"),
        };
        if query.excluded.sources.is_empty() {
            same_source
        } else {
            format!(
                "{same_source} AND {x}.source_id NOT IN ({})",
                id_list::in_list(query.excluded.sources.iter().map(|s| s.0))
            )
        }
    };
    let root_in = in_scope(scope, "r", &u, &mut c);
    c.push(format!(
        "NOT EXISTS (SELECT 1 FROM articles r WHERE a.duplicate_of IS NOT NULL \
         AND r.id = a.duplicate_of AND r.id < a.id AND {root_in}{})",
        shown("r")
    ));
    let copy_in = in_scope(scope, "k", &u, &mut c);
    c.push(format!(
        "NOT EXISTS (SELECT 1 FROM articles k WHERE k.duplicate_of = COALESCE(a.duplicate_of, a.id) \
         AND k.id < a.id AND {copy_in}{})",
        shown("k")
    ));
    match query.read {
        Some(true) => c.push("st.read_at IS NOT NULL".into()),
        Some(false) => c.push("st.read_at IS NULL".into()),
        None => {}
    }
    match query.starred {
        Some(true) => c.push("st.starred_at IS NOT NULL".into()),
        Some(false) => c.push("st.starred_at IS NULL".into()),
        None => {}
    }
    if let Some(id) = query.after_id {
        let p = c.bind(id);
        c.push(format!("a.id > {p}"));
    }
    if let Some(id) = query.before_id {
        let p = c.bind(id);
        c.push(format!("a.id < {p}"));
    }
    if let Some(t) = query.since {
        let p = c.bind(t);
        c.push(format!("a.sort_at >= {p}"));
    }
    if let Some(t) = query.until {
        let p = c.bind(t);
        c.push(format!("a.sort_at < {p}"));
    }
    if let Some(t) = query.arrived_since {
        let p = c.bind(t);
        c.push(format!("a.fetched_at >= {p}"));
    }
    if let Some(t) = query.arrived_before {
        let p = c.bind(t);
        c.push(format!("a.fetched_at < {p}"));
    }
    if let Some((at, id)) = query.after_key {
        let (pa, pa2, pi) = (c.bind(at), c.bind(at), c.bind(id));
        let clause = match query.order {
            ItemOrder::NewestFirst => {
                format!("(a.sort_at < {pa} OR (a.sort_at = {pa2} AND a.id < {pi}))")
            }
            ItemOrder::OldestFirst => {
                format!("(a.sort_at > {pa} OR (a.sort_at = {pa2} AND a.id > {pi}))")
            }
            ItemOrder::IdAscending => format!("a.id > {pi}"),
            ItemOrder::IdDescending => format!("a.id < {pi}"),
            ItemOrder::StarredNewestFirst => format!(
                "(st.starred_at < {pa} OR (st.starred_at = {pa2} AND st.article_id < {pi}))"
            ),
        };
        c.push(clause);
    }
    if let Some(ids) = &query.only {
        if ids.is_empty() {
            c.push("1 = 0".into());
        } else {
            c.push(format!(
                "a.id IN ({})",
                id_list::in_list(ids.iter().map(|id| id.0))
            ));
        }
    }
    c.exclude(&query.excluded);
    (from, c)
}

/// The most items a query lists: its `limit`, or all of them for `0`.
fn limit_of(query: &ItemQuery) -> i64 {
    if query.limit > 0 {
        query.limit
    } else {
        i64::MAX / 2
    }
}

/// The statement of one page of items (see [`Reading::items`]) and its bound values.
fn items_statement(user: UserId, query: &ItemQuery) -> (String, Conditions) {
    let (from, mut c) = list_conditions(user, query);
    let order = order_by(query.order);
    let (pl, po) = (c.bind(limit_of(query)), c.bind(query.offset.max(0)));
    let sql = format!(
        "SELECT {COLUMNS}, a.sort_at, st.read_at, st.starred_at {from} {} \
         ORDER BY {order} LIMIT {pl} OFFSET {po}",
        c.sql()
    );
    (sql, c)
}

/// The statement reading `columns` of the items the query passes, in its order, at most its
/// `limit` (its offset ignored), and its bound values.
fn listed(user: UserId, query: &ItemQuery, columns: &str) -> (String, Conditions) {
    let (from, mut c) = list_conditions(user, query);
    let order = order_by(query.order);
    let pl = c.bind(limit_of(query));
    let sql = format!(
        "SELECT {columns} {from} {} ORDER BY {order} LIMIT {pl}",
        c.sql()
    );
    (sql, c)
}

/// The statement of one page of items and its bound values, to show its plan (see
/// [`crate::testing::saved_items_plan`]): a query that excludes nothing, so every value is
/// an integer.
#[cfg(feature = "testing")]
pub(crate) fn items_sql(user: UserId, query: &ItemQuery) -> (String, Vec<i64>) {
    let (sql, c) = items_statement(user, query);
    let binds = c
        .binds
        .iter()
        .filter_map(|b| match b {
            Bind::Int(v) => Some(*v),
            Bind::Text(_) => None,
        })
        .collect();
    (sql, binds)
}

/// An item from a row of a list statement.
fn item_from_row(r: &sqlx::any::AnyRow) -> Result<Item, StoreError> {
    Ok(Item {
        listing: listing_from_row(r)?,
        sort_at: r.try_get("sort_at")?,
        read_at: r.try_get("read_at")?,
        starred_at: r.try_get("starred_at")?,
    })
}

/// The `ORDER BY` of an order.
fn order_by(order: ItemOrder) -> &'static str {
    match order {
        ItemOrder::NewestFirst => "a.sort_at DESC, a.id DESC",
        ItemOrder::OldestFirst => "a.sort_at ASC, a.id ASC",
        ItemOrder::IdAscending => "a.id ASC",
        ItemOrder::IdDescending => "a.id DESC",
        ItemOrder::StarredNewestFirst => "st.starred_at DESC, st.article_id DESC",
    }
}

/// The ids of every article in the groups of `ids` (the articles, their originals and every
/// copy of those originals), as a subquery over the values bound from `first`.
fn group_of(ids: &[ArticleId], c: &mut Conditions) -> String {
    let list = ids
        .iter()
        .map(|id| c.bind(id.0))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT g.id FROM articles g WHERE g.id IN (SELECT COALESCE(o.duplicate_of, o.id) \
         FROM articles o WHERE o.id IN ({list})) OR g.duplicate_of IN \
         (SELECT COALESCE(o.duplicate_of, o.id) FROM articles o WHERE o.id IN ({list}))"
    )
}

/// The articles of the text of article `$2` (the text's original and its copies) that
/// `$1` has not read, as `g`: a macro, so that the statements below are constants.
macro_rules! unread_of_opened_from {
    () => {
        "FROM articles o JOIN articles g \
         ON g.id = COALESCE(o.duplicate_of, o.id) OR g.duplicate_of = COALESCE(o.duplicate_of, o.id) \
         WHERE o.id = $2 AND NOT EXISTS (SELECT 1 FROM article_states s \
         WHERE s.user_id = $1 AND s.article_id = g.id AND s.read_at IS NOT NULL)"
    };
}

/// How many articles of the opened text `$1` has not read.
const UNREAD_OF_OPENED: &str = concat!("SELECT COUNT(*) ", unread_of_opened_from!());

/// Marks the articles of the opened text `$1` has not read as read at `$3`, and only those.
const MARK_OPENED: &str = concat!(
    "INSERT INTO article_states (user_id, article_id, read_at) SELECT $1, g.id, $3 ",
    unread_of_opened_from!(),
    " ON CONFLICT (user_id, article_id) DO UPDATE SET read_at = excluded.read_at \
     WHERE article_states.read_at IS NULL"
);

/// The most ids one mark statement takes; longer lists are marked in several statements.
const MARK_CHUNK: usize = 200;

/// The statement that subscribes `$1` to source `$2` in folder `$3` at `$4`; a second
/// subscription moves the source to that folder.
const SUBSCRIBE: &str = "INSERT INTO subscriptions (user_id, source_id, folder_id, created_at) \
     VALUES ($1, $2, $3, $4) \
     ON CONFLICT (user_id, source_id) DO UPDATE SET folder_id = excluded.folder_id";

/// The account's folder called `title` on `conn`, made if it has none.
async fn folder_named_on(
    conn: &mut AnyConnection,
    user: UserId,
    title: &str,
    now: UnixSeconds,
) -> Result<Folder, StoreError> {
    sqlx::query(
        "INSERT INTO reading_folders (user_id, title, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, title) DO NOTHING",
    )
    .bind(user.0)
    .bind(title)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let row =
        sqlx::query("SELECT id, title FROM reading_folders WHERE user_id = $1 AND title = $2")
            .bind(user.0)
            .bind(title)
            .fetch_one(&mut *conn)
            .await?;
    Ok(Folder {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
    })
}

/// Reads and writes an account's reading state.
#[derive(Debug, Clone, Copy)]
pub struct Reading<'a> {
    pool: &'a AnyPool,
}

impl<'a> Reading<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        Reading { pool }
    }

    /// The account's folders, by name.
    pub async fn folders(&self, user: UserId) -> Result<Vec<Folder>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, title FROM reading_folders WHERE user_id = $1 ORDER BY title, id",
        )
        .bind(user.0)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Folder {
                    id: r.try_get("id")?,
                    title: r.try_get("title")?,
                })
            })
            .collect()
    }

    /// One of the account's folders by id; `None` when it has no such folder.
    pub async fn folder(&self, user: UserId, id: i64) -> Result<Option<Folder>, StoreError> {
        let row =
            sqlx::query("SELECT id, title FROM reading_folders WHERE user_id = $1 AND id = $2")
                .bind(user.0)
                .bind(id)
                .fetch_optional(self.pool)
                .await?;
        row.map(|r| {
            Ok(Folder {
                id: r.try_get("id")?,
                title: r.try_get("title")?,
            })
        })
        .transpose()
    }

    /// The account's folder called `title`, made if it has none.
    pub async fn folder_named(
        &self,
        user: UserId,
        title: &str,
        now: UnixSeconds,
    ) -> Result<Folder, StoreError> {
        let mut conn = self.pool.acquire().await?;
        folder_named_on(&mut conn, user, title, now).await
    }

    /// Renames one of the account's folders; [`StoreError::NotFound`] when it has none such,
    /// [`StoreError::AlreadyExists`] when the name is taken.
    pub async fn rename_folder(
        &self,
        user: UserId,
        id: i64,
        title: &str,
    ) -> Result<(), StoreError> {
        let done =
            sqlx::query("UPDATE reading_folders SET title = $3 WHERE user_id = $1 AND id = $2")
                .bind(user.0)
                .bind(id)
                .bind(title)
                .execute(self.pool)
                .await
                .map_err(|err| {
                    if StoreError::is_unique_violation(&err) {
                        StoreError::AlreadyExists(format!("folder {title:?}"))
                    } else {
                        err.into()
                    }
                })?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("folder {id}")));
        }
        Ok(())
    }

    /// Deletes one of the account's folders and unsubscribes from the sources in it.
    pub async fn delete_folder(&self, user: UserId, id: i64) -> Result<bool, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        sqlx::query("DELETE FROM subscriptions WHERE user_id = $1 AND folder_id = $2")
            .bind(user.0)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query("DELETE FROM reading_folders WHERE user_id = $1 AND id = $2")
            .bind(user.0)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Deletes one of the account's folders and files its subscriptions in `into` (another of
    /// its folders) instead: nothing is unsubscribed. `Ok(false)` when `id` is not the
    /// account's folder; [`StoreError::NotFound`] when `into` is not, or is `id` itself.
    pub async fn dissolve_folder(
        &self,
        user: UserId,
        id: i64,
        into: i64,
    ) -> Result<bool, StoreError> {
        if id == into || self.folder(user, into).await?.is_none() {
            return Err(StoreError::NotFound(format!("folder {into}")));
        }
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let owned = sqlx::query("SELECT id FROM reading_folders WHERE user_id = $1 AND id = $2")
            .bind(user.0)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if owned.is_none() {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE subscriptions SET folder_id = $3 WHERE user_id = $1 AND folder_id = $2",
        )
        .bind(user.0)
        .bind(id)
        .bind(into)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM reading_folders WHERE user_id = $1 AND id = $2")
            .bind(user.0)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Subscribes the account to a source, filed in `folder` (one of its own); a second
    /// subscription moves it to that folder. [`StoreError::NotFound`] when the folder is
    /// not the account's.
    pub async fn subscribe(
        &self,
        user: UserId,
        source: SourceId,
        folder: i64,
        now: UnixSeconds,
    ) -> Result<(), StoreError> {
        if self.folder(user, folder).await?.is_none() {
            return Err(StoreError::NotFound(format!("folder {folder}")));
        }
        sqlx::query(SUBSCRIBE)
            .bind(user.0)
            .bind(source.0)
            .bind(folder)
            .bind(now)
            .execute(self.pool)
            .await?;
        Ok(())
    }

    /// Subscribes the account to every feed of an import, in ONE transaction: each feed's
    /// source is the one with its URL, else its [`NewSource`] added as [`crate::Sources::add`]
    /// adds one (due for a fetch at once, the site revision bumped); its folder is the
    /// account's folder of that name, else a new one; and the account follows the source
    /// there (a source listed twice ends in the last folder named). Each source it adds is
    /// logged as added by the account, and, with `review`, waits for an administrator's
    /// review (see [`crate::AddedBy`]). Returns how many feeds it followed, one per entry.
    /// All or nothing: when any statement fails, no source, folder, subscription or log
    /// line of the import stays.
    pub async fn import_subscriptions(
        &self,
        user: UserId,
        feeds: &[ImportedFeed],
        review: bool,
        now: UnixSeconds,
    ) -> Result<usize, StoreError> {
        let by = if review {
            crate::AddedBy::ReaderForReview(user)
        } else {
            crate::AddedBy::Account(user)
        };
        if feeds.is_empty() {
            return Ok(0);
        }
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let mut folders: HashMap<&str, i64> = HashMap::new();
        let mut added = false;
        for feed in feeds {
            // A write first: on SQLite the transaction takes the write lock at once rather
            // than upgrading a read lock later, which a concurrent writer could refuse.
            let source = match sources::insert_unless_present(&mut tx, &feed.source, now).await? {
                Some(id) => {
                    added = true;
                    crate::source_review::record_added(&mut tx, id, &feed.source.url, by, now)
                        .await?;
                    id
                }
                None => {
                    let row = sqlx::query("SELECT id FROM sources WHERE url = $1")
                        .bind(&feed.source.url)
                        .fetch_one(&mut *tx)
                        .await?;
                    SourceId(row.try_get("id")?)
                }
            };
            let folder = match folders.get(feed.folder.as_str()) {
                Some(id) => *id,
                None => {
                    let id = folder_named_on(&mut tx, user, &feed.folder, now).await?.id;
                    folders.insert(&feed.folder, id);
                    id
                }
            };
            sqlx::query(SUBSCRIBE)
                .bind(user.0)
                .bind(source.0)
                .bind(folder)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        if added {
            revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(feeds.len())
    }

    /// Gives the account's subscription to `source` its own title, shown to this account
    /// in place of the outlet's name (`None`: the outlet's name again). Only this account's
    /// row changes: the source's name stays as everyone else sees it. Whether the account
    /// follows the source. The caller checks the title (length, characters); it is stored
    /// as the plain text it is.
    pub async fn retitle(
        &self,
        user: UserId,
        source: SourceId,
        title: Option<&str>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE subscriptions SET title = $3 WHERE user_id = $1 AND source_id = $2",
        )
        .bind(user.0)
        .bind(source.0)
        .bind(title)
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Gives several of the account's subscriptions their own titles at once, in one
    /// transaction, as [`Reading::retitle`] gives one (in order: a source listed twice keeps
    /// the last title). Sources the account does not follow are passed over. Returns how
    /// many subscriptions changed.
    pub async fn retitle_all(
        &self,
        user: UserId,
        titles: &[(SourceId, String)],
    ) -> Result<usize, StoreError> {
        if titles.is_empty() {
            return Ok(0);
        }
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let mut changed = 0;
        for (source, title) in titles {
            let done = sqlx::query(
                "UPDATE subscriptions SET title = $3 WHERE user_id = $1 AND source_id = $2",
            )
            .bind(user.0)
            .bind(source.0)
            .bind(title.as_str())
            .execute(&mut *tx)
            .await?;
            changed += usize::try_from(done.rows_affected()).unwrap_or(0);
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Ends the account's subscription to a source; whether it had one.
    pub async fn unsubscribe(&self, user: UserId, source: SourceId) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM subscriptions WHERE user_id = $1 AND source_id = $2")
            .bind(user.0)
            .bind(source.0)
            .execute(self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The account's subscriptions, by the title it sees (its own, else the source's name).
    pub async fn subscriptions(&self, user: UserId) -> Result<Vec<Subscription>, StoreError> {
        self.subscriptions_where(user, None).await
    }

    /// The account's subscription to one source, if it has one.
    pub async fn subscription(
        &self,
        user: UserId,
        source: SourceId,
    ) -> Result<Option<Subscription>, StoreError> {
        Ok(self
            .subscriptions_where(user, Some(source))
            .await?
            .into_iter()
            .next())
    }

    async fn subscriptions_where(
        &self,
        user: UserId,
        source: Option<SourceId>,
    ) -> Result<Vec<Subscription>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, s.name, sub.title AS own_title, s.url, s.site_url, \
             f.id AS folder_id, f.title, sub.created_at, s.pending_since, s.paused_at, i.icon_id \
             FROM subscriptions sub \
             JOIN sources s ON s.id = sub.source_id \
             JOIN reading_folders f ON f.id = sub.folder_id \
             LEFT JOIN source_icons i ON i.source_id = s.id AND i.data_base64 IS NOT NULL \
               AND s.pending_since IS NULL \
             WHERE sub.user_id = $1 AND ($2 = 0 OR sub.source_id = $2) \
             ORDER BY COALESCE(sub.title, s.name), s.id",
        )
        .bind(user.0)
        .bind(source.map_or(0, |s| s.0))
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Subscription {
                    source_id: SourceId(r.try_get("id")?),
                    name: r.try_get("name")?,
                    title: r.try_get("own_title")?,
                    url: r.try_get("url")?,
                    site_url: r.try_get("site_url")?,
                    folder: Folder {
                        id: r.try_get("folder_id")?,
                        title: r.try_get("title")?,
                    },
                    created_at: r.try_get("created_at")?,
                    awaiting_review: r.try_get::<Option<i64>, _>("pending_since")?.is_some(),
                    icon_id: r.try_get("icon_id")?,
                    paused: r.try_get::<Option<i64>, _>("paused_at")?.is_some(),
                })
            })
            .collect()
    }

    /// Follows a section, entity, saved search or story (again: no change). The caller
    /// checks that the target exists; a story is best followed through [`Follow::story`].
    pub async fn follow(
        &self,
        user: UserId,
        follow: &Follow,
        now: UnixSeconds,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO follows (user_id, kind, target, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, kind, target) DO NOTHING",
        )
        .bind(user.0)
        .bind(follow.kind.as_str())
        .bind(&follow.target)
        .bind(now)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Stops following; whether the account followed it.
    pub async fn unfollow(&self, user: UserId, follow: &Follow) -> Result<bool, StoreError> {
        let done =
            sqlx::query("DELETE FROM follows WHERE user_id = $1 AND kind = $2 AND target = $3")
                .bind(user.0)
                .bind(follow.kind.as_str())
                .bind(&follow.target)
                .execute(self.pool)
                .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The stories the account follows that still exist, most recently updated first (by
    /// their latest report, ties newest story first), at most `limit`. A follow whose story
    /// is gone, or whose target is not a story id, is skipped.
    pub async fn followed_stories(
        &self,
        user: UserId,
        limit: i64,
    ) -> Result<Vec<Story>, StoreError> {
        // Targets are text: they are read and parsed here rather than cast in SQL, where
        // PostgreSQL would fail the whole statement on one target that is not a number.
        let rows = sqlx::query("SELECT target FROM follows WHERE user_id = $1 AND kind = $2")
            .bind(user.0)
            .bind(FollowKind::Story.as_str())
            .fetch_all(self.pool)
            .await?;
        let mut ids = Vec::with_capacity(rows.len());
        for r in &rows {
            let target: String = r.try_get("target")?;
            if let Ok(id) = target.parse::<i64>() {
                ids.push(id);
            }
        }
        if ids.is_empty() || limit <= 0 {
            return Ok(Vec::new());
        }
        // A chunk of ids to a statement, each giving its `limit` latest; the latest of those
        // are the latest of all.
        let mut stories: Vec<Story> = Vec::new();
        for chunk in ids.chunks(id_list::CHUNK) {
            let sql = format!(
                "SELECT {STORY_COLUMNS} FROM stories s WHERE s.id IN ({}) \
                 AND s.article_count > 0 ORDER BY s.last_at DESC, s.id DESC LIMIT $1",
                id_list::in_list(chunk.iter().copied())
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(limit)
                .fetch_all(self.pool)
                .await?;
            for row in &rows {
                stories.push(story_from_row(row)?);
            }
        }
        stories.sort_by(|a, b| b.last_at.cmp(&a.last_at).then(b.id.cmp(&a.id)));
        stories.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(stories)
    }

    /// What the account follows besides sources, oldest first.
    pub async fn follows(&self, user: UserId) -> Result<Vec<Follow>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, target FROM follows WHERE user_id = $1 ORDER BY created_at, kind, target",
        )
        .bind(user.0)
        .fetch_all(self.pool)
        .await?;
        let mut follows = Vec::new();
        for r in &rows {
            let kind: String = r.try_get("kind")?;
            if let Some(kind) = FollowKind::parse(&kind) {
                follows.push(Follow {
                    kind,
                    target: r.try_get("target")?,
                });
            }
        }
        Ok(follows)
    }

    /// One page of items (see [`ItemQuery`]), copies folded.
    pub async fn items(&self, user: UserId, query: &ItemQuery) -> Result<Vec<Item>, StoreError> {
        let (sql, c) = items_statement(user, query);
        let rows = c
            .apply(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .fetch_all(self.pool)
            .await?;
        rows.iter().map(item_from_row).collect()
    }

    /// How many items the query's conditions pass, ignoring its page.
    pub async fn count(&self, user: UserId, query: &ItemQuery) -> Result<i64, StoreError> {
        let (from, c) = list_conditions(user, query);
        let sql = format!("SELECT COUNT(*) AS n {from} {}", c.sql());
        let row = c
            .apply(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .fetch_one(self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// The ids of the items the query passes (its page ignored), in its order: what the
    /// protocols' "all unread ids" answers list.
    pub async fn item_ids(
        &self,
        user: UserId,
        query: &ItemQuery,
    ) -> Result<Vec<ArticleId>, StoreError> {
        let (sql, c) = listed(user, query, "a.id");
        let rows = c
            .apply(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .fetch_all(self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(ArticleId(r.try_get("id")?)))
            .collect()
    }

    /// The ids and headlines of the items the query passes (its page ignored, at most its
    /// `limit`), in its order: for a reader who hides words, whose headlines the site
    /// matches itself.
    pub async fn item_headlines(
        &self,
        user: UserId,
        query: &ItemQuery,
    ) -> Result<Vec<(ArticleId, String)>, StoreError> {
        let (sql, c) = listed(user, query, "a.id, a.title");
        let rows = c
            .apply(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .fetch_all(self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((ArticleId(r.try_get("id")?), r.try_get("title")?)))
            .collect()
    }

    /// Unread items per subscribed source (sources with none left out), each counted as the
    /// list of that one source ([`ItemScope::Source`]) shows them: copies folded within the
    /// source only. So a source's count is the length of its unread list, and a wire copy
    /// whose original is in another subscribed source counts in both sources, as it is
    /// listed in both; the sum of the counts can therefore exceed the unread count of all
    /// subscriptions together ([`Reading::count`] over [`ItemScope::Subscribed`]), which
    /// folds the copy into one item.
    pub async fn unread_by_source(&self, user: UserId) -> Result<Vec<(SourceId, i64)>, StoreError> {
        let query = ItemQuery {
            read: Some(false),
            ..ItemQuery::default()
        };
        let (from, c) = list_conditions_folding(user, &query, Folding::WithinSource);
        let sql = format!(
            "SELECT a.source_id, COUNT(*) AS n {from} {} GROUP BY a.source_id ORDER BY a.source_id",
            c.sql()
        );
        let rows = c
            .apply(sqlx::query(sqlx::AssertSqlSafe(sql)))
            .fetch_all(self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((SourceId(r.try_get("source_id")?), r.try_get("n")?)))
            .collect()
    }

    /// Articles by id, with the account's marks, in the order asked (unknown ids left out):
    /// not folded, since the caller named them.
    pub async fn items_by_id(
        &self,
        user: UserId,
        ids: &[ArticleId],
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(MARK_CHUNK) {
            let mut c = Conditions::default();
            let u = c.bind(user.0);
            let list = chunk
                .iter()
                .map(|id| c.bind(id.0))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT {COLUMNS}, a.sort_at, st.read_at, st.starred_at \
                 FROM articles a JOIN sources s ON s.id = a.source_id \
                 LEFT JOIN article_states st ON st.user_id = {u} AND st.article_id = a.id \
                 WHERE a.id IN ({list})"
            );
            let rows = c
                .apply(sqlx::query(sqlx::AssertSqlSafe(sql)))
                .fetch_all(self.pool)
                .await?;
            for r in &rows {
                items.push(item_from_row(r)?);
            }
        }
        // The order asked, found through a map: a long id list must not cost its square.
        let order: std::collections::HashMap<ArticleId, usize> = ids
            .iter()
            .enumerate()
            .rev()
            .map(|(i, id)| (*id, i))
            .collect();
        items.sort_by_key(|item| {
            order
                .get(&item.listing.article.id)
                .copied()
                .unwrap_or(usize::MAX)
        });
        Ok(items)
    }

    /// One page of the articles `user` marked `kind` (each copy its own row, as a mark reaches
    /// every copy), by article id: at most `limit` with an id above `after` (0 for the first
    /// page). A keyset over the primary key `(user_id, article_id)` of `article_states`.
    pub async fn marked(
        &self,
        user: UserId,
        kind: MarkKind,
        after: ArticleId,
        limit: i64,
    ) -> Result<Vec<MarkedArticle>, StoreError> {
        let sql = marked_sql(kind);
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user.0)
            .bind(after.0)
            .bind(limit)
            .fetch_all(self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(MarkedArticle {
                    article_id: ArticleId(r.try_get("article_id")?),
                    url: r.try_get("url")?,
                    title: r.try_get("title")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    /// Marks the articles `ids` and every copy of them (and their originals) read or unread;
    /// returns how many articles changed.
    pub async fn set_read(
        &self,
        user: UserId,
        ids: &[ArticleId],
        read: bool,
        now: UnixSeconds,
    ) -> Result<u64, StoreError> {
        self.mark(user, ids, "read_at", read, now).await
    }

    /// Marks `article` and every copy of it (and its original) read for `user` when one of
    /// them is not, as opening the article does; returns whether anything changed.
    ///
    /// A reader opens what they read again and again: an opening that changes nothing
    /// writes nothing. On PostgreSQL that is one statement, which inserts only the rows not
    /// yet read, so it takes no row lock and writes no tuple when all are. SQLite takes its
    /// one write lock for any `INSERT` before it knows whether a row comes of it, which would
    /// queue every opening behind the pipeline's writes: there the same question is read
    /// first (in the process, no round trip over a network) and the statement run only when
    /// something is unread.
    pub async fn mark_opened(
        &self,
        user: UserId,
        article: ArticleId,
        now: UnixSeconds,
    ) -> Result<bool, StoreError> {
        let sqlite = self.pool.connect_options().database_url.scheme() == "sqlite";
        if sqlite {
            let unread: i64 = sqlx::query_scalar(UNREAD_OF_OPENED)
                .bind(user.0)
                .bind(article.0)
                .fetch_one(self.pool)
                .await?;
            if unread == 0 {
                return Ok(false);
            }
        }
        let done = sqlx::query(MARK_OPENED)
            .bind(user.0)
            .bind(article.0)
            .bind(now)
            .execute(self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Stars or unstars the articles `ids` and every copy of them (and their originals).
    pub async fn set_starred(
        &self,
        user: UserId,
        ids: &[ArticleId],
        starred: bool,
        now: UnixSeconds,
    ) -> Result<u64, StoreError> {
        self.mark(user, ids, "starred_at", starred, now).await
    }

    async fn mark(
        &self,
        user: UserId,
        ids: &[ArticleId],
        column: &'static str,
        on: bool,
        now: UnixSeconds,
    ) -> Result<u64, StoreError> {
        let mut changed = 0;
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        for chunk in ids.chunks(MARK_CHUNK) {
            let mut c = Conditions::default();
            let u = c.bind(user.0);
            let group = group_of(chunk, &mut c);
            let sql = if on {
                let t = c.bind(now);
                format!(
                    "INSERT INTO article_states (user_id, article_id, {column}) \
                     SELECT {u}, x.id, {t} FROM articles x WHERE x.id IN ({group}) \
                     ON CONFLICT (user_id, article_id) DO UPDATE \
                     SET {column} = excluded.{column} WHERE article_states.{column} IS NULL"
                )
            } else {
                format!(
                    "UPDATE article_states SET {column} = NULL WHERE user_id = {u} \
                     AND {column} IS NOT NULL AND article_id IN ({group})"
                )
            };
            let done = c
                .apply(sqlx::query(sqlx::AssertSqlSafe(sql)))
                .execute(&mut *tx)
                .await?;
            changed += done.rows_affected();
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Marks every article of a story read, with every copy of them wherever it was
    /// published; returns how many articles changed.
    pub async fn mark_story_read(
        &self,
        user: UserId,
        story: StoryId,
        now: UnixSeconds,
    ) -> Result<u64, StoreError> {
        let rows = sqlx::query("SELECT id FROM articles WHERE story_id = $1")
            .bind(story.0)
            .fetch_all(self.pool)
            .await?;
        let ids = rows
            .iter()
            .map(|r| Ok(ArticleId(r.try_get("id")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        self.set_read(user, &ids, true, now).await
    }

    /// Marks read every item of `scope` that arrived (was fetched) before `before` (every
    /// one when `None`): the protocols' cut-off is the last item the client received, and
    /// an item fetched after it, however early its outlet dated it, was never shown.
    /// Returns how many articles changed.
    pub async fn mark_all_read(
        &self,
        user: UserId,
        scope: ItemScope,
        before: Option<UnixSeconds>,
        now: UnixSeconds,
    ) -> Result<u64, StoreError> {
        let query = ItemQuery {
            scope: Some(scope),
            read: Some(false),
            arrived_before: before,
            ..ItemQuery::default()
        };
        let ids = self.item_ids(user, &query).await?;
        self.set_read(user, &ids, true, now).await
    }
}
