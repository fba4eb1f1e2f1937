-- People: accounts, sessions, the devices accounts logged in from, comments on articles and
-- stories, reports against comments, and the log of moderators' actions. Keep in step with
-- ../postgres/.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    state         TEXT NOT NULL,
    trusted       BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE login_devices (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
CREATE INDEX login_devices_by_user ON login_devices (user_id);

CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    target_kind TEXT NOT NULL,
    target_id   BIGINT NOT NULL,
    parent_id   BIGINT REFERENCES comments (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    body_source TEXT NOT NULL,
    body_html   TEXT NOT NULL,
    state       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    edited_at   BIGINT
);
CREATE INDEX comments_by_target ON comments (target_kind, target_id, id);
CREATE INDEX comments_by_user ON comments (user_id, created_at);
CREATE INDEX comments_by_state ON comments (state);

CREATE TABLE comment_reports (
    id          INTEGER PRIMARY KEY,
    comment_id  BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    resolved_at BIGINT,
    UNIQUE (comment_id, user_id)
);
CREATE INDEX comment_reports_open ON comment_reports (resolved_at, comment_id);

CREATE TABLE moderation_log (
    id           INTEGER PRIMARY KEY,
    at           BIGINT NOT NULL,
    moderator_id BIGINT REFERENCES users (id),
    action       TEXT NOT NULL,
    comment_id   BIGINT,
    user_id      BIGINT,
    note         TEXT NOT NULL
);
CREATE INDEX moderation_log_latest ON moderation_log (at DESC, id DESC);

-- Secrets the web processes share (the key that signs anonymous forms' CSRF tokens), made
-- by the first process that needs one.
CREATE TABLE site_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
