-- rohrpost-relay migration 7: capture through logical replication.
--
-- Two capture modes, one per database, in rohrpost.capture:
--   * 'trigger' (the default, as before): each writing transaction reserves its block of
--     positions at commit under rohrpost.commit_lock and sends one NOTIFY
--     (0001_journal.sql). Writers of watched tables commit one at a time.
--   * 'logical': writers only append their journal rows, numbered 1..n as before; they
--     take no lock, reserve no positions and send no NOTIFY. The relay that holds the
--     replication slot streams the journal's inserts (publication rohrpost_journal,
--     plugin pgoutput), which arrive in commit order, and hands out positions in that
--     order with record_logical_commits(): one call, one commit_lock, one NOTIFY per
--     batch of transactions. It confirms the slot's position only after that commit is
--     flushed, so a crash replays the batch, and transactions already recorded (by xid,
--     and by commit LSN) are skipped: nothing is lost, nothing is numbered twice.
--
-- set_capture_mode() switches a database, with writers running. Every generated trigger
-- is regenerated under its table's lock (rohrpost.watch), so a transaction numbers all
-- its events in one mode. To 'trigger', it first waits until the slot has confirmed all
-- WAL written before it took the locks: the relay has then numbered every transaction
-- of the logical mode, and trigger-mode commits can only come after them. send() takes
-- no table lock, so it always queues an allocation; allocate_positions() then hands out
-- positions only if the database is in trigger capture when the transaction commits.
-- (Two such transactions committing in the very instant of a switch may be numbered in
-- either order; none is lost or numbered twice.)
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

    CREATE FUNCTION rohrpost.capture_mode() RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
        SELECT mode FROM rohrpost.capture
    $fn$;

    -- The numbering code of generated triggers, for the database's mode: 0006's code
    -- for trigger capture, and for logical capture the same without the marker.
    ALTER FUNCTION rohrpost.numbering_code() RENAME TO trigger_numbering_code;
    CREATE FUNCTION rohrpost.logical_numbering_code() RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
        SELECT $code$
    -- n: this event's number in the transaction. Logical capture: the relay that holds
    -- the replication slot hands out positions, in commit order; nothing to queue here.
    s := pg_catalog.current_setting('rohrpost.seq', true);
    IF s IS NULL OR s OPERATOR(pg_catalog.=) '' THEN
        n := 1;
    ELSE
        n := pg_catalog.abs(s::pg_catalog.int4) OPERATOR(pg_catalog.+) 1;
    END IF;
    s := pg_catalog.set_config('rohrpost.seq', n::pg_catalog.text, true);
$code$::text
    $fn$;
    CREATE FUNCTION rohrpost.numbering_code() RETURNS text
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
        SELECT CASE rohrpost.capture_mode()
            WHEN 'logical' THEN rohrpost.logical_numbering_code()
            ELSE rohrpost.trigger_numbering_code() END
    $fn$;

    -- Positions are handed out at commit in trigger capture only. A transaction that
    -- queued its allocation (a send, which takes no table lock) may commit after a switch:
    -- the mode at its commit decides, so it is numbered exactly once either way.
    CREATE OR REPLACE FUNCTION rohrpost.allocate_positions() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    DECLARE
        setting text;
        total integer;
        first bigint;
    BEGIN
        setting := current_setting('rohrpost.seq', true);
        total := CASE WHEN setting IS NULL OR setting = '' THEN 0 ELSE setting::integer END;
        IF total <= 0 OR (SELECT c.mode FROM rohrpost.capture c) = 'logical' THEN
            RETURN NULL;
        END IF;
        setting := current_setting('rohrpost.block', true);
        first := CASE WHEN setting IS NULL OR setting = '' THEN NULL ELSE setting::bigint END;
        IF first IS NULL THEN
            PERFORM FROM rohrpost.commit_lock FOR UPDATE;
            first := nextval('rohrpost.position_counter');
            IF total > 1 THEN
                PERFORM setval('rohrpost.position_counter', first + total - 1);
            END IF;
            INSERT INTO rohrpost.commits (position, xid, event_count)
                VALUES (first, NEW.xid, total);
            PERFORM set_config('rohrpost.block', first::text, true);
        ELSE
            PERFORM setval('rohrpost.position_counter', first + total - 1);
            UPDATE rohrpost.commits SET event_count = total WHERE position = first;
        END IF;
        PERFORM pg_notify('rohrpost', first::text || ':' || total::text);
        PERFORM set_config('rohrpost.seq', (-total)::text, true);
        RETURN NULL;
    END
    $fn$;

    -- Regenerates every watched table's trigger from its stored configuration.
    CREATE FUNCTION rohrpost.rewatch_all() RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    DECLARE
        w record;
    BEGIN
        PERFORM rohrpost.forget_dropped_tables();
        FOR w IN SELECT t.table_name, t.groups, t.columns,
                        (SELECT format('%I.%I', n.nspname, p.proname) FROM pg_proc p
                         JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = t.payload) AS payload
                 FROM rohrpost.watched_tables t ORDER BY t.table_name::oid
        LOOP
            PERFORM rohrpost.watch(w.table_name, w.groups, w.columns, w.payload);
        END LOOP;
    END
    $fn$;

    -- Numbers the transactions the relay holding the slot read from the stream, in commit
    -- order: one block of positions each, recorded in rohrpost.commits, and one NOTIFY
    -- for the whole batch. Transactions recorded already (a replayed stream, or trigger
    -- capture before a switch) are skipped. Returns the positions handed out.
    --
    -- It commits without waiting for its WAL flush (the relay confirms the slot only once
    -- the flush is done, and the stream carries only flushed writer commits). Positions
    -- follow the last one recorded rather than the sequence, so a batch that a crash of
    -- PostgreSQL undid is numbered again, from the replayed stream, with the very same ids
    -- clients may have seen.
    CREATE FUNCTION rohrpost.record_logical_commits(
        xids xid8[], event_counts integer[], commit_lsns pg_lsn[], committed_ats timestamptz[]
    ) RETURNS TABLE (first_position bigint, last_position bigint)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    DECLARE
        next bigint;
        i integer;
        lo bigint;
        hi bigint;
    BEGIN
        PERFORM set_config('synchronous_commit', 'off', true);
        PERFORM FROM rohrpost.commit_lock FOR UPDATE;
        SELECT c.position + c.event_count INTO next FROM rohrpost.commits c ORDER BY c.position DESC LIMIT 1;
        next := coalesce(next, 1);
        FOR i IN 1 .. coalesce(cardinality(xids), 0) LOOP
            CONTINUE WHEN event_counts[i] IS NULL OR event_counts[i] < 1;
            CONTINUE WHEN EXISTS (SELECT FROM rohrpost.commits c WHERE c.xid = xids[i])
                       OR EXISTS (SELECT FROM rohrpost.commits c WHERE c.commit_lsn = commit_lsns[i]);
            INSERT INTO rohrpost.commits (position, xid, event_count, committed_at, commit_lsn)
                VALUES (next, xids[i], event_counts[i], committed_ats[i], commit_lsns[i]);
            lo := coalesce(lo, next);
            hi := next + event_counts[i] - 1;
            next := next + event_counts[i];
        END LOOP;
        IF lo IS NOT NULL THEN
            -- Trigger capture, after a switch back, goes on from here.
            PERFORM setval('rohrpost.position_counter', greatest(hi, (SELECT s.last_value FROM rohrpost.position_counter s)));
            PERFORM pg_notify('rohrpost', lo::text || ':' || (hi - lo + 1)::text);
        END IF;
        first_position := lo;
        last_position := hi;
        RETURN NEXT;
    END
    $fn$;

    -- Switches the database's capture mode; returns the mode it was in. With writers
    -- running: each watched table's trigger is regenerated under its lock. To 'logical'
    -- the slot must exist already (rohrpost-relay capture logical creates it). To
    -- 'trigger', waits up to catch_up_timeout for the slot to confirm all WAL written
    -- before the switch, so that every transaction of the logical mode has its position.
    CREATE FUNCTION rohrpost.set_capture_mode(new_mode text, catch_up_timeout interval DEFAULT '60 seconds')
    RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    DECLARE
        config record;
        target pg_lsn;
        confirmed pg_lsn;
        deadline timestamptz;
    BEGIN
        IF new_mode IS NULL OR new_mode NOT IN ('trigger', 'logical') THEN
            RAISE EXCEPTION 'rohrpost.set_capture_mode: mode must be trigger or logical, not %', coalesce(new_mode, 'NULL');
        END IF;
        -- One switch at a time; writers read the mode without waiting for it.
        SELECT * INTO config FROM rohrpost.capture FOR UPDATE;
        IF config.mode = new_mode THEN
            RETURN config.mode;
        END IF;
        IF new_mode = 'logical' THEN
            IF current_setting('wal_level') <> 'logical' THEN
                RAISE EXCEPTION 'rohrpost.set_capture_mode: logical capture needs wal_level = logical (it is %)', current_setting('wal_level')
                    USING HINT = 'ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL.';
            END IF;
            IF NOT EXISTS (SELECT FROM pg_replication_slots s WHERE s.slot_name = config.slot_name AND s.database = current_database()) THEN
                RAISE EXCEPTION 'rohrpost.set_capture_mode: the replication slot % does not exist', config.slot_name
                    USING HINT = format('SELECT pg_create_logical_replication_slot(%L, ''pgoutput''); or run rohrpost-relay capture logical', config.slot_name);
            END IF;
        ELSE
            -- No watched table is written from here on, until the new triggers are in.
            PERFORM rohrpost.forget_dropped_tables();
            PERFORM rohrpost.lock_watched_tables();
            -- The insert position, not pg_current_wal_lsn() (the write position): with
            -- synchronous_commit off a commit may not be written yet.
            target := pg_current_wal_insert_lsn();
            deadline := clock_timestamp() + catch_up_timeout;
            LOOP
                SELECT s.confirmed_flush_lsn INTO confirmed FROM pg_replication_slots s WHERE s.slot_name = config.slot_name;
                EXIT WHEN confirmed IS NULL OR confirmed >= target;
                IF clock_timestamp() > deadline THEN
                    RAISE EXCEPTION 'rohrpost.set_capture_mode: the relay holding slot % has not caught up within % (at %, needs %)',
                        config.slot_name, catch_up_timeout, confirmed, target
                        USING HINT = 'Start a relay (it takes the slot), or wait and try again.';
                END IF;
                PERFORM pg_sleep(0.05);
            END LOOP;
        END IF;
        UPDATE rohrpost.capture SET mode = new_mode, changed_at = now();
        PERFORM rohrpost.rewatch_all();
        RETURN config.mode;
    END
    $fn$;

    CREATE FUNCTION rohrpost.lock_watched_tables() RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    DECLARE
        t regclass;
    BEGIN
        FOR t IN SELECT w.table_name FROM rohrpost.watched_tables w ORDER BY w.table_name::oid LOOP
            EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', t);
        END LOOP;
    END
    $fn$;

    -- After the slot was lost (dropped, or invalidated by max_slot_wal_keep_size) and made
    -- anew, transactions committed in between have no position and never will: a resume
    -- from before now cannot be complete. This drops every older event and leaves one
    -- position unused before a marker commit (no events), so first_position() moves past
    -- the last position and every such resume answers recovered: false.
    CREATE FUNCTION rohrpost.mark_capture_gap() RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    DECLARE
        marker bigint;
    BEGIN
        PERFORM FROM rohrpost.commit_lock FOR UPDATE;
        marker := greatest(rohrpost.last_position(), (SELECT s.last_value FROM rohrpost.position_counter s)) + 2;
        PERFORM setval('rohrpost.position_counter', marker);
        INSERT INTO rohrpost.commits (position, xid, event_count) VALUES (marker, pg_current_xact_id(), 1);
        WITH gone AS (
            DELETE FROM rohrpost.commits c WHERE c.position < marker RETURNING c.xid
        )
        DELETE FROM rohrpost.journal j USING gone WHERE j.xid = gone.xid;
        RETURN marker;
    END
    $fn$;

    COMMENT ON FUNCTION rohrpost.set_capture_mode(text, interval) IS 'Switches how row changes get positions: trigger (at commit) or logical (by the relay holding the replication slot); safe with writers running';
    COMMENT ON FUNCTION rohrpost.record_logical_commits(xid8[], integer[], pg_lsn[], timestamptz[]) IS 'For the relay holding the slot: numbers streamed transactions in commit order, skipping those numbered already';

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (7, 'logical capture');
END
$migration$;
