-- WebSub subscriptions to end at their hubs: written in the same transaction that removes a
-- source (or drops or replaces its subscription, when its feed stops announcing the hub or
-- names another), so a crash between the two loses nothing. One row per ended subscription:
-- the hub, the topic and the callback (/websub/{source_id}/{callback_token}; the source row
-- may be gone, and on SQLite its id may be given to a new source, hence the token in the
-- key). The pipeline POSTs hub.mode=unsubscribe when next_attempt_at comes (attempts so far,
-- last_error when the last one failed) and gives up after a few; the callback answers the
-- hub's unsubscribe verification only while the row is here, and deletes it then. Keep in
-- step with ../sqlite/.

CREATE TABLE websub_unsubscriptions (
    source_id       BIGINT NOT NULL,
    callback_token  TEXT NOT NULL,
    hub_url         TEXT NOT NULL,
    topic           TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (source_id, callback_token)
);
CREATE INDEX websub_unsubscriptions_due ON websub_unsubscriptions (next_attempt_at);
