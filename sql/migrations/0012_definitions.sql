-- rohrpost-relay migration 12: the functions and triggers are defined once, in
-- sql/definitions/, and applied after the migrations by rohrpost.install_definitions().
--
-- Releases 1 to 11 restated a function in each file that changed it; from here on the
-- migrations hold tables, indexes and data only, and every definition has one file. A
-- migrate (the relay's `migrate`, or the Django package's migrations) runs, in one
-- transaction: each migration of sql/migrations/ in file-name order (each skips itself
-- when its version is recorded), then
--   SELECT rohrpost.install_definitions(<the highest migration version it has>,
--                                       <the files of sql/definitions/ as JSON>)
-- which applies the definitions only when they differ from the installed ones and no
-- newer release installed its own: an older relay's migrate changes nothing.
--
-- install_definitions() is the one function defined here and not in sql/definitions/:
-- it must exist before the definitions can be applied. A release that changes it does so
-- in a migration of its own.
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 11) THEN
        RAISE EXCEPTION 'rohrpost migration 12 needs migrations 1 to 11 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 12) THEN
        RETURN;
    END IF;

    -- Which definitions are installed: the release that installed them (the highest
    -- migration version it had) and a checksum of their text.
    CREATE TABLE rohrpost.installed_definitions (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        release integer NOT NULL,
        checksum text NOT NULL,
        installed_at timestamptz NOT NULL DEFAULT now()
    );
    COMMENT ON TABLE rohrpost.installed_definitions IS 'The release and checksum of the installed sql/definitions (see rohrpost.install_definitions)';

    CREATE FUNCTION rohrpost.install_definitions(release integer, definitions jsonb) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    -- As pg_dump restores functions: a body is checked when it runs, not when it is
    -- created, so no definition needs another one applied before it.
    SET check_function_bodies = off
    AS $fn$
    DECLARE
        sum text := md5(install_definitions.definitions::text);
        installed rohrpost.installed_definitions;
        definition jsonb;
        failure text;
        state text;
    BEGIN
        PERFORM pg_advisory_xact_lock(7248310561000001);
        IF jsonb_typeof(install_definitions.definitions) IS DISTINCT FROM 'array' THEN
            RAISE EXCEPTION 'rohrpost.install_definitions: definitions must be a JSON array of {"name", "sql"}';
        END IF;
        SELECT * INTO installed FROM rohrpost.installed_definitions;
        IF installed.release > install_definitions.release
           OR (installed.release = install_definitions.release AND installed.checksum = sum) THEN
            RETURN false;
        END IF;
        FOR definition IN SELECT d FROM jsonb_array_elements(install_definitions.definitions) d LOOP
            BEGIN
                EXECUTE definition ->> 'sql';
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS failure = MESSAGE_TEXT, state = RETURNED_SQLSTATE;
                RAISE EXCEPTION USING ERRCODE = state,
                    MESSAGE = format('definition %s failed: %s', definition ->> 'name', failure);
            END;
        END LOOP;
        -- The generated triggers follow the generator: each watched table's is made again,
        -- under its table's lock (writers of the table commit first; new ones wait for the
        -- new trigger).
        PERFORM rohrpost.rewatch_all();
        INSERT INTO rohrpost.installed_definitions AS i (release, checksum)
            VALUES (install_definitions.release, sum)
            ON CONFLICT (singleton) DO UPDATE
            SET release = excluded.release, checksum = excluded.checksum, installed_at = now();
        RETURN true;
    END
    $fn$;
    COMMENT ON FUNCTION rohrpost.install_definitions(integer, jsonb) IS
        'Applies the definitions ([{"name", "sql"}], in order) of the release numbered release, unless they are installed already or a newer release installed its own; then regenerates every watched table''s trigger. Returns whether it applied them.';

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (12, 'definitions');
END
$migration$;
