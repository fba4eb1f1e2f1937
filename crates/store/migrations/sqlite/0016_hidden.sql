-- What each account hid from its pages ("Hide" on source, entity and topic pages, and words
-- on /settings/hidden): a source (target: its id in decimal), an entity or a topic (its
-- slug), or a word or phrase (its words lower-cased, joined by single spaces). The front,
-- section, topic and "For you" pages leave out what it names for that reader only. At most
-- 200 rows per account, counted when one is added. Keep in step with ../postgres/.

CREATE TABLE hidden_things (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    target     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, kind, target)
);
