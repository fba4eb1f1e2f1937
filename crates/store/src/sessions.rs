//! The sessions repository: logged-in sessions (stored under a hash of their cookie's token,
//! so a leaked database does not leak live sessions) and the devices an account logged in
//! from (which the login throttle lets through when an attacker has locked the account).

use crate::StoreError;
use crate::users::user_from_row;
use sqlx::{AnyPool, Row};
use tidings_model::{UnixSeconds, User, UserId};

/// A live session and its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The account logged in.
    pub user: User,
    /// The session's CSRF token, which every form it posts carries.
    pub csrf_token: String,
    /// When it expires.
    pub expires_at: UnixSeconds,
}

/// Reads and writes sessions and known devices.
#[derive(Debug, Clone, Copy)]
pub struct Sessions<'a> {
    pool: &'a AnyPool,
}

impl<'a> Sessions<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        Sessions { pool }
    }

    /// Stores a new session.
    pub async fn create(
        &self,
        token_hash: &str,
        user: UserId,
        csrf_token: &str,
        now: UnixSeconds,
        expires_at: UnixSeconds,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(csrf_token)
        .bind(now)
        .bind(expires_at)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// The live session stored under `token_hash`, with its account; `None` when there is
    /// none, it has expired, or its account is deleted.
    pub async fn get(
        &self,
        token_hash: &str,
        now: UnixSeconds,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.name, u.display_name, u.role, u.state, u.trusted, u.created_at, \
             s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.state <> 'deleted'",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(self.pool)
        .await?;
        row.map(|r| {
            Ok(SessionRecord {
                user: user_from_row(&r)?,
                csrf_token: r.try_get("csrf_token")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    /// Ends one session.
    pub async fn delete(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool)
            .await?;
        Ok(())
    }

    /// Ends every session of an account.
    pub async fn delete_for_user(&self, user: UserId) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .execute(self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Ends every session of an account but `keep` (the hash of the caller's own token);
    /// returns how many ended.
    pub async fn delete_others(&self, user: UserId, keep: &str) -> Result<u64, StoreError> {
        let mut conn = self.pool.acquire().await?;
        delete_others_on(&mut conn, user, keep).await
    }

    /// Removes expired sessions; returns how many.
    pub async fn purge_expired(&self, now: UnixSeconds) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// How many live sessions an account has.
    pub async fn count_for_user(&self, user: UserId, now: UnixSeconds) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM sessions WHERE user_id = $1 AND expires_at > $2",
        )
        .bind(user.0)
        .bind(now)
        .fetch_one(self.pool)
        .await?;
        Ok(row.try_get("n")?)
    }

    /// Remembers a device (by the hash of its cookie's token) an account logged in from.
    pub async fn add_device(
        &self,
        token_hash: &str,
        user: UserId,
        now: UnixSeconds,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO login_devices (token_hash, user_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (token_hash) DO NOTHING",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(now)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Whether the device whose token hashes to `token_hash` logged in to `user` before.
    pub async fn is_known_device(
        &self,
        token_hash: &str,
        user: UserId,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM login_devices WHERE token_hash = $1 AND user_id = $2",
        )
        .bind(token_hash)
        .bind(user.0)
        .fetch_one(self.pool)
        .await?;
        let n: i64 = row.try_get("n")?;
        Ok(n > 0)
    }

    /// The shared secret called `name`: `candidate` is stored if there is none yet, and
    /// whichever value was stored first is returned, so every process agrees.
    pub async fn site_secret(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO site_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(candidate)
        .execute(self.pool)
        .await?;
        let row = sqlx::query("SELECT value FROM site_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(self.pool)
            .await?;
        Ok(row.try_get("value")?)
    }
}

/// Ends every session of `user` but `keep` on a given connection, so a password change can
/// do it in its own transaction. See [`Sessions::delete_others`].
pub(crate) async fn delete_others_on(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    keep: &str,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user.0)
        .bind(keep)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}
