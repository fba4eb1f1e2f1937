-- Replies: each reply names the account it answers (the author of its parent, fixed when it
-- is written), so one account's replies are one range of an index; and each account keeps
-- the newest reply it has seen on /replies, its high-water mark for the unread count. Keep
-- in step with ../postgres/.

ALTER TABLE comments ADD COLUMN reply_to_user_id BIGINT REFERENCES users (id);
UPDATE comments SET reply_to_user_id =
    (SELECT p.user_id FROM comments p WHERE p.id = comments.parent_id)
    WHERE parent_id IS NOT NULL;
-- The unread count (reply_to_user_id = ? AND id > ?) and the newest-first list.
CREATE INDEX comments_replies_to ON comments (reply_to_user_id, id);

ALTER TABLE users ADD COLUMN replies_seen_id BIGINT NOT NULL DEFAULT 0;
-- Replies written before this migration count as seen: the count starts with new ones
-- (the page still lists the older ones).
UPDATE users SET replies_seen_id = COALESCE((SELECT MAX(id) FROM comments), 0);
