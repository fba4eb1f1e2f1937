-- Full-text search on PostgreSQL, for when several processes share the database (the embedded
-- default is the tantivy index in the data directory). tidings-search fills the table from the
-- articles and queries it with the same query language as the tantivy index.
--
-- One text search configuration per language, like PostgreSQL's own but with Snowball stemmers
-- that keep stop words: a phrase such as "state of the union" must match, as it does in tantivy.

CREATE TEXT SEARCH DICTIONARY tidings_english_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION tidings_english (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION tidings_english
    ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, hword_asciipart,
        hword_part, hword_numpart WITH tidings_english_stem;

CREATE TEXT SEARCH DICTIONARY tidings_german_stem (TEMPLATE = snowball, Language = german);
CREATE TEXT SEARCH CONFIGURATION tidings_german (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION tidings_german
    ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, hword_asciipart,
        hword_part, hword_numpart WITH tidings_german_stem;

CREATE TEXT SEARCH DICTIONARY tidings_french_stem (TEMPLATE = snowball, Language = french);
CREATE TEXT SEARCH CONFIGURATION tidings_french (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION tidings_french
    ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, hword_asciipart,
        hword_part, hword_numpart WITH tidings_french_stem;

CREATE TEXT SEARCH DICTIONARY tidings_spanish_stem (TEMPLATE = snowball, Language = spanish);
CREATE TEXT SEARCH CONFIGURATION tidings_spanish (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION tidings_spanish
    ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, hword_asciipart,
        hword_part, hword_numpart WITH tidings_spanish_stem;

CREATE TEXT SEARCH DICTIONARY tidings_italian_stem (TEMPLATE = snowball, Language = italian);
CREATE TEXT SEARCH CONFIGURATION tidings_italian (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION tidings_italian
    ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, hword_asciipart,
        hword_part, hword_numpart WITH tidings_italian_stem;

CREATE TEXT SEARCH DICTIONARY tidings_portuguese_stem (TEMPLATE = snowball, Language = portuguese);
CREATE TEXT SEARCH CONFIGURATION tidings_portuguese (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION tidings_portuguese
    ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, hword_asciipart,
        hword_part, hword_numpart WITH tidings_portuguese_stem;

CREATE TEXT SEARCH DICTIONARY tidings_dutch_stem (TEMPLATE = snowball, Language = dutch);
CREATE TEXT SEARCH CONFIGURATION tidings_dutch (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION tidings_dutch
    ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, hword_asciipart,
        hword_part, hword_numpart WITH tidings_dutch_stem;

CREATE TEXT SEARCH DICTIONARY tidings_russian_stem (TEMPLATE = snowball, Language = russian);
CREATE TEXT SEARCH CONFIGURATION tidings_russian (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION tidings_russian
    ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, hword_asciipart,
        hword_part, hword_numpart WITH tidings_russian_stem;

CREATE TEXT SEARCH DICTIONARY tidings_swedish_stem (TEMPLATE = snowball, Language = swedish);
CREATE TEXT SEARCH CONFIGURATION tidings_swedish (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION tidings_swedish
    ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, hword_asciipart,
        hword_part, hword_numpart WITH tidings_swedish_stem;

CREATE TEXT SEARCH DICTIONARY tidings_norwegian_stem (TEMPLATE = snowball, Language = norwegian);
CREATE TEXT SEARCH CONFIGURATION tidings_norwegian (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION tidings_norwegian
    ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, hword_asciipart,
        hword_part, hword_numpart WITH tidings_norwegian_stem;

CREATE TEXT SEARCH DICTIONARY tidings_danish_stem (TEMPLATE = snowball, Language = danish);
CREATE TEXT SEARCH CONFIGURATION tidings_danish (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION tidings_danish
    ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, hword_asciipart,
        hword_part, hword_numpart WITH tidings_danish_stem;

CREATE TEXT SEARCH DICTIONARY tidings_finnish_stem (TEMPLATE = snowball, Language = finnish);
CREATE TEXT SEARCH CONFIGURATION tidings_finnish (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION tidings_finnish
    ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, hword_asciipart,
        hword_part, hword_numpart WITH tidings_finnish_stem;


-- One row per indexed article: what search shows and filters on, the weighted tsvector
-- (title 'A', body 'B') built with the configuration of the article's language, and the
-- outlet's name and host and the entities as plain words (`simple` configuration). A row goes
-- with its article (a removed source takes its articles' rows along).
CREATE TABLE search_documents (
    article_id   BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    story_id     BIGINT,
    source_id    BIGINT NOT NULL,
    source_name  TEXT NOT NULL,
    source_terms TEXT NOT NULL,
    url          TEXT NOT NULL,
    language     TEXT NOT NULL,
    sort_at      BIGINT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    entities     TEXT NOT NULL,
    config       REGCONFIG NOT NULL,
    tsv          TSVECTOR NOT NULL,
    source_tsv   TSVECTOR NOT NULL,
    entities_tsv TSVECTOR NOT NULL
);
CREATE INDEX search_documents_tsv ON search_documents USING GIN (tsv);
CREATE INDEX search_documents_source ON search_documents USING GIN (source_tsv);
CREATE INDEX search_documents_entities ON search_documents USING GIN (entities_tsv);
CREATE INDEX search_documents_sort ON search_documents (sort_at DESC);

-- The catch-up cursor: the highest article id the search table has caught up with.
CREATE TABLE search_state (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
