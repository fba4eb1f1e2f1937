-- WebSub (push) subscriptions, one per source at most: the hub that pushes the source's feed,
-- the topic (the feed's own address as the hub knows it), the secret the hub signs each push
-- with (HMAC; kept in clear, as verifying needs it), and the random token in the callback URL
-- (/websub/{source_id}/{token}), so that no one can verify or push for another source.
-- state: pending (asked, not yet verified by the hub), active (verified, until
-- lease_expires_at), failed (the hub refused or denied; last_error says why),
-- unsubscribed. next_attempt_at: when the subscribe job runs next (a renewal before the
-- lease ends, a retry after a failure, a repeat when the hub never verified). pending_push:
-- the body of the last signed push not yet ingested (base64), with its Content-Type;
-- last_push_at: when a push was last taken for ingest (one per source per 10 s). Removing
-- the source removes its row. Keep in step with ../sqlite/.

CREATE TABLE websub_subscriptions (
    source_id         BIGINT PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
    hub_url           TEXT NOT NULL,
    topic             TEXT NOT NULL,
    secret            TEXT NOT NULL,
    callback_token    TEXT NOT NULL,
    state             TEXT NOT NULL,
    lease_seconds     BIGINT,
    lease_expires_at  BIGINT,
    last_error        TEXT,
    error_count       BIGINT NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT,
    last_push_at      BIGINT,
    pending_push      TEXT,
    pending_push_type TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX websub_subscriptions_due ON websub_subscriptions (next_attempt_at);
