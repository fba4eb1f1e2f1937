-- One person, place or organisation across languages. The extraction of each language makes
-- its own slug for a name the gazetteer does not know ("Marovia", "Marovien", "Marovie");
-- when linked stories of two languages name it alike, the pipeline merges the two entities:
-- the stories of the one (merged_into set) move to the other, whose page lists them all,
-- and the one's page redirects there. Each entity keeps the language its name was first
-- seen in (a primary subtag; '' when unknown), so the page shows the name of the reader's
-- language; each mention keeps the name its story gave (NULL before this migration: the
-- entity's). Keep in step with ../sqlite/.

ALTER TABLE entities ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE entities ADD COLUMN merged_into TEXT;
CREATE INDEX entities_by_merged_into ON entities (merged_into) WHERE merged_into IS NOT NULL;
ALTER TABLE story_entities ADD COLUMN name TEXT;

-- The language of a story that names each entity, for the entities already known.
UPDATE entities SET language = COALESCE((
    SELECT lower(split_part(s.language, '-', 1))
    FROM story_entities se JOIN stories s ON s.id = se.story_id
    WHERE se.slug = entities.slug AND s.language IS NOT NULL
    ORDER BY se.story_id LIMIT 1
), '');
