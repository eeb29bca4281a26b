-- rohrpost-relay migration 1: schema rohrpost and the event journal.
--
-- Tables only; the functions that write, number and read the journal are in
-- sql/definitions/ (read_events, prune, ...), applied after the migrations.
--   * rohrpost.journal: one row per row change of a watched table (or rohrpost.send),
--     keyed by the writing transaction and the change's number in it (xid, seq).
--   * rohrpost.commits: one row per numbered transaction, its block of positions; an
--     event's position (the `id` clients see) is commits.position + journal.seq - 1.
--   * rohrpost.position_counter: the last position handed out. A sequence rather than a
--     counter column: under REPEATABLE READ and SERIALIZABLE an UPDATE of a row that
--     another transaction changed after the snapshot fails, a sequence never does.
--   * rohrpost.commit_lock and rohrpost.pending_commit: the lock and the marker of the
--     first trigger capture (positions at commit), kept for transactions that began
--     writing under it while a database upgrades (see definitions/allocate_positions.sql).
--
-- Idempotent: everything happens inside one DO block that takes the migrations' advisory
-- lock, returns at once when version 1 is recorded, and records it at the end.

DO $migration$
BEGIN
    -- One lock for all rohrpost migrations, so concurrent relays migrate one at a time.
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    -- Created here, under the lock, rather than before the DO block: concurrent
    -- CREATE ... IF NOT EXISTS can fail with a unique violation, and this way a role
    -- without CREATE on the database can re-run applied migrations.
    IF pg_catalog.to_regnamespace('rohrpost') IS NULL THEN
        CREATE SCHEMA rohrpost;
    END IF;
    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL THEN
        CREATE TABLE rohrpost.schema_migrations (
            version integer PRIMARY KEY,
            name text,
            applied_at timestamptz DEFAULT now()
        );
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 1) THEN
        RETURN;
    END IF;

    -- The order of commits in the first trigger capture: a writing transaction locked
    -- this one row at commit and held the lock until its commit was visible.
    CREATE TABLE rohrpost.commit_lock (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton)
    );
    INSERT INTO rohrpost.commit_lock DEFAULT VALUES;

    -- The last position handed out. A sequence rather than a counter column, because
    -- under REPEATABLE READ and SERIALIZABLE an UPDATE of a row that another
    -- transaction changed after the snapshot fails ("could not serialize access due
    -- to concurrent update"), and a writer's snapshot is usually older than the last
    -- commit. Locking a row that others only locked does not fail that way, and a
    -- sequence is read outside the snapshot. Only the numbering functions touch it.
    CREATE SEQUENCE rohrpost.position_counter AS bigint MINVALUE 1 START 1 NO CYCLE;

    -- One row per committed transaction that wrote events: its block of positions.
    CREATE TABLE rohrpost.commits (
        position bigint PRIMARY KEY,       -- first position of the block
        xid xid8 NOT NULL UNIQUE,
        event_count integer NOT NULL,
        committed_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );

    CREATE TABLE rohrpost.journal (
        xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        seq integer NOT NULL,               -- 1..n within the transaction, write order
        table_name text NOT NULL,           -- schema-qualified, quoted as needed
        -- 'create', 'update' or 'delete'. Deliberately no CHECK constraint: every
        -- single-row INSERT from a trigger would compile it anew, which measured about
        -- 4 us a row, most of the INSERT's own cost. Only generated code writes here.
        kind text NOT NULL,
        object json NOT NULL,               -- new row (create, update) or old row (delete)
        groups text[] NOT NULL,             -- groups that get `kind` with `object`
        updated_fields text[],              -- update: changed carried columns, table order
        left_groups text[],                 -- update: groups that get `delete` with old_object
        old_object json,                    -- update: the old row, when left_groups is not empty
        joined_groups text[],               -- update: groups that get `create` with object
        PRIMARY KEY (xid, seq)
    );

    -- The marker of the first trigger capture: one row per writing transaction, whose
    -- deferred trigger allocated the positions. Nothing reads it and it has no index;
    -- prune() deletes the rows of committed transactions.
    CREATE TABLE rohrpost.pending_commit (
        xid xid8 NOT NULL DEFAULT pg_current_xact_id()
    );

    COMMENT ON SCHEMA rohrpost IS 'rohrpost-relay: row changes of watched tables as rohrpost events';
    COMMENT ON TABLE rohrpost.journal IS 'One row per row change of a watched table; position = commits.position + seq - 1';
    COMMENT ON TABLE rohrpost.commits IS 'One row per committed writing transaction: its block of event positions, in commit order';

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (1, 'journal');
END
$migration$;
