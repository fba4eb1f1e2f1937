//! Keeping the index in step with the database: [`catch_up`] indexes the articles stored after
//! the cursor (idempotently, so a crash between the database insert and the index commit is
//! repaired at the next start), [`rebuild`] starts over from the database, [`check`]
//! compares ids both ways (and what each id's document describes) and optionally repairs,
//! and [`rebuild_if_stale`] notices at start that the database went back in time (a backup
//! restored) while the index did not.

use crate::SearchError;
use crate::doc::{SearchDoc, host_of};
use crate::engine::SearchEngine;
use std::collections::HashMap;
use tidings_model::{ArticleId, SourceId, StoryId};
use tidings_store::{ArticleListing, Store};

/// Articles read from the database per batch.
const BATCH: i64 = 500;
/// Documents between two commits during a catch-up.
const COMMIT_EVERY: usize = 20_000;
/// How many placement numbers below its cursor [`catch_up_placed`] looks over again.
pub const PLACED_LOOKBACK: i64 = 1_000;

/// The outcome of a catch-up or rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatchUp {
    /// Articles indexed.
    pub indexed: u64,
    /// The cursor afterwards.
    pub cursor: ArticleId,
}

/// The outcome of a consistency check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Check {
    /// Articles in the database.
    pub database: u64,
    /// Documents in the index.
    pub index: u64,
    /// Articles the index lacks.
    pub missing: Vec<ArticleId>,
    /// Documents whose article is gone.
    pub extra: Vec<ArticleId>,
    /// Ids in both whose document describes another article than the database's (its URL
    /// differs): the id was given again, as after a restored backup.
    pub mismatched: Vec<ArticleId>,
    /// Whether the differences were repaired.
    pub fixed: bool,
}

impl Check {
    /// Whether index and database agree.
    pub fn consistent(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.mismatched.is_empty()
    }
}

/// How many of the newest articles [`rebuild_if_stale`] compares with their documents.
const STALE_SAMPLE: usize = 64;

/// Why the index no longer matches the database, if it does not: it holds an article past
/// the database's newest or more documents than the database has articles, or one of the
/// newest articles it holds was indexed with another URL. All three happen when a backup is
/// restored under a tantivy index that kept running: SQLite gives the restored database's
/// next articles the ids the index still holds for other ones. Deletions still queued are
/// applied first, so that they are not taken for such documents. PostgreSQL's search rows
/// live in the database itself and cannot disagree with it so.
pub async fn stale_reason(
    engine: &SearchEngine,
    store: &Store,
) -> Result<Option<String>, SearchError> {
    if matches!(engine, SearchEngine::Postgres(_)) {
        return Ok(None);
    }
    forget_deleted(engine, store).await?;
    let db = store.articles().all_ids().await?;
    let newest = db.last().copied().unwrap_or(ArticleId(0));
    let indexed = engine.ids().await?;
    if let Some(&last) = indexed.last()
        && last > newest
    {
        return Ok(Some(format!(
            "the index has caught up to article {last} but the database's newest is {newest}"
        )));
    }
    if indexed.len() > db.len() {
        return Ok(Some(format!(
            "the index holds {} documents for {} articles",
            indexed.len(),
            db.len()
        )));
    }
    let sample: Vec<ArticleId> = db
        .iter()
        .rev()
        .filter(|id| indexed.binary_search(id).is_ok())
        .take(STALE_SAMPLE)
        .copied()
        .collect();
    let mismatched = mismatched_urls(engine, store, &sample).await?;
    Ok(mismatched
        .first()
        .map(|id| format!("article {id} in the index is another article than the database's {id}")))
}

/// Rebuilds the index when [`stale_reason`] finds it out of step with the database; says
/// why it did. Call it once at start, before the first catch-up.
pub async fn rebuild_if_stale(
    engine: &SearchEngine,
    store: &Store,
) -> Result<Option<String>, SearchError> {
    let Some(reason) = stale_reason(engine, store).await? else {
        return Ok(None);
    };
    tracing::warn!(%reason, "search index out of step with the database; rebuilding it");
    rebuild(engine, store).await?;
    Ok(Some(reason))
}

/// Those of `ids` (all in both) whose document was indexed with another URL than the
/// database's article has now.
async fn mismatched_urls(
    engine: &SearchEngine,
    store: &Store,
    ids: &[ArticleId],
) -> Result<Vec<ArticleId>, SearchError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(BATCH as usize) {
        // An engine that does not keep links (PostgreSQL) cannot tell.
        let Some(indexed) = engine.indexed_urls(chunk).await? else {
            break;
        };
        for (id, url) in store.articles().urls(chunk).await? {
            if indexed.get(&id).is_some_and(|indexed| *indexed != url) {
                out.push(id);
            }
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// The host of every source, for `source:` matching.
async fn source_hosts(store: &Store) -> Result<HashMap<SourceId, String>, SearchError> {
    Ok(store
        .sources()
        .list()
        .await?
        .into_iter()
        .map(|s| (s.id, host_of(s.site_url.as_deref().unwrap_or(&s.url))))
        .collect())
}

/// The documents of `listings`, each with its outlet's host and, once its story has been
/// understood, the names of the people, places and organisations the story mentions.
async fn to_docs(
    store: &Store,
    listings: &[ArticleListing],
    hosts: &HashMap<SourceId, String>,
) -> Result<Vec<SearchDoc>, SearchError> {
    let stories: Vec<StoryId> = listings.iter().filter_map(|l| l.article.story_id).collect();
    let entities = store.insights().entity_names_of(&stories).await?;
    Ok(listings
        .iter()
        .map(|l| {
            let host = hosts
                .get(&l.article.source_id)
                .map(String::as_str)
                .unwrap_or_default();
            let mut doc = SearchDoc::from_listing(l, host);
            if let Some(names) = l.article.story_id.and_then(|s| entities.get(&s)) {
                doc.entities = names.clone();
            }
            doc
        })
        .collect())
}

/// Drops from the index the articles deleted from the database since (a source removed,
/// retention), as queued in their deleting transaction, and commits; returns how many were
/// queued. An id that names an article again (SQLite gives a deleted highest id to the next
/// row) is indexed anew instead, so the new article is never dropped in the old one's place.
pub async fn forget_deleted(engine: &SearchEngine, store: &Store) -> Result<usize, SearchError> {
    let queue = store.forgotten_articles();
    let mut total = 0;
    loop {
        let ids = queue.pending(BATCH).await?;
        if ids.is_empty() {
            return Ok(total);
        }
        reindex_articles(engine, store, &ids).await?;
        queue.done(&ids).await?;
        total += ids.len();
    }
}

/// Indexes a story's articles again, now with the entities its understanding found, and
/// commits.
pub async fn reindex_story(
    engine: &SearchEngine,
    store: &Store,
    story: StoryId,
) -> Result<usize, SearchError> {
    let hosts = source_hosts(store).await?;
    let listings = store.stories().articles(story).await?;
    let docs = to_docs(store, &listings, &hosts).await?;
    engine.index(&docs).await?;
    engine.commit().await?;
    Ok(docs.len())
}

/// Indexes articles again as the database now has them (after the retention pass emptied
/// their text, say) and commits; an id no longer in the database leaves the index. Returns
/// how many were indexed.
pub async fn reindex_articles(
    engine: &SearchEngine,
    store: &Store,
    ids: &[ArticleId],
) -> Result<usize, SearchError> {
    let hosts = source_hosts(store).await?;
    let listings = store.articles().many(ids).await?;
    let found: std::collections::HashSet<ArticleId> =
        listings.iter().map(|l| l.article.id).collect();
    for id in ids.iter().filter(|id| !found.contains(id)) {
        engine.delete(*id).await?;
    }
    let docs = to_docs(store, &listings, &hosts).await?;
    engine.index(&docs).await?;
    engine.commit().await?;
    Ok(docs.len())
}

/// Indexes every article stored after the engine's cursor, in id order, and commits with the
/// new cursor. Safe to run at any time and more than once: documents are keyed by article id.
///
/// Articles whose transactions commit out of id order (concurrent writers on PostgreSQL) can
/// land behind the cursor; [`catch_up_placed`] (which a running pipeline uses) does not miss
/// them once they are placed, and [`check`] with `fix` finds any article still missing.
pub async fn catch_up(engine: &SearchEngine, store: &Store) -> Result<CatchUp, SearchError> {
    catch_up_from(engine, store, false).await
}

/// [`catch_up`] for a running pipeline: indexes the articles placed in stories since the
/// engine's placement cursor, in placement order, so that each article is indexed once its
/// text is final and its story known, and commits. [`CatchUp::cursor`] is the highest article
/// id indexed so far (the placement cursor is kept apart, with the index).
///
/// Placement numbers, unlike ids, become visible in their order: the one story assigner hands
/// them out inside its transactions, one batch after another, whereas several processes
/// inserting articles commit ids out of order (an id committed late would fall behind an id
/// cursor). The last [`PLACED_LOOKBACK`] placement numbers below the cursor are looked over
/// again each time, and any of their articles the index lacks is indexed: that covers a batch
/// committed late by an assigner that lost its role while another already placed.
pub async fn catch_up_placed(engine: &SearchEngine, store: &Store) -> Result<CatchUp, SearchError> {
    engine.upgrade().await?;
    let hosts = source_hosts(store).await?;
    let mut seq = engine.placed_cursor().await?;
    let mut indexed = 0u64;
    let mut highest = engine.cursor().await?;
    if seq > 0 {
        let recent = store
            .articles()
            .placed_ids_between(seq.saturating_sub(PLACED_LOOKBACK), seq)
            .await?;
        let late = engine.missing(&recent).await?;
        if !late.is_empty() {
            tracing::info!(count = late.len(), "indexing articles placed late");
            let listings = store.articles().many(&late).await?;
            engine
                .index(&to_docs(store, &listings, &hosts).await?)
                .await?;
            indexed += listings.len() as u64;
        }
    }
    let mut since_commit = 0usize;
    loop {
        let batch = store.articles().placed_after(seq, BATCH).await?;
        let Some(&(last, _)) = batch.last() else {
            break;
        };
        let full = batch.len() as i64 == BATCH;
        let listings: Vec<ArticleListing> = batch.into_iter().map(|(_, l)| l).collect();
        if let Some(top) = listings.iter().map(|l| l.article.id).max() {
            highest = highest.max(top);
        }
        let docs = to_docs(store, &listings, &hosts).await?;
        engine.index(&docs).await?;
        indexed += docs.len() as u64;
        since_commit += docs.len();
        seq = last;
        engine.set_placed_cursor(seq).await?;
        // The id cursor only spares a later `catch_up` from indexing these again.
        engine.set_cursor(highest).await?;
        if since_commit >= COMMIT_EVERY {
            engine.commit().await?;
            since_commit = 0;
        }
        if !full {
            break;
        }
    }
    if indexed > 0 {
        engine.commit().await?;
    }
    Ok(CatchUp {
        indexed,
        cursor: highest,
    })
}

async fn catch_up_from(
    engine: &SearchEngine,
    store: &Store,
    fresh: bool,
) -> Result<CatchUp, SearchError> {
    catch_up_with(engine, store, fresh).await
}

async fn catch_up_with(
    engine: &SearchEngine,
    store: &Store,
    fresh: bool,
) -> Result<CatchUp, SearchError> {
    engine.upgrade().await?;
    let hosts = source_hosts(store).await?;
    let mut cursor = engine.cursor().await?;
    let mut indexed = 0u64;
    let mut since_commit = 0usize;
    loop {
        let batch = store.articles().after_id(cursor, BATCH).await?;
        let Some(last) = batch.last() else { break };
        let next = last.article.id;
        let docs = to_docs(store, &batch, &hosts).await?;
        if fresh {
            engine.index_new(&docs).await?;
        } else {
            engine.index(&docs).await?;
        }
        indexed += docs.len() as u64;
        since_commit += docs.len();
        cursor = next;
        engine.set_cursor(cursor).await?;
        if since_commit >= COMMIT_EVERY {
            engine.commit().await?;
            since_commit = 0;
        }
    }
    engine.commit().await?;
    Ok(CatchUp { indexed, cursor })
}

/// Empties the index and indexes every article again (tantivy: without merging until the
/// end, then into one segment).
pub async fn rebuild(engine: &SearchEngine, store: &Store) -> Result<CatchUp, SearchError> {
    // Every placement up to here is committed, so the walk by id below sees its article.
    let placed = store.articles().max_placement().await?;
    engine.clear().await?;
    engine.commit().await?;
    if let SearchEngine::Tantivy(index) = engine {
        index.pause_merges()?;
    }
    let done = async {
        let done = catch_up_from(engine, store, true).await?;
        engine.set_placed_cursor(placed).await?;
        engine.commit().await?;
        Ok(done)
    }
    .await;
    if let SearchEngine::Tantivy(index) = engine {
        index.merge_all()?;
    }
    done
}

/// Compares the ids in the index with those in the database; with `fix`, indexes the missing
/// articles and deletes the extra documents, then commits.
pub async fn check(engine: &SearchEngine, store: &Store, fix: bool) -> Result<Check, SearchError> {
    let db = store.articles().all_ids().await?;
    let indexed = engine.ids().await?;
    let (missing, extra) = diff_sorted(&db, &indexed);
    let both: Vec<ArticleId> = db
        .iter()
        .filter(|id| indexed.binary_search(id).is_ok())
        .copied()
        .collect();
    let mismatched = mismatched_urls(engine, store, &both).await?;
    let mut report = Check {
        database: db.len() as u64,
        index: indexed.len() as u64,
        missing,
        extra,
        mismatched,
        fixed: false,
    };
    if fix && !report.consistent() {
        for id in &report.extra {
            engine.delete(*id).await?;
        }
        let hosts = source_hosts(store).await?;
        let stale: Vec<ArticleId> = report
            .missing
            .iter()
            .chain(&report.mismatched)
            .copied()
            .collect();
        for chunk in stale.chunks(BATCH as usize) {
            let listings = store.articles().many(chunk).await?;
            engine
                .index(&to_docs(store, &listings, &hosts).await?)
                .await?;
        }
        engine.commit().await?;
        report.fixed = true;
    }
    Ok(report)
}

/// Ids in `a` but not `b`, and in `b` but not `a`; both ascending.
fn diff_sorted(a: &[ArticleId], b: &[ArticleId]) -> (Vec<ArticleId>, Vec<ArticleId>) {
    let (mut i, mut j) = (0, 0);
    let (mut only_a, mut only_b) = (Vec::new(), Vec::new());
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => {
                only_a.push(*x);
                i += 1;
            }
            (Some(x), None) => {
                only_a.push(*x);
                i += 1;
            }
            (_, Some(y)) => {
                only_b.push(*y);
                j += 1;
            }
            (None, None) => break,
        }
    }
    (only_a, only_b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs() {
        let ids = |v: &[i64]| v.iter().map(|&i| ArticleId(i)).collect::<Vec<_>>();
        let (a, b) = diff_sorted(&ids(&[1, 2, 4, 6]), &ids(&[2, 3, 4, 7]));
        assert_eq!(a, ids(&[1, 6]));
        assert_eq!(b, ids(&[3, 7]));
    }
}
