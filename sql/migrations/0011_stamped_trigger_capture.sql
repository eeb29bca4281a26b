-- rohrpost-relay migration 11: trigger capture whose writers only append their journal rows.
--
-- Writers no longer insert a marker or take a ticket; the sequencer
-- (sql/definitions/sequence_commits.sql) finds committed transactions by their journal
-- rows and orders them by their last row's stamp (docs/PROTOCOL.md, "Order"). Here: the
-- numbering helpers of releases 7 to 10 and the sequencer's old signature go, and so does
-- the sequencer's ticket column. Every watched table's trigger is regenerated without the
-- marker after the definitions are applied (rohrpost.install_definitions).
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 10) THEN
        RAISE EXCEPTION 'rohrpost migration 11 needs migrations 1 to 10 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 11) THEN
        RETURN;
    END IF;

    DROP FUNCTION IF EXISTS rohrpost.trigger_numbering_code();
    DROP FUNCTION IF EXISTS rohrpost.logical_numbering_code();

    -- 0009's progress through a capped batch: this file's batches go on by stamp order.
    ALTER TABLE rohrpost.sequencer DROP COLUMN after_ticket;

    -- The sequencer's call gained a second parameter (`looked`), with a default, so
    -- release 9's callers, which pass one argument, get the new one.
    DROP FUNCTION IF EXISTS rohrpost.sequence_commits(integer);

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (11, 'stamped trigger capture');
END
$migration$;
