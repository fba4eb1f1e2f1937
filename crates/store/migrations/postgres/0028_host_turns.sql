-- The host clock shared by every process that fetches (PostgreSQL workers): per host, the
-- earliest time, in milliseconds since the epoch by the database's clock, at which the next
-- request may start. Each request start moves it on by the gap (the minimum delay, or the
-- host's robots.txt Crawl-delay) in one statement. One row per host ever fetched.
CREATE TABLE host_turns (
    host TEXT PRIMARY KEY,
    next_at BIGINT NOT NULL
);
