-- rohrpost-relay migration 3: reading one group's events, for clients that resume
-- (read_group_events and first_position, in sql/definitions/). No table changes; the
-- version is kept so that every database records the same list.
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 2) THEN
        RAISE EXCEPTION 'rohrpost migration 3 needs migrations 1 and 2 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 3) THEN
        RETURN;
    END IF;

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (3, 'resume');
END
$migration$;
