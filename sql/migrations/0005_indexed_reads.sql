-- rohrpost-relay migration 5: journal reads that touch only the rows they return
-- (read_events and read_group_events, in sql/definitions/). No table changes.
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 4) THEN
        RAISE EXCEPTION 'rohrpost migration 5 needs migrations 1 to 4 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 5) THEN
        RETURN;
    END IF;

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (5, 'indexed reads');
END
$migration$;
