//! The source icons repository: each source's icon (favicon), how its last fetch went, and
//! when it is due again.

use crate::StoreError;
use crate::id_list;
use crate::revision;
use crate::source_review::PUBLIC;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use tidings_model::{SourceId, UnixSeconds};

/// An icon to store for a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIcon {
    /// Its type, decided by its bytes (`image/png`, …).
    pub content_type: String,
    /// Its bytes, in base64.
    pub data_base64: String,
    /// The hex SHA-256 of its bytes: its `ETag`.
    pub hash: String,
    /// The integer the reader APIs name it by (derived from the hash).
    pub icon_id: i64,
}

/// A source's stored icon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredIcon {
    /// The source it belongs to.
    pub source_id: SourceId,
    /// Its type and bytes, hash and id.
    pub icon: NewIcon,
    /// When it was last fetched (or a refresh last tried).
    pub fetched_at: UnixSeconds,
}

/// That a source has an icon, without its bytes: what a list shows it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IconMark {
    /// The source.
    pub source_id: SourceId,
    /// The icon's integer id (see [`NewIcon::icon_id`]).
    pub icon_id: i64,
    /// Its hash (see [`NewIcon::hash`]).
    pub hash: String,
}

/// Reads and writes source icons.
#[derive(Debug, Clone, Copy)]
pub struct SourceIcons<'a> {
    pool: &'a AnyPool,
}

const WITH_DATA: &str = "source_id, content_type, data_base64, hash, icon_id, fetched_at";

impl<'a> SourceIcons<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        SourceIcons { pool }
    }

    /// Whether `source`'s icon is due to be fetched at `now`: it never was, or its icon was
    /// fetched `refresh` seconds ago or more, or the last attempt failed `retry` seconds ago
    /// or more (a failure is remembered, not tried again at every poll).
    pub async fn is_due(
        &self,
        source: SourceId,
        now: UnixSeconds,
        refresh: UnixSeconds,
        retry: UnixSeconds,
    ) -> Result<bool, StoreError> {
        let row =
            sqlx::query("SELECT fetched_at, last_error FROM source_icons WHERE source_id = $1")
                .bind(source.0)
                .fetch_optional(self.pool)
                .await?;
        let Some(row) = row else {
            return Ok(true);
        };
        let fetched_at: i64 = row.try_get("fetched_at")?;
        let error: Option<String> = row.try_get("last_error")?;
        let wait = if error.is_some() { retry } else { refresh };
        Ok(fetched_at.saturating_add(wait) <= now)
    }

    /// Stores `icon` as `source`'s, fetched `at`, clearing the last error. A new or changed
    /// icon moves the site's revision (pages show it).
    pub async fn save(
        &self,
        source: SourceId,
        icon: &NewIcon,
        at: UnixSeconds,
    ) -> Result<(), StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let old: Option<Option<String>> =
            sqlx::query("SELECT hash FROM source_icons WHERE source_id = $1")
                .bind(source.0)
                .fetch_optional(&mut *tx)
                .await?
                .map(|row| row.try_get("hash"))
                .transpose()?;
        sqlx::query(
            "INSERT INTO source_icons (source_id, content_type, data_base64, hash, icon_id, \
             fetched_at, last_error) VALUES ($1, $2, $3, $4, $5, $6, NULL) \
             ON CONFLICT (source_id) DO UPDATE SET content_type = $2, data_base64 = $3, \
             hash = $4, icon_id = $5, fetched_at = $6, last_error = NULL",
        )
        .bind(source.0)
        .bind(&icon.content_type)
        .bind(&icon.data_base64)
        .bind(&icon.hash)
        .bind(icon.icon_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        if old.flatten().as_deref() != Some(icon.hash.as_str()) {
            revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records that fetching `source`'s icon failed `at` with `error`; an icon it had stays.
    pub async fn record_failure(
        &self,
        source: SourceId,
        error: &str,
        at: UnixSeconds,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO source_icons (source_id, fetched_at, last_error) VALUES ($1, $2, $3) \
             ON CONFLICT (source_id) DO UPDATE SET fetched_at = $2, last_error = $3",
        )
        .bind(source.0)
        .bind(at)
        .bind(error)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// How the last attempt at `source`'s icon failed, if it did.
    pub async fn last_error(&self, source: SourceId) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT last_error FROM source_icons WHERE source_id = $1")
            .bind(source.0)
            .fetch_optional(self.pool)
            .await?;
        Ok(row
            .map(|row| row.try_get::<Option<String>, _>("last_error"))
            .transpose()?
            .flatten())
    }

    /// `source`'s icon with its bytes, if it has one.
    pub async fn get(&self, source: SourceId) -> Result<Option<StoredIcon>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {WITH_DATA} FROM source_icons WHERE source_id = $1 AND data_base64 IS NOT NULL"
        ));
        let row = sqlx::query(sql)
            .bind(source.0)
            .fetch_optional(self.pool)
            .await?;
        Ok(row.as_ref().map(icon_from_row).transpose()?)
    }

    /// The icon whose integer id is `icon_id` (several sources may share one), if any source
    /// among `sources` has it: a reader sees only the icons of the feeds it follows.
    pub async fn by_icon_id(
        &self,
        icon_id: i64,
        sources: &[SourceId],
    ) -> Result<Option<StoredIcon>, StoreError> {
        if sources.is_empty() {
            return Ok(None);
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {WITH_DATA} FROM source_icons WHERE icon_id = $1 \
             AND data_base64 IS NOT NULL AND source_id IN ({}) ORDER BY source_id LIMIT 1",
            id_list::in_list(sources.iter().map(|id| id.0))
        ));
        let row = sqlx::query(sql)
            .bind(icon_id)
            .fetch_optional(self.pool)
            .await?;
        Ok(row.as_ref().map(icon_from_row).transpose()?)
    }

    /// The icons of the given sources that have one, with their bytes.
    pub async fn with_data(&self, sources: &[SourceId]) -> Result<Vec<StoredIcon>, StoreError> {
        let mut out = Vec::new();
        for chunk in sources.chunks(id_list::CHUNK) {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT {WITH_DATA} FROM source_icons WHERE data_base64 IS NOT NULL \
                 AND source_id IN ({}) ORDER BY source_id",
                id_list::in_list(chunk.iter().map(|id| id.0))
            ));
            let rows = sqlx::query(sql).fetch_all(self.pool).await?;
            for row in &rows {
                out.push(icon_from_row(row)?);
            }
        }
        Ok(out)
    }

    /// That `source` has an icon, without its bytes.
    pub async fn mark(&self, source: SourceId) -> Result<Option<IconMark>, StoreError> {
        let row = sqlx::query(
            "SELECT source_id, icon_id, hash FROM source_icons \
             WHERE source_id = $1 AND data_base64 IS NOT NULL",
        )
        .bind(source.0)
        .fetch_optional(self.pool)
        .await?;
        Ok(row.as_ref().map(mark_from_row).transpose()?)
    }

    /// Which public sources have an icon, without the bytes: one statement for a whole list
    /// of sources.
    pub async fn marks(&self) -> Result<Vec<IconMark>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT source_id, icon_id, hash FROM source_icons \
             WHERE data_base64 IS NOT NULL AND source_id IN (SELECT id FROM sources WHERE {PUBLIC}) \
             ORDER BY source_id"
        ));
        let rows = sqlx::query(sql).fetch_all(self.pool).await?;
        Ok(rows.iter().map(mark_from_row).collect::<Result<_, _>>()?)
    }
}

fn mark_from_row(row: &AnyRow) -> Result<IconMark, sqlx::Error> {
    Ok(IconMark {
        source_id: SourceId(row.try_get("source_id")?),
        icon_id: row.try_get("icon_id")?,
        hash: row.try_get("hash")?,
    })
}

fn icon_from_row(row: &AnyRow) -> Result<StoredIcon, sqlx::Error> {
    Ok(StoredIcon {
        source_id: SourceId(row.try_get("source_id")?),
        icon: NewIcon {
            content_type: row.try_get("content_type")?,
            data_base64: row.try_get("data_base64")?,
            hash: row.try_get("hash")?,
            icon_id: row.try_get("icon_id")?,
        },
        fetched_at: row.try_get("fetched_at")?,
    })
}
