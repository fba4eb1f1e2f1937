-- A reader's own title for a feed they follow (Miniflux's feed rename, Google Reader's
-- `subscription/edit` with `t`): shown to that reader alone, in place of the outlet's name,
-- which stays the same for everyone else. NULL while the reader has given none. Plain text,
-- escaped wherever it is written out. Keep in step with ../sqlite/.
ALTER TABLE subscriptions ADD COLUMN title TEXT;
