-- Stories whose understanding (summary, key points, entities, timeline, links to other
-- languages) must be computed again because they lost articles: a source was removed, or
-- retention deleted old articles, and what was made of those articles is gone or stale. The
-- store, which the CLI and web processes call, does not know the pipeline's jobs, so the
-- deleting transaction queues each story that still has articles here, and the pipeline's
-- scheduler drains the queue into understanding jobs. Keep in step with ../sqlite/.

CREATE TABLE stories_to_understand (
    story_id BIGINT PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE
);
