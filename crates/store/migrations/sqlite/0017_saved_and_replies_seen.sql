-- Saved (starred) articles and seen replies. Keep in step with ../postgres/.
--
-- /saved lists one account's starred articles, most recently starred first (then by
-- article): a partial index over the starred marks alone (read marks are far more common)
-- gives that order.
CREATE INDEX article_states_starred ON article_states (user_id, starred_at, article_id)
    WHERE starred_at IS NOT NULL;

-- A reply is new to the account it answers until that account marks it seen. The mark was
-- the id of the newest reply seen, so a held reply approved after newer ones were seen was
-- never new. Now each comment keeps the site revision at which it first became readable by
-- everyone (comments.shown_revision: written with the bump of its insert or approval, so the
-- numbers commit in order) and each account the revision up to which it has seen its
-- replies (users.replies_seen_revision, the old mark renamed).
ALTER TABLE comments ADD COLUMN shown_revision BIGINT;
-- Comments written before this take their id as their revision (never-approved held ones,
-- also those a ban hid while held, none), and the revision moves past every id, so each
-- account's mark keeps its meaning and later comments sort after all of these.
UPDATE comments SET shown_revision = id
    WHERE state <> 'held' AND COALESCE(hidden_by_ban, '') <> 'held';
UPDATE site_revision SET revision = MAX(revision, COALESCE((SELECT MAX(id) FROM comments), 0));
ALTER TABLE users RENAME COLUMN replies_seen_id TO replies_seen_revision;
-- The unread count (reply_to_user_id = ? AND shown_revision > ?) and the list, newest first.
DROP INDEX comments_replies_to;
CREATE INDEX comments_replies_shown ON comments (reply_to_user_id, shown_revision);
