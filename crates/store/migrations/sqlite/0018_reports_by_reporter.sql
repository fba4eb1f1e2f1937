-- The reports an account filed, by account: its data export pages through them
-- (`WHERE user_id = $1 AND id > $2 ORDER BY id`) and deleting the account removes them. Without
-- this index both read the whole table.
CREATE INDEX comment_reports_by_reporter ON comment_reports (user_id, id);
