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

COMMENT ON FUNCTION rohrpost.record_logical_commits(xid8[], integer[], pg_lsn[], timestamptz[]) IS 'For the relay holding the slot: numbers streamed transactions in commit order, skipping those numbered already';
