-- Logical capture's numbering: the relay holding the replication slot hands the commits
-- the stream brought (in WAL commit order) to this one call, which numbers them with one
-- commit_lock and one NOTIFY per batch. Transactions already numbered (by xid, and by
-- commit LSN) are skipped, so a batch replayed after a crash numbers nothing twice.
--
-- It numbers a batch only once its own snapshot sees every transaction of the batch as
-- committed (rohrpost.wait_until_visible): the walsender hands a commit to the relay once
-- its WAL is flushed, which can be before the committing backend has left the proc array,
-- and a reader that saw the `commits` row but not the writer's journal rows would move
-- past those positions with nothing. A transaction visible to one snapshot is visible to
-- every later one, and any reader that sees this numbering took its snapshot after it.
CREATE OR REPLACE FUNCTION rohrpost.record_logical_commits(
    xids xid8[], event_counts integer[], commit_lsns pg_lsn[], committed_ats timestamptz[]
) RETURNS TABLE (first_position bigint, last_position bigint)
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    next bigint;
    lo bigint;
    hi bigint;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    -- Never publish a position whose events a reader cannot see yet (see above).
    PERFORM rohrpost.wait_until_visible(xids);
    PERFORM FROM rohrpost.commit_lock FOR UPDATE;
    SELECT c.position + c.event_count INTO next FROM rohrpost.commits c ORDER BY c.position DESC LIMIT 1;
    next := coalesce(next, 1);
    -- One statement: consecutive blocks of positions from `next`, in the order given, for
    -- the transactions with events that have no positions yet (by xid, and by commit LSN).
    WITH given AS (
        SELECT b.xid, b.events, b.lsn, b.at, b.o,
               row_number() OVER (PARTITION BY b.xid ORDER BY b.o) AS copy
        FROM unnest(xids, event_counts, commit_lsns, committed_ats) WITH ORDINALITY b(xid, events, lsn, at, o)
        WHERE b.events >= 1
    ), batch AS (
        SELECT g.xid, g.events, g.lsn, g.at, g.o FROM given g
        WHERE g.copy = 1
          AND NOT EXISTS (SELECT FROM rohrpost.commits c WHERE c.xid = g.xid)
          AND NOT EXISTS (SELECT FROM rohrpost.commits c WHERE c.commit_lsn = g.lsn)
    ), recorded AS (
        INSERT INTO rohrpost.commits (position, xid, event_count, committed_at, commit_lsn)
            SELECT next + coalesce(sum(b.events) OVER (ORDER BY b.o ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0),
                   b.xid, b.events, b.at, b.lsn
            FROM batch b
        RETURNING rohrpost.commits.position, rohrpost.commits.event_count
    )
    SELECT min(r.position), max(r.position + r.event_count - 1) INTO lo, hi FROM recorded r;
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

COMMENT ON FUNCTION rohrpost.record_logical_commits(xid8[], integer[], pg_lsn[], timestamptz[]) IS 'For the relay holding the slot: numbers streamed transactions in commit order, skipping those numbered already';
