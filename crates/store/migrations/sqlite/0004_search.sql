-- Search on SQLite lives in the tantivy index in the data directory, not in the database:
-- nothing to create. (The PostgreSQL dialect creates its full-text tables here.)
SELECT 1;
