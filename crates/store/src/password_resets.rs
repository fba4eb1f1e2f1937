//! Password reset links: the way back into an account whose owner forgot its password, on a
//! site that sends no email. An admin or the operator makes a link for the account and hands
//! it over; whoever opens it may set a new password, once, before it expires.
//!
//! Only the hash of a link's token is stored (the web crate makes token and hash, as for
//! sessions and API keys), so a leaked database opens no account. Making a link deletes the
//! account's older ones, so at most one works at a time, and is logged (`reset-link`) in the
//! same transaction. Using one is a single `UPDATE … WHERE` unused, unexpired, account active
//! `… RETURNING`, in the transaction that sets the password and ends the account's sessions
//! (and, when the person asks, revokes the account's API keys): of two simultaneous uses,
//! one finds the link used and changes nothing.

use crate::StoreError;
use crate::moderation::log_line;
use crate::users::user_from_row;
use sqlx::{AnyPool, Row};
use tidings_model::{UnixSeconds, User, UserId};

/// A link that still works, with the account it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetLink {
    /// The account (never a deleted one; it may be banned, which [`PasswordResets::use_link`]
    /// refuses).
    pub user: User,
    /// When the link was made.
    pub created_at: UnixSeconds,
    /// When it stops working.
    pub expires_at: UnixSeconds,
}

/// Makes, reads and uses password reset links.
#[derive(Debug, Clone, Copy)]
pub struct PasswordResets<'a> {
    pool: &'a AnyPool,
}

impl<'a> PasswordResets<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        PasswordResets { pool }
    }

    /// Stores a link for `user` under `token_hash`, working until `expires_at`; deletes the
    /// account's older links (used or not) and every expired link, and logs `reset-link` by
    /// `moderator` (`None`: the command line) with how long it works. One transaction.
    /// [`StoreError::NotFound`] when there is no such account or it is deleted. Whether the
    /// account may get a link (not banned, not the admin's own) is the caller's rule.
    pub async fn create(
        &self,
        user: UserId,
        token_hash: &str,
        now: UnixSeconds,
        expires_at: UnixSeconds,
        moderator: Option<UserId>,
    ) -> Result<(), StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        sqlx::query("DELETE FROM password_resets WHERE user_id = $1 OR expires_at <= $2")
            .bind(user.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let made = sqlx::query(
            "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) \
             SELECT $1, id, $3, $4 FROM users WHERE id = $2 AND state <> 'deleted'",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        if made.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("account {user}")));
        }
        let hours = (expires_at - now + 3599).div_euclid(3600);
        let note = format!("works for {hours} h");
        log_line(
            &mut *tx,
            moderator,
            "reset-link",
            None,
            Some(user),
            &note,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The link stored under `token_hash` with its account, if it still works at `now`: not
    /// used, not expired, its account not deleted. `None` otherwise, whichever the reason.
    pub async fn find(
        &self,
        token_hash: &str,
        now: UnixSeconds,
    ) -> Result<Option<ResetLink>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.name, u.display_name, u.role, u.state, u.trusted, \
             u.created_at, r.created_at AS link_created_at, r.expires_at \
             FROM password_resets r JOIN users u ON u.id = r.user_id \
             WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 \
             AND u.state <> 'deleted'",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(self.pool)
        .await?;
        row.map(|r| {
            Ok(ResetLink {
                user: user_from_row(&r)?,
                created_at: r.try_get("link_created_at")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    /// Uses the link stored under `token_hash`: in one transaction, marks it used, sets its
    /// account's password hash and ends every session of the account. Returns the account,
    /// or `None` (and changes nothing) when the link is unknown, used, expired, or its
    /// account is not active (banned or deleted). The link is taken by one conditional
    /// `UPDATE`, so two simultaneous uses cannot both succeed.
    pub async fn use_link(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: UnixSeconds,
    ) -> Result<Option<UserId>, StoreError> {
        Ok(self
            .use_link_revoking(token_hash, password_hash, now, false)
            .await?
            .map(|(user, _)| user))
    }

    /// [`PasswordResets::use_link`], and when `revoke_api_keys` every API key of the
    /// account revoked in the same transaction. Returns the account and how many keys went.
    pub async fn use_link_revoking(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: UnixSeconds,
        revoke_api_keys: bool,
    ) -> Result<Option<(UserId, u64)>, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let Some(row) = sqlx::query(
            "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 \
             AND used_at IS NULL AND expires_at > $2 \
             AND user_id IN (SELECT id FROM users WHERE state = 'active') RETURNING user_id",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let user = UserId(row.try_get("user_id")?);
        sqlx::query("UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1")
            .bind(user.0)
            .bind(password_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let ended = crate::sessions::end_access_on(&mut tx, user, None, revoke_api_keys).await?;
        tx.commit().await?;
        Ok(Some((user, ended.api_keys)))
    }
}
