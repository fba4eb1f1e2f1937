-- Articles deleted from the database (a source removed, retention) whose documents the search
-- index must still drop. The index lives outside the database on SQLite, owned by the one
-- process that indexes, so a deletion anywhere (the CLI, a web process) queues the article
-- here in its own transaction and the indexer drains the queue. Keep in step with the other
-- dialect.

CREATE TABLE forgotten_articles (
    article_id BIGINT PRIMARY KEY
);
