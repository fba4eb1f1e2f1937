-- Personal reading: each account's folders (the categories, groups and labels of the reader
-- apps' protocols), its subscriptions to sources (filed in one folder each), what else it
-- follows (sections, entities, saved searches), its read and starred marks per article, and
-- the API keys its apps log in with (stored as hashes only). Keep in step with ../postgres/.

CREATE TABLE reading_folders (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, title)
);

CREATE TABLE subscriptions (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source_id  BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    folder_id  BIGINT NOT NULL REFERENCES reading_folders (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, source_id)
);
CREATE INDEX subscriptions_by_source ON subscriptions (source_id);

CREATE TABLE follows (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    target     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind, target)
);

CREATE TABLE article_states (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    read_at    BIGINT,
    starred_at BIGINT,
    PRIMARY KEY (user_id, article_id)
);
CREATE INDEX article_states_by_article ON article_states (article_id);

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    fever_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX api_keys_by_user ON api_keys (user_id);

-- Folding copies into one item looks up an original's copies.
CREATE INDEX articles_by_original ON articles (duplicate_of);
