-- Each account's login and display names under their look-alike key (see src/names.rs), so
-- that a new name is compared with every other account's by two index lookups instead of a
-- read of every account. Filled for existing accounts by the store when it opens.
ALTER TABLE users ADD COLUMN login_lookalike TEXT;
ALTER TABLE users ADD COLUMN display_lookalike TEXT;
CREATE INDEX users_by_login_lookalike ON users (login_lookalike);
CREATE INDEX users_by_display_lookalike ON users (display_lookalike);
