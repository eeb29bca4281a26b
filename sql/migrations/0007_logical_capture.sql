-- rohrpost-relay migration 7: capture through logical replication.
--
-- rohrpost.capture holds the database's capture mode ('trigger', the default, or
-- 'logical') and its replication slot's name; commits gains the commit LSN of
-- transactions numbered from the replication stream; the publication rohrpost_journal
-- streams the journal's inserts. The functions that switch modes and number streamed
-- commits are in sql/definitions/ (set_capture_mode, record_logical_commits).
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 6) THEN
        RAISE EXCEPTION 'rohrpost migration 7 needs migrations 1 to 6 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 7) THEN
        RETURN;
    END IF;

    -- The database's capture mode and its replication slot (slot names are per cluster).
    CREATE TABLE rohrpost.capture (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        mode text NOT NULL DEFAULT 'trigger' CHECK (mode IN ('trigger', 'logical')),
        slot_name name NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO rohrpost.capture (slot_name)
        VALUES (left('rohrpost_' || regexp_replace(lower(current_database()), '[^a-z0-9_]', '_', 'g'), 63));
    COMMENT ON TABLE rohrpost.capture IS 'How row changes get their positions: trigger (at commit, under a lock) or logical (by the relay holding slot_name); change with rohrpost.set_capture_mode()';

    -- The commit LSN of transactions numbered from the replication stream.
    ALTER TABLE rohrpost.commits ADD COLUMN commit_lsn pg_lsn;
    CREATE UNIQUE INDEX commits_commit_lsn ON rohrpost.commits (commit_lsn) WHERE commit_lsn IS NOT NULL;

    -- Only the journal's inserts, and of them only what the relay needs to number them
    -- (column lists need PostgreSQL 15; older servers send whole rows).
    IF NOT EXISTS (SELECT FROM pg_publication WHERE pubname = 'rohrpost_journal') THEN
        IF current_setting('server_version_num')::integer >= 150000 THEN
            EXECUTE 'CREATE PUBLICATION rohrpost_journal FOR TABLE rohrpost.journal (xid, seq) WITH (publish = ''insert'')';
        ELSE
            EXECUTE 'CREATE PUBLICATION rohrpost_journal FOR TABLE rohrpost.journal WITH (publish = ''insert'')';
        END IF;
    END IF;

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (7, 'logical capture');
END
$migration$;
