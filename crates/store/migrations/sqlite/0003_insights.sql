-- What the understanding step computed for each story (summary, key points, timeline, as
-- JSON, for the version of the story it read), and the entities stories mention, for entity
-- pages. Keep in step with ../postgres/.

CREATE TABLE story_insights (
    story_id    BIGINT PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
    version     BIGINT NOT NULL,
    computed_at BIGINT NOT NULL,
    insight     TEXT NOT NULL
);

CREATE TABLE entities (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE story_entities (
    story_id BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    slug     TEXT NOT NULL REFERENCES entities (slug) ON DELETE CASCADE,
    mentions BIGINT NOT NULL,
    PRIMARY KEY (story_id, slug)
);
CREATE INDEX story_entities_by_slug ON story_entities (slug);
