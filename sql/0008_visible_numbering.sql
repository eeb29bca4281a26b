-- rohrpost-relay migration 8: logical capture publishes a position only once the
-- transaction it numbers is visible.
--
-- The walsender hands a commit to the relay once its WAL is flushed, which can be before
-- the committing backend has left the proc array: for a moment, other sessions' snapshots
-- still see that transaction as running (see PostgreSQL's CommitTransaction: the commit
-- record is flushed, then ProcArrayEndTransaction). record_logical_commits() of migration 7
-- could commit a transaction's `commits` row in that moment; a reader whose snapshot then
-- saw the `commits` row but not the writer's journal rows got nothing for those positions
-- from read_events() and moved past them, and a live client never got those events.
--
-- Where it is decided: here, by the one who publishes. record_logical_commits() numbers a
-- batch only once its own snapshot sees every transaction of the batch as committed. A
-- transaction visible to one snapshot has left the proc array, so every later snapshot sees
-- it too; and any reader that sees the numbering commit took its snapshot after that
-- commit, so after the check: it sees the numbered transaction's journal rows as well.
-- Readers stay as they are (they may trust that a visible position has visible events).
--
-- Trigger capture needs no wait: its `commits` row is written in the writer's own
-- transaction, so both appear at once. rohrpost.send() writes journal rows like a row
-- change, in the caller's transaction, so the same holds for messages in both modes.
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

    -- Waits until this session's new snapshots see every transaction of `xids` as
    -- finished; raises after `timeout`. Each statement of a READ COMMITTED transaction takes
    -- a new snapshot, so the loop sees the writers leave the proc array (microseconds after
    -- the walsender sent their commits, in practice).
    CREATE FUNCTION rohrpost.wait_until_visible(xids xid8[], timeout interval DEFAULT '10 seconds')
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    DECLARE
        deadline timestamptz := clock_timestamp() + timeout;
        waiting xid8;
    BEGIN
        LOOP
            SELECT x INTO waiting FROM unnest(xids) x
                WHERE NOT pg_visible_in_snapshot(x, (SELECT pg_current_snapshot())) LIMIT 1;
            EXIT WHEN waiting IS NULL;
            IF current_setting('transaction_isolation') <> 'read committed' THEN
                RAISE EXCEPTION 'rohrpost.wait_until_visible: must run in READ COMMITTED (is %)', current_setting('transaction_isolation')
                    USING HINT = 'Set default_transaction_isolation to read committed for the relay''s role.';
            END IF;
            IF clock_timestamp() > deadline THEN
                RAISE EXCEPTION 'rohrpost.wait_until_visible: transaction % is still running after %', waiting, timeout;
            END IF;
            PERFORM pg_sleep(0.0002);
        END LOOP;
    END
    $fn$;

    CREATE OR REPLACE FUNCTION rohrpost.record_logical_commits(
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
        -- Never publish a position whose events a reader cannot see yet (see above).
        PERFORM rohrpost.wait_until_visible(xids);
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

    COMMENT ON FUNCTION rohrpost.wait_until_visible(xid8[], interval) IS 'Waits until new snapshots see every given transaction as finished (a sequencer calls it before it numbers them)';

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (8, 'visible numbering');
END
$migration$;
