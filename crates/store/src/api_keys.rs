//! API keys: what reader apps log in with. Only hashes are stored: the key's SHA-256 (what
//! Miniflux's `X-Auth-Token`, HTTP Basic and Google Reader's `ClientLogin` present) and the
//! SHA-256 of its Fever form (`md5("name:key")`, which Fever clients send). The web crate
//! makes both hashes; this crate never sees a key.

use crate::StoreError;
use crate::users::user_from_row;
use sqlx::{AnyPool, Row};
use tidings_model::{AccountState, UnixSeconds, User, UserId};

/// A key as its owner's settings page lists it (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Its id.
    pub id: i64,
    /// The name its owner gave it ("Reeder on my phone").
    pub label: String,
    /// When it was made.
    pub created_at: UnixSeconds,
    /// When an app last used it.
    pub last_used_at: Option<UnixSeconds>,
}

/// Reads and writes API keys.
#[derive(Debug, Clone, Copy)]
pub struct ApiKeys<'a> {
    pool: &'a AnyPool,
}

impl<'a> ApiKeys<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        ApiKeys { pool }
    }

    /// Stores a new key for `user` under its two hashes.
    pub async fn create(
        &self,
        user: UserId,
        label: &str,
        token_hash: &str,
        fever_hash: &str,
        now: UnixSeconds,
    ) -> Result<ApiKey, StoreError> {
        let row = sqlx::query(
            "INSERT INTO api_keys (user_id, label, token_hash, fever_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user.0)
        .bind(label)
        .bind(token_hash)
        .bind(fever_hash)
        .bind(now)
        .fetch_one(self.pool)
        .await?;
        Ok(ApiKey {
            id: row.try_get("id")?,
            label: label.to_string(),
            created_at: now,
            last_used_at: None,
        })
    }

    /// The account's keys, newest first.
    pub async fn list(&self, user: UserId) -> Result<Vec<ApiKey>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, label, created_at, last_used_at FROM api_keys WHERE user_id = $1 \
             ORDER BY id DESC",
        )
        .bind(user.0)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiKey {
                    id: r.try_get("id")?,
                    label: r.try_get("label")?,
                    created_at: r.try_get("created_at")?,
                    last_used_at: r.try_get("last_used_at")?,
                })
            })
            .collect()
    }

    /// Revokes one of the account's keys; whether it had that key.
    pub async fn revoke(&self, user: UserId, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM api_keys WHERE user_id = $1 AND id = $2")
            .bind(user.0)
            .bind(id)
            .execute(self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// How many keys the account has (what "Also revoke my N API keys" shows).
    pub async fn count(&self, user: UserId) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM api_keys WHERE user_id = $1")
            .bind(user.0)
            .fetch_one(self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// The active account whose key hashes to `token_hash`, noting the use.
    pub async fn user_by_token(
        &self,
        token_hash: &str,
        now: UnixSeconds,
    ) -> Result<Option<User>, StoreError> {
        self.user_by("token_hash", token_hash, now).await
    }

    /// The active account whose key's Fever form hashes to `fever_hash`, noting the use.
    pub async fn user_by_fever(
        &self,
        fever_hash: &str,
        now: UnixSeconds,
    ) -> Result<Option<User>, StoreError> {
        self.user_by("fever_hash", fever_hash, now).await
    }

    async fn user_by(
        &self,
        column: &'static str,
        hash: &str,
        now: UnixSeconds,
    ) -> Result<Option<User>, StoreError> {
        let sql = format!(
            "SELECT u.id, u.name, u.display_name, u.role, u.state, u.trusted, u.created_at, \
             k.id AS key_id, k.last_used_at FROM api_keys k JOIN users u ON u.id = k.user_id \
             WHERE k.{column} = $1"
        );
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(hash)
            .fetch_optional(self.pool)
            .await?
        else {
            return Ok(None);
        };
        let user = user_from_row(&row)?;
        if user.state != AccountState::Active {
            return Ok(None);
        }
        // Noted at most once a minute, so polling apps do not write on every request.
        let last: Option<i64> = row.try_get("last_used_at")?;
        if last.is_none_or(|t| now - t >= 60) {
            let key: i64 = row.try_get("key_id")?;
            sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1")
                .bind(key)
                .bind(now)
                .execute(self.pool)
                .await?;
        }
        Ok(Some(user))
    }
}

/// Revokes every key of `user` on a given connection (a password change's or reset's
/// transaction, or the one that ends an account's other sessions); returns how many.
pub(crate) async fn revoke_all_on(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM api_keys WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
