-- rohrpost-relay migration 11: trigger capture whose writers only append their journal rows.
--
-- In 0009 a writer of a watched table inserted a marker row (rohrpost.pending_commit) with
-- its first event, and the marker's deferred trigger took a ticket at commit (a row in
-- rohrpost.tickets). Measured with pgbench, one single-row INSERT per transaction on one
-- connection, the marker, its deferred trigger and the ticket were 26 us of the 41 us that
-- trigger capture added to a 93 us write (BENCHMARKS.md, "What a writer pays").
--
-- Now each journal row carries a stamp (0010: nextval of rohrpost.commit_ticket, CACHE 1, so
-- its values follow real time across backends, the column's default). There is no marker, no
-- deferred trigger and no ticket. The sequencer (rohrpost.sequence_commits) finds the
-- transactions to number from the snapshots alone: those its snapshot sees as finished and
-- its last batch did not, probed one by one on the journal's key (xid, seq); a transaction
-- with journal rows and no `commits` row is numbered. Its events are its journal rows
-- (seq 1..n, as before), and it is ordered in its batch by the stamp of its last row.
--
-- The order that gives (docs/PROTOCOL.md, "Order"): a transaction's last stamp is taken
-- after its last journaled change and every wait before it. If B changed a row after A's
-- commit released it (B waited for A's row lock, its foreign-key check waited for A's
-- parent row, or B began after A's commit was acknowledged), B's last stamp is larger than
-- all of A's, and every snapshot that sees B sees A: B comes after A. So each row's changes
-- arrive in commit order, and transactions that did not overlap in real-time order. Only
-- overlapping transactions may come in either order. (0009's ticket, taken at commit, also
-- ordered B after A when B waited for A after its last journaled change and journaled
-- nothing after the wait; such a B overlapped A, and no row changed by both is affected.)
--
-- Upgrading with writers running: rows written before this file have no stamp, and a
-- transaction that queued its marker before it commits with 0009's allocate_positions (kept)
-- and takes a ticket from the same sequence; the sequencer orders by the last row's stamp,
-- else the ticket, else 0. Relays of 0009 call rohrpost.sequence_commits(max) as before and
-- get this file's numbering. Relays older than 0009 run no sequencer (see 0009).
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

    -- The numbering code of generated triggers, now the same in both modes: count the
    -- event, nothing else (a negative rohrpost.seq was left by an allocation of 0009 or
    -- earlier). 0007 chose between a trigger-capture and a logical-capture code by mode;
    -- both pieces and the choice go.
    CREATE OR REPLACE FUNCTION rohrpost.numbering_code() RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
        SELECT $code$
    -- n: this event's number in the transaction (rohrpost.seq holds the last one). The
    -- sequencer gives the transaction positions once it has committed (trigger capture:
    -- found by its journal rows, see 0011_stamped_trigger_capture.sql; logical capture:
    -- from the replication stream); nothing to queue here.
    s := pg_catalog.current_setting('rohrpost.seq', true);
    IF s IS NULL OR s OPERATOR(pg_catalog.=) '' THEN
        n := 1;
    ELSE
        n := pg_catalog.abs(s::pg_catalog.int4) OPERATOR(pg_catalog.+) 1;
    END IF;
    s := pg_catalog.set_config('rohrpost.seq', n::pg_catalog.text, true);
$code$::text
    $fn$;
    DROP FUNCTION rohrpost.trigger_numbering_code();
    DROP FUNCTION rohrpost.logical_numbering_code();

    -- 0009's progress through a capped batch: this file's batches go on by stamp order.
    ALTER TABLE rohrpost.sequencer DROP COLUMN after_ticket;

    -- send()'s event number, the same way (a function: send() is no generated code).
    CREATE OR REPLACE FUNCTION rohrpost.next_event_seq() RETURNS integer
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    DECLARE
        s text;
        n integer;
    BEGIN
        s := current_setting('rohrpost.seq', true);
        n := CASE WHEN s IS NULL OR s = '' THEN 1 ELSE abs(s::integer) + 1 END;
        PERFORM set_config('rohrpost.seq', n::text, true);
        RETURN n;
    END
    $fn$;

    -- Whether every transaction that `earlier` sees as finished is finished in `later` too
    -- (snapshots taken in that order are; two from different sessions may not be).
    CREATE FUNCTION rohrpost.snapshot_covers(later pg_snapshot, earlier pg_snapshot) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
        SELECT pg_snapshot_xmax(later) >= pg_snapshot_xmax(earlier)
           AND NOT EXISTS (SELECT FROM pg_snapshot_xip(later) x WHERE pg_visible_in_snapshot(x, earlier))
    $fn$;

    -- The transactions that `upto` sees as finished and `seen` does not, that wrote journal
    -- rows and have no positions: with their event count and their order key (the last
    -- row's stamp, else 0009's ticket, else 0). Each is found by a probe on the journal's
    -- key, so rows of transactions still running are never read. After a long pause (say,
    -- a database in logical capture for a while, or no sequencer) the range of new xids can
    -- be long; then the journal's key is scanned for the range instead, once.
    --
    -- Every lookup is a correlated probe by key, so the one generic plan kept for the
    -- session (plan_cache_mode) is the right plan for any range: planning the query anew
    -- for each call measured as three quarters of the sequencer's time.
    CREATE FUNCTION rohrpost.unsequenced(seen pg_snapshot, upto pg_snapshot)
    RETURNS TABLE (xid xid8, events integer, stamp bigint)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    SET plan_cache_mode = force_generic_plan
    AS $fn$
    #variable_conflict use_column
    DECLARE
        lo bigint := pg_snapshot_xmax(seen)::text::bigint;
        hi bigint := pg_snapshot_xmax(upto)::text::bigint;
    BEGIN
        IF hi - lo <= 100000 THEN
            RETURN QUERY
                SELECT c.x, last.seq, coalesce(last.stamp, (SELECT k.ticket FROM rohrpost.tickets k WHERE k.xid = c.x), 0)
                FROM (SELECT g::text::xid8 AS x FROM generate_series(lo, hi - 1) g
                      UNION ALL
                      SELECT r FROM pg_snapshot_xip(seen) r) c
                CROSS JOIN LATERAL (
                    SELECT j.seq, j.stamp FROM rohrpost.journal j
                    WHERE j.xid = c.x ORDER BY j.seq DESC LIMIT 1
                ) last
                WHERE pg_visible_in_snapshot(c.x, upto)
                  AND (SELECT true FROM rohrpost.commits m WHERE m.xid = c.x) IS NULL;
        ELSE
            RETURN QUERY
                SELECT c.x, c.seq, coalesce(c.stamp, (SELECT k.ticket FROM rohrpost.tickets k WHERE k.xid = c.x), 0)
                FROM (SELECT j.xid AS x, max(j.seq) AS seq, max(j.stamp) AS stamp
                      FROM rohrpost.journal j
                      WHERE j.xid >= pg_snapshot_xmax(seen) AND j.xid < pg_snapshot_xmax(upto)
                        AND pg_visible_in_snapshot(j.xid, upto)
                      GROUP BY j.xid
                      UNION ALL
                      SELECT r, last.seq, last.stamp FROM pg_snapshot_xip(seen) r
                      CROSS JOIN LATERAL (
                          SELECT j.seq, j.stamp FROM rohrpost.journal j
                          WHERE j.xid = r ORDER BY j.seq DESC LIMIT 1
                      ) last
                      WHERE pg_visible_in_snapshot(r, upto)) c
                WHERE (SELECT true FROM rohrpost.commits m WHERE m.xid = c.x) IS NULL;
        END IF;
    END
    $fn$;
    COMMENT ON FUNCTION rohrpost.unsequenced(pg_snapshot, pg_snapshot) IS 'Trigger capture: transactions finished in upto, not in seen, with journal rows and no positions yet';

    -- The sequencer's call. New: `looked`, the snapshot the caller's last call returned
    -- as looked_at, when that call found nothing to number: everything finished in it is
    -- done, so this call looks only past it. (The stored snapshot moves only with a batch,
    -- so an idle or caught-up sequencer writes nothing.) 0009's callers pass one argument.
    DROP FUNCTION rohrpost.sequence_commits(integer);
    CREATE FUNCTION rohrpost.sequence_commits(max_transactions integer DEFAULT 10000, looked pg_snapshot DEFAULT NULL)
    RETURNS TABLE (first_position bigint, last_position bigint, transactions integer, pending boolean,
                   looked_at pg_snapshot)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    DECLARE
        state record;
        seen pg_snapshot;        -- everything finished in it is done
        upto pg_snapshot;        -- number what is finished in it
        xids xid8[];             -- the batch, in stamp order
        counts integer[];        -- their event counts
        next bigint;
        n integer;
        lo bigint;
        hi bigint;
    BEGIN
        transactions := 0;
        pending := false;
        -- A look without any lock first: nearly every call of an idle or caught-up
        -- sequencer ends here.
        SELECT s.snapshot, s.target INTO state FROM rohrpost.sequencer s;
        IF state.target IS NULL AND (SELECT c.mode FROM rohrpost.capture c) = 'logical' THEN
            -- Logical capture numbers from the stream; what trigger capture left before the
            -- switch (the target the switch set, see capture_mode_changed) is done.
            RETURN NEXT;
            RETURN;
        END IF;
        seen := state.snapshot;
        IF state.target IS NULL AND looked IS NOT NULL AND rohrpost.snapshot_covers(looked, seen) THEN
            seen := looked;
        END IF;
        upto := coalesce(state.target, pg_current_snapshot());
        IF state.target IS NULL AND rohrpost.snapshot_covers(seen, upto) THEN
            -- Nothing finished since the last look (an idle database): no need to look.
            looked_at := upto;
            RETURN NEXT;
            RETURN;
        END IF;
        -- Where positions go on from, read before the look: if it moved by the time this
        -- call holds the lock, someone numbered meanwhile.
        SELECT c.position + c.event_count INTO next FROM rohrpost.commits c ORDER BY c.position DESC LIMIT 1;
        SELECT array_agg(u.xid ORDER BY u.stamp, u.xid), array_agg(u.events ORDER BY u.stamp, u.xid)
            INTO xids, counts FROM rohrpost.unsequenced(seen, upto) u;
        IF xids IS NULL THEN
            IF state.target IS NOT NULL THEN
                -- A target with nothing left: done with it.
                PERFORM set_config('synchronous_commit', 'off', true);
                UPDATE rohrpost.sequencer s SET snapshot = state.target, target = NULL
                    WHERE s.target::text = state.target::text;
                RETURN NEXT;
                RETURN;
            END IF;
            -- Writers that began since the last look: any of them may be committing now.
            pending := EXISTS (SELECT FROM pg_snapshot_xip(upto) x WHERE x >= pg_snapshot_xmax(seen));
            looked_at := upto;
            -- Others (settled_position, a sequencer that takes over) start from the stored
            -- snapshot: move it on now and then while only unwatched tables are written.
            -- Without the lock, safe: everything finished in upto is done, and the stored
            -- snapshot only ever moves forward.
            IF pg_snapshot_xmax(upto)::text::bigint - pg_snapshot_xmax(state.snapshot)::text::bigint > 1000 THEN
                PERFORM set_config('synchronous_commit', 'off', true);
                UPDATE rohrpost.sequencer s SET snapshot = upto
                    WHERE s.target IS NULL AND rohrpost.snapshot_covers(upto, s.snapshot);
            END IF;
            RETURN NEXT;
            RETURN;
        END IF;

        -- The numbering is visible only once its commit is flushed, and flushing it flushes
        -- the commits of every transaction it numbers (they come before it in the WAL): so
        -- a crash never undoes a position a reader saw, nor a transaction that has one,
        -- whatever synchronous_commit the writers or the database use. (Not waiting for
        -- standbys: a lagging one must not stop every event.)
        PERFORM set_config('synchronous_commit', 'local', true);
        PERFORM FROM rohrpost.commit_lock FOR UPDATE;
        -- Another session may have numbered meanwhile (there is one sequencer, but callers
        -- may overlap for a moment around a takeover, and logical capture numbers around a
        -- switch): then look again, under the lock.
        IF (SELECT c.position + c.event_count FROM rohrpost.commits c ORDER BY c.position DESC LIMIT 1)
               IS DISTINCT FROM next
           OR (SELECT s.snapshot::text IS DISTINCT FROM state.snapshot::text
                      OR s.target::text IS DISTINCT FROM state.target::text
               FROM rohrpost.sequencer s) THEN
            SELECT s.snapshot, s.target INTO state FROM rohrpost.sequencer s;
            seen := state.snapshot;
            upto := coalesce(state.target, pg_current_snapshot());
            SELECT array_agg(u.xid ORDER BY u.stamp, u.xid), array_agg(u.events ORDER BY u.stamp, u.xid)
                INTO xids, counts FROM rohrpost.unsequenced(seen, upto) u;
        END IF;
        n := coalesce(cardinality(xids), 0);
        IF n > max_transactions THEN
            -- Capped: the smallest stamps now, the rest of this same set next time.
            xids := xids[1:max_transactions];
            counts := counts[1:max_transactions];
        END IF;
        SELECT c.position + c.event_count INTO next FROM rohrpost.commits c ORDER BY c.position DESC LIMIT 1;
        next := coalesce(next, 1);
        -- One statement: consecutive blocks of positions from `next`, in stamp order, and
        -- 0009's tickets of the batch gone.
        WITH batch AS (
            SELECT b.xid, b.events, b.o FROM unnest(xids, counts) WITH ORDINALITY b(xid, events, o)
        ), recorded AS (
            INSERT INTO rohrpost.commits (position, xid, event_count, committed_at)
                SELECT next + coalesce(sum(b.events) OVER (ORDER BY b.o ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),
                       b.xid, b.events, clock_timestamp()
                FROM batch b
            RETURNING rohrpost.commits.position, rohrpost.commits.event_count
        ), gone AS (
            DELETE FROM rohrpost.tickets k USING batch b WHERE k.xid = b.xid RETURNING 1
        )
        SELECT count(*), min(r.position), max(r.position + r.event_count - 1) INTO transactions, lo, hi FROM recorded r;
        IF n > max_transactions THEN
            UPDATE rohrpost.sequencer SET target = upto;
            pending := true;
        ELSE
            -- (A target that a switch to logical capture set meanwhile stays.)
            UPDATE rohrpost.sequencer s SET snapshot = upto,
                target = CASE WHEN state.target IS NULL THEN s.target END;
            pending := EXISTS (SELECT FROM pg_snapshot_xip(upto) x WHERE x >= pg_snapshot_xmax(seen));
        END IF;
        IF lo IS NOT NULL THEN
            -- A switch to the old trigger capture's functions (or mark_capture_gap) goes on from here.
            PERFORM setval('rohrpost.position_counter', greatest(hi, (SELECT s.last_value FROM rohrpost.position_counter s)));
            PERFORM pg_notify('rohrpost', lo::text || ':' || (hi - lo + 1)::text);
        ELSE
            -- Nothing numbered (numbered meanwhile by another session): no flush to wait for.
            PERFORM set_config('synchronous_commit', 'off', true);
        END IF;
        first_position := lo;
        last_position := hi;
        RETURN NEXT;
    END
    $fn$;
    COMMENT ON FUNCTION rohrpost.sequence_commits(integer, pg_snapshot) IS 'For the relay holding the sequencer role: numbers committed transactions of trigger capture in stamp order, one NOTIFY per batch';

    -- A switch to logical capture leaves trigger capture's last transactions to the
    -- sequencer: those finished in the switch's snapshot (some committed before the slot
    -- existed, so the stream never brings them). It sets them as the sequencer's target,
    -- which sequence_commits finishes in logical capture too (the relay calls it before it
    -- streams) and then numbers nothing more until trigger capture is back.
    CREATE FUNCTION rohrpost.capture_mode_changed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    BEGIN
        UPDATE rohrpost.sequencer SET target = pg_current_snapshot();
        RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER capture_mode_changed AFTER UPDATE OF mode ON rohrpost.capture
        FOR EACH ROW WHEN (NEW.mode = 'logical' AND OLD.mode IS DISTINCT FROM 'logical')
        EXECUTE FUNCTION rohrpost.capture_mode_changed();

    -- settled_position(): in trigger capture, wait until the sequencer has numbered every
    -- transaction this session sees as committed (0009 waited for the tickets to go).
    CREATE OR REPLACE FUNCTION rohrpost.settled_position(timeout interval DEFAULT '2 seconds') RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    DECLARE
        deadline timestamptz := clock_timestamp() + timeout;
        upto pg_snapshot := pg_current_snapshot();
    BEGIN
        IF current_setting('transaction_isolation') = 'read committed'
           AND (SELECT c.mode FROM rohrpost.capture c) = 'trigger' THEN
            WHILE EXISTS (SELECT FROM rohrpost.unsequenced((SELECT s.snapshot FROM rohrpost.sequencer s), upto))
                  AND clock_timestamp() < deadline LOOP
                PERFORM pg_sleep(0.001);
            END LOOP;
        END IF;
        RETURN rohrpost.last_position();
    END
    $fn$;

    -- Every watched table's trigger without the marker, each regenerated under its table's
    -- lock (writers of the table commit first; new ones wait for the new trigger). No other
    -- lock is held meanwhile but the advisory one, so nothing waits in a circle.
    PERFORM rohrpost.rewatch_all();

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (11, 'stamped trigger capture');
END
$migration$;
