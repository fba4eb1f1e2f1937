-- Stories: what the assigner records about each article (its story, the text it copies, the
-- order it was placed in), each story's aggregates, related stories, and the URLs an article
-- was also known by (a page's rel=canonical moves it). Keep in step with ../sqlite/.

ALTER TABLE articles ADD COLUMN duplicate_of BIGINT;
ALTER TABLE articles ADD COLUMN story_seq BIGINT;
CREATE INDEX articles_story_seq ON articles (story_seq);
CREATE INDEX articles_unplaced ON articles (id) WHERE story_id IS NULL;

ALTER TABLE stories ADD COLUMN language TEXT;
ALTER TABLE stories ADD COLUMN lead_article_id BIGINT;
ALTER TABLE stories ADD COLUMN first_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN last_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN article_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN source_count BIGINT NOT NULL DEFAULT 0;
CREATE INDEX stories_latest ON stories (last_at DESC, id DESC);

CREATE TABLE story_links (
    story_id   BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    related_id BIGINT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    score      DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (story_id, related_id)
);

CREATE TABLE article_aliases (
    url        TEXT PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE
);
