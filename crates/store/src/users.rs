//! The users repository: accounts, their password hashes (argon2id PHC strings, made by the
//! web crate), roles and states, and deleting an account while its comments keep their
//! place in threads.
//!
//! No account's display name passes for another account's login or display name (compared
//! by [`lookalike_key`]): creating an account and changing a display name check it in the
//! transaction that writes the name, one such write at a time (SQLite has one writer; on
//! PostgreSQL they take a transaction-level advisory lock), so two sign-ups cannot both take
//! one name.

use crate::leadership::ADVISORY_KEY;
use crate::{Backend, StoreError, lookalike_key, revision};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Row, Transaction};
use tidings_model::{AccountState, Role, UnixSeconds, User, UserId};

/// An account to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// The name it logs in with.
    pub name: String,
    /// The name shown beside its comments.
    pub display_name: String,
    /// The PHC string of its password's hash.
    pub password_hash: String,
    /// Its role.
    pub role: Role,
}

/// An account with what logging in checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The account.
    pub user: User,
    /// The PHC string of its password's hash ("" once deleted).
    pub password_hash: String,
}

/// An account as the administrators' list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLine {
    /// The account.
    pub user: User,
    /// How many comments it has, deleted ones not counted.
    pub comments: i64,
}

pub(crate) const COLUMNS: &str = "id, name, display_name, role, state, trusted, created_at";

/// The key a name is unique under: its lower case, so "Ana" and "ana" are one account.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Reads and writes accounts.
#[derive(Debug, Clone, Copy)]
pub struct Users<'a> {
    pool: &'a AnyPool,
    backend: Backend,
}

/// The advisory lock's name for writes of account names (PostgreSQL).
const NAMES_LOCK: &str = "account-names";

impl<'a> Users<'a> {
    pub(crate) fn new(pool: &'a AnyPool, backend: Backend) -> Self {
        Users { pool, backend }
    }

    /// Creates an account. Fails with [`StoreError::AlreadyExists`] when the name is taken
    /// (compared without case), and with [`StoreError::NameTaken`] when its display name
    /// passes for another account's login or display name, or its login name for another
    /// account's display name.
    pub async fn create(&self, new: &NewUser, now: UnixSeconds) -> Result<User, StoreError> {
        let mut tx = self.names_transaction().await?;
        let display = lookalike_key(&new.display_name);
        let login = lookalike_key(new.name.trim());
        let row = sqlx::query(
            "INSERT INTO users (name, name_key, display_name, password_hash, role, state, \
             trusted, created_at, password_changed_at, login_lookalike, display_lookalike) \
             VALUES ($1, $2, $3, $4, $5, 'active', 0, $6, $6, $7, $8) RETURNING id",
        )
        .bind(new.name.trim())
        .bind(name_key(&new.name))
        .bind(&new.display_name)
        .bind(&new.password_hash)
        .bind(new.role.as_str())
        .bind(now)
        .bind(&login)
        .bind(&display)
        .fetch_one(&mut *tx)
        .await
        .map_err(|err| {
            if StoreError::is_unique_violation(&err) {
                StoreError::AlreadyExists(format!("account {:?}", new.name))
            } else {
                err.into()
            }
        })?;
        let id = UserId(row.try_get("id")?);
        if another_is_called(&mut tx, id, &display, true).await? {
            return Err(StoreError::NameTaken(new.display_name.clone()));
        }
        if another_is_called(&mut tx, id, &login, false).await? {
            return Err(StoreError::NameTaken(new.name.trim().to_string()));
        }
        tx.commit().await?;
        self.get(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("account {id}")))
    }

    /// One account by id.
    pub async fn get(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(self.pool)
            .await?;
        row.map(|r| user_from_row(&r)).transpose()
    }

    /// An account and its password hash by login name (compared without case).
    pub async fn credentials(&self, name: &str) -> Result<Option<Credentials>, StoreError> {
        let sql = format!("SELECT {COLUMNS}, password_hash FROM users WHERE name_key = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(name_key(name))
            .fetch_optional(self.pool)
            .await?;
        row.map(|r| {
            Ok(Credentials {
                user: user_from_row(&r)?,
                password_hash: r.try_get("password_hash")?,
            })
        })
        .transpose()
    }

    /// The password hash of an account, by id.
    pub async fn password_hash(&self, id: UserId) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(self.pool)
            .await?;
        row.map(|r| Ok(r.try_get("password_hash")?)).transpose()
    }

    /// When an account's password was last set (at sign-up, or changed since), by id.
    pub async fn password_changed_at(&self, id: UserId) -> Result<Option<UnixSeconds>, StoreError> {
        let row = sqlx::query("SELECT password_changed_at FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(self.pool)
            .await?;
        row.map(|r| Ok(r.try_get("password_changed_at")?))
            .transpose()
    }

    /// Every account that is not deleted, oldest first.
    pub async fn list(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM users WHERE state <> 'deleted' ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool)
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// How many accounts exist (deleted ones included).
    pub async fn count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// A page of the accounts that are not deleted, oldest first, each with how many
    /// comments it has (not counting deleted ones): at most `limit` from `offset`.
    pub async fn page(&self, limit: i64, offset: i64) -> Result<Vec<AccountLine>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS}, (SELECT COUNT(*) FROM comments c WHERE c.user_id = users.id \
             AND c.state <> 'deleted') AS comments FROM users WHERE state <> 'deleted' \
             ORDER BY id LIMIT $1 OFFSET $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(AccountLine {
                    user: user_from_row(row)?,
                    comments: row.try_get("comments")?,
                })
            })
            .collect()
    }

    /// Changes an account's role (the site revision moves: comments show staff roles),
    /// unless that would leave no active admin: demoting the
    /// last one returns `Ok(false)` and changes nothing (the rule holds for the command line
    /// and the site alike). `Ok(true)` once changed; [`StoreError::NotFound`] when there is
    /// no such account.
    pub async fn set_role(&self, id: UserId, role: Role) -> Result<bool, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        // Lock the active admins' rows first (a write that changes nothing): two admins
        // demoting each other at once take turns, and the second counts after the first's
        // change, on PostgreSQL as on SQLite's single writer.
        sqlx::query("UPDATE users SET role = role WHERE role = 'admin' AND state = 'active'")
            .execute(&mut *tx)
            .await?;
        let Some(row) = sqlx::query("SELECT role, state FROM users WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Err(StoreError::NotFound(format!("account {id}")));
        };
        let current: String = row.try_get("role")?;
        let state: String = row.try_get("state")?;
        if current == Role::Admin.as_str()
            && state == AccountState::Active.as_str()
            && role != Role::Admin
        {
            let others: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND state = 'active' \
                 AND id <> $1",
            )
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?
            .try_get("n")?;
            if others == 0 {
                return Ok(false);
            }
        }
        sqlx::query("UPDATE users SET role = $2 WHERE id = $1")
            .bind(id.0)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?;
        // Its comments show its role (a staff badge).
        revision::bump(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Bans an account or lifts its ban (a deleted account stays deleted).
    pub async fn set_state(&self, id: UserId, state: AccountState) -> Result<(), StoreError> {
        self.update(
            id,
            "UPDATE users SET state = $2 WHERE id = $1 AND state <> 'deleted'",
            state.as_str(),
        )
        .await
    }

    /// Changes the name shown beside an account's comments (the site revision moves: pages
    /// show it). Fails with
    /// [`StoreError::NameTaken`] when it passes for another account's login or display name
    /// (its own login name is fine).
    pub async fn set_display_name(&self, id: UserId, display_name: &str) -> Result<(), StoreError> {
        let mut tx = self.names_transaction().await?;
        let key = lookalike_key(display_name);
        let done = sqlx::query(
            "UPDATE users SET display_name = $2, display_lookalike = $3 \
             WHERE id = $1 AND state <> 'deleted'",
        )
        .bind(id.0)
        .bind(display_name)
        .bind(&key)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("account {id}")));
        }
        if another_is_called(&mut tx, id, &key, true).await? {
            return Err(StoreError::NameTaken(display_name.to_string()));
        }
        // Its comments show the new name.
        revision::bump(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gives every account that has none its look-alike keys ([`lookalike_key`] of its login
    /// and display names): the accounts made before the keys were stored (migration 0023). Run
    /// when the store opens; a few hundred accounts per statement batch, once.
    pub async fn fill_lookalike_keys(&self) -> Result<(), StoreError> {
        let mut after = i64::MIN;
        loop {
            // In id order from the last batch: each batch reads its own rows only.
            let rows = sqlx::query(
                "SELECT id, name, display_name FROM users WHERE id > $1 \
                 AND (login_lookalike IS NULL OR display_lookalike IS NULL) ORDER BY id LIMIT 500",
            )
            .bind(after)
            .fetch_all(self.pool)
            .await?;
            let Some(last) = rows.last() else {
                return Ok(());
            };
            after = last.try_get("id")?;
            let mut tx = crate::write_transaction::begin_write(self.pool).await?;
            for row in &rows {
                let (id, name, display): (i64, String, String) = (
                    row.try_get("id")?,
                    row.try_get("name")?,
                    row.try_get("display_name")?,
                );
                sqlx::query(
                    "UPDATE users SET login_lookalike = $2, display_lookalike = $3 WHERE id = $1",
                )
                .bind(id)
                .bind(lookalike_key(&name))
                .bind(lookalike_key(&display))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        }
    }

    /// A transaction for a write of account names, which holds the names' lock on
    /// PostgreSQL until it ends (on SQLite its first write takes the one writer's lock).
    async fn names_transaction(&self) -> Result<Transaction<'static, Any>, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        if self.backend == Backend::Postgres {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT pg_advisory_xact_lock({ADVISORY_KEY})"
            )))
            .bind(NAMES_LOCK)
            .execute(&mut *tx)
            .await?;
        }
        Ok(tx)
    }

    /// Marks an account trusted (or not): pre-moderation no longer holds its comments.
    pub async fn set_trusted(&self, id: UserId, trusted: bool) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET trusted = $2 WHERE id = $1")
            .bind(id.0)
            .bind(i64::from(trusted))
            .execute(self.pool)
            .await?;
        Ok(())
    }

    /// Replaces an account's password hash, ends every session but `keep` (the token hash of
    /// the session that changed it) and deletes its unused password reset links, in one
    /// transaction. Its API keys stay: see [`Users::set_password_revoking`].
    pub async fn set_password(
        &self,
        id: UserId,
        password_hash: &str,
        keep: Option<&str>,
        now: UnixSeconds,
    ) -> Result<(), StoreError> {
        self.set_password_revoking(id, password_hash, keep, now, false)
            .await
            .map(|_| ())
    }

    /// [`Users::set_password`], and when `revoke_api_keys` every API key of the account
    /// revoked in the same transaction (someone else got in and may have made one, or seen
    /// one). Returns what ended.
    pub async fn set_password_revoking(
        &self,
        id: UserId,
        password_hash: &str,
        keep: Option<&str>,
        now: UnixSeconds,
        revoke_api_keys: bool,
    ) -> Result<crate::sessions::Ended, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let done = sqlx::query(
            "UPDATE users SET password_hash = $2, password_changed_at = $3 \
             WHERE id = $1 AND state <> 'deleted'",
        )
        .bind(id.0)
        .bind(password_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("account {id}")));
        }
        let ended = crate::sessions::end_access_on(&mut tx, id, keep, revoke_api_keys).await?;
        sqlx::query("DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// Deletes an account: its names and password go, its sessions, devices, reports, API
    /// keys, password reset links, reading state and hidden things too; its comments stay in their threads as
    /// deleted (without their text), so replies
    /// keep their place. Replies to it are no longer filed under it, and its mark of the
    /// replies it has seen goes back to none.
    pub async fn delete(&self, id: UserId) -> Result<(), StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let done = sqlx::query(
            "UPDATE users SET name = '', name_key = $2, display_name = '', password_hash = '', \
             login_lookalike = '', display_lookalike = '', \
             state = 'deleted', role = 'reader', replies_seen_revision = 0 \
             WHERE id = $1 AND state <> 'deleted'",
        )
        .bind(id.0)
        .bind(format!("#deleted:{}", id.0))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("account {id}")));
        }
        sqlx::query(
            "UPDATE comments SET state = 'deleted', body_source = '', body_html = '', \
             hidden_by_ban = NULL WHERE user_id = $1",
        )
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        for sql in [
            "UPDATE comments SET reply_to_user_id = NULL WHERE reply_to_user_id = $1",
            "DELETE FROM sessions WHERE user_id = $1",
            "DELETE FROM login_devices WHERE user_id = $1",
            "DELETE FROM comment_reports WHERE user_id = $1",
            "DELETE FROM api_keys WHERE user_id = $1",
            "DELETE FROM password_resets WHERE user_id = $1",
            "DELETE FROM subscriptions WHERE user_id = $1",
            "DELETE FROM reading_folders WHERE user_id = $1",
            "DELETE FROM follows WHERE user_id = $1",
            "DELETE FROM article_states WHERE user_id = $1",
            "DELETE FROM hidden_things WHERE user_id = $1",
        ] {
            sqlx::query(sql).bind(id.0).execute(&mut *tx).await?;
        }
        // Its comments now read as deleted.
        revision::bump(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update(&self, id: UserId, sql: &'static str, value: &str) -> Result<(), StoreError> {
        let done = sqlx::query(sql)
            .bind(id.0)
            .bind(value)
            .execute(self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("account {id}")));
        }
        Ok(())
    }
}

/// Whether another live account than `id` goes by look-alike `key`: as its display name,
/// and when `as_login` too as its login name (a display name may pass for either; a login
/// name, unique by itself, only for another's display name).
async fn another_is_called(
    tx: &mut Transaction<'static, Any>,
    id: UserId,
    key: &str,
    as_login: bool,
) -> Result<bool, StoreError> {
    let sql = if as_login {
        "SELECT 1 AS one FROM users WHERE id <> $1 AND state <> 'deleted' \
         AND (display_lookalike = $2 OR login_lookalike = $2) LIMIT 1"
    } else {
        "SELECT 1 AS one FROM users WHERE id <> $1 AND state <> 'deleted' \
         AND display_lookalike = $2 LIMIT 1"
    };
    Ok(sqlx::query(sql)
        .bind(id.0)
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?
        .is_some())
}

pub(crate) fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    let role: String = row.try_get("role")?;
    let state: String = row.try_get("state")?;
    let trusted: i64 = row.try_get("trusted")?;
    Ok(User {
        id: UserId(row.try_get("id")?),
        name: row.try_get("name")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).unwrap_or(Role::Reader),
        state: AccountState::parse(&state).unwrap_or(AccountState::Banned),
        trusted: trusted != 0,
        created_at: row.try_get("created_at")?,
    })
}
