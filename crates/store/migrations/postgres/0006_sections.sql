-- The reader's site: each article's and story's section (World, Business, …, by slug), the
-- topics feeds tagged articles with, and the operator's display policy per source ('full' or
-- 'excerpt'; NULL follows the instance). Keep in step with the other dialect's directory.

ALTER TABLE articles ADD COLUMN section TEXT;
ALTER TABLE stories ADD COLUMN section TEXT;
ALTER TABLE sources ADD COLUMN display TEXT;
CREATE INDEX stories_section_latest ON stories (section, last_at DESC, id DESC);
CREATE INDEX stories_language_latest ON stories (language, last_at DESC, id DESC);

CREATE TABLE article_topics (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    slug       TEXT NOT NULL,
    name       TEXT NOT NULL,
    PRIMARY KEY (article_id, slug)
);
CREATE INDEX article_topics_slug ON article_topics (slug, article_id);
