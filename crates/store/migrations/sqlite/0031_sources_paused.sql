-- An administrator may pause a source: `paused_at` is since when (NULL for a source that is
-- fetched as usual). A paused source is not fetched (the scheduler skips it and a fetch
-- already queued does nothing), keeps its articles, and its last fetch's failure does not
-- count as failing; resuming makes it due at once.
ALTER TABLE sources ADD COLUMN paused_at BIGINT;
