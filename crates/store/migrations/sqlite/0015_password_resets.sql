-- Password reset links, which an admin (on /admin/users) or the operator (`tidings users
-- reset-link`) makes for an account and hands to its owner: Tidings sends no email. Only the
-- SHA-256 of a link's random token is kept, so a leaked database opens no account. A link
-- works once (used_at is set by the statement that uses it) and until expires_at; making a
-- new one for an account deletes the account's older ones, and any change of its password
-- deletes those not used. Keep in step with ../postgres/.

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX password_resets_by_user ON password_resets (user_id);
