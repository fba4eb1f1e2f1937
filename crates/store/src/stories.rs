//! The stories repository: which articles wait for a story, the placements the story
//! assigner records (one transaction per batch, so a crash keeps all of a batch or none), each
//! story's aggregates, related stories, and the reads the pages need.

use crate::StoreError;
use crate::articles::{ArticleListing, COLUMNS, ListFilter, listing_from_row};
use crate::headline::Report;
use crate::id_list;
use crate::jobs::{NewJob, enqueue_on};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, AnyPool, Row, Transaction};
use std::collections::BTreeSet;
use tidings_model::{ArticleId, SourceId, Story, StoryId, UnixSeconds};

/// An article as the story assigner reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleText {
    /// The article.
    pub id: ArticleId,
    /// Its outlet.
    pub source_id: SourceId,
    /// Its headline.
    pub title: String,
    /// Its body as plain text.
    pub body_text: String,
    /// Its language, when known.
    pub language: Option<String>,
    /// Its shown time.
    pub sort_at: UnixSeconds,
    /// Its story, once placed.
    pub story_id: Option<StoryId>,
    /// The article whose text it carries, if it is a copy.
    pub duplicate_of: Option<ArticleId>,
}

/// Where the assigner put one article.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// The article.
    pub article: ArticleId,
    /// Its story.
    pub story: StoryId,
    /// The article whose text it carries, if it is a copy.
    pub duplicate_of: Option<ArticleId>,
    /// Stories it resembled without joining, with the resemblance (0–1).
    pub related: Vec<(StoryId, f64)>,
}

/// One report of a story, for ranking: an outlet and a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoryReport {
    /// The story.
    pub story: StoryId,
    /// The outlet that published the article.
    pub source_id: SourceId,
    /// The article's shown time.
    pub sort_at: UnixSeconds,
}

const TEXT_COLUMNS: &str =
    "a.id, a.source_id, a.title, a.body_text, a.language, a.sort_at, a.story_id, a.duplicate_of";

/// The columns [`story_from_row`] reads, of `stories` aliased `s`.
pub(crate) const STORY_COLUMNS: &str = "s.id, s.title, s.lead_article_id, s.language, s.created_at, \
     s.updated_at, s.first_at, s.last_at, s.article_count, s.source_count, s.section";

/// Reads and writes stories.
#[derive(Debug, Clone, Copy)]
pub struct Stories<'a> {
    pool: &'a AnyPool,
}

impl<'a> Stories<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        Stories { pool }
    }

    /// Articles waiting for a story, in arrival order: not yet placed, and with no queued or
    /// running job whose key is `pending_job_prefix` followed by the article's id (its page is
    /// still being fetched, so its text is not final).
    pub async fn unplaced(
        &self,
        pending_job_prefix: &str,
        limit: i64,
    ) -> Result<Vec<ArticleText>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {TEXT_COLUMNS} FROM articles a WHERE a.story_id IS NULL \
             AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.key = $1 || CAST(a.id AS TEXT) \
             AND j.state IN ('queued', 'running')) ORDER BY a.id LIMIT $2"
        ));
        let rows = sqlx::query(sql)
            .bind(pending_job_prefix)
            .bind(limit)
            .fetch_all(self.pool)
            .await?;
        Ok(rows.iter().map(text_from_row).collect::<Result<_, _>>()?)
    }

    /// Placed articles whose shown time is at or after `since`, in the order they were
    /// placed, after placement number `after_seq`: the window the assigner replays after a
    /// restart, read in pages. Returns each with its placement number.
    pub async fn placed_since(
        &self,
        since: UnixSeconds,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<(i64, ArticleText)>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {TEXT_COLUMNS}, a.story_seq FROM articles a \
             WHERE a.story_seq > $1 AND a.sort_at >= $2 AND a.story_id IS NOT NULL \
             ORDER BY a.story_seq LIMIT $3"
        ));
        let rows = sqlx::query(sql)
            .bind(after_seq)
            .bind(since)
            .bind(limit)
            .fetch_all(self.pool)
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("story_seq")?, text_from_row(row)?)))
            .collect()
    }

    /// Starts recording a batch of placements.
    pub async fn begin(&self) -> Result<PlacementBatch, StoreError> {
        // It reads the placement number first and writes after: begun deferred, SQLite
        // refused its first write whenever a fetcher had stored an article meanwhile.
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let row = sqlx::query("SELECT COALESCE(MAX(story_seq), 0) AS n FROM articles")
            .fetch_one(&mut *tx)
            .await?;
        Ok(PlacementBatch {
            tx,
            seq: row.try_get("n")?,
            touched: BTreeSet::new(),
        })
    }

    /// One story.
    pub async fn get(&self, id: StoryId) -> Result<Option<Story>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {STORY_COLUMNS} FROM stories s WHERE s.id = $1"
        ));
        let row = sqlx::query(sql)
            .bind(id.0)
            .fetch_optional(self.pool)
            .await?;
        Ok(row.as_ref().map(story_from_row).transpose()?)
    }

    /// The stories with the given ids that exist, in no particular order (one statement
    /// for a whole list, e.g. the stories of a page of articles).
    pub async fn many(&self, ids: &[StoryId]) -> Result<Vec<Story>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {STORY_COLUMNS} FROM stories s WHERE s.id IN ({})",
            id_list::in_list(ids.iter().map(|id| id.0))
        ));
        let rows = sqlx::query(sql).fetch_all(self.pool).await?;
        Ok(rows.iter().map(story_from_row).collect::<Result<_, _>>()?)
    }

    /// A story's articles with their outlets' names, earliest first.
    pub async fn articles(&self, id: StoryId) -> Result<Vec<ArticleListing>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id \
             WHERE a.story_id = $1 ORDER BY a.sort_at, a.id"
        ));
        let rows = sqlx::query(sql).bind(id.0).fetch_all(self.pool).await?;
        Ok(rows
            .iter()
            .map(listing_from_row)
            .collect::<Result<_, _>>()?)
    }

    /// A story's first `first` and latest `latest` original articles (copies left out), in
    /// story order, each once: all of them when there are no more than that. Two bounded
    /// reads, so a story of thousands of reports costs what one of `first + latest` does.
    pub async fn sample(
        &self,
        id: StoryId,
        first: i64,
        latest: i64,
    ) -> Result<Vec<ArticleListing>, StoreError> {
        let read = |order: &str, limit: i64| {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id \
                 WHERE a.story_id = $1 AND a.duplicate_of IS NULL ORDER BY {order} LIMIT $2"
            ));
            sqlx::query(sql).bind(id.0).bind(limit).fetch_all(self.pool)
        };
        let head = read("a.sort_at, a.id", first).await?;
        let tail = read("a.sort_at DESC, a.id DESC", latest).await?;
        // Both in story order once the latest are turned round; where they overlap (a story
        // of no more than `first + latest`), the latest repeat the end of the first.
        let mut out: Vec<ArticleListing> = head
            .iter()
            .map(listing_from_row)
            .collect::<Result<_, _>>()?;
        let seen: BTreeSet<ArticleId> = out.iter().map(|l| l.article.id).collect();
        for row in tail.iter().rev() {
            let listing = listing_from_row(row)?;
            if !seen.contains(&listing.article.id) {
                out.push(listing);
            }
        }
        Ok(out)
    }

    /// Stories with an article at or after `since`, latest first.
    pub async fn recent(&self, since: UnixSeconds, limit: i64) -> Result<Vec<Story>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {STORY_COLUMNS} FROM stories s WHERE s.last_at >= $1 AND s.article_count > 0 \
             ORDER BY s.last_at DESC, s.id DESC LIMIT $2"
        ));
        let rows = sqlx::query(sql)
            .bind(since)
            .bind(limit)
            .fetch_all(self.pool)
            .await?;
        Ok(rows.iter().map(story_from_row).collect::<Result<_, _>>()?)
    }

    /// Stories with an article at or after `since` that pass `filter`, latest first.
    pub async fn recent_in(
        &self,
        filter: &ListFilter,
        since: UnixSeconds,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Story>, StoreError> {
        let (conditions, binds) = filter.conditions("s", 4);
        let conditions = match conditions.strip_prefix("WHERE ") {
            Some(c) => format!("AND {c}"),
            None => conditions,
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {STORY_COLUMNS} FROM stories s WHERE s.last_at >= $1 AND s.article_count > 0 \
             {conditions} ORDER BY s.last_at DESC, s.id DESC LIMIT $2 OFFSET $3"
        ));
        let mut query = sqlx::query(sql).bind(since).bind(limit).bind(offset);
        for value in binds {
            query = query.bind(value);
        }
        let rows = query.fetch_all(self.pool).await?;
        Ok(rows.iter().map(story_from_row).collect::<Result<_, _>>()?)
    }

    /// The languages of stories with an article at or after `since`, as (code, stories), most
    /// first.
    pub async fn languages(&self, since: UnixSeconds) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT language, COUNT(*) AS n FROM stories WHERE last_at >= $1 \
             AND article_count > 0 AND language IS NOT NULL GROUP BY language \
             ORDER BY n DESC, language",
        )
        .bind(since)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("language")?, row.try_get("n")?)))
            .collect()
    }

    /// The reports (outlet and time of each article) of the given stories.
    pub async fn reports(&self, ids: &[StoryId]) -> Result<Vec<StoryReport>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT story_id, source_id, sort_at FROM articles WHERE story_id IN ({})",
            id_list::in_list(ids.iter().map(|id| id.0))
        ));
        let rows = sqlx::query(sql).fetch_all(self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(StoryReport {
                    story: StoryId(row.try_get("story_id")?),
                    source_id: SourceId(row.try_get("source_id")?),
                    sort_at: row.try_get("sort_at")?,
                })
            })
            .collect()
    }

    /// The stories most related to `id` that still have articles, best first.
    pub async fn related(
        &self,
        id: StoryId,
        limit: i64,
    ) -> Result<Vec<(StoryId, f64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT l.related_id, l.score FROM story_links l \
             JOIN stories s ON s.id = l.related_id \
             WHERE l.story_id = $1 AND s.article_count > 0 \
             ORDER BY l.score DESC, l.related_id LIMIT $2",
        )
        .bind(id.0)
        .bind(limit)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((StoryId(row.try_get("related_id")?), row.try_get("score")?)))
            .collect()
    }

    /// How far placement lags: the number of articles not yet in a story, and when the
    /// oldest of them was fetched.
    pub async fn backlog(&self) -> Result<(i64, Option<UnixSeconds>), StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(fetched_at) AS oldest FROM articles WHERE story_id IS NULL",
        )
        .fetch_one(self.pool)
        .await?;
        Ok((row.try_get("n")?, row.try_get("oldest")?))
    }

    /// How many stories have articles.
    pub async fn count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM stories WHERE article_count > 0")
            .fetch_one(self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }
}

/// Placements being recorded in one transaction; [`PlacementBatch::commit`] refreshes the
/// aggregates of every story touched and commits. Dropped without committing, it records
/// nothing.
pub struct PlacementBatch {
    tx: Transaction<'static, Any>,
    seq: i64,
    touched: BTreeSet<i64>,
}

/// The group of copies an article joined as it was placed.
#[derive(Clone, Copy)]
struct JoinedGroup {
    /// The original the copy points at; `None` when the copy was published first and the
    /// group now points at it.
    copy_of: Option<ArticleId>,
    /// The group's root before the copy joined: it carries every mark of the group.
    marked_root: ArticleId,
}

impl PlacementBatch {
    /// Creates a story (its aggregates follow at commit) and returns its id.
    pub async fn create_story(
        &mut self,
        title: &str,
        language: Option<&str>,
        now: UnixSeconds,
    ) -> Result<StoryId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO stories (title, language, created_at, updated_at) \
             VALUES ($1, $2, $3, $3) RETURNING id",
        )
        .bind(title)
        .bind(language)
        .bind(now)
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(StoryId(row.try_get("id")?))
    }

    /// Records one placement: the article's story, copy and placement number, and the
    /// links to related stories (both ways, keeping the best score seen). An article that is
    /// already placed (or gone) is a [`StoreError::Conflict`].
    pub async fn place(&mut self, placement: &Placement) -> Result<(), StoreError> {
        self.seq += 1;
        let group = match placement.duplicate_of {
            Some(original) => {
                self.resolve_original(placement.article, original, placement.story)
                    .await?
            }
            None => None,
        };
        let duplicate_of = group.and_then(|g| g.copy_of);
        // Only an unplaced article is placed: were two processes ever to place the same
        // article, the second finds it placed and its whole batch rolls back.
        let done = sqlx::query(
            "UPDATE articles SET story_id = $2, duplicate_of = $3, story_seq = $4 \
             WHERE id = $1 AND story_id IS NULL",
        )
        .bind(placement.article.0)
        .bind(placement.story.0)
        .bind(duplicate_of.map(|a| a.0))
        .bind(self.seq)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(format!(
                "the placement of article {}",
                placement.article
            )));
        }
        if let Some(group) = group {
            // A copy joins its group as read (or starred) for every reader who read (or
            // starred) the group already: readers marked the text, not one outlet's page.
            // Marking writes every member of a group (`Reading::set_read`), so the group's
            // earlier root holds all of its marks: one index lookup, however many copies the
            // text has (reading the whole group per copy made ingest quadratic in the size
            // of a wire story's group, inside the transaction that holds SQLite's one writer).
            sqlx::query(
                "INSERT INTO article_states (user_id, article_id, read_at, starred_at) \
                 SELECT s.user_id, $1, s.read_at, s.starred_at FROM article_states s \
                 WHERE s.article_id = $2 \
                 ON CONFLICT (user_id, article_id) DO NOTHING",
            )
            .bind(placement.article.0)
            .bind(group.marked_root.0)
            .execute(&mut *self.tx)
            .await?;
        }
        self.touched.insert(placement.story.0);
        for &(other, score) in &placement.related {
            if other == placement.story {
                continue;
            }
            for (a, b) in [(placement.story, other), (other, placement.story)] {
                sqlx::query(
                    "INSERT INTO story_links (story_id, related_id, score) VALUES ($1, $2, $3) \
                     ON CONFLICT (story_id, related_id) DO UPDATE SET score = CASE \
                     WHEN excluded.score > story_links.score THEN excluded.score \
                     ELSE story_links.score END",
                )
                .bind(a.0)
                .bind(b.0)
                .bind(score)
                .execute(&mut *self.tx)
                .await?;
            }
        }
        Ok(())
    }

    /// The original of a copy is the earliest published of the texts: `copy` points at the
    /// root of `original`'s group, unless `copy` was published before it, in which case the
    /// whole group points at `copy` from now on (a copy may be read before its original).
    /// `None` when `original` is no longer in `story`: `copy` then starts a group of its own.
    async fn resolve_original(
        &mut self,
        copy: ArticleId,
        original: ArticleId,
        story: StoryId,
    ) -> Result<Option<JoinedGroup>, StoreError> {
        // The original must still be in the story the copy joins: the assigner remembers
        // texts it has seen, and one may have been deleted since (a source removed) and, on
        // SQLite, its id given to an unrelated article.
        let row = sqlx::query(
            "SELECT r.id, r.sort_at, c.sort_at AS copy_at FROM articles o \
             JOIN articles r ON r.id = COALESCE(o.duplicate_of, o.id) \
             JOIN articles c ON c.id = $2 WHERE o.id = $1 AND o.story_id = $3",
        )
        .bind(original.0)
        .bind(copy.0)
        .bind(story.0)
        .fetch_optional(&mut *self.tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let root = ArticleId(row.try_get("id")?);
        let (root_at, copy_at): (i64, i64) = (row.try_get("sort_at")?, row.try_get("copy_at")?);
        if copy_at >= root_at {
            return Ok(Some(JoinedGroup {
                copy_of: Some(root),
                marked_root: root,
            }));
        }
        sqlx::query("UPDATE articles SET duplicate_of = $1 WHERE id = $2 OR duplicate_of = $2")
            .bind(copy.0)
            .bind(root.0)
            .execute(&mut *self.tx)
            .await?;
        Ok(Some(JoinedGroup {
            copy_of: None,
            marked_root: root,
        }))
    }

    /// The stories this batch placed articles in so far.
    pub fn touched(&self) -> Vec<StoryId> {
        self.touched.iter().map(|&id| StoryId(id)).collect()
    }

    /// Refreshes the touched stories' aggregates (counts, times, lead article and title: the
    /// newest report's, see [`crate::headline`]) and commits the batch.
    pub async fn commit(self, now: UnixSeconds) -> Result<(), StoreError> {
        self.commit_with_jobs(now, &[], 0).await
    }

    /// [`PlacementBatch::commit`], enqueueing `jobs` (e.g. updating the touched stories'
    /// summaries) in the same transaction.
    pub async fn commit_with_jobs(
        mut self,
        now: UnixSeconds,
        jobs: &[NewJob],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        for job in jobs {
            enqueue_on(&mut self.tx, job, now_ms).await?;
        }
        for &story in &self.touched {
            refresh_aggregates(&mut self.tx, story, now).await?;
        }
        if !self.touched.is_empty() {
            crate::revision::bump(&mut *self.tx).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }
}

fn text_from_row(row: &AnyRow) -> Result<ArticleText, sqlx::Error> {
    let story_id: Option<i64> = row.try_get("story_id")?;
    let duplicate_of: Option<i64> = row.try_get("duplicate_of")?;
    Ok(ArticleText {
        id: ArticleId(row.try_get("id")?),
        source_id: SourceId(row.try_get("source_id")?),
        title: row.try_get("title")?,
        body_text: row.try_get("body_text")?,
        language: row.try_get("language")?,
        sort_at: row.try_get("sort_at")?,
        story_id: story_id.map(StoryId),
        duplicate_of: duplicate_of.map(ArticleId),
    })
}

/// A story from a row that selected [`STORY_COLUMNS`].
pub(crate) fn story_from_row(row: &AnyRow) -> Result<Story, sqlx::Error> {
    let lead: Option<i64> = row.try_get("lead_article_id")?;
    Ok(Story {
        id: StoryId(row.try_get("id")?),
        title: row.try_get("title")?,
        lead_article_id: lead.map(ArticleId),
        language: row.try_get("language")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        first_at: row.try_get("first_at")?,
        last_at: row.try_get("last_at")?,
        article_count: row.try_get("article_count")?,
        source_count: row.try_get("source_count")?,
        section: row.try_get("section")?,
    })
}

/// Recomputes a story's aggregates (counts, first and latest times, lead article, title,
/// section) from its articles: after placements, or after some of its articles were deleted.
/// The lead is its newest original report that makes a headline for it, whose headline the
/// story takes ([`crate::headline`]); a story left without articles keeps its title.
pub(crate) async fn refresh_aggregates(
    conn: &mut AnyConnection,
    story: i64,
    now: UnixSeconds,
) -> Result<(), StoreError> {
    let (reports, language) = lead_candidates(conn, story).await?;
    let lead = crate::headline::choose(&reports, language.as_deref());
    sqlx::query(
        "UPDATE stories SET \
                 article_count = (SELECT COUNT(*) FROM articles a WHERE a.story_id = stories.id), \
                 source_count = (SELECT COUNT(DISTINCT a.source_id) FROM articles a \
                   WHERE a.story_id = stories.id), \
                 first_at = COALESCE((SELECT MIN(a.sort_at) FROM articles a \
                   WHERE a.story_id = stories.id), first_at), \
                 last_at = COALESCE((SELECT MAX(a.sort_at) FROM articles a \
                   WHERE a.story_id = stories.id), last_at), \
                 lead_article_id = $3, \
                 title = COALESCE($4, title), \
                 section = (SELECT a.section FROM articles a WHERE a.story_id = stories.id \
                   AND a.duplicate_of IS NULL AND a.section IS NOT NULL \
                   GROUP BY a.section ORDER BY COUNT(*) DESC, MIN(a.id) LIMIT 1), \
                 updated_at = $2 \
                 WHERE id = $1",
    )
    .bind(story)
    .bind(now)
    .bind(lead.map(|r| r.id))
    .bind(lead.map(|r| r.title.clone()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The reports a story's lead is chosen from — its [`crate::headline::NEWEST`] newest
/// original reports and its opening one, two range scans of the index on `(story_id,
/// sort_at, id)` — and the story's language.
async fn lead_candidates(
    conn: &mut AnyConnection,
    story: i64,
) -> Result<(Vec<Report>, Option<String>), StoreError> {
    let rows = sqlx::query(
        "SELECT r.id, r.title, r.language, r.sort_at, \
                 (SELECT s.language FROM stories s WHERE s.id = $1) AS story_language \
         FROM (SELECT a.id, a.title, a.language, a.sort_at FROM articles a \
               WHERE a.story_id = $1 AND a.duplicate_of IS NULL \
               ORDER BY a.sort_at DESC, a.id DESC LIMIT $2) r \
         UNION ALL \
         SELECT o.id, o.title, o.language, o.sort_at, NULL AS story_language \
         FROM (SELECT a.id, a.title, a.language, a.sort_at FROM articles a \
               WHERE a.story_id = $1 AND a.duplicate_of IS NULL \
               ORDER BY a.sort_at, a.id LIMIT 1) o",
    )
    .bind(story)
    .bind(crate::headline::NEWEST)
    .fetch_all(&mut *conn)
    .await?;
    let mut language = None;
    let mut reports = Vec::with_capacity(rows.len());
    for row in &rows {
        if language.is_none() {
            language = row.try_get::<Option<String>, _>("story_language")?;
        }
        reports.push(Report {
            id: row.try_get("id")?,
            title: row.try_get("title")?,
            language: row.try_get("language")?,
            sort_at: row.try_get("sort_at")?,
            copy: false,
        });
    }
    Ok((reports, language))
}
