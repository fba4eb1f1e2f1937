//! The insights repository: what the understanding step computed for a story (stored as
//! JSON, with the story version it read), and the entities stories mention, for entity pages.

use crate::StoreError;
use crate::id_list;
use sqlx::{AnyPool, Row};
use std::collections::HashMap;
use tidings_model::{Story, StoryId, UnixSeconds};

/// An entity a story mentions, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryEntity {
    /// Its stable slug (`/entity/{slug}`).
    pub slug: String,
    /// Its display name.
    pub name: String,
    /// "person", "place" or "organisation".
    pub kind: String,
    /// How often the story's articles mention it.
    pub mentions: i64,
}

/// A story's stored insight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredInsight {
    /// The story version (its article count) the insight was computed from.
    pub version: i64,
    /// When it was computed.
    pub computed_at: UnixSeconds,
    /// The insight, as JSON.
    pub json: String,
}

/// Reads and writes insights and entities.
#[derive(Debug, Clone, Copy)]
pub struct Insights<'a> {
    pool: &'a AnyPool,
}

impl<'a> Insights<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        Insights { pool }
    }

    /// Replaces a story's insight and its entities in one transaction. An entity merged into
    /// another ([`crate::EntityGroups::merge`]) is saved as that other, with the name the
    /// story gives it; a new entity is kept with the story's language (the primary subtag) as
    /// its name's. Returns the slugs the story's entities were saved under, sorted.
    pub async fn save(
        &self,
        story: StoryId,
        insight: &StoredInsight,
        entities: &[StoryEntity],
    ) -> Result<Vec<String>, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        sqlx::query(
            "INSERT INTO story_insights (story_id, version, computed_at, insight) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (story_id) DO UPDATE SET \
             version = excluded.version, computed_at = excluded.computed_at, \
             insight = excluded.insight",
        )
        .bind(story.0)
        .bind(insight.version)
        .bind(insight.computed_at)
        .bind(&insight.json)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM story_entities WHERE story_id = $1")
            .bind(story.0)
            .execute(&mut *tx)
            .await?;
        let language: Option<String> = sqlx::query("SELECT language FROM stories WHERE id = $1")
            .bind(story.0)
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| row.try_get("language"))
            .transpose()?
            .flatten();
        let language = language.as_deref().map(primary_subtag).unwrap_or_default();
        // Entities in slug order: two stories understood at once that name the same new
        // entities in another order each held one of them and waited for the other
        // (PostgreSQL: "deadlock detected" on the entities' unique index). The no-op update
        // of a known entity locks its row until this transaction ends, so a merge of it
        // (which updates the row) either happened before, and is read here, or waits, and
        // then moves this story's mention with the others.
        let mut by_slug: Vec<&StoryEntity> = entities.iter().collect();
        by_slug.sort_by(|a, b| a.slug.cmp(&b.slug));
        let mut saved_as: HashMap<&str, String> = HashMap::new();
        for e in by_slug {
            let row = sqlx::query(
                "INSERT INTO entities (slug, name, kind, language) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (slug) DO UPDATE SET kind = entities.kind \
                 RETURNING COALESCE(merged_into, slug) AS saved_as",
            )
            .bind(&e.slug)
            .bind(&e.name)
            .bind(&e.kind)
            .bind(&language)
            .fetch_one(&mut *tx)
            .await?;
            saved_as.insert(e.slug.as_str(), row.try_get("saved_as")?);
        }
        for e in entities {
            let slug = saved_as.get(e.slug.as_str()).unwrap_or(&e.slug);
            // Two of the story's entities merged into one are one mention count.
            sqlx::query(
                "INSERT INTO story_entities (story_id, slug, mentions, name) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (story_id, slug) \
                 DO UPDATE SET mentions = story_entities.mentions + excluded.mentions",
            )
            .bind(story.0)
            .bind(slug)
            .bind(e.mentions)
            .bind(&e.name)
            .execute(&mut *tx)
            .await?;
        }
        crate::revision::bump(&mut *tx).await?;
        tx.commit().await?;
        let mut slugs: Vec<String> = saved_as.into_values().collect();
        slugs.sort_unstable();
        slugs.dedup();
        Ok(slugs)
    }

    /// A story's insight, if computed.
    pub async fn get(&self, story: StoryId) -> Result<Option<StoredInsight>, StoreError> {
        let row = sqlx::query(
            "SELECT version, computed_at, insight FROM story_insights WHERE story_id = $1",
        )
        .bind(story.0)
        .fetch_optional(self.pool)
        .await?;
        row.map(|row| {
            Ok(StoredInsight {
                version: row.try_get("version")?,
                computed_at: row.try_get("computed_at")?,
                json: row.try_get("insight")?,
            })
        })
        .transpose()
    }

    /// The entities a story mentions, most mentioned first, each by the name the story gives
    /// it.
    pub async fn entities_of(&self, story: StoryId) -> Result<Vec<StoryEntity>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.slug, COALESCE(se.name, e.name) AS name, e.kind, se.mentions \
             FROM story_entities se \
             JOIN entities e ON e.slug = se.slug WHERE se.story_id = $1 \
             ORDER BY se.mentions DESC, name",
        )
        .bind(story.0)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoryEntity {
                    slug: row.try_get("slug")?,
                    name: row.try_get("name")?,
                    kind: row.try_get("kind")?,
                    mentions: row.try_get("mentions")?,
                })
            })
            .collect()
    }

    /// The names of the entities each of `stories` mentions, as the story gives them, most
    /// mentioned first, read with one statement per 500 stories (search indexing reads a
    /// whole batch's stories at once). A story without entities is left out.
    pub async fn entity_names_of(
        &self,
        stories: &[StoryId],
    ) -> Result<HashMap<StoryId, Vec<String>>, StoreError> {
        let mut ids: Vec<i64> = stories.iter().map(|s| s.0).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut names: HashMap<StoryId, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(id_list::CHUNK) {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT se.story_id, COALESCE(se.name, e.name) AS name FROM story_entities se \
                 JOIN entities e ON e.slug = se.slug WHERE se.story_id IN ({}) \
                 ORDER BY se.story_id, se.mentions DESC, name",
                id_list::in_list(chunk.iter().copied())
            ));
            for row in sqlx::query(sql).fetch_all(self.pool).await? {
                names
                    .entry(StoryId(row.try_get("story_id")?))
                    .or_default()
                    .push(row.try_get("name")?);
            }
        }
        Ok(names)
    }

    /// One entity's name and kind (an entity merged into another keeps its own).
    pub async fn entity(&self, slug: &str) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query("SELECT name, kind FROM entities WHERE slug = $1")
            .bind(slug)
            .fetch_optional(self.pool)
            .await?;
        row.map(|row| Ok((row.try_get("name")?, row.try_get("kind")?)))
            .transpose()
    }

    /// The stories that mention an entity, latest first.
    pub async fn stories_of(
        &self,
        slug: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Story>, StoreError> {
        let ids: Vec<StoryId> = sqlx::query(
            "SELECT s.id FROM story_entities se JOIN stories s ON s.id = se.story_id \
             WHERE se.slug = $1 AND s.article_count > 0 ORDER BY s.last_at DESC, s.id DESC \
             LIMIT $2 OFFSET $3",
        )
        .bind(slug)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool)
        .await?
        .iter()
        .map(|row| row.try_get("id").map(StoryId))
        .collect::<Result<_, _>>()?;
        let mut stories = crate::Stories::new(self.pool).many(&ids).await?;
        stories.sort_by_key(|s| ids.iter().position(|id| *id == s.id));
        Ok(stories)
    }
}

/// The primary subtag of a language tag, lowercase (`de-AT` → `de`).
pub(crate) fn primary_subtag(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}
