-- Banning an account may hide its comments with it. Each comment its ban hid remembers the
-- state it had then ('visible' or 'held'), so lifting the ban can put back those comments,
-- and only those, as they were: a held comment goes back to the queue, not straight into its
-- thread. NULL for every other comment (a comment a moderator hid on its own among them).
-- Any later action on the comment by a moderator or its author clears it. Keep in step with
-- ../postgres/.

ALTER TABLE comments ADD COLUMN hidden_by_ban TEXT;
