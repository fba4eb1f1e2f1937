-- A source a reader (not an administrator) adds, on a site whose `[people] reader_sources`
-- is "review", waits for an administrator: `pending_since` is when it was asked for and
-- `requested_by` the account that asked (NULL once approved, and for every other source).
-- A waiting source is not fetched and not listed publicly; readers who follow it keep their
-- subscription meanwhile.
ALTER TABLE sources ADD COLUMN pending_since BIGINT;
ALTER TABLE sources ADD COLUMN requested_by BIGINT;
