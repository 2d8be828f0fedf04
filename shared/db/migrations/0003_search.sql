-- Language of the memories, and the full-text search index over titles, keywords,
-- summaries and text.

ALTER TABLE memories ADD COLUMN IF NOT EXISTS language text;

CREATE TABLE document_search (
    document_id  uuid PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    tenant       text        NOT NULL,
    kind         text        NOT NULL,
    created_at   timestamptz NOT NULL,
    tsv          tsvector    NOT NULL
);

CREATE INDEX document_search_tsv ON document_search USING GIN (tsv);
CREATE INDEX document_search_tenant_created ON document_search (tenant, created_at);

-- Language of a document → the text-search configuration that stems it.
CREATE FUNCTION sum_text_config(language text) RETURNS regconfig
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE language
        WHEN 'en' THEN 'english' WHEN 'de' THEN 'german' WHEN 'fr' THEN 'french'
        WHEN 'es' THEN 'spanish' WHEN 'it' THEN 'italian' WHEN 'nl' THEN 'dutch'
        WHEN 'pt' THEN 'portuguese' ELSE 'english' END::regconfig
$$;

-- A field indexed twice: stemmed in its language (so "rivers" finds "river") and as-is
-- (so exact words of any language and prefixes of unstemmed forms match).
CREATE FUNCTION sum_field_vector(language text, body text, weight "char") RETURNS tsvector
LANGUAGE sql IMMUTABLE AS $$
    SELECT setweight(to_tsvector(sum_text_config(language), coalesce(body, '')), weight)
        || setweight(to_tsvector('simple', coalesce(body, '')), weight)
$$;
