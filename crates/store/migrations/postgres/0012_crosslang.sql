-- One event's stories across languages: each story's evidence (the keys two languages write
-- alike — names, numbers, times — with their weights, and the story's language and span,
-- copied here so that finding the candidates of a story is one indexed read of the window),
-- and the links found between stories of different languages, stored both ways with the
-- other story's language. Both are replaced when a story is understood again and go with
-- their story. Keep in step with ../sqlite/.

CREATE TABLE story_keys (
    story_id BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    weight   DOUBLE PRECISION NOT NULL,
    language TEXT NOT NULL,
    first_at BIGINT NOT NULL,
    last_at  BIGINT NOT NULL,
    PRIMARY KEY (story_id, key)
);
CREATE INDEX story_keys_by_key ON story_keys (key, last_at);

CREATE TABLE story_language_links (
    story_id       BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    other_id       BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    other_language TEXT NOT NULL,
    score          DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (story_id, other_id)
);
CREATE INDEX story_language_links_by_other ON story_language_links (other_id);
