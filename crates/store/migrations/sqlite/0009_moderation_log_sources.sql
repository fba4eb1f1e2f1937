-- The moderation log also records what administrators do to sources from the site (add,
-- fetch now, display policy, remove): the source acted on. No foreign key: the line outlives
-- a removed source. Keep in step with ../postgres/.

ALTER TABLE moderation_log ADD COLUMN source_id BIGINT;
