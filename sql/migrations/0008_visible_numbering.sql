-- rohrpost-relay migration 8: logical capture numbers a batch only once its transactions
-- are visible (wait_until_visible, in sql/definitions/). No table changes.
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 7) THEN
        RAISE EXCEPTION 'rohrpost migration 8 needs migrations 1 to 7 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 8) THEN
        RETURN;
    END IF;

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (8, 'visible numbering');
END
$migration$;
