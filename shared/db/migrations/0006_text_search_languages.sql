-- Every language PostgreSQL can stem: the language codes ingest records (ISO 639, as the
-- language detector names them) mapped to the server's text-search configurations.
--
-- The function is generated from the configurations this server actually has (pg_ts_config),
-- so a language whose configuration a PostgreSQL release lacks is left to the default instead
-- of failing at query time, and a newer release's extra languages are picked up when the
-- database is created there. The generated body is a constant CASE: IMMUTABLE holds.
-- A detected language without a configuration gets 'simple' (exact words, no stemming: an
-- English stemmer would mangle Polish or Chinese); no detected language keeps 'english',
-- the default before languages were detected.
DO $migration$
DECLARE
    cases text;
BEGIN
    SELECT string_agg(format('WHEN %L THEN %L', m.code, m.cfg), ' ' ORDER BY m.code)
    INTO cases
    FROM (VALUES
        ('ar', 'arabic'), ('ary', 'arabic'), ('arz', 'arabic'), ('hy', 'armenian'),
        ('eu', 'basque'), ('ca', 'catalan'), ('da', 'danish'), ('nl', 'dutch'),
        ('en', 'english'), ('et', 'estonian'), ('fi', 'finnish'), ('fr', 'french'),
        ('de', 'german'), ('el', 'greek'), ('hi', 'hindi'), ('hu', 'hungarian'),
        ('id', 'indonesian'), ('ga', 'irish'), ('it', 'italian'), ('lt', 'lithuanian'),
        ('ne', 'nepali'), ('no', 'norwegian'), ('nb', 'norwegian'), ('nn', 'norwegian'),
        ('pt', 'portuguese'), ('ro', 'romanian'), ('ru', 'russian'), ('sr', 'serbian'),
        ('es', 'spanish'), ('sv', 'swedish'), ('ta', 'tamil'), ('tr', 'turkish'),
        ('yi', 'yiddish')
    ) AS m(code, cfg)
    JOIN pg_ts_config c ON c.cfgname = m.cfg;

    EXECUTE format(
        $body$
        CREATE OR REPLACE FUNCTION sum_text_config(language text) RETURNS regconfig
        LANGUAGE sql IMMUTABLE AS $fn$
            SELECT (CASE
                WHEN language IS NULL THEN 'english'
                ELSE CASE lower(language) %s ELSE 'simple' END
            END)::regconfig
        $fn$
        $body$,
        coalesce(cases, ''));
END
$migration$;
