-- The audit log's lines about one account, for its data export: those naming the account
-- (`user_id`) and those about one of its comments (`comment_id`), paged by id. Without these
-- indexes every export read the whole log.
CREATE INDEX moderation_log_by_user ON moderation_log (user_id, id);
CREATE INDEX moderation_log_by_comment ON moderation_log (comment_id, id);
