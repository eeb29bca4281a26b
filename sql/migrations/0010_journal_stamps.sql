-- rohrpost-relay migration 10: every journal row gets a stamp, nextval of
-- rohrpost.commit_ticket (CACHE 1, so its values follow real time across backends), as the
-- column's default; the sequencer orders transactions by their last row's stamp.
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 9) THEN
        RAISE EXCEPTION 'rohrpost migration 10 needs migrations 1 to 9 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 10) THEN
        RETURN;
    END IF;

    ALTER TABLE rohrpost.journal ADD COLUMN stamp bigint DEFAULT NULL;
    ALTER TABLE rohrpost.journal ALTER COLUMN stamp SET DEFAULT nextval('rohrpost.commit_ticket');
    COMMENT ON COLUMN rohrpost.journal.stamp IS 'nextval of rohrpost.commit_ticket when the row was written: the sequencer orders transactions by their last row''s stamp';
    COMMENT ON SEQUENCE rohrpost.commit_ticket IS 'Stamps of journal rows (and 0009''s tickets): CACHE 1, so values follow real time across backends';

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (10, 'journal stamps');
END
$migration$;
