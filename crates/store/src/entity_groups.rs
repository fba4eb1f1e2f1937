//! One person, place or organisation under the names several languages give it: merging the
//! entities the extraction made per language into one, and reading an entity with its names.
//!
//! An entity merged into another keeps its row, marked `merged_into` that other (always the
//! group's own entity, never one merged in its turn), so its slug still answers, as a
//! redirect; its stories, and the readers' follows and hidden entries naming it, move to the
//! other in the merging transaction, and later saves of its slug are saved as the other
//! ([`crate::Insights::save`]). Each entity keeps its name and the language it was first seen
//! in, so the group's page can show the name of the reader's language.

use crate::{Backend, StoreError};
use sqlx::{AnyPool, Row};

/// An entity as its page reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityLookup {
    /// The slug is the group's own entity.
    Entity(EntityGroup),
    /// The slug was merged into this one (its page redirects there).
    MergedInto(String),
}

/// An entity with the names it goes by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityGroup {
    /// Its slug (`/entity/{slug}`).
    pub slug: String,
    /// Its own name: the name of the entity that had the most stories when entities merged.
    pub name: String,
    /// "person", "place" or "organisation".
    pub kind: String,
    /// The names it goes by, as (language, name): its own first, then those of the entities
    /// merged into it by slug; a language is `""` when unknown. One entry for an entity that
    /// was never merged.
    pub names: Vec<(String, String)>,
}

impl EntityGroup {
    /// The name to show a reader of `languages` (primary subtags, most wanted first): the
    /// first of their languages a name is known in, else its own name ([`Self::name`]); with
    /// that name's language (`""` when unknown).
    pub fn name_for(&self, languages: &[String]) -> (&str, &str) {
        languages
            .iter()
            .find_map(|wanted| {
                self.names
                    .iter()
                    .find(|(language, _)| !language.is_empty() && language == wanted)
            })
            .or_else(|| self.names.first())
            .map_or((self.name.as_str(), ""), |(language, name)| {
                (name.as_str(), language.as_str())
            })
    }

    /// Whether the entity goes by one name whatever the reader's language: never merged, or
    /// merged only with entities spelt the same. Its page is then the same for every reader.
    pub fn has_one_name(&self) -> bool {
        self.names.iter().all(|(_, name)| *name == self.name)
    }
}

/// An entity and the entities merged into it: each half read by its index (the primary key,
/// `entities_by_merged_into`).
pub(crate) const LOOKUP: &str = "SELECT slug, name, kind, language, merged_into FROM entities \
     WHERE slug = $1 \
     UNION ALL \
     SELECT slug, name, kind, language, merged_into FROM entities WHERE merged_into = $1";

/// Merges entities and reads them with their names.
#[derive(Debug, Clone, Copy)]
pub struct EntityGroups<'a> {
    pool: &'a AnyPool,
    backend: Backend,
}

/// One side of a merge: the group's own entity, its kind and its stories.
struct Root {
    slug: String,
    kind: String,
    stories: i64,
}

impl<'a> EntityGroups<'a> {
    pub(crate) fn new(pool: &'a AnyPool, backend: Backend) -> Self {
        EntityGroups { pool, backend }
    }

    /// The entity `slug` as its page shows it, with one statement on two indexes: the
    /// entity and the entities merged into it. `None` for an unknown slug.
    pub async fn lookup(&self, slug: &str) -> Result<Option<EntityLookup>, StoreError> {
        let rows = sqlx::query(LOOKUP).bind(slug).fetch_all(self.pool).await?;
        let mut own: Option<EntityGroup> = None;
        let mut merged: Vec<(String, String, String)> = Vec::new();
        for row in &rows {
            let this: String = row.try_get("slug")?;
            let name: String = row.try_get("name")?;
            let language: String = row.try_get("language")?;
            if this == slug {
                if let Some(target) = row.try_get::<Option<String>, _>("merged_into")? {
                    return Ok(Some(EntityLookup::MergedInto(target)));
                }
                own = Some(EntityGroup {
                    slug: this,
                    names: vec![(language, name.clone())],
                    name,
                    kind: row.try_get("kind")?,
                });
            } else {
                merged.push((this, language, name));
            }
        }
        let Some(mut group) = own else {
            return Ok(None);
        };
        merged.sort();
        group.names.extend(
            merged
                .into_iter()
                .map(|(_, language, name)| (language, name)),
        );
        Ok(Some(EntityLookup::Entity(group)))
    }

    /// The slug `slug`'s entity is shown under: its own, or the one it was merged into.
    /// `None` for an unknown slug.
    pub async fn resolve(&self, slug: &str) -> Result<Option<String>, StoreError> {
        let row =
            sqlx::query("SELECT COALESCE(merged_into, slug) AS slug FROM entities WHERE slug = $1")
                .bind(slug)
                .fetch_optional(self.pool)
                .await?;
        Ok(row.map(|row| row.try_get("slug")).transpose()?)
    }

    /// Makes the entities `a` and `b` (slugs, either possibly merged already) one, in one
    /// transaction: of their two groups, the one whose entity has more stories (ties: the
    /// smaller slug) takes the other's stories, and the other's entities redirect to it;
    /// readers who followed or hid the other now follow or hide it. Returns the slug of the
    /// entity they are now, or `None` when nothing was merged: a slug is unknown, the two
    /// are of different kinds, or they are one already.
    pub async fn merge(&self, a: &str, b: &str) -> Result<Option<String>, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let mut roots: Vec<Root> = Vec::with_capacity(2);
        for slug in [a, b] {
            let row = sqlx::query(
                "SELECT r.slug, r.kind, \
                 (SELECT COUNT(*) FROM story_entities se WHERE se.slug = r.slug) AS stories \
                 FROM entities e JOIN entities r ON r.slug = COALESCE(e.merged_into, e.slug) \
                 WHERE e.slug = $1",
            )
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                return Ok(None);
            };
            roots.push(Root {
                slug: row.try_get("slug")?,
                kind: row.try_get("kind")?,
                stories: row.try_get("stories")?,
            });
        }
        let (Some(second), Some(first)) = (roots.pop(), roots.pop()) else {
            return Ok(None);
        };
        if first.slug == second.slug || first.kind != second.kind {
            return Ok(None);
        }
        let first_wins = first.stories > second.stories
            || (first.stories == second.stories && first.slug < second.slug);
        let (kept, gone) = if first_wins {
            (first.slug, second.slug)
        } else {
            (second.slug, first.slug)
        };
        if self.backend == Backend::Postgres {
            // The merged group's rows in slug order, as saves lock them, so that a save naming
            // two of them and this merge do not each wait for the other.
            sqlx::query(
                "SELECT slug FROM entities WHERE slug = $1 OR merged_into = $1 \
                 ORDER BY slug FOR UPDATE",
            )
            .bind(&gone)
            .fetch_all(&mut *tx)
            .await?;
        }
        for sql in [
            "UPDATE entities SET merged_into = $1 WHERE slug = $2 OR merged_into = $2",
            // A story that names both keeps one mention count, the sum.
            "UPDATE story_entities SET mentions = mentions + \
             (SELECT g.mentions FROM story_entities g \
              WHERE g.story_id = story_entities.story_id AND g.slug = $2) \
             WHERE slug = $1 AND story_id IN (SELECT story_id FROM story_entities WHERE slug = $2)",
            "DELETE FROM story_entities WHERE slug = $2 \
             AND story_id IN (SELECT story_id FROM story_entities WHERE slug = $1)",
            "UPDATE story_entities SET slug = $1 WHERE slug = $2",
            "DELETE FROM follows WHERE kind = 'entity' AND target = $2 \
             AND user_id IN (SELECT user_id FROM follows WHERE kind = 'entity' AND target = $1)",
            "UPDATE follows SET target = $1 WHERE kind = 'entity' AND target = $2",
            "DELETE FROM hidden_things WHERE kind = 'entity' AND target = $2 \
             AND user_id IN \
             (SELECT user_id FROM hidden_things WHERE kind = 'entity' AND target = $1)",
            "UPDATE hidden_things SET target = $1 WHERE kind = 'entity' AND target = $2",
        ] {
            sqlx::query(sql)
                .bind(&kept)
                .bind(&gone)
                .execute(&mut *tx)
                .await?;
        }
        crate::revision::bump(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(kept))
    }
}
