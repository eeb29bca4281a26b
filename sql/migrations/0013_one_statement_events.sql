-- rohrpost-relay migration 13: generated triggers write an INSERT's and a DELETE's journal
-- row in one statement, numbered by rohrpost.next_event_seq() inside it (see
-- sql/definitions/watch.sql and next_event_seq.sql). The code fragment that numbered
-- events in steps, rohrpost.numbering_code(), goes; installing the definitions
-- regenerates every watched table's trigger.
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);
    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 12) THEN
        RAISE EXCEPTION 'rohrpost migration 13 needs migrations 1 to 12 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 13) THEN
        RETURN;
    END IF;

    DROP FUNCTION IF EXISTS rohrpost.numbering_code();

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (13, 'one-statement events');
END
$migration$;
