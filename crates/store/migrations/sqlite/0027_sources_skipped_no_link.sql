-- How many entries the last successful fetch of a source's feed left out for having no
-- usable link (the `tidings_entries_skipped_no_link_total` metric counts them per process;
-- this keeps them where the sources list and a source's page show its ingest problems).
ALTER TABLE sources ADD COLUMN skipped_no_link BIGINT NOT NULL DEFAULT 0;
