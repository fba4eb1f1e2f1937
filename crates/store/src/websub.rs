//! WebSub subscriptions: at most one per source, for the hub its feed announces (see the
//! migration `0019_websub.sql` for the columns).
//!
//! The pipeline starts a subscription ([`WebSub::start`]) when a fetch finds a hub, asks the
//! hub ([`WebSub::requested`], [`WebSub::fail`]) and renews it when [`WebSub::due`] says so.
//! The web callback verifies the hub's intent ([`WebSub::verify`], [`WebSub::deny`]) and hands
//! signed pushes to the pipeline ([`WebSub::accept_push`]), which ingests them
//! ([`WebSub::take_push`]). A source's removal deletes its row (`ON DELETE CASCADE`).
//!
//! A subscription the hub may hold (pending or active) is not simply forgotten: removing its
//! source, ending it ([`WebSub::end`], the feed no longer names a hub) or replacing it by one
//! with another hub or topic ([`WebSub::start`]) records, in the same transaction, what the
//! hub needs to end it (migration `0020_websub_unsubscribe.sql`). The pipeline sends the
//! unsubscribe requests ([`WebSub::due_unsubscribes`], [`WebSub::unsubscribe_requested`],
//! [`WebSub::unsubscribe_failed`]) and the callback answers the hub's verification only
//! while one is recorded ([`WebSub::confirm_unsubscribe`]).

use crate::StoreError;
use crate::jobs::enqueue_on;
use crate::{NewJob, revision};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};
use tidings_model::{SourceId, UnixSeconds};

/// How long after a hub denied a subscription it is asked again.
pub const DENIED_RETRY_SECS: i64 = 24 * 3600;

/// The job kind that ingests a pushed body.
pub const PUSH_JOB_KIND: &str = "websub_push";

/// How many times a push's ingest job is tried.
const PUSH_JOB_ATTEMPTS: i64 = 3;

/// How many unsubscribe requests are sent for one ended subscription before it is given up
/// (its lease then ends it at the hub).
pub const UNSUBSCRIBE_ATTEMPTS: i64 = 5;

/// The states of a subscription the hub may hold: ending one of these tells the hub.
const HELD_BY_HUB: &str = "state IN ('pending', 'active')";

/// Where a subscription stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushState {
    /// Asked for; the hub has not verified it yet.
    Pending,
    /// Verified by the hub, until its lease expires.
    Active,
    /// The hub refused, denied or could not be reached; retried later.
    Failed,
    /// Given up.
    Unsubscribed,
}

impl PushState {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            PushState::Pending => "pending",
            PushState::Active => "active",
            PushState::Failed => "failed",
            PushState::Unsubscribed => "unsubscribed",
        }
    }

    fn parse(s: &str) -> PushState {
        match s {
            "active" => PushState::Active,
            "failed" => PushState::Failed,
            "unsubscribed" => PushState::Unsubscribed,
            _ => PushState::Pending,
        }
    }
}

/// A source's subscription.
#[derive(Clone, PartialEq, Eq)]
pub struct PushSubscription {
    /// The source.
    pub source_id: SourceId,
    /// The hub.
    pub hub_url: String,
    /// The topic: the feed's address as the hub knows it.
    pub topic: String,
    /// The secret the hub signs pushes with.
    pub secret: String,
    /// The random token in the callback URL.
    pub callback_token: String,
    /// Where it stands.
    pub state: PushState,
    /// The lease the hub granted, in seconds.
    pub lease_seconds: Option<i64>,
    /// When the granted lease ends.
    pub lease_expires_at: Option<UnixSeconds>,
    /// Why the last request failed, or the hub's reason for a denial.
    pub last_error: Option<String>,
    /// Failures in a row.
    pub error_count: i64,
    /// When the subscribe job runs next (renewal, retry), if it does.
    pub next_attempt_at: Option<UnixSeconds>,
    /// When a push was last taken for ingest.
    pub last_push_at: Option<UnixSeconds>,
}

impl std::fmt::Debug for PushSubscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret and the token stay out of logs.
        f.debug_struct("PushSubscription")
            .field("source_id", &self.source_id)
            .field("hub_url", &self.hub_url)
            .field("topic", &self.topic)
            .field("state", &self.state)
            .field("lease_expires_at", &self.lease_expires_at)
            .field("last_error", &self.last_error)
            .finish_non_exhaustive()
    }
}

impl PushSubscription {
    /// Whether the hub pushes this source's feed at `now`: verified, lease not over.
    pub fn is_pushing(&self, now: UnixSeconds) -> bool {
        self.state == PushState::Active && self.lease_expires_at.is_some_and(|t| t > now)
    }

    /// Whether this is a refusal ([`WebSub::refuse`]): failed, never asked again.
    pub fn is_refused(&self) -> bool {
        self.state == PushState::Failed && self.next_attempt_at.is_none()
    }

    /// Whether `token` is this subscription's callback token (compared in constant time).
    pub fn token_matches(&self, token: &str) -> bool {
        let (a, b) = (self.callback_token.as_bytes(), token.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// A subscription to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPushSubscription {
    /// The source.
    pub source_id: SourceId,
    /// The hub.
    pub hub_url: String,
    /// The topic.
    pub topic: String,
    /// A fresh random secret.
    pub secret: String,
    /// A fresh random callback token.
    pub callback_token: String,
}

/// What became of a signed push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushOutcome {
    /// Its body waits for the pipeline to ingest it.
    Queued,
    /// Another push was taken too recently or waits still: the source is made due for a
    /// fetch instead.
    RefreshDue,
}

/// A subscription to end at its hub: its source was removed, its feed stopped naming the
/// hub, or it names another hub or topic now.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingUnsubscribe {
    /// The source it was for (which may be gone).
    pub source_id: SourceId,
    /// The token in its callback URL.
    pub callback_token: String,
    /// The hub.
    pub hub_url: String,
    /// The topic.
    pub topic: String,
    /// Unsubscribe requests sent so far.
    pub attempts: i64,
    /// When the next request is due.
    pub next_attempt_at: UnixSeconds,
    /// Why the last request failed.
    pub last_error: Option<String>,
}

impl std::fmt::Debug for PendingUnsubscribe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token stays out of logs.
        f.debug_struct("PendingUnsubscribe")
            .field("source_id", &self.source_id)
            .field("hub_url", &self.hub_url)
            .field("topic", &self.topic)
            .field("attempts", &self.attempts)
            .field("next_attempt_at", &self.next_attempt_at)
            .field("last_error", &self.last_error)
            .finish_non_exhaustive()
    }
}

/// Records, on `conn` (the caller's transaction), an unsubscribe request due at `now` for
/// `source`'s subscription when the hub may hold it (pending or active) and, when `unless` is
/// given, it names another hub or topic than `unless` (the pair of them).
async fn record_unsubscribe_unless(
    conn: &mut AnyConnection,
    source: SourceId,
    now: UnixSeconds,
    unless: Option<(&str, &str)>,
) -> Result<u64, StoreError> {
    let condition = if unless.is_some() {
        " AND (hub_url <> $3 OR topic <> $4)"
    } else {
        ""
    };
    let sql = format!(
        "INSERT INTO websub_unsubscriptions (source_id, callback_token, hub_url, topic, \
         attempts, next_attempt_at, created_at) SELECT source_id, callback_token, hub_url, \
         topic, 0, $2, $2 FROM websub_subscriptions WHERE source_id = $1 AND {HELD_BY_HUB}\
         {condition} ON CONFLICT (source_id, callback_token) DO NOTHING"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(source.0)
        .bind(now);
    if let Some((hub, topic)) = unless {
        query = query.bind(hub).bind(topic);
    }
    Ok(query.execute(&mut *conn).await?.rows_affected())
}

/// Records, in the caller's transaction, that `source`'s subscription is to be ended at its
/// hub (when the hub may hold it): what removing the source does before its row goes.
pub(crate) async fn record_unsubscribe(
    conn: &mut AnyConnection,
    source: SourceId,
    now: UnixSeconds,
) -> Result<u64, StoreError> {
    record_unsubscribe_unless(conn, source, now, None).await
}

/// When a lease of `lease_seconds` granted at `now` is renewed: when a tenth of it is left,
/// and at the latest a day before it ends.
pub fn renewal_time(now: UnixSeconds, lease_seconds: i64) -> UnixSeconds {
    let lease = lease_seconds.max(0);
    now + lease - (lease / 10).min(24 * 3600)
}

/// The job that ingests the push waiting for `source` (its payload is the pipeline's
/// `websub_push` task).
pub fn push_job(source: SourceId, now_ms: i64) -> NewJob {
    NewJob {
        kind: PUSH_JOB_KIND.to_string(),
        key: Some(format!("{PUSH_JOB_KIND}:{source}")),
        payload: format!(
            "{{\"task\":\"{PUSH_JOB_KIND}\",\"source_id\":{}}}",
            source.0
        ),
        run_at_ms: now_ms,
        max_attempts: PUSH_JOB_ATTEMPTS,
    }
}

const UNSUBSCRIBE_COLUMNS: &str =
    "source_id, callback_token, hub_url, topic, attempts, next_attempt_at, last_error";

const COLUMNS: &str = "source_id, hub_url, topic, secret, callback_token, state, lease_seconds, \
     lease_expires_at, last_error, error_count, next_attempt_at, last_push_at";

/// Reads and writes WebSub subscriptions.
#[derive(Debug, Clone, Copy)]
pub struct WebSub<'a> {
    pool: &'a AnyPool,
}

impl<'a> WebSub<'a> {
    pub(crate) fn new(pool: &'a AnyPool) -> Self {
        WebSub { pool }
    }

    /// A source's subscription.
    pub async fn get(&self, source: SourceId) -> Result<Option<PushSubscription>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM websub_subscriptions WHERE source_id = $1"
        ));
        let row = sqlx::query(sql)
            .bind(source.0)
            .fetch_optional(self.pool)
            .await?;
        Ok(row.as_ref().map(from_row).transpose()?)
    }

    /// Every subscription, by source.
    pub async fn list(&self) -> Result<Vec<PushSubscription>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM websub_subscriptions ORDER BY source_id"
        ));
        let rows = sqlx::query(sql).fetch_all(self.pool).await?;
        Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
    }

    /// Up to `limit` refusals ([`PushSubscription::is_refused`]), by source: what the
    /// scheduler looks at again when the settings that refused them may have changed.
    pub async fn refused(&self, limit: i64) -> Result<Vec<PushSubscription>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM websub_subscriptions WHERE state = 'failed' \
             AND next_attempt_at IS NULL ORDER BY source_id LIMIT $1"
        ));
        let rows = sqlx::query(sql).bind(limit).fetch_all(self.pool).await?;
        Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
    }

    /// Starts over a refusal ([`PushSubscription::is_refused`]) that the settings no longer
    /// make: pending, due at `now`, with `new`'s secret and token, only while the row is still
    /// that refusal of `new`'s hub and topic (a fetch that meanwhile recorded another hub
    /// wins). The refused hub was never asked, so there is nothing to end there. Returns
    /// whether it was started.
    pub async fn lift_refusal(
        &self,
        new: &NewPushSubscription,
        now: UnixSeconds,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE websub_subscriptions SET state = 'pending', secret = $4, \
             callback_token = $5, next_attempt_at = $6, last_error = NULL, error_count = 0, \
             updated_at = $6 WHERE source_id = $1 AND hub_url = $2 AND topic = $3 \
             AND state = 'failed' AND next_attempt_at IS NULL",
        )
        .bind(new.source_id.0)
        .bind(&new.hub_url)
        .bind(&new.topic)
        .bind(&new.secret)
        .bind(&new.callback_token)
        .bind(now)
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Every subscription, keyed by its source: what lists of sources show.
    pub async fn by_source(
        &self,
    ) -> Result<std::collections::HashMap<SourceId, PushSubscription>, StoreError> {
        Ok(self
            .list()
            .await?
            .into_iter()
            .map(|sub| (sub.source_id, sub))
            .collect())
    }

    /// Starts (or starts over) a source's subscription: pending, due to be asked for at
    /// `now`, with the new hub, topic, secret and token. A subscription it replaces that
    /// names another hub or topic, and that the hub may hold, is recorded to be ended there,
    /// in the same transaction. Returns `false` when the source is gone.
    pub async fn start(
        &self,
        new: &NewPushSubscription,
        now: UnixSeconds,
    ) -> Result<bool, StoreError> {
        self.begin(new, now, None).await
    }

    /// Records that `source`'s feed names a hub it is not subscribed to, and why (`reason`:
    /// e.g. an `http://` hub, which cannot be given a secret): a failed subscription that is
    /// never asked for, shown where the subscription would be. A subscription it replaces
    /// is ended as by [`WebSub::start`]. Returns `false` when the source is gone.
    pub async fn refuse(
        &self,
        new: &NewPushSubscription,
        reason: &str,
        now: UnixSeconds,
    ) -> Result<bool, StoreError> {
        self.begin(new, now, Some(reason)).await
    }

    async fn begin(
        &self,
        new: &NewPushSubscription,
        now: UnixSeconds,
        refusal: Option<&str>,
    ) -> Result<bool, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        record_unsubscribe_unless(
            &mut tx,
            new.source_id,
            now,
            Some((&new.hub_url, &new.topic)),
        )
        .await?;
        let (state, next_attempt_at) = match refusal {
            None => ("pending", Some(now)),
            Some(_) => ("failed", None),
        };
        let done = sqlx::query(
            "INSERT INTO websub_subscriptions (source_id, hub_url, topic, secret, \
             callback_token, state, error_count, next_attempt_at, last_error, created_at, \
             updated_at) \
             SELECT $1, $2, $3, $4, $5, $7, 0, $8, $9, $6, $6 FROM sources WHERE id = $1 \
             ON CONFLICT (source_id) DO UPDATE SET hub_url = excluded.hub_url, \
             topic = excluded.topic, secret = excluded.secret, \
             callback_token = excluded.callback_token, state = excluded.state, \
             lease_seconds = NULL, lease_expires_at = NULL, last_error = excluded.last_error, \
             error_count = 0, next_attempt_at = excluded.next_attempt_at, pending_push = NULL, \
             pending_push_type = NULL, updated_at = excluded.updated_at",
        )
        .bind(new.source_id.0)
        .bind(&new.hub_url)
        .bind(&new.topic)
        .bind(&new.secret)
        .bind(&new.callback_token)
        .bind(now)
        .bind(state)
        .bind(next_attempt_at)
        .bind(refusal)
        .execute(&mut *tx)
        .await?;
        let started = done.rows_affected() > 0;
        if started && refusal.is_some() {
            // The source's pages say why it is not pushed.
            revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(started)
    }

    /// Ends `source`'s subscription (its feed no longer names a hub): the row goes and, when
    /// the hub may hold it, an unsubscribe request is recorded, in one transaction. Returns
    /// whether there was one.
    pub async fn end(&self, source: SourceId, now: UnixSeconds) -> Result<bool, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        record_unsubscribe(&mut tx, source, now).await?;
        let done = sqlx::query("DELETE FROM websub_subscriptions WHERE source_id = $1")
            .bind(source.0)
            .execute(&mut *tx)
            .await?;
        let ended = done.rows_affected() > 0;
        if ended {
            revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(ended)
    }

    /// The sources with an unsubscribe request due at `now`, earliest first.
    pub async fn due_unsubscribes(
        &self,
        now: UnixSeconds,
        limit: i64,
    ) -> Result<Vec<SourceId>, StoreError> {
        let rows = sqlx::query(
            "SELECT source_id, MIN(next_attempt_at) AS first_at FROM websub_unsubscriptions \
             WHERE next_attempt_at <= $1 GROUP BY source_id ORDER BY first_at, source_id \
             LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok(SourceId(row.try_get("source_id")?)))
            .collect()
    }

    /// The unsubscribe requests recorded for `source` (due or not), oldest first.
    pub async fn unsubscribes(
        &self,
        source: SourceId,
    ) -> Result<Vec<PendingUnsubscribe>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {UNSUBSCRIBE_COLUMNS} FROM websub_unsubscriptions WHERE source_id = $1 \
             ORDER BY created_at, callback_token"
        ));
        let rows = sqlx::query(sql).bind(source.0).fetch_all(self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(PendingUnsubscribe {
                    source_id: SourceId(row.try_get("source_id")?),
                    callback_token: row.try_get("callback_token")?,
                    hub_url: row.try_get("hub_url")?,
                    topic: row.try_get("topic")?,
                    attempts: row.try_get("attempts")?,
                    next_attempt_at: row.try_get("next_attempt_at")?,
                    last_error: row.try_get("last_error")?,
                })
            })
            .collect()
    }

    /// Records that the hub accepted an unsubscribe request; if it has not verified it by
    /// `retry_at`, the request is made again then (one attempt more).
    pub async fn unsubscribe_requested(
        &self,
        source: SourceId,
        token: &str,
        retry_at: UnixSeconds,
    ) -> Result<(), StoreError> {
        self.unsubscribe_attempted(source, token, None, retry_at)
            .await
    }

    /// Records a failed unsubscribe request with its error, to be tried again at `retry_at`.
    pub async fn unsubscribe_failed(
        &self,
        source: SourceId,
        token: &str,
        error: &str,
        retry_at: UnixSeconds,
    ) -> Result<(), StoreError> {
        self.unsubscribe_attempted(source, token, Some(error), retry_at)
            .await
    }

    async fn unsubscribe_attempted(
        &self,
        source: SourceId,
        token: &str,
        error: Option<&str>,
        retry_at: UnixSeconds,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE websub_unsubscriptions SET attempts = attempts + 1, last_error = $3, \
             next_attempt_at = $4 WHERE source_id = $1 AND callback_token = $2",
        )
        .bind(source.0)
        .bind(token)
        .bind(error)
        .bind(retry_at)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Forgets an unsubscribe request: given up after [`UNSUBSCRIBE_ATTEMPTS`]. Returns
    /// whether it was there.
    pub async fn give_up_unsubscribe(
        &self,
        source: SourceId,
        token: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM websub_unsubscriptions WHERE source_id = $1 AND callback_token = $2",
        )
        .bind(source.0)
        .bind(token)
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The hub's verification of an unsubscribe request: when `token` and `topic` are those
    /// of one recorded for `source`, it is done (forgotten) and `true` is returned; otherwise
    /// (a subscription that is not being ended, another topic or token) nothing changes.
    pub async fn confirm_unsubscribe(
        &self,
        source: SourceId,
        token: &str,
        topic: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM websub_unsubscriptions WHERE source_id = $1 AND callback_token = $2 \
             AND topic = $3",
        )
        .bind(source.0)
        .bind(token)
        .bind(topic)
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records that the hub accepted a subscription request at `now`; if it has not verified
    /// it by `retry_at`, the request is made again then. An active subscription stays active.
    pub async fn requested(
        &self,
        source: SourceId,
        now: UnixSeconds,
        retry_at: UnixSeconds,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE websub_subscriptions SET last_error = NULL, next_attempt_at = $3, \
             updated_at = $2 WHERE source_id = $1",
        )
        .bind(source.0)
        .bind(now)
        .bind(retry_at)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed request with its error, to be tried again at `retry_at`. A
    /// subscription whose lease still runs stays active meanwhile; another becomes failed.
    pub async fn fail(
        &self,
        source: SourceId,
        error: &str,
        now: UnixSeconds,
        retry_at: UnixSeconds,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE websub_subscriptions SET last_error = $2, error_count = error_count + 1, \
             next_attempt_at = $4, updated_at = $3, state = CASE WHEN state = 'active' AND \
             lease_expires_at > $3 THEN 'active' ELSE 'failed' END WHERE source_id = $1",
        )
        .bind(source.0)
        .bind(error)
        .bind(now)
        .bind(retry_at)
        .execute(self.pool)
        .await?;
        Ok(())
    }

    /// The hub's verification of intent for a subscription: when `token` and `topic` are
    /// those of the source's pending or active subscription, it becomes active for
    /// `lease_seconds` from `now` (renewed at [`renewal_time`]) and `true` is returned;
    /// otherwise nothing changes.
    pub async fn verify(
        &self,
        source: SourceId,
        token: &str,
        topic: &str,
        lease_seconds: i64,
        now: UnixSeconds,
    ) -> Result<bool, StoreError> {
        let lease = lease_seconds.max(0);
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let done = sqlx::query(
            "UPDATE websub_subscriptions SET state = 'active', lease_seconds = $4, \
             lease_expires_at = $5, next_attempt_at = $6, last_error = NULL, error_count = 0, \
             updated_at = $7 WHERE source_id = $1 AND callback_token = $2 AND topic = $3 \
             AND state IN ('pending', 'active')",
        )
        .bind(source.0)
        .bind(token)
        .bind(topic)
        .bind(lease)
        .bind(now + lease)
        .bind(renewal_time(now, lease))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let verified = done.rows_affected() > 0;
        if verified {
            // The source's pages show the subscription.
            revision::bump(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(verified)
    }

    /// The hub's denial of a subscription (`hub.mode=denied`): when `token` and `topic`
    /// match, the subscription fails with the hub's `reason` and is asked for again after
    /// [`DENIED_RETRY_SECS`]. Returns whether they matched.
    pub async fn deny(
        &self,
        source: SourceId,
        token: &str,
        topic: &str,
        reason: &str,
        now: UnixSeconds,
    ) -> Result<bool, StoreError> {
        let error = if reason.is_empty() {
            "the hub denied the subscription".to_string()
        } else {
            format!("the hub denied the subscription: {reason}")
        };
        let done = sqlx::query(
            "UPDATE websub_subscriptions SET state = 'failed', last_error = $4, \
             error_count = error_count + 1, next_attempt_at = $5, lease_expires_at = NULL, \
             updated_at = $6 WHERE source_id = $1 AND callback_token = $2 AND topic = $3",
        )
        .bind(source.0)
        .bind(token)
        .bind(topic)
        .bind(&error)
        .bind(now + DENIED_RETRY_SECS)
        .bind(now)
        .execute(self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The sources whose subscribe job is due at `now` (renewals, retries), earliest first.
    pub async fn due(&self, now: UnixSeconds, limit: i64) -> Result<Vec<SourceId>, StoreError> {
        let rows = sqlx::query(
            "SELECT source_id FROM websub_subscriptions WHERE next_attempt_at <= $1 \
             AND state <> 'unsubscribed' ORDER BY next_attempt_at, source_id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok(SourceId(row.try_get("source_id")?)))
            .collect()
    }

    /// Takes a signed push of `source`'s feed (its body in base64 and its `Content-Type`) for
    /// ingest, in one transaction: when no push was taken in the last `min_gap_secs` and none
    /// waits, the body is kept and a [`push_job`] queued ([`PushOutcome::Queued`]); otherwise
    /// the source is made due for a fetch, which reads whatever is new
    /// ([`PushOutcome::RefreshDue`]).
    pub async fn accept_push(
        &self,
        source: SourceId,
        body_base64: &str,
        content_type: Option<&str>,
        now: UnixSeconds,
        min_gap_secs: i64,
    ) -> Result<PushOutcome, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let taken = sqlx::query(
            "UPDATE websub_subscriptions SET last_push_at = $2, pending_push = $3, \
             pending_push_type = $4 WHERE source_id = $1 AND pending_push IS NULL \
             AND (last_push_at IS NULL OR last_push_at <= $5)",
        )
        .bind(source.0)
        .bind(now)
        .bind(body_base64)
        .bind(content_type)
        .bind(now - min_gap_secs)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        let outcome = if taken {
            enqueue_on(&mut tx, &push_job(source, now * 1000), now * 1000).await?;
            PushOutcome::Queued
        } else {
            sqlx::query(
                "UPDATE sources SET next_fetch_at = $2 WHERE id = $1 AND next_fetch_at > $2",
            )
            .bind(source.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            PushOutcome::RefreshDue
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// Takes the push waiting for `source`, if any: its body (base64) and `Content-Type`.
    pub async fn take_push(
        &self,
        source: SourceId,
    ) -> Result<Option<(String, Option<String>)>, StoreError> {
        let mut tx = crate::write_transaction::begin_write(self.pool).await?;
        let row = sqlx::query(
            "SELECT pending_push, pending_push_type FROM websub_subscriptions \
             WHERE source_id = $1 AND pending_push IS NOT NULL",
        )
        .bind(source.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let body: String = row.try_get("pending_push")?;
        let content_type: Option<String> = row.try_get("pending_push_type")?;
        sqlx::query(
            "UPDATE websub_subscriptions SET pending_push = NULL, pending_push_type = NULL \
             WHERE source_id = $1",
        )
        .bind(source.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some((body, content_type)))
    }
}

fn from_row(row: &AnyRow) -> Result<PushSubscription, sqlx::Error> {
    Ok(PushSubscription {
        source_id: SourceId(row.try_get("source_id")?),
        hub_url: row.try_get("hub_url")?,
        topic: row.try_get("topic")?,
        secret: row.try_get("secret")?,
        callback_token: row.try_get("callback_token")?,
        state: PushState::parse(row.try_get::<String, _>("state")?.as_str()),
        lease_seconds: row.try_get("lease_seconds")?,
        lease_expires_at: row.try_get("lease_expires_at")?,
        last_error: row.try_get("last_error")?,
        error_count: row.try_get("error_count")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        last_push_at: row.try_get("last_push_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leases_are_renewed_with_a_tenth_left_and_a_day_at_most() {
        assert_eq!(renewal_time(1000, 3600), 1000 + 3600 - 360);
        assert_eq!(
            renewal_time(0, 30 * 86_400),
            30 * 86_400 - 86_400,
            "a long lease is renewed a day before it ends"
        );
        assert_eq!(renewal_time(50, 0), 50);
    }

    #[test]
    fn tokens_are_compared_whole() {
        let sub = PushSubscription {
            source_id: SourceId(1),
            hub_url: String::new(),
            topic: String::new(),
            secret: String::new(),
            callback_token: "abc123".into(),
            state: PushState::Active,
            lease_seconds: None,
            lease_expires_at: None,
            last_error: None,
            error_count: 0,
            next_attempt_at: None,
            last_push_at: None,
        };
        assert!(sub.token_matches("abc123"));
        assert!(!sub.token_matches("abc12"));
        assert!(!sub.token_matches("abc124"));
        assert!(!sub.token_matches(""));
    }
}
