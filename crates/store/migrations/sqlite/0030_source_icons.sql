-- Each source's icon (favicon), fetched by the pipeline after a successful fetch of its
-- feed: its bytes in base64 (`data_base64`: text, as a pushed WebSub body is, so both backends
-- and the SQLite-to-PostgreSQL copy read it alike, and the reader APIs answer it as it is),
-- their `content_type` (decided by the bytes), `hash` (hex SHA-256 of the bytes: the ETag)
-- and `icon_id` (its first 53 bits: the reader APIs' integer icon id). `fetched_at` is the
-- last attempt and `last_error` how it failed, when it did: a failed refresh keeps the
-- icon it had, and a source with no icon at all has a row with no data, so the failure is
-- remembered and not retried at every poll. A removed source's icon goes with it.
CREATE TABLE source_icons (
    source_id     BIGINT PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
    content_type  TEXT,
    data_base64   TEXT,
    hash          TEXT,
    icon_id       BIGINT,
    fetched_at    BIGINT NOT NULL,
    last_error    TEXT
);
CREATE INDEX source_icons_by_icon_id ON source_icons (icon_id);
