-- Tidings schema, SQLite dialect. Times are integers: seconds since the epoch, or
-- milliseconds where the column name ends in _ms. Keep in step with ../postgres/.

CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    site_url        TEXT,
    category        TEXT,
    language        TEXT,
    created_at      BIGINT NOT NULL,
    next_fetch_at   BIGINT NOT NULL,
    last_fetch_at   BIGINT,
    last_success_at BIGINT,
    last_error      TEXT,
    error_count     BIGINT NOT NULL DEFAULT 0,
    etag            TEXT,
    last_modified   TEXT
);
CREATE INDEX sources_due ON sources (next_fetch_at);

CREATE TABLE stories (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    source_id    BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    story_id     BIGINT REFERENCES stories (id) ON DELETE SET NULL,
    url          TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    standfirst   TEXT,
    byline       TEXT,
    credit       TEXT,
    published_at BIGINT,
    updated_at   BIGINT,
    fetched_at   BIGINT NOT NULL,
    sort_at      BIGINT NOT NULL,
    language     TEXT,
    body_text    TEXT NOT NULL,
    body_html    TEXT NOT NULL,
    image_url    TEXT
);
CREATE INDEX articles_latest ON articles (sort_at DESC, id DESC);
CREATE INDEX articles_by_source ON articles (source_id, sort_at DESC);
CREATE INDEX articles_by_story ON articles (story_id);

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    key          TEXT UNIQUE,
    payload      TEXT NOT NULL,
    state        TEXT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    run_at_ms    BIGINT NOT NULL,
    lease_owner  TEXT,
    lease_until_ms BIGINT,
    last_error   TEXT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (state, run_at_ms);
