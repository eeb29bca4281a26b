-- rohrpost-relay migration 4: calling SQL functions as rohrpost handlers (call_handler,
-- in sql/definitions/). No table changes.
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 3) THEN
        RAISE EXCEPTION 'rohrpost migration 4 needs migrations 1 to 3 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 4) THEN
        RETURN;
    END IF;

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (4, 'handlers');
END
$migration$;
