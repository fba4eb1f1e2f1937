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

/// What ending an account's other sessions (or changing or resetting its password) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ended {
    /// Sessions ended.
    pub sessions: u64,
    /// API keys revoked (0 unless asked for).
    pub api_keys: u64,
}

/// A session as the account's data export lists it: its times, never its token, the
/// token's hash or its CSRF token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginSession {
    /// When it began (the login).
    pub created_at: UnixSeconds,
    /// When it expires.
    pub expires_at: UnixSeconds,
    /// Whether it is the session asking.
    pub current: bool,
}

/// Where the next page of an account's sessions or known devices begins. Opaque: it holds
/// a token hash, which never leaves the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginCursor {
    created_at: UnixSeconds,
    token_hash: String,
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

    /// Ends every session of an account but `keep` and, when `revoke_api_keys`, revokes
    /// every API key of the account, in one transaction ("Log out every other browser" with
    /// "Also revoke my API keys").
    pub async fn end_others(
        &self,
        user: UserId,
        keep: &str,
        revoke_api_keys: bool,
    ) -> Result<Ended, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let ended = end_access_on(&mut tx, user, Some(keep), revoke_api_keys).await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// One page of the account's live sessions at `now`, oldest first: at most `limit`
    /// after `after` (`None` for the first page), each marked `current` when its token
    /// hashes to `current`; with the cursor of the next page when this one is full.
    pub async fn page_for_user(
        &self,
        user: UserId,
        current: &str,
        now: UnixSeconds,
        after: Option<&LoginCursor>,
        limit: i64,
    ) -> Result<(Vec<LoginSession>, Option<LoginCursor>), StoreError> {
        let (at, hash) = cursor_parts(after);
        let rows = sqlx::query(
            "SELECT token_hash, created_at, expires_at FROM sessions \
             WHERE user_id = $1 AND expires_at > $2 \
             AND (created_at > $3 OR (created_at = $3 AND token_hash > $4)) \
             ORDER BY created_at, token_hash LIMIT $5",
        )
        .bind(user.0)
        .bind(now)
        .bind(at)
        .bind(hash)
        .bind(limit)
        .fetch_all(self.pool)
        .await?;
        let mut next = None;
        let mut page = Vec::with_capacity(rows.len());
        for r in &rows {
            let token_hash: String = r.try_get("token_hash")?;
            let created_at: UnixSeconds = r.try_get("created_at")?;
            page.push(LoginSession {
                created_at,
                expires_at: r.try_get("expires_at")?,
                current: token_hash == current,
            });
            next = Some(LoginCursor {
                created_at,
                token_hash,
            });
        }
        Ok((page, next.filter(|_| rows.len() as i64 == limit)))
    }

    /// One page of when the account first logged in from each device it is known to log in
    /// from (see [`Sessions::add_device`]), oldest first: at most `limit` after `after`; with
    /// the cursor of the next page when this one is full.
    pub async fn devices_for_user(
        &self,
        user: UserId,
        after: Option<&LoginCursor>,
        limit: i64,
    ) -> Result<(Vec<UnixSeconds>, Option<LoginCursor>), StoreError> {
        let (at, hash) = cursor_parts(after);
        let rows = sqlx::query(
            "SELECT token_hash, created_at FROM login_devices WHERE user_id = $1 \
             AND (created_at > $2 OR (created_at = $2 AND token_hash > $3)) \
             ORDER BY created_at, token_hash LIMIT $4",
        )
        .bind(user.0)
        .bind(at)
        .bind(hash)
        .bind(limit)
        .fetch_all(self.pool)
        .await?;
        let mut next = None;
        let mut page = Vec::with_capacity(rows.len());
        for r in &rows {
            let created_at: UnixSeconds = r.try_get("created_at")?;
            page.push(created_at);
            next = Some(LoginCursor {
                created_at,
                token_hash: r.try_get("token_hash")?,
            });
        }
        Ok((page, next.filter(|_| rows.len() as i64 == limit)))
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

/// A cursor's keyset values; before every row for the first page.
fn cursor_parts(after: Option<&LoginCursor>) -> (UnixSeconds, &str) {
    match after {
        Some(c) => (c.created_at, c.token_hash.as_str()),
        None => (UnixSeconds::MIN, ""),
    }
}

/// Ends, on `conn` (the caller's transaction), every session of `user` but `keep` (the hash
/// of the caller's own token; `None` ends them all) and, when `revoke_api_keys`, revokes
/// every API key of the account: what a password change, a reset link and "Log out every
/// other browser" end.
pub(crate) async fn end_access_on(
    conn: &mut sqlx::AnyConnection,
    user: UserId,
    keep: Option<&str>,
    revoke_api_keys: bool,
) -> Result<Ended, StoreError> {
    // No session token hashes to the empty string: `None` keeps none.
    let sessions = delete_others_on(&mut *conn, user, keep.unwrap_or("")).await?;
    let api_keys = if revoke_api_keys {
        crate::api_keys::revoke_all_on(&mut *conn, user).await?
    } else {
        0
    };
    Ok(Ended { sessions, api_keys })
}

/// Deletes, on `conn`, every session of `user` but the one whose token hashes to `keep`;
/// returns how many. See [`Sessions::delete_others`].
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
