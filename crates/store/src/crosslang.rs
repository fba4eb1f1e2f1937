//! The cross-language repository: each story's evidence (keys two languages write alike,
//! with weights), the stories of other languages that share some of it within a window of
//! time (one indexed read per key, bounded by the window, never a scan of history), and the
//! links found between stories of different languages.
//!
//! A link is stored both ways, with the language of the story it points at; a story has at
//! most one link per other language (the caller links only stories that are each other's
//! best match). Saving a story's links replaces them, and a new link displaces the links
//! its other story had into this story's language. Keys and links go with their story (the
//! foreign keys cascade, so retention's deletion of a story removes them in its statement).

use crate::{StoreError, id_list};
use sqlx::{AnyPool, Row};
use std::collections::{BTreeMap, BTreeSet};
use tidings_model::{Story, StoryId, UnixSeconds};

/// Keys written per statement (six values each).
const KEYS_PER_INSERT: usize = 100;

/// One piece of a story's evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryKey {
    /// The key (`e:…` a name, `n:…` a value, `t:…` a time, `c:…` a code).
    pub key: String,
    /// Its weight.
    pub weight: f64,
}

/// A story's evidence with what a link needs to know of the story.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyedStory {
    /// The story.
    pub story: StoryId,
    /// Its language (primary subtag, lowercase).
    pub language: String,
    /// Its first report's time.
    pub first_at: UnixSeconds,
    /// Its latest report's time.
    pub last_at: UnixSeconds,
    /// Its keys, sorted.
    pub keys: Vec<StoryKey>,
}

/// Where to look for candidates: stories sharing a key with a story, in a window of time.
#[derive(Debug, Clone, Copy)]
pub struct CandidateQuery<'a> {
    /// The story whose candidates these are (left out).
    pub story: StoryId,
    /// Its language: candidates are of other languages …
    pub language: &'a str,
    /// … or of this one only.
    pub only: Option<&'a str>,
    /// Keys a candidate must share one of.
    pub keys: &'a [String],
    /// The window: a candidate's reports end at or after `from` …
    pub from: UnixSeconds,
    /// … and begin at or before `to`.
    pub to: UnixSeconds,
    /// At most this many, those sharing the most keys first.
    pub limit: i64,
}

/// Reads and writes cross-language evidence and links.
#[derive(Debug, Clone, Copy)]
pub struct CrossLanguage<'a> {
    pool: &'a AnyPool,
}

impl<'a> CrossLanguage<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        CrossLanguage { pool }
    }

    /// The stories of `query` with all their keys, those sharing the most keys first.
    pub async fn candidates(
        &self,
        query: &CandidateQuery<'_>,
    ) -> Result<Vec<KeyedStory>, StoreError> {
        if query.keys.is_empty() {
            return Ok(Vec::new());
        }
        let params: Vec<String> = (0..query.keys.len())
            .map(|i| format!("${}", i + 6))
            .collect();
        let language = if query.only.is_some() {
            "k.language = $2"
        } else {
            "k.language <> $2"
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT k.story_id, COUNT(*) AS shared FROM story_keys k \
             WHERE k.key IN ({}) AND k.last_at >= $3 AND k.first_at <= $4 \
             AND k.story_id <> $1 AND {language} \
             GROUP BY k.story_id ORDER BY shared DESC, k.story_id LIMIT $5",
            params.join(", ")
        ));
        let mut q = sqlx::query(sql)
            .bind(query.story.0)
            .bind(query.only.unwrap_or(query.language))
            .bind(query.from)
            .bind(query.to)
            .bind(query.limit);
        for key in query.keys {
            q = q.bind(key);
        }
        let ids: Vec<i64> = q
            .fetch_all(self.pool)
            .await?
            .iter()
            .map(|row| row.try_get("story_id"))
            .collect::<Result<_, _>>()?;
        let mut stories = self.keyed(&ids).await?;
        stories.sort_by_key(|s| ids.iter().position(|id| *id == s.story.0));
        Ok(stories)
    }

    /// The stored evidence of the given stories (those without keys are left out).
    pub async fn keyed(&self, ids: &[i64]) -> Result<Vec<KeyedStory>, StoreError> {
        let mut by_story: BTreeMap<i64, KeyedStory> = BTreeMap::new();
        for chunk in ids.chunks(id_list::CHUNK) {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT story_id, key, weight, language, first_at, last_at FROM story_keys \
                 WHERE story_id IN ({}) ORDER BY story_id, key",
                id_list::in_list(chunk.iter().copied())
            ));
            for row in sqlx::query(sql).fetch_all(self.pool).await? {
                let id: i64 = row.try_get("story_id")?;
                let story = match by_story.entry(id) {
                    std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::btree_map::Entry::Vacant(e) => e.insert(KeyedStory {
                        story: StoryId(id),
                        language: row.try_get("language")?,
                        first_at: row.try_get("first_at")?,
                        last_at: row.try_get("last_at")?,
                        keys: Vec::new(),
                    }),
                };
                story.keys.push(StoryKey {
                    key: row.try_get("key")?,
                    weight: row.try_get("weight")?,
                });
            }
        }
        Ok(by_story.into_values().collect())
    }

    /// Replaces a story's evidence (with its language and span) and its links, in one
    /// transaction. Each link is (other story, its language, score); a link displaces the
    /// links the other story had into `story`'s language. The site revision moves when any
    /// link changed.
    pub async fn save(
        &self,
        story: &KeyedStory,
        links: &[(StoryId, String, f64)],
    ) -> Result<(), StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        sqlx::query("DELETE FROM story_keys WHERE story_id = $1")
            .bind(story.story.0)
            .execute(&mut *tx)
            .await?;
        for chunk in story.keys.chunks(KEYS_PER_INSERT) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let n = i * 6;
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${})",
                        n + 1,
                        n + 2,
                        n + 3,
                        n + 4,
                        n + 5,
                        n + 6
                    )
                })
                .collect();
            let sql = sqlx::AssertSqlSafe(format!(
                "INSERT INTO story_keys (story_id, key, weight, language, first_at, last_at) \
                 VALUES {}",
                rows.join(", ")
            ));
            let mut q = sqlx::query(sql);
            for k in chunk {
                q = q
                    .bind(story.story.0)
                    .bind(&k.key)
                    .bind(k.weight)
                    .bind(&story.language)
                    .bind(story.first_at)
                    .bind(story.last_at);
            }
            q.execute(&mut *tx).await?;
        }
        let before: BTreeSet<i64> =
            sqlx::query("SELECT other_id FROM story_language_links WHERE story_id = $1")
                .bind(story.story.0)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|row| row.try_get("other_id"))
                .collect::<Result<_, _>>()?;
        sqlx::query("DELETE FROM story_language_links WHERE story_id = $1 OR other_id = $1")
            .bind(story.story.0)
            .execute(&mut *tx)
            .await?;
        let mut displaced = 0;
        for (other, other_language, score) in links {
            // The other story's links into this language give way.
            let old: Vec<i64> = sqlx::query(
                "SELECT other_id FROM story_language_links \
                 WHERE story_id = $1 AND other_language = $2",
            )
            .bind(other.0)
            .bind(&story.language)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|row| row.try_get("other_id"))
            .collect::<Result<_, _>>()?;
            for gone in old {
                sqlx::query(
                    "DELETE FROM story_language_links WHERE (story_id = $1 AND other_id = $2) \
                     OR (story_id = $2 AND other_id = $1)",
                )
                .bind(other.0)
                .bind(gone)
                .execute(&mut *tx)
                .await?;
                displaced += 1;
            }
            for (from, to, to_language) in [
                (story.story, *other, other_language.as_str()),
                (*other, story.story, story.language.as_str()),
            ] {
                sqlx::query(
                    "INSERT INTO story_language_links (story_id, other_id, other_language, score) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(from.0)
                .bind(to.0)
                .bind(to_language)
                .bind(*score)
                .execute(&mut *tx)
                .await?;
            }
        }
        let after: BTreeSet<i64> = links.iter().map(|l| l.0.0).collect();
        if before != after || displaced > 0 {
            crate::revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The stories of other languages linked to `story` that still have articles, with the
    /// link's score, best first.
    pub async fn links_of(&self, story: StoryId) -> Result<Vec<(Story, f64)>, StoreError> {
        Ok(self
            .links_of_many(&[story])
            .await?
            .into_iter()
            .map(|(_, other, score)| (other, score))
            .collect())
    }

    /// [`Self::links_of`] for many stories in two statements: `(story, linked story, score)`,
    /// by story in the order of `stories`, then best first. What a list of story cards shows.
    pub async fn links_of_many(
        &self,
        stories: &[StoryId],
    ) -> Result<Vec<(StoryId, Story, f64)>, StoreError> {
        if stories.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT story_id, other_id, score FROM story_language_links \
             WHERE story_id IN ({}) ORDER BY story_id, score DESC, other_id",
            id_list::in_list(stories.iter().map(|s| s.0))
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool)
            .await?;
        let mut linked: Vec<(StoryId, StoryId, f64)> = rows
            .iter()
            .map(|row| {
                Ok((
                    StoryId(row.try_get("story_id")?),
                    StoryId(row.try_get("other_id")?),
                    row.try_get("score")?,
                ))
            })
            .collect::<Result<_, sqlx::Error>>()?;
        // The caller's order, each story's links best first (a stable sort keeps that).
        linked.sort_by_key(|l| stories.iter().position(|s| *s == l.0));
        let mut others: Vec<StoryId> = linked.iter().map(|l| l.1).collect();
        others.sort_unstable();
        others.dedup();
        let found = crate::Stories::new(self.pool).many(&others).await?;
        Ok(linked
            .into_iter()
            .filter_map(|(story, other, score)| {
                found
                    .iter()
                    .find(|s| s.id == other && s.article_count > 0)
                    .map(|s| (story, s.clone(), score))
            })
            .collect())
    }
}
