-- The sequencer of both capture modes: the relay replica holding the sequencer role calls
-- it to give committed transactions their positions, in batches, after they commit.
-- Writers only append their journal rows (seq 1..n, each with a stamp from
-- rohrpost.commit_ticket): no lock another writer waits for, no NOTIFY.
--
-- It numbers only transactions its own snapshot sees as finished, so once a batch
-- commits, every snapshot that sees a position also sees the events it numbers. It finds
-- them without scanning numbered ones: rohrpost.sequencer keeps the snapshot of its last
-- batch, and the new ones are those that snapshot did not see as finished
-- (rohrpost.unsequenced). Each batch is one short transaction: one `commits` row per
-- transaction, in the order of its last row's stamp, and ONE NOTIFY. A capped batch
-- (max_transactions) keeps its snapshot as `target`, and the next call finishes it first.
-- `looked`: the snapshot the caller's last call returned as looked_at when it found
-- nothing: this call looks only past it, and an idle or caught-up sequencer writes nothing.
--
-- The order that gives (docs/PROTOCOL.md, "Order"): a transaction's last stamp is taken
-- after its last journaled change and every wait before it. If B changed a row after A's
-- commit released it (B waited for A's row lock, its foreign-key check waited for A's
-- parent row, or B began after A's commit was acknowledged), B's last stamp is larger than
-- all of A's, and every snapshot that sees B sees A: B comes after A. Only transactions
-- that overlap in time may come in either order. (xid order would be wrong: a transaction
-- gets its xid at its first write.)
CREATE OR REPLACE FUNCTION rohrpost.sequence_commits(max_transactions integer DEFAULT 10000, looked pg_snapshot DEFAULT NULL)
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
    -- release 9's tickets of the batch gone.
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
