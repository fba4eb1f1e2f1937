//! What each account hid from its pages: sources, entities (people, places, organisations),
//! topics, and words or phrases. The web site leaves them out of that reader's front,
//! section, topic and "For you" pages; this module keeps the lists (at most
//! [`MAX_HIDDEN`] things per account) and answers the questions those pages ask of many
//! stories or articles at once: which of them touch a hidden entity or topic, and which
//! article leads a story once its lead's outlet is hidden.
//!
//! A word is kept as its words ([`hidden_words`]: lower-cased, split at everything that is
//! not a letter or digit) joined by single spaces, so "Brexit", "brexit" and " BREXIT! " are
//! one hidden word, and a page matches it against a headline's words the same way.

use crate::headline::Report;
use crate::{StoreError, id_list};
use sqlx::{AnyPool, Row};
use std::collections::{HashMap, HashSet};
use tidings_model::{ArticleId, SourceId, StoryId, UnixSeconds, UserId};

/// The most things one account may hide.
pub const MAX_HIDDEN: i64 = 200;

/// The longest hidden word or phrase, in characters, as typed.
pub const MAX_WORD_CHARS: usize = 100;

/// The longest entity or topic slug accepted (slugs the site makes are far shorter).
const MAX_SLUG_CHARS: usize = 200;

/// What kind of thing is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HiddenKind {
    /// A source, by id.
    Source,
    /// An entity (person, place, organisation), by slug.
    Entity,
    /// A topic feeds tag articles with, by slug.
    Topic,
    /// A word or phrase, by its normalised words.
    Word,
}

impl HiddenKind {
    /// Every kind, in the order the settings page lists them.
    pub const ALL: [HiddenKind; 4] = [
        HiddenKind::Source,
        HiddenKind::Entity,
        HiddenKind::Topic,
        HiddenKind::Word,
    ];

    /// The kind's stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            HiddenKind::Source => "source",
            HiddenKind::Entity => "entity",
            HiddenKind::Topic => "topic",
            HiddenKind::Word => "word",
        }
    }

    /// The kind a stored name names.
    pub fn parse(text: &str) -> Option<HiddenKind> {
        match text {
            "source" => Some(HiddenKind::Source),
            "entity" => Some(HiddenKind::Entity),
            "topic" => Some(HiddenKind::Topic),
            "word" => Some(HiddenKind::Word),
            _ => None,
        }
    }
}

/// Why a word or phrase cannot be hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WordError {
    /// Nothing but spaces and punctuation.
    #[error("Type a word or phrase to hide: it needs at least one letter or digit.")]
    Empty,
    /// Longer than [`MAX_WORD_CHARS`].
    #[error("A hidden word or phrase may be at most 100 characters long.")]
    TooLong,
}

/// One thing an account hides.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HiddenThing {
    /// What kind of thing.
    pub kind: HiddenKind,
    /// The source's id in decimal, the entity's or topic's slug, or the word's normalised
    /// words.
    pub target: String,
}

impl HiddenThing {
    /// A source.
    pub fn source(id: SourceId) -> HiddenThing {
        HiddenThing {
            kind: HiddenKind::Source,
            target: id.0.to_string(),
        }
    }

    /// An entity, by slug.
    pub fn entity(slug: &str) -> HiddenThing {
        HiddenThing {
            kind: HiddenKind::Entity,
            target: slug.to_string(),
        }
    }

    /// A topic, by slug.
    pub fn topic(slug: &str) -> HiddenThing {
        HiddenThing {
            kind: HiddenKind::Topic,
            target: slug.to_string(),
        }
    }

    /// A word or phrase as a reader typed it, normalised (see the module documentation):
    /// at most [`MAX_WORD_CHARS`] characters once trimmed, with a letter or digit.
    pub fn word(text: &str) -> Result<HiddenThing, WordError> {
        let text = text.trim();
        if text.chars().count() > MAX_WORD_CHARS {
            return Err(WordError::TooLong);
        }
        let words = hidden_words(text);
        if words.is_empty() {
            return Err(WordError::Empty);
        }
        Ok(HiddenThing {
            kind: HiddenKind::Word,
            target: words.join(" "),
        })
    }

    /// The source it names, when it is a source.
    pub fn source_id(&self) -> Option<SourceId> {
        match self.kind {
            HiddenKind::Source => self.target.parse().ok().map(SourceId),
            _ => None,
        }
    }

    /// Whether the target is one the kind can have: a source id, a slug of sane length
    /// without control characters, a normalised word of sane length.
    fn is_well_formed(&self) -> bool {
        match self.kind {
            HiddenKind::Source => self.source_id().is_some(),
            HiddenKind::Entity | HiddenKind::Topic => {
                !self.target.is_empty()
                    && self.target.chars().count() <= MAX_SLUG_CHARS
                    && !self.target.chars().any(char::is_control)
            }
            HiddenKind::Word => {
                !self.target.is_empty()
                    && self.target.chars().count() <= 2 * MAX_WORD_CHARS
                    && hidden_words(&self.target).join(" ") == self.target
            }
        }
    }
}

/// A thing an account hid, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    /// The thing.
    pub thing: HiddenThing,
    /// When the account hid it.
    pub created_at: UnixSeconds,
}

/// What [`HiddenThings::hide`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HideOutcome {
    /// It is hidden now.
    Hidden,
    /// It was hidden already; nothing changed.
    AlreadyHidden,
    /// The account hides [`MAX_HIDDEN`] things already; nothing changed.
    LimitReached,
}

/// The words of `text` as hiding compares them: lower-cased, split at every character that
/// is not a letter or digit (so `don't` is `don` and `t`, in a headline as in a hidden word).
pub fn hidden_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Reads and writes the things accounts hide.
#[derive(Debug, Clone, Copy)]
pub struct HiddenThings<'a> {
    pool: &'a AnyPool,
}

impl<'a> HiddenThings<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        HiddenThings { pool }
    }

    /// Hides `thing` for `user`, unless the account hides [`MAX_HIDDEN`] things already. The
    /// caller checks that a source, entity or topic exists. The count and the insert are one
    /// transaction that first locks the account's row, so two requests at once cannot take
    /// an account past the limit (PostgreSQL; SQLite has one writer anyway).
    pub async fn hide(
        &self,
        user: UserId,
        thing: &HiddenThing,
        now: UnixSeconds,
    ) -> Result<HideOutcome, StoreError> {
        if !thing.is_well_formed() {
            return Err(StoreError::Unsupported(format!(
                "{:?} is not a {} one can hide",
                thing.target,
                thing.kind.as_str()
            )));
        }
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let locked = sqlx::query("UPDATE users SET role = role WHERE id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        if locked.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("account {user}")));
        }
        let exists = sqlx::query(
            "SELECT 1 AS one FROM hidden_things WHERE user_id = $1 AND kind = $2 AND target = $3",
        )
        .bind(user.0)
        .bind(thing.kind.as_str())
        .bind(&thing.target)
        .fetch_optional(&mut *tx)
        .await?;
        if exists.is_some() {
            return Ok(HideOutcome::AlreadyHidden);
        }
        let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM hidden_things WHERE user_id = $1")
            .bind(user.0)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
        if count >= MAX_HIDDEN {
            return Ok(HideOutcome::LimitReached);
        }
        sqlx::query(
            "INSERT INTO hidden_things (user_id, kind, target, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(user.0)
        .bind(thing.kind.as_str())
        .bind(&thing.target)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(HideOutcome::Hidden)
    }

    /// Shows `thing` to `user` again; whether it was hidden.
    pub async fn unhide(&self, user: UserId, thing: &HiddenThing) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM hidden_things WHERE user_id = $1 AND kind = $2 AND target = $3",
        )
        .bind(user.0)
        .bind(thing.kind.as_str())
        .bind(&thing.target)
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Whether `user` hides `thing`.
    pub async fn hides(&self, user: UserId, thing: &HiddenThing) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 AS one FROM hidden_things WHERE user_id = $1 AND kind = $2 AND target = $3",
        )
        .bind(user.0)
        .bind(thing.kind.as_str())
        .bind(&thing.target)
        .fetch_optional(self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// Everything `user` hides, by kind (sources, entities, topics, words), then oldest
    /// first. One read of the primary key's range for the account.
    pub async fn list(&self, user: UserId) -> Result<Vec<Hidden>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, target, created_at FROM hidden_things WHERE user_id = $1 \
             ORDER BY created_at, kind, target",
        )
        .bind(user.0)
        .fetch_all(self.pool)
        .await?;
        let mut hidden = Vec::with_capacity(rows.len());
        for r in &rows {
            let kind: String = r.try_get("kind")?;
            if let Some(kind) = HiddenKind::parse(&kind) {
                hidden.push(Hidden {
                    thing: HiddenThing {
                        kind,
                        target: r.try_get("target")?,
                    },
                    created_at: r.try_get("created_at")?,
                });
            }
        }
        hidden.sort_by_key(|h| h.thing.kind);
        Ok(hidden)
    }

    /// Which of `stories` mention one of `entities` or have an article tagged with one of
    /// `topics` (slugs): one statement per kind and 500 stories, each over the primary keys
    /// of `story_entities` and `article_topics`.
    pub async fn stories_touching(
        &self,
        stories: &[StoryId],
        entities: &[String],
        topics: &[String],
    ) -> Result<HashSet<StoryId>, StoreError> {
        let ids: Vec<i64> = stories.iter().map(|s| s.0).collect();
        let mut found = self
            .touching(&ids, entities, |ids, slugs| {
                format!(
                    "SELECT DISTINCT se.story_id AS id FROM story_entities se \
                     WHERE se.story_id IN ({ids}) AND se.slug IN ({slugs})"
                )
            })
            .await?;
        found.extend(
            self.touching(&ids, topics, |ids, slugs| {
                format!(
                    "SELECT DISTINCT a.story_id AS id FROM articles a \
                     WHERE a.story_id IN ({ids}) AND EXISTS (SELECT 1 FROM article_topics t \
                     WHERE t.article_id = a.id AND t.slug IN ({slugs}))"
                )
            })
            .await?,
        );
        Ok(found.into_iter().map(StoryId).collect())
    }

    /// Which of `articles` are tagged with one of `topics` or belong to a story that
    /// mentions one of `entities` (slugs), as [`Self::stories_touching`] reads them.
    pub async fn articles_touching(
        &self,
        articles: &[ArticleId],
        entities: &[String],
        topics: &[String],
    ) -> Result<HashSet<ArticleId>, StoreError> {
        let ids: Vec<i64> = articles.iter().map(|a| a.0).collect();
        let mut found = self
            .touching(&ids, entities, |ids, slugs| {
                format!(
                    "SELECT a.id FROM articles a WHERE a.id IN ({ids}) AND EXISTS \
                     (SELECT 1 FROM story_entities se WHERE se.story_id = a.story_id \
                     AND se.slug IN ({slugs}))"
                )
            })
            .await?;
        found.extend(
            self.touching(&ids, topics, |ids, slugs| {
                format!(
                    "SELECT DISTINCT t.article_id AS id FROM article_topics t \
                     WHERE t.article_id IN ({ids}) AND t.slug IN ({slugs})"
                )
            })
            .await?,
        );
        Ok(found.into_iter().map(ArticleId).collect())
    }

    /// For each of `stories` whose lead article (the one its headline is from) comes from
    /// one of `sources`: its article that leads it without them, chosen as the lead is
    /// ([`crate::headline`]: the newest original report that makes a headline, copies only
    /// when no original is left), with that article's headline. Stories with no article
    /// from another outlet are not in the answer. One statement per 500 stories, reading
    /// articles by `story_id` only for the stories that need it. It numbers every article of
    /// those stories to keep each one's newest and opening reports: neither SQLite nor the
    /// `Any` driver offers a per-story `LIMIT` in one statement (no `LATERAL`), and one
    /// statement per story costs more round trips than a page's stories have articles, as long
    /// as the clustering window keeps stories to hundreds of reports.
    pub async fn leads_without(
        &self,
        stories: &[StoryId],
        sources: &[SourceId],
    ) -> Result<HashMap<StoryId, (ArticleId, String)>, StoreError> {
        let mut found = HashMap::new();
        if sources.is_empty() {
            return Ok(found);
        }
        let hidden = id_list::in_list(sources.iter().map(|s| s.0));
        let order = "CASE WHEN a.duplicate_of IS NULL THEN 0 ELSE 1 END";
        for chunk in stories.chunks(id_list::CHUNK) {
            let ids = id_list::in_list(chunk.iter().map(|s| s.0));
            let sql = format!(
                "SELECT c.story_id, c.id, c.title, c.language, c.sort_at, c.duplicate_of, \
                 c.story_language FROM (SELECT a.story_id, a.id, a.title, a.language, \
                 a.sort_at, a.duplicate_of, s.language AS story_language, \
                 ROW_NUMBER() OVER (PARTITION BY a.story_id \
                   ORDER BY {order}, a.sort_at DESC, a.id DESC) AS newest, \
                 ROW_NUMBER() OVER (PARTITION BY a.story_id \
                   ORDER BY {order}, a.sort_at, a.id) AS oldest \
                 FROM stories s JOIN articles l ON l.id = s.lead_article_id \
                 JOIN articles a ON a.story_id = s.id \
                 WHERE s.id IN ({ids}) AND l.source_id IN ({hidden}) \
                 AND a.source_id NOT IN ({hidden})) c \
                 WHERE c.newest <= {newest} OR c.oldest = 1",
                newest = crate::headline::NEWEST,
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(self.pool)
                .await?;
            let mut by_story: HashMap<i64, (Option<String>, Vec<Report>)> = HashMap::new();
            for r in &rows {
                let duplicate_of: Option<i64> = r.try_get("duplicate_of")?;
                let entry = by_story
                    .entry(r.try_get("story_id")?)
                    .or_insert_with(|| (None, Vec::new()));
                entry.0 = r.try_get("story_language")?;
                entry.1.push(Report {
                    id: r.try_get("id")?,
                    title: r.try_get("title")?,
                    language: r.try_get("language")?,
                    sort_at: r.try_get("sort_at")?,
                    copy: duplicate_of.is_some(),
                });
            }
            for (story, (language, reports)) in by_story {
                if let Some(lead) = crate::headline::choose(&reports, language.as_deref()) {
                    found.insert(StoryId(story), (ArticleId(lead.id), lead.title.clone()));
                }
            }
        }
        Ok(found)
    }

    /// The ids `statement` finds among `ids` for `slugs` (none read when there are no
    /// slugs): the statement is made from a list of at most [`id_list::CHUNK`] ids and the
    /// slugs' parameters, and run once per such list.
    async fn touching(
        &self,
        ids: &[i64],
        slugs: &[String],
        statement: impl Fn(&str, &str) -> String,
    ) -> Result<HashSet<i64>, StoreError> {
        let mut found = HashSet::new();
        if slugs.is_empty() {
            return Ok(found);
        }
        let parameters = params(1, slugs.len());
        for chunk in ids.chunks(id_list::CHUNK) {
            let sql = statement(&id_list::in_list(chunk.iter().copied()), &parameters);
            found.extend(self.ids(&sql, slugs).await?);
        }
        Ok(found)
    }

    /// The `id` column of `sql`, with `values` bound in order.
    async fn ids(&self, sql: &str, values: &[String]) -> Result<Vec<i64>, StoreError> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()));
        for value in values {
            query = query.bind(value);
        }
        let rows = query.fetch_all(self.pool).await?;
        rows.iter()
            .map(|r| r.try_get::<i64, _>("id").map_err(StoreError::from))
            .collect()
    }
}

/// `$first, …` for `n` parameters.
pub(crate) fn params(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lower_cased_and_split_at_everything_else() {
        assert_eq!(
            hidden_words("  Brexit-deal, 2026!"),
            ["brexit", "deal", "2026"]
        );
        assert_eq!(hidden_words("ÄRGER über Öl"), ["ärger", "über", "öl"]);
        assert!(hidden_words(" ?! ").is_empty());
    }

    #[test]
    fn a_word_is_kept_normalised_and_bounded() {
        let w = HiddenThing::word("  The  ROYAL family ").expect("a word");
        assert_eq!(w.target, "the royal family");
        assert_eq!(w.kind, HiddenKind::Word);
        assert_eq!(HiddenThing::word("..."), Err(WordError::Empty));
        assert_eq!(HiddenThing::word(&"a".repeat(101)), Err(WordError::TooLong));
        assert!(HiddenThing::word(&format!("  {}  ", "a".repeat(100))).is_ok());
    }

    #[test]
    fn only_well_formed_targets_are_kept() {
        assert!(HiddenThing::source(SourceId(3)).is_well_formed());
        let bad_source = HiddenThing {
            kind: HiddenKind::Source,
            target: "3 OR 1=1".into(),
        };
        assert!(!bad_source.is_well_formed());
        assert!(HiddenThing::entity("kim-jong-un").is_well_formed());
        assert!(!HiddenThing::topic("").is_well_formed());
        assert!(!HiddenThing::topic("a\nb").is_well_formed());
        let raw_word = HiddenThing {
            kind: HiddenKind::Word,
            target: "Not Normalised".into(),
        };
        assert!(!raw_word.is_well_formed());
        for kind in HiddenKind::ALL {
            assert_eq!(HiddenKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(params(3, 2), "$3, $4");
    }
}
