//! The articles repository: each article once, keyed by its canonical URL.

use crate::StoreError;
use crate::id_list;
use crate::jobs::{NewJob, enqueue_on};
use crate::revision;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use std::collections::HashMap;
use tidings_model::{Article, ArticleId, NewArticle, SourceId, StoryId, UnixSeconds};

/// The outlet's name as the listing query gives it: its name, or its feed's address when
/// it has none, which readers see without credentials ([`tidings_model::public_feed_url`]).
fn outlet_name(name: String) -> String {
    if name.starts_with("http://") || name.starts_with("https://") {
        tidings_model::public_feed_url(&name)
    } else {
        name
    }
}

/// An article with the name of the outlet it came from, as lists and pages show it.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleListing {
    /// The article.
    pub article: Article,
    /// The outlet's name.
    pub source_name: String,
    /// The site section the article belongs to (`world`, `sport`, …), if any.
    pub section: Option<String>,
    /// The display policy the operator set for its outlet (`full` or `excerpt`), if any.
    pub source_display: Option<String>,
    /// The time lists sort it by (its shown time as stored).
    pub sort_at: UnixSeconds,
}

/// A copy of an article (a wire copy, a republication), as a list that shows the original
/// once names the outlets that published it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Republication {
    /// The original it copies (the root of its group: copies never point at copies).
    pub original: ArticleId,
    /// The copy.
    pub id: ArticleId,
    /// The copy's headline, for a link to its page.
    pub title: String,
    /// The outlet that published the copy.
    pub source_id: SourceId,
    /// The outlet's name, as lists show it.
    pub source_name: String,
}

/// Which articles or stories a list shows: all of them, or one section's, one language's, one
/// topic's. Values are bound as parameters, never written into the statement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// A section slug (`sport`).
    pub section: Option<String>,
    /// A language code (`de`).
    pub language: Option<String>,
    /// A topic slug.
    pub topic: Option<String>,
}

impl ListFilter {
    /// The `WHERE` clause for the table aliased `alias`, with parameters numbered from
    /// `first`, and the values to bind to them in order.
    pub(crate) fn conditions(&self, alias: &str, first: usize) -> (String, Vec<String>) {
        let mut clauses = Vec::new();
        let mut binds = Vec::new();
        let mut n = first;
        if let Some(section) = &self.section {
            clauses.push(format!("{alias}.section = ${n}"));
            binds.push(section.clone());
            n += 1;
        }
        if let Some(language) = &self.language {
            clauses.push(format!("{alias}.language = ${n}"));
            binds.push(language.clone());
            n += 1;
        }
        if let Some(topic) = &self.topic {
            let article = if alias == "a" { "a.id" } else { "t_a.id" };
            let join = if alias == "a" {
                String::new()
            } else {
                format!("JOIN articles t_a ON t_a.story_id = {alias}.id ")
            };
            clauses.push(format!(
                "EXISTS (SELECT 1 FROM article_topics t {join}WHERE t.article_id = {article} \
                 AND t.slug = ${n})"
            ));
            binds.push(topic.clone());
        }
        if clauses.is_empty() {
            (String::new(), binds)
        } else {
            (format!("WHERE {}", clauses.join(" AND ")), binds)
        }
    }
}

/// What one reader's lists leave out (see [`crate::HiddenThings`]): articles of these
/// sources, articles tagged with these topics, articles of stories that mention these
/// entities. Slugs are bound as parameters; source ids are integers written into the
/// statement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exclusions {
    /// Sources whose articles are left out.
    pub sources: Vec<SourceId>,
    /// Topic slugs: an article tagged with one is left out.
    pub topics: Vec<String>,
    /// Entity slugs: an article whose story mentions one is left out.
    pub entities: Vec<String>,
}

impl Exclusions {
    /// Whether nothing is left out.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty() && self.topics.is_empty() && self.entities.is_empty()
    }

    /// The conditions on the article aliased `a`, with parameters numbered from `first`,
    /// and the values to bind to them in order.
    pub(crate) fn clauses(&self, first: usize) -> (Vec<String>, Vec<String>) {
        let mut clauses = Vec::new();
        let mut binds = Vec::new();
        if !self.sources.is_empty() {
            clauses.push(format!(
                "a.source_id NOT IN ({})",
                id_list::in_list(self.sources.iter().map(|s| s.0))
            ));
        }
        if !self.topics.is_empty() {
            clauses.push(format!(
                "NOT EXISTS (SELECT 1 FROM article_topics xt WHERE xt.article_id = a.id \
                 AND xt.slug IN ({}))",
                crate::hidden::params(first + binds.len(), self.topics.len())
            ));
            binds.extend(self.topics.iter().cloned());
        }
        if !self.entities.is_empty() {
            clauses.push(format!(
                "NOT EXISTS (SELECT 1 FROM story_entities xe WHERE xe.story_id = a.story_id \
                 AND xe.slug IN ({}))",
                crate::hidden::params(first + binds.len(), self.entities.len())
            ));
            binds.extend(self.entities.iter().cloned());
        }
        (clauses, binds)
    }
}

/// The `WHERE` clause of a list of articles aliased `a` that pass `filter` and are not
/// excluded, parameters numbered from `first`, and the values to bind in order.
fn list_where(filter: &ListFilter, excluded: &Exclusions, first: usize) -> (String, Vec<String>) {
    let (conditions, mut binds) = filter.conditions("a", first);
    let (more, more_binds) = excluded.clauses(first + binds.len());
    binds.extend(more_binds);
    let mut clauses: Vec<String> = conditions
        .strip_prefix("WHERE ")
        .map(|c| vec![c.to_string()])
        .unwrap_or_default();
    clauses.extend(more);
    if clauses.is_empty() {
        (String::new(), binds)
    } else {
        (format!("WHERE {}", clauses.join(" AND ")), binds)
    }
}

/// What the pipeline concluded about a new article beyond its content: the labels lists and
/// pages are filtered by.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleLabels {
    /// Its site section's slug (`world`, `sport`, …).
    pub section: Option<String>,
    /// The topics its feed tagged it with, as (slug, name), at most a few.
    pub topics: Vec<(String, String)>,
    /// Whether the feed gives only a teaser, which the article's own page completes: a later,
    /// corrected copy of the entry then replaces the body only while the page has not given
    /// a fuller one (the page's text wins over the feed's teaser; the feed's title still wins).
    pub completed_from_page: bool,
}

/// What storing the articles of one fetch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoredEntries {
    /// Articles that were new.
    pub new: u64,
    /// Articles already stored whose feed entry came back changed (a corrected title or
    /// text) and were updated.
    pub updated: u64,
}

/// What an article's own page adds to it: a full body, and metadata the feed lacked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageContent {
    /// The body as plain text.
    pub body_text: String,
    /// The body as sanitised HTML.
    pub body_html: String,
    /// A standfirst, used when the article has none.
    pub standfirst: Option<String>,
    /// A byline, used when the article has none.
    pub byline: Option<String>,
    /// The agency credit; replaces the article's when present.
    pub credit: Option<String>,
    /// A lead image, used when the article has none.
    pub image_url: Option<String>,
    /// A language, used when the article has none.
    pub language: Option<String>,
    /// A site section, used when the article has none (its feed's short text named none):
    /// its story's section is then worked out again.
    pub section: Option<String>,
}

pub(crate) const COLUMNS: &str = "a.id, a.source_id, a.story_id, a.duplicate_of, a.url, a.title, a.standfirst, a.byline, \
     a.credit, a.published_at, a.updated_at, a.fetched_at, a.language, a.body_text, a.body_html, \
     a.image_url, a.section, a.sort_at, COALESCE(NULLIF(s.name, ''), s.url) AS source_name, \
     s.display AS source_display";

/// What [`Articles::move_to_canonical`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CanonicalMove {
    /// The article already had that URL (or no longer exists).
    Unchanged,
    /// The article now has the canonical URL; the old one is an alias.
    Moved,
    /// Another article had the canonical URL: this one was deleted as the same article.
    SameAs(ArticleId),
}

/// Reads and writes articles.
#[derive(Debug, Clone, Copy)]
pub struct Articles<'a> {
    pool: &'a AnyPool,
}

impl<'a> Articles<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        Articles { pool }
    }

    /// Stores the articles of one fetch in one transaction. An article whose URL is already
    /// stored (or was an article's URL before its page named another canonical one) is left
    /// as it is, so reading the same feed twice adds nothing. Returns how many
    /// articles were new.
    pub async fn insert_new(
        &self,
        source_id: SourceId,
        articles: &[NewArticle],
    ) -> Result<u64, StoreError> {
        self.insert_new_with(source_id, articles, |_, _| None, 0)
            .await
    }

    /// Like [`Articles::insert_new`], and for each new article enqueues the job `follow_up`
    /// asks for (e.g. fetching its page), in the same transaction: a crash leaves either both
    /// or neither.
    pub async fn insert_new_with(
        &self,
        source_id: SourceId,
        articles: &[NewArticle],
        follow_up: impl Fn(ArticleId, &NewArticle) -> Option<NewJob>,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        self.insert_labelled(source_id, articles, &[], follow_up, now_ms)
            .await
    }

    /// Like [`Articles::insert_new_with`], storing with the `i`-th article the `i`-th labels
    /// (its section and topics); articles past the end of `labels` get none. Returns how
    /// many articles were new; see [`Articles::store_entries`] for what happens to the others.
    pub async fn insert_labelled(
        &self,
        source_id: SourceId,
        articles: &[NewArticle],
        labels: &[ArticleLabels],
        follow_up: impl Fn(ArticleId, &NewArticle) -> Option<NewJob>,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        Ok(self
            .store_entries(source_id, articles, labels, follow_up, now_ms)
            .await?
            .new)
    }

    /// Stores the articles of one fetch in one transaction, with the `i`-th article the
    /// `i`-th labels, and for each new article the job `follow_up` asks for. An article
    /// already stored under its URL (or an alias of it) whose title or text differs from the
    /// stored one is a corrected entry: it is updated (see [`ArticleLabels::completed_from_page`]
    /// for which text wins), queued for the search index to take again and its story queued to
    /// be understood again. An unchanged entry is only compared, not written.
    pub async fn store_entries(
        &self,
        source_id: SourceId,
        articles: &[NewArticle],
        labels: &[ArticleLabels],
        follow_up: impl Fn(ArticleId, &NewArticle) -> Option<NewJob>,
        now_ms: i64,
    ) -> Result<StoredEntries, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let mut stored = StoredEntries::default();
        let none = ArticleLabels::default();
        for (i, a) in articles.iter().enumerate() {
            let labels = labels.get(i).unwrap_or(&none);
            let row = sqlx::query(
                "INSERT INTO articles (source_id, url, title, standfirst, byline, credit, \
                 published_at, updated_at, fetched_at, sort_at, language, body_text, body_html, \
                 image_url, section) \
                 SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 \
                 WHERE NOT EXISTS (SELECT 1 FROM article_aliases WHERE url = $2) \
                 ON CONFLICT (url) DO NOTHING RETURNING id",
            )
            .bind(source_id.0)
            .bind(&a.url)
            .bind(&a.title)
            .bind(&a.standfirst)
            .bind(&a.byline)
            .bind(&a.credit)
            .bind(a.published_at)
            .bind(a.updated_at)
            .bind(a.fetched_at)
            .bind(a.shown_time())
            .bind(&a.language)
            .bind(&a.body_text)
            .bind(&a.body_html)
            .bind(&a.image_url)
            .bind(&labels.section)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                if update_changed(&mut tx, source_id, a, labels.completed_from_page).await? {
                    stored.updated += 1;
                }
                continue;
            };
            stored.new += 1;
            let id = ArticleId(row.try_get("id")?);
            for (slug, name) in &labels.topics {
                sqlx::query(
                    "INSERT INTO article_topics (article_id, slug, name) VALUES ($1, $2, $3) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(id.0)
                .bind(slug)
                .bind(name)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(job) = follow_up(id, a) {
                enqueue_on(&mut tx, &job, now_ms).await?;
            }
        }
        if stored.new > 0 || stored.updated > 0 {
            revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(stored)
    }

    /// Replaces an article's content with what its page gave (see [`PageContent`]); fields the
    /// page left empty keep their values. A section the article gets here updates its story's
    /// (the most common of its articles'), as of `now`.
    pub async fn update_from_page(
        &self,
        id: ArticleId,
        page: &PageContent,
        now: UnixSeconds,
    ) -> Result<bool, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let done = sqlx::query(
            "UPDATE articles SET body_text = $2, body_html = $3, \
             standfirst = COALESCE(standfirst, $4), byline = COALESCE(byline, $5), \
             credit = COALESCE($6, credit), image_url = COALESCE(image_url, $7), \
             language = COALESCE(language, $8), section = COALESCE(section, $9) \
             WHERE id = $1",
        )
        .bind(id.0)
        .bind(&page.body_text)
        .bind(&page.body_html)
        .bind(&page.standfirst)
        .bind(&page.byline)
        .bind(&page.credit)
        .bind(&page.image_url)
        .bind(&page.language)
        .bind(&page.section)
        .execute(&mut *tx)
        .await?;
        let updated = done.rows_affected() > 0;
        if updated {
            if page.section.is_some() {
                let story: Option<i64> =
                    sqlx::query_scalar("SELECT story_id FROM articles WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(&mut *tx)
                        .await?
                        .flatten();
                if let Some(story) = story {
                    crate::stories::refresh_aggregates(&mut tx, story, now).await?;
                }
            }
            revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(updated)
    }

    /// Moves an article to the canonical URL its page declares. If another article already
    /// has that URL, this one is the same article seen under a second URL: it is deleted and
    /// its URL kept as an alias of the other, so neither URL adds it again.
    pub async fn move_to_canonical(
        &self,
        id: ArticleId,
        canonical: &str,
    ) -> Result<CanonicalMove, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let Some(row) = sqlx::query("SELECT url FROM articles WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(CanonicalMove::Unchanged);
        };
        let url: String = row.try_get("url")?;
        if url == canonical {
            return Ok(CanonicalMove::Unchanged);
        }
        let holder = sqlx::query(
            "SELECT id FROM articles WHERE url = $1 \
             UNION SELECT article_id AS id FROM article_aliases WHERE url = $1",
        )
        .bind(canonical)
        .fetch_optional(&mut *tx)
        .await?;
        let outcome = match holder {
            Some(row) => {
                let other = ArticleId(row.try_get("id")?);
                sqlx::query("DELETE FROM articles WHERE id = $1")
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                CanonicalMove::SameAs(other)
            }
            None => {
                sqlx::query("UPDATE articles SET url = $2 WHERE id = $1")
                    .bind(id.0)
                    .bind(canonical)
                    .execute(&mut *tx)
                    .await?;
                CanonicalMove::Moved
            }
        };
        let owner = match outcome {
            CanonicalMove::SameAs(other) => other,
            _ => id,
        };
        sqlx::query(
            "INSERT INTO article_aliases (url, article_id) VALUES ($1, $2) \
             ON CONFLICT (url) DO NOTHING",
        )
        .bind(&url)
        .bind(owner.0)
        .execute(&mut *tx)
        .await?;
        revision::bump(&mut *tx).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// One article with its outlet's name.
    pub async fn get(&self, id: ArticleId) -> Result<Option<ArticleListing>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = $1"
        ));
        let row = sqlx::query(sql)
            .bind(id.0)
            .fetch_optional(self.pool)
            .await?;
        Ok(row.as_ref().map(listing_from_row).transpose()?)
    }

    /// The articles with the given ids that exist, with their outlets' names, in id order
    /// (a statement per 500 ids, not one per id).
    pub async fn many(&self, ids: &[ArticleId]) -> Result<Vec<ArticleListing>, StoreError> {
        let mut listings = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(id_list::CHUNK) {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id \
                 WHERE a.id IN ({})",
                id_list::in_list(chunk.iter().map(|id| id.0))
            ));
            for row in sqlx::query(sql).fetch_all(self.pool).await? {
                listings.push(listing_from_row(&row)?);
            }
        }
        listings.sort_by_key(|l| l.article.id);
        Ok(listings)
    }

    /// Which of `ids` pass `filter` and are not `excluded`, as a latest list reads its
    /// articles: what a list that folds in an article it did not list reads to keep within
    /// its own bounds.
    pub async fn passing(
        &self,
        filter: &ListFilter,
        excluded: &Exclusions,
        ids: &[ArticleId],
    ) -> Result<Vec<ArticleId>, StoreError> {
        let mut passing = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(id_list::CHUNK) {
            let (conditions, binds) = list_where(filter, excluded, 1);
            let listed = format!(
                "a.id IN ({})",
                id_list::in_list(chunk.iter().map(|id| id.0))
            );
            let conditions = match conditions.strip_prefix("WHERE ") {
                Some(rest) => format!("WHERE {listed} AND {rest}"),
                None => format!("WHERE {listed}"),
            };
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT a.id FROM articles a JOIN sources s ON s.id = a.source_id {conditions}"
            ));
            let mut query = sqlx::query(sql);
            for value in binds {
                query = query.bind(value);
            }
            for row in query.fetch_all(self.pool).await? {
                passing.push(ArticleId(row.try_get("id")?));
            }
        }
        passing.sort();
        Ok(passing)
    }

    /// The articles of `texts` (each an original: itself and its copies) that a latest list
    /// passing `filter` and not `excluded` holds before `position` (a sort time and id, as
    /// the list orders them: newest first), as (text, headline): what a page of the list
    /// reads to tell which texts an earlier page shows already. An empty list reads nothing.
    pub async fn listed_before(
        &self,
        filter: &ListFilter,
        excluded: &Exclusions,
        texts: &[ArticleId],
        position: (UnixSeconds, ArticleId),
    ) -> Result<Vec<(ArticleId, String)>, StoreError> {
        let mut found = Vec::new();
        for chunk in texts.chunks(id_list::CHUNK) {
            let (conditions, binds) = list_where(filter, excluded, 3);
            let list = id_list::in_list(chunk.iter().map(|id| id.0));
            // The position is two integers, bound as such.
            let before = format!(
                "(a.id IN ({list}) OR a.duplicate_of IN ({list})) \
                 AND (a.sort_at > $1 OR (a.sort_at = $1 AND a.id > $2))"
            );
            let conditions = match conditions.strip_prefix("WHERE ") {
                Some(rest) => format!("WHERE {before} AND {rest}"),
                None => format!("WHERE {before}"),
            };
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT COALESCE(a.duplicate_of, a.id) AS text, a.title FROM articles a \
                 JOIN sources s ON s.id = a.source_id {conditions}"
            ));
            let mut query = sqlx::query(sql).bind(position.0).bind(position.1.0);
            for value in binds {
                query = query.bind(value);
            }
            for row in query.fetch_all(self.pool).await? {
                found.push((ArticleId(row.try_get("text")?), row.try_get("title")?));
            }
        }
        Ok(found)
    }

    /// The link of each of `ids` that exists, by id: what a check comparing links reads,
    /// without the articles' text.
    pub async fn urls(&self, ids: &[ArticleId]) -> Result<HashMap<ArticleId, String>, StoreError> {
        let mut urls = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(id_list::CHUNK) {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT id, url FROM articles WHERE id IN ({})",
                id_list::in_list(chunk.iter().map(|id| id.0))
            ));
            for row in sqlx::query(sql).fetch_all(self.pool).await? {
                urls.insert(ArticleId(row.try_get("id")?), row.try_get("url")?);
            }
        }
        Ok(urls)
    }

    /// The newest articles, newest first.
    pub async fn latest(&self, limit: i64, offset: i64) -> Result<Vec<ArticleListing>, StoreError> {
        self.latest_in(&ListFilter::default(), limit, offset).await
    }

    /// When the newest article arrived in the lists (its `sort_at`, the time the latest list
    /// orders by), or `None` when there is no article: the last time anything could have
    /// entered a list of the site, which a feed with no items gives as its own update time.
    pub async fn newest_time(&self) -> Result<Option<UnixSeconds>, StoreError> {
        let row = sqlx::query("SELECT MAX(sort_at) AS newest FROM articles")
            .fetch_one(self.pool)
            .await?;
        Ok(row.try_get("newest")?)
    }

    /// The newest articles that pass `filter`, newest first.
    pub async fn latest_in(
        &self,
        filter: &ListFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ArticleListing>, StoreError> {
        self.latest_excluding(filter, &Exclusions::default(), limit, offset)
            .await
    }

    /// The newest articles that pass `filter` and come after `before` (a shown time and id:
    /// the last article of the previous page) in the list's order, newest first. Unlike an
    /// offset, the position holds while new articles arrive or old ones go.
    pub async fn latest_in_before(
        &self,
        filter: &ListFilter,
        before: (UnixSeconds, ArticleId),
        limit: i64,
    ) -> Result<Vec<ArticleListing>, StoreError> {
        let (conditions, binds) = list_where(filter, &Exclusions::default(), 4);
        // The position is two integers, bound as such.
        let keyset = "(a.sort_at < $2 OR (a.sort_at = $2 AND a.id < $3))";
        let conditions = match conditions.strip_prefix("WHERE ") {
            Some(rest) => format!("WHERE {keyset} AND {rest}"),
            None => format!("WHERE {keyset}"),
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id {conditions} \
             ORDER BY a.sort_at DESC, a.id DESC LIMIT $1"
        );
        self.listings(sql, &[limit, before.0, before.1.0], binds)
            .await
    }

    /// Runs a listing statement: `numbers` bound first (`$1`…), then `texts`.
    async fn listings(
        &self,
        sql: String,
        numbers: &[i64],
        texts: Vec<String>,
    ) -> Result<Vec<ArticleListing>, StoreError> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for &n in numbers {
            query = query.bind(n);
        }
        for value in texts {
            query = query.bind(value);
        }
        let rows = query.fetch_all(self.pool).await?;
        Ok(rows
            .iter()
            .map(listing_from_row)
            .collect::<Result<_, _>>()?)
    }

    /// The newest articles that pass `filter` and are not `excluded`, newest first: one
    /// reader's latest list.
    pub async fn latest_excluding(
        &self,
        filter: &ListFilter,
        excluded: &Exclusions,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ArticleListing>, StoreError> {
        let (conditions, binds) = list_where(filter, excluded, 3);
        let sql = format!(
            "SELECT {COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id {conditions} \
             ORDER BY a.sort_at DESC, a.id DESC LIMIT $1 OFFSET $2"
        );
        self.listings(sql, &[limit, offset], binds).await
    }

    /// The ids and headlines of the list [`Self::latest_excluding`] reads, in its order: for
    /// a reader who hides words, whose headlines the site matches itself.
    pub async fn latest_headlines_excluding(
        &self,
        filter: &ListFilter,
        excluded: &Exclusions,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<(ArticleId, String)>, StoreError> {
        let (conditions, binds) = list_where(filter, excluded, 3);
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT a.id, a.title FROM articles a {conditions} \
             ORDER BY a.sort_at DESC, a.id DESC LIMIT $1 OFFSET $2"
        ));
        let mut query = sqlx::query(sql).bind(limit).bind(offset);
        for value in binds {
            query = query.bind(value);
        }
        let rows = query.fetch_all(self.pool).await?;
        rows.iter()
            .map(|r| Ok((ArticleId(r.try_get("id")?), r.try_get("title")?)))
            .collect()
    }

    /// The newest articles of some stories, newest first, at most `limit` (one statement
    /// for the list: a story's feed, or an entity's). At most the first 500 stories are
    /// read; an empty list reads nothing.
    pub async fn latest_of_stories(
        &self,
        stories: &[StoryId],
        limit: i64,
    ) -> Result<Vec<ArticleListing>, StoreError> {
        if stories.is_empty() {
            return Ok(Vec::new());
        }
        let ids = &stories[..stories.len().min(id_list::CHUNK)];
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id \
             WHERE a.story_id IN ({}) ORDER BY a.sort_at DESC, a.id DESC LIMIT $1",
            id_list::in_list(ids.iter().map(|id| id.0))
        ));
        let rows = sqlx::query(sql).bind(limit).fetch_all(self.pool).await?;
        Ok(rows
            .iter()
            .map(listing_from_row)
            .collect::<Result<_, _>>()?)
    }

    /// The copies of the given originals, each original's in the order they were published
    /// (one statement per 500 originals, not one per original); an empty list reads nothing.
    pub async fn republications(
        &self,
        originals: &[ArticleId],
    ) -> Result<Vec<Republication>, StoreError> {
        let mut copies = Vec::new();
        for chunk in originals.chunks(id_list::CHUNK) {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT a.id, a.duplicate_of, a.title, a.source_id, \
                 COALESCE(NULLIF(s.name, ''), s.url) AS source_name \
                 FROM articles a JOIN sources s ON s.id = a.source_id \
                 WHERE a.duplicate_of IN ({}) ORDER BY a.duplicate_of, a.sort_at, a.id",
                id_list::in_list(chunk.iter().map(|id| id.0))
            ));
            for row in sqlx::query(sql).fetch_all(self.pool).await? {
                copies.push(Republication {
                    original: ArticleId(row.try_get("duplicate_of")?),
                    id: ArticleId(row.try_get("id")?),
                    title: row.try_get("title")?,
                    source_id: SourceId(row.try_get("source_id")?),
                    source_name: outlet_name(row.try_get("source_name")?),
                });
            }
        }
        Ok(copies)
    }

    /// The topics an article was tagged with, as (slug, name).
    pub async fn topics_of(&self, id: ArticleId) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT slug, name FROM article_topics WHERE article_id = $1 ORDER BY slug",
        )
        .bind(id.0)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("slug")?, row.try_get("name")?)))
            .collect()
    }

    /// A topic's name as feeds spelt it, if any article carries it.
    pub async fn topic_name(&self, slug: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT MIN(name) AS name FROM article_topics WHERE slug = $1")
            .bind(slug)
            .fetch_one(self.pool)
            .await?;
        Ok(row.try_get("name")?)
    }

    /// The topics most articles published since `since` carry, as (slug, name, articles),
    /// most first.
    pub async fn popular_topics(
        &self,
        since: i64,
        limit: i64,
    ) -> Result<Vec<(String, String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.slug, MIN(t.name) AS name, COUNT(*) AS n FROM article_topics t \
             JOIN articles a ON a.id = t.article_id WHERE a.sort_at >= $1 \
             GROUP BY t.slug ORDER BY n DESC, t.slug LIMIT $2",
        )
        .bind(since)
        .bind(limit)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("slug")?,
                    row.try_get("name")?,
                    row.try_get("n")?,
                ))
            })
            .collect()
    }

    /// The newest articles of one source, newest first.
    pub async fn by_source(
        &self,
        source_id: SourceId,
        limit: i64,
    ) -> Result<Vec<ArticleListing>, StoreError> {
        self.by_source_from(source_id, limit, 0).await
    }

    /// One page of a source's articles, newest first, skipping the `offset` newest.
    pub async fn by_source_from(
        &self,
        source_id: SourceId,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ArticleListing>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id \
             WHERE a.source_id = $1 ORDER BY a.sort_at DESC, a.id DESC LIMIT $2 OFFSET $3"
        ));
        let rows = sqlx::query(sql)
            .bind(source_id.0)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(listing_from_row)
            .collect::<Result<_, _>>()?)
    }

    /// Articles with ids above `after`, lowest id first, at most `limit`: the feed of the
    /// search index's catch-up, which walks the table in id order from its cursor.
    pub async fn after_id(
        &self,
        after: ArticleId,
        limit: i64,
    ) -> Result<Vec<ArticleListing>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM articles a JOIN sources s ON s.id = a.source_id \
             WHERE a.id > $1 ORDER BY a.id LIMIT $2"
        ));
        let rows = sqlx::query(sql)
            .bind(after.0)
            .bind(limit)
            .fetch_all(self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(listing_from_row)
            .collect::<Result<_, _>>()?)
    }

    /// Placed articles with a placement number above `after_seq`, in placement order, at most
    /// `limit`, each with its number: the feed of the search indexer in a running pipeline.
    /// Placement numbers are handed out by the one story assigner inside its transactions,
    /// so they become visible in their order, unlike ids when several processes insert.
    pub async fn placed_after(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<(i64, ArticleListing)>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS}, a.story_seq FROM articles a JOIN sources s ON s.id = a.source_id \
             WHERE a.story_seq > $1 ORDER BY a.story_seq, a.id LIMIT $2"
        ));
        let rows = sqlx::query(sql)
            .bind(after_seq)
            .bind(limit)
            .fetch_all(self.pool)
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("story_seq")?, listing_from_row(row)?)))
            .collect()
    }

    /// The ids of the articles whose placement number is above `after_seq` and at most
    /// `upto_seq`: what the search indexer looks over again for placements committed late.
    pub async fn placed_ids_between(
        &self,
        after_seq: i64,
        upto_seq: i64,
    ) -> Result<Vec<ArticleId>, StoreError> {
        let rows = sqlx::query(
            "SELECT id FROM articles WHERE story_seq > $1 AND story_seq <= $2 ORDER BY id",
        )
        .bind(after_seq)
        .bind(upto_seq)
        .fetch_all(self.pool)
        .await?;
        ids_of(&rows)
    }

    /// The highest placement number recorded (0 before any placement).
    pub async fn max_placement(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COALESCE(MAX(story_seq), 0) AS n FROM articles")
            .fetch_one(self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// Every article id, in ascending order: what a search index's consistency check compares
    /// its own ids with.
    pub async fn all_ids(&self) -> Result<Vec<ArticleId>, StoreError> {
        let rows = sqlx::query("SELECT id FROM articles ORDER BY id")
            .fetch_all(self.pool)
            .await?;
        ids_of(&rows)
    }

    /// How many articles there are.
    pub async fn count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM articles")
            .fetch_one(self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// How many articles one source has.
    pub async fn count_by_source(&self, source_id: SourceId) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM articles WHERE source_id = $1")
            .bind(source_id.0)
            .fetch_one(self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// How many distinct URLs the articles have: equal to [`Articles::count`] unless an article
    /// was stored twice, which the schema forbids. Crash tests compare the two.
    pub async fn count_distinct_urls(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(DISTINCT url) AS n FROM articles")
            .fetch_one(self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }
}

/// Updates the stored article `a` names (by URL, or by a URL it had before its page named a
/// canonical one) when its feed entry changed: the title, and the text unless
/// `completed_from_page` and the stored body is longer than the feed's (the page gave it),
/// or retention stripped it (an empty body stays empty). Only `source`'s own article is
/// updated: two feeds carrying one link would otherwise overwrite each other at every poll.
/// The condition is part of the `UPDATE`, so an unchanged entry is compared and not written.
/// An updated article is queued for the search index and its story to be understood again.
/// Returns whether it was updated.
async fn update_changed(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    source: SourceId,
    a: &NewArticle,
    completed_from_page: bool,
) -> Result<bool, StoreError> {
    // The feed's text replaces the stored one unless the page completes the article and gave
    // more than the feed's text ($7 is 1 then).
    let feed_text_wins = "(body_text <> '' AND ($7 = 0 OR length(body_text) <= length($4)))";
    let sql = format!(
        "UPDATE articles SET title = $2, \
         standfirst = CASE WHEN {feed_text_wins} THEN $3 ELSE standfirst END, \
         body_text = CASE WHEN {feed_text_wins} THEN $4 ELSE body_text END, \
         body_html = CASE WHEN {feed_text_wins} THEN $5 ELSE body_html END, \
         updated_at = COALESCE($6, updated_at) \
         WHERE id = (SELECT id FROM articles WHERE url = $1 \
                     UNION ALL SELECT article_id FROM article_aliases WHERE url = $1 LIMIT 1) \
         AND source_id = $8 \
         AND (title <> $2 OR ({feed_text_wins} AND body_text <> $4)) \
         RETURNING id, story_id"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&a.url)
        .bind(&a.title)
        .bind(&a.standfirst)
        .bind(&a.body_text)
        .bind(&a.body_html)
        .bind(a.updated_at)
        .bind(i64::from(completed_from_page))
        .bind(source.0)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(row) = row else { return Ok(false) };
    let id: i64 = row.try_get("id")?;
    sqlx::query("INSERT INTO forgotten_articles (article_id) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    if let Some(story) = row.try_get::<Option<i64>, _>("story_id")? {
        crate::stories_to_understand::queue_survivors(tx, &[story]).await?;
    }
    Ok(true)
}

/// The `id` column of `rows`, as article ids.
pub(crate) fn ids_of(rows: &[AnyRow]) -> Result<Vec<ArticleId>, StoreError> {
    rows.iter()
        .map(|row| Ok(ArticleId(row.try_get("id")?)))
        .collect()
}

pub(crate) fn listing_from_row(row: &AnyRow) -> Result<ArticleListing, sqlx::Error> {
    let story_id: Option<i64> = row.try_get("story_id")?;
    let duplicate_of: Option<i64> = row.try_get("duplicate_of")?;
    Ok(ArticleListing {
        article: Article {
            id: ArticleId(row.try_get("id")?),
            source_id: SourceId(row.try_get("source_id")?),
            story_id: story_id.map(StoryId),
            duplicate_of: duplicate_of.map(ArticleId),
            content: NewArticle {
                url: row.try_get("url")?,
                title: row.try_get("title")?,
                standfirst: row.try_get("standfirst")?,
                byline: row.try_get("byline")?,
                credit: row.try_get("credit")?,
                published_at: row.try_get("published_at")?,
                updated_at: row.try_get("updated_at")?,
                fetched_at: row.try_get("fetched_at")?,
                language: row.try_get("language")?,
                body_text: row.try_get("body_text")?,
                body_html: row.try_get("body_html")?,
                image_url: row.try_get("image_url")?,
            },
        },
        // An outlet without a name is named by its feed's address, shown without credentials.
        source_name: outlet_name(row.try_get("source_name")?),
        section: row.try_get("section")?,
        source_display: row.try_get("source_display")?,
        sort_at: row.try_get("sort_at")?,
    })
}
