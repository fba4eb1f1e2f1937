//! The sources repository: the feeds Tidings reads and how fetching each one went.

use crate::StoreError;
use crate::id_list;
use crate::moderation::log_source_line;
use crate::orphans;
use crate::revision;
use crate::source_review::PUBLIC;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};
use tidings_model::{FetchState, Source, SourceId, UnixSeconds, UserId};

/// A source to add.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewSource {
    /// The feed's address.
    pub url: String,
    /// The outlet's name; the feed's own title replaces an empty one at the first fetch.
    pub name: String,
    /// The outlet's home page.
    pub site_url: Option<String>,
    /// The folder or section to file it under.
    pub category: Option<String>,
    /// Its language, when known.
    pub language: Option<String>,
}

/// What a successful fetch tells the store about a source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FetchSuccess {
    /// When the fetch happened.
    pub at: UnixSeconds,
    /// When to fetch it next.
    pub next_fetch_at: UnixSeconds,
    /// The new `ETag`, if the server sent one.
    pub etag: Option<String>,
    /// The new `Last-Modified`, if the server sent one.
    pub last_modified: Option<String>,
    /// The feed's own title, used when the source has no name yet.
    pub feed_title: Option<String>,
    /// How many of the feed's entries were left out for having no usable link; `None` when
    /// the feed was not read (`304 Not Modified`), which keeps the last count.
    pub skipped_no_link: Option<i64>,
}

/// How a source is removed, which decides its log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Removal {
    /// An administrator's (or the command line's) removal: `source-remove`.
    Remove,
    /// An administrator's rejection of a source waiting for review: `source-reject`; a
    /// source that does not wait is left alone.
    Reject,
}

impl Removal {
    /// The moderation log's action for it.
    fn action(self) -> &'static str {
        match self {
            Removal::Remove => "source-remove",
            Removal::Reject => "source-reject",
        }
    }
}

pub(crate) const COLUMNS: &str = "id, url, name, site_url, category, language, display, created_at, next_fetch_at, \
     last_fetch_at, last_success_at, last_error, error_count, etag, last_modified, skipped_no_link, \
     paused_at";

/// Inserts `new` on `conn` (a transaction), due for a fetch at once, unless a source already
/// has its URL: the new source's id, or `None` when the URL was taken (nothing written). The
/// one statement every new source is born from ([`Sources::add`] and
/// [`crate::Reading::import_subscriptions`]); the caller bumps the site revision.
pub(crate) async fn insert_unless_present(
    conn: &mut AnyConnection,
    new: &NewSource,
    now: UnixSeconds,
) -> Result<Option<SourceId>, StoreError> {
    let row = sqlx::query(
        "INSERT INTO sources (url, name, site_url, category, language, created_at, \
         next_fetch_at, error_count) VALUES ($1, $2, $3, $4, $5, $6, $6, 0) \
         ON CONFLICT (url) DO NOTHING RETURNING id",
    )
    .bind(&new.url)
    .bind(&new.name)
    .bind(&new.site_url)
    .bind(&new.category)
    .bind(&new.language)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|row| row.try_get("id").map(SourceId)).transpose()?)
}

/// Reads and writes sources.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    pub(crate) pool: &'a AnyPool,
}

impl<'a> Sources<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        Sources { pool }
    }

    /// Adds a source, public and due for a fetch at once, as the operator adds one (see
    /// [`Sources::add_by`]). Fails with [`StoreError::AlreadyExists`] when its URL is already
    /// a source.
    pub async fn add(&self, new: &NewSource, now: UnixSeconds) -> Result<Source, StoreError> {
        self.add_by(new, crate::AddedBy::Operator, now).await
    }

    /// Adds every source not yet present, in one transaction: all of them or, on an error,
    /// none. Returns how many were added; the others' URLs were already sources. What an
    /// OPML import by the operator writes.
    pub async fn add_all(&self, new: &[NewSource], now: UnixSeconds) -> Result<usize, StoreError> {
        if new.is_empty() {
            return Ok(0);
        }
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let mut added = 0;
        for source in new {
            if insert_unless_present(&mut tx, source, now).await?.is_some() {
                added += 1;
            }
        }
        if added > 0 {
            revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    /// One source by id.
    pub async fn get(&self, id: SourceId) -> Result<Option<Source>, StoreError> {
        self.get_where(id, "1 = 1").await
    }

    /// One source as the public sees it: none while it awaits review (see
    /// [`Sources::awaiting_review`]), since its address is a reader's request, not yet a
    /// source of the site.
    pub async fn get_public(&self, id: SourceId) -> Result<Option<Source>, StoreError> {
        self.get_where(id, PUBLIC).await
    }

    /// Source `id` if it meets `condition` (SQL written here, never input).
    async fn get_where(
        &self,
        id: SourceId,
        condition: &'static str,
    ) -> Result<Option<Source>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM sources WHERE id = $1 AND {condition}"
        ));
        let row = sqlx::query(sql)
            .bind(id.0)
            .fetch_optional(self.pool)
            .await?;
        Ok(row.as_ref().map(source_from_row).transpose()?)
    }

    /// One source by its feed URL.
    pub async fn find_by_url(&self, url: &str) -> Result<Option<Source>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM sources WHERE url = $1"));
        let row = sqlx::query(sql).bind(url).fetch_optional(self.pool).await?;
        Ok(row.as_ref().map(source_from_row).transpose()?)
    }

    /// Every public source (not one waiting for review: see [`Sources::awaiting_review`]),
    /// by category and name.
    pub async fn list(&self) -> Result<Vec<Source>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM sources WHERE {PUBLIC} ORDER BY COALESCE(category, ''), name, id"
        ));
        let rows = sqlx::query(sql).fetch_all(self.pool).await?;
        Ok(rows.iter().map(source_from_row).collect::<Result<_, _>>()?)
    }

    /// The display names (the name, or the feed's public address for a nameless source:
    /// [`tidings_model::shown_source_name`]) of the given
    /// sources that exist, by id: what a list of stories names its outlets with, without
    /// reading every source.
    pub async fn names(&self, ids: &[SourceId]) -> Result<Vec<(SourceId, String)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT id, name, url FROM sources WHERE id IN ({})",
            id_list::in_list(ids.iter().map(|id| id.0))
        ));
        let rows = sqlx::query(sql).fetch_all(self.pool).await?;
        rows.iter()
            .map(|row| {
                let name: String = row.try_get("name")?;
                let url: String = row.try_get("url")?;
                let shown = tidings_model::shown_source_name(&name, &url).into_owned();
                Ok((SourceId(row.try_get("id")?), shown))
            })
            .collect()
    }

    /// The feed URL of each of the given sources that exist, by id, in one statement: what a
    /// feed document names its items' outlets with (RSS's `<source url>`), however many
    /// outlets its items come from. Meant for a page's or a feed's outlets (hundreds at most:
    /// the ids are written into the statement).
    pub async fn feed_urls(&self, ids: &[SourceId]) -> Result<Vec<(SourceId, String)>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT id, url FROM sources WHERE id IN ({})",
            id_list::in_list(ids.iter().map(|id| id.0))
        ));
        let rows = sqlx::query(sql).fetch_all(self.pool).await?;
        rows.iter()
            .map(|row| Ok((SourceId(row.try_get("id")?), row.try_get("url")?)))
            .collect()
    }

    /// How many public sources there are (not counting those waiting for review).
    pub async fn count(&self) -> Result<i64, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM sources WHERE {PUBLIC}"));
        let row = sqlx::query(sql).fetch_one(self.pool).await?;
        Ok(row.try_get("n")?)
    }

    /// Removes a source and, in the same transaction, its articles with what goes along
    /// with them: the comments on their pages and their search documents (queued, see
    /// [`crate::ForgottenArticles`]). Each story they were in is recomputed from the articles
    /// it keeps and loses its summary and its links to other languages, which were made of
    /// them; a story that keeps articles is queued to be understood again from them (see
    /// [`crate::StoriesToUnderstand`]). A story left without articles stays, empty and
    /// unlisted, so that the story assigner, which may still hold it, never places a new
    /// report under a reused id. Readers who hid the source no longer list it. A WebSub
    /// subscription the hub may hold is recorded to be ended there (see
    /// [`crate::WebSub::due_unsubscribes`]). Returns whether it existed.
    pub async fn remove(&self, id: SourceId, now: UnixSeconds) -> Result<bool, StoreError> {
        self.remove_as(id, None, Removal::Remove, now).await
    }

    /// [`Self::remove`], writing `source-remove` by `moderator` (`None`: the command line)
    /// with the source's address and how many articles went, in the same transaction: what
    /// an administrator's removal, on the site or the command line, does.
    pub async fn remove_logged(
        &self,
        id: SourceId,
        moderator: Option<UserId>,
        now: UnixSeconds,
    ) -> Result<bool, StoreError> {
        self.remove_as(id, Some(moderator), Removal::Remove, now)
            .await
    }

    /// [`Self::remove`] as `removal` removes, with its log line by the moderator `log` names,
    /// if any.
    pub(crate) async fn remove_as(
        &self,
        id: SourceId,
        log: Option<Option<UserId>>,
        removal: Removal,
        now: UnixSeconds,
    ) -> Result<bool, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let row = sqlx::query("SELECT url, pending_since FROM sources WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        let url: String = row.try_get("url")?;
        let pending: Option<i64> = row.try_get("pending_since")?;
        if removal == Removal::Reject && pending.is_none() {
            return Ok(false);
        }
        let rows = sqlx::query("SELECT id, story_id FROM articles WHERE source_id = $1")
            .bind(id.0)
            .fetch_all(&mut *tx)
            .await?;
        // The hub is told to stop pushing (the pipeline sends the unsubscribe request): what
        // that needs is written before the subscription's row goes with the source.
        crate::websub::record_unsubscribe(&mut tx, id, now).await?;
        let done = sqlx::query("DELETE FROM sources WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let removed = done.rows_affected() > 0;
        if removed {
            // Readers who hid it have nothing left to hide (and the room under their limit).
            sqlx::query("DELETE FROM hidden_things WHERE kind = 'source' AND target = $1")
                .bind(id.0.to_string())
                .execute(&mut *tx)
                .await?;
            let stories = orphans::articles_deleted(&mut tx, &rows, now).await?;
            for chunk in stories.chunks(id_list::CHUNK) {
                let list = id_list::in_list(chunk.iter().copied());
                // What understanding the story made of them: its summary, its entities, and
                // the evidence and links that tie it to other languages.
                for (table, column) in [
                    ("story_insights", "story_id"),
                    ("story_entities", "story_id"),
                    ("story_keys", "story_id"),
                    ("story_language_links", "story_id"),
                    ("story_language_links", "other_id"),
                ] {
                    let sql = format!("DELETE FROM {table} WHERE {column} IN ({list})");
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut *tx)
                        .await?;
                }
            }
            if let Some(moderator) = log {
                let n = rows.len();
                let plural = if n == 1 { "" } else { "s" };
                // The log is read by moderators too: the address without its credentials,
                // as the add, request and approve lines write it.
                let address = tidings_model::public_feed_url(&url);
                let note = format!("{address} ({n} article{plural})");
                log_source_line(&mut *tx, moderator, removal.action(), id, &note, now).await?;
            }
            revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(removed)
    }

    /// The sources due for a fetch at `now`, most overdue first (never one waiting for
    /// review, nor a paused one).
    pub async fn due(&self, now: UnixSeconds, limit: i64) -> Result<Vec<SourceId>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT id FROM sources WHERE next_fetch_at <= $1 AND {PUBLIC} AND paused_at IS NULL \
             ORDER BY next_fetch_at, id LIMIT $2"
        ));
        let rows = sqlx::query(sql)
            .bind(now)
            .bind(limit)
            .fetch_all(self.pool)
            .await?;
        rows.iter()
            .map(|row| Ok(SourceId(row.try_get("id")?)))
            .collect()
    }

    /// Changes a source's feed URL (after a permanent redirect) and forgets its validators.
    /// Returns `false`, changing nothing, when another source already has that URL.
    pub async fn update_url(&self, id: SourceId, url: &str) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "UPDATE sources SET url = $2, etag = NULL, last_modified = NULL WHERE id = $1",
        )
        .bind(id.0)
        .bind(url)
        .execute(self.pool)
        .await;
        match result {
            Ok(done) => Ok(done.rows_affected() > 0),
            Err(err) if StoreError::is_unique_violation(&err) => Ok(false),
            Err(err) => Err(err.into()),
        }
    }

    /// Makes a source due for a fetch at `now`, or every source when `id` is `None`.
    /// Returns how many sources it touched.
    pub async fn make_due(
        &self,
        id: Option<SourceId>,
        now: UnixSeconds,
    ) -> Result<u64, StoreError> {
        let done = match id {
            Some(id) => {
                sqlx::query("UPDATE sources SET next_fetch_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id.0)
                    .execute(self.pool)
                    .await?
            }
            None => {
                sqlx::query("UPDATE sources SET next_fetch_at = $1")
                    .bind(now)
                    .execute(self.pool)
                    .await?
            }
        };
        Ok(done.rows_affected())
    }

    /// Makes the healthy sources among `ids` due at `now` for a reader who asked for them
    /// (an app's "refresh"), the scheduler's rules kept: a source fetched less than `spacing`
    /// seconds ago becomes due `spacing` after that fetch instead, a source whose last fetch
    /// failed keeps its back-off (and one whose feed is gone stays unfetched), and a source
    /// due sooner already is left as it is. Returns how many sources were moved.
    pub async fn make_due_when_spaced(
        &self,
        ids: &[SourceId],
        now: UnixSeconds,
        spacing: UnixSeconds,
    ) -> Result<u64, StoreError> {
        let mut moved = 0;
        for chunk in ids.chunks(id_list::CHUNK) {
            let list = id_list::in_list(chunk.iter().map(|id| id.0));
            // Only integers are written into the statement (see `id_list`).
            let done = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE sources SET next_fetch_at = CASE \
                   WHEN last_fetch_at IS NOT NULL AND last_fetch_at + $2 > $1 \
                   THEN last_fetch_at + $2 ELSE $1 END \
                 WHERE id IN ({list}) AND error_count = 0 \
                   AND next_fetch_at > CASE \
                   WHEN last_fetch_at IS NOT NULL AND last_fetch_at + $2 > $1 \
                   THEN last_fetch_at + $2 ELSE $1 END"
            )))
            .bind(now)
            .bind(spacing)
            .execute(self.pool)
            .await?;
            moved += done.rows_affected();
        }
        Ok(moved)
    }

    /// Records a successful fetch: clears the error, stores the validators for the next
    /// conditional GET and names a nameless source after its feed (a new name bumps the site
    /// revision: pages show outlets' names; the fetch health alone does not).
    pub async fn record_success(&self, id: SourceId, ok: &FetchSuccess) -> Result<(), StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        sqlx::query(
            "UPDATE sources SET last_fetch_at = $2, last_success_at = $2, last_error = NULL, \
             error_count = 0, next_fetch_at = $3, etag = $4, last_modified = $5, \
             skipped_no_link = COALESCE($6, skipped_no_link) WHERE id = $1",
        )
        .bind(id.0)
        .bind(ok.at)
        .bind(ok.next_fetch_at)
        .bind(&ok.etag)
        .bind(&ok.last_modified)
        .bind(ok.skipped_no_link)
        .execute(&mut *tx)
        .await?;
        if let Some(title) = ok.feed_title.as_deref().filter(|t| !t.is_empty()) {
            let named = sqlx::query("UPDATE sources SET name = $2 WHERE id = $1 AND name = ''")
                .bind(id.0)
                .bind(title)
                .execute(&mut *tx)
                .await?;
            if named.rows_affected() > 0 {
                revision::bump(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Gives a source without a site address the one its feed names (`<link>` in RSS, the
    /// alternate link in Atom, `home_page_url` in JSON Feed). An address set already, by an
    /// OPML import or an earlier fetch, stays. Returns whether it was set (pages show it, so
    /// the site's revision moves).
    pub async fn fill_site_url(&self, id: SourceId, site_url: &str) -> Result<bool, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let set =
            sqlx::query("UPDATE sources SET site_url = $2 WHERE id = $1 AND site_url IS NULL")
                .bind(id.0)
                .bind(site_url)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
        if set {
            revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(set)
    }

    /// Records a failed fetch with its error, and when to try again.
    pub async fn record_failure(
        &self,
        id: SourceId,
        at: UnixSeconds,
        error: &str,
        next_fetch_at: UnixSeconds,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE sources SET last_fetch_at = $2, last_error = $3, \
             error_count = error_count + 1, next_fetch_at = $4 WHERE id = $1",
        )
        .bind(id.0)
        .bind(at)
        .bind(error)
        .bind(next_fetch_at)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Sets how the site shows a source's articles: `Some("full")`, `Some("excerpt")`, or
    /// `None` to follow the instance's policy. Returns whether the source exists.
    pub async fn set_display(
        &self,
        id: SourceId,
        display: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let done = sqlx::query("UPDATE sources SET display = $2 WHERE id = $1")
            .bind(id.0)
            .bind(display)
            .execute(&mut *tx)
            .await?;
        // Its articles' pages change.
        revision::bump(&mut *tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }
}

pub(crate) fn source_from_row(row: &AnyRow) -> Result<Source, sqlx::Error> {
    Ok(Source {
        id: SourceId(row.try_get("id")?),
        url: row.try_get("url")?,
        name: row.try_get("name")?,
        site_url: row.try_get("site_url")?,
        category: row.try_get("category")?,
        language: row.try_get("language")?,
        display: row.try_get("display")?,
        created_at: row.try_get("created_at")?,
        next_fetch_at: row.try_get("next_fetch_at")?,
        paused_at: row.try_get("paused_at")?,
        fetch: FetchState {
            last_fetch_at: row.try_get("last_fetch_at")?,
            last_success_at: row.try_get("last_success_at")?,
            last_error: row.try_get("last_error")?,
            error_count: row.try_get("error_count")?,
            etag: row.try_get("etag")?,
            last_modified: row.try_get("last_modified")?,
            skipped_no_link: row.try_get("skipped_no_link")?,
        },
    })
}
