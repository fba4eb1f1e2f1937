-- A story's articles in story order, for the understanding step's sample of a long story
-- (its first and its latest reports): without it every sample sorted all the story's rows.
CREATE INDEX articles_by_story_time ON articles (story_id, sort_at, id);
