-- rohrpost-relay migration 6: messages from app code (rohrpost.send) and payload functions
-- for rohrpost.watch(): watched_tables gains the payload column, and watch() its fourth
-- parameter (the three-parameter watch() of release 2 is dropped here; the current one is
-- in sql/definitions/watch.sql).
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 5) THEN
        RAISE EXCEPTION 'rohrpost migration 6 needs migrations 1 to 5 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 6) THEN
        RETURN;
    END IF;

    ALTER TABLE rohrpost.watched_tables ADD COLUMN payload regprocedure;
    COMMENT ON COLUMN rohrpost.journal.kind IS 'create, update, delete, or message:<type> for rohrpost.send()';

    DROP FUNCTION IF EXISTS rohrpost.watch(regclass, text[], text[]);

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (6, 'messages and payloads');
END
$migration$;
