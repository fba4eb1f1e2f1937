-- One counter that every write changing what a page shows increments, in the same
-- transaction as the change: web processes poll it and drop their rendered pages when it
-- moves, whichever process wrote. Keep in step with the other dialect's directory.

CREATE TABLE site_revision (
    id       BIGINT PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO site_revision (id, revision) VALUES (1, 0);
