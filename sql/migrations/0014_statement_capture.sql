-- rohrpost-relay migration 14: a watched table that no other trigger writes from captures
-- INSERT and DELETE with statement-level triggers, one journal INSERT per statement (see
-- sql/definitions/watch.sql). Installing the definitions regenerates every watched table's
-- triggers. Nothing in the schema changes.
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);
    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 13) THEN
        RAISE EXCEPTION 'rohrpost migration 14 needs migrations 1 to 13 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 14) THEN
        RETURN;
    END IF;

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (14, 'statement capture');
END
$migration$;
