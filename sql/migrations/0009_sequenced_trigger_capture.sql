-- rohrpost-relay migration 9: trigger capture without a lock at commit. Writers only
-- append; a sequencer numbers committed transactions afterwards, in batches.
--
-- rohrpost.sequencer holds how far the sequencer has numbered (the snapshot of its last
-- batch); rohrpost.commit_ticket is the sequence whose values follow real time across
-- backends (CACHE 1), rohrpost.tickets the committed transactions of release 9's writers
-- that wait for positions. The sequencer itself is sql/definitions/sequence_commits.sql.
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 8) THEN
        RAISE EXCEPTION 'rohrpost migration 9 needs migrations 1 to 8 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 9) THEN
        RETURN;
    END IF;

    -- Tickets in commit-time order: CACHE 1, so values are in time order across backends.
    CREATE SEQUENCE rohrpost.commit_ticket AS bigint MINVALUE 1 START 1 CACHE 1 NO CYCLE;

    -- One row per committed (or committing) transaction of trigger capture that has no
    -- positions yet; the sequencer deletes it when it numbers the transaction.
    CREATE TABLE rohrpost.tickets (
        xid xid8 PRIMARY KEY,
        ticket bigint NOT NULL,
        taken_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    COMMENT ON TABLE rohrpost.tickets IS 'Trigger capture: transactions that committed and wait for the sequencer to give them positions';

    -- The sequencer's progress: every transaction visible in `snapshot` has positions (or
    -- none to have). `target` and `after_ticket` while a capped batch is half done.
    CREATE TABLE rohrpost.sequencer (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        snapshot pg_snapshot NOT NULL,
        target pg_snapshot,
        after_ticket bigint
    );
    INSERT INTO rohrpost.sequencer (snapshot) VALUES (pg_current_snapshot());
    COMMENT ON TABLE rohrpost.sequencer IS 'Trigger capture: how far the sequencer has numbered (see rohrpost.sequence_commits)';

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (9, 'sequenced trigger capture');
END
$migration$;
