-- An outlet's articles by when they arrived, for the reader apps' sync windows (Google
-- Reader's `ot`/`nt`, mark-all-read cut-offs), which count from arrival, not publication:
-- without it the reading list read every article of each subscribed outlet.
CREATE INDEX articles_by_source_arrival ON articles (source_id, fetched_at);
