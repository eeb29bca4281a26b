CREATE OR REPLACE FUNCTION rohrpost.prune(keep interval DEFAULT '1 day', keep_min_events bigint DEFAULT 0)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    cutoff bigint;       -- every commit whose block reaches this position is kept
    candidate bigint;
    deleted bigint;
BEGIN
    IF keep IS NULL THEN
        RAISE EXCEPTION 'rohrpost.prune: keep must not be NULL';
    END IF;
    -- The newest commit always stays, so last_position() keeps its value.
    SELECT c.position INTO cutoff FROM rohrpost.commits c ORDER BY c.position DESC LIMIT 1;
    -- The oldest commit (in position order) that is young enough to keep. Walking
    -- the key from the start touches only commits about to go. Everything from
    -- there on is kept, so no event newer than a kept one is ever deleted.
    SELECT c.position INTO candidate FROM rohrpost.commits c
        WHERE c.committed_at >= now() - keep
        ORDER BY c.position LIMIT 1;
    cutoff := least(cutoff, candidate);
    -- The commit from which on the newest keep_min_events events lie (counting
    -- events, not positions: a failed commit can leave positions unused).
    IF keep_min_events > 0 THEN
        candidate := NULL;
        SELECT n.position INTO candidate FROM (
            SELECT c.position, sum(c.event_count) OVER (ORDER BY c.position DESC) AS newer
            FROM rohrpost.commits c ORDER BY c.position DESC) n
            WHERE n.newer >= keep_min_events
            LIMIT 1;
        -- Fewer events than that in all: keep them all.
        cutoff := least(cutoff, coalesce(candidate, 0));
    END IF;

    -- Plain deletes of old rows: no lock that a writer could wait for. Writers only
    -- insert, and never rows this deletes.
    WITH gone AS (
        DELETE FROM rohrpost.commits c WHERE c.position < cutoff RETURNING c.xid
    ), events AS (
        DELETE FROM rohrpost.journal j USING gone WHERE j.xid = gone.xid
        RETURNING 1
    )
    SELECT count(*) INTO deleted FROM events;   -- cutoff NULL (no commits): none
    -- Markers of committed transactions (those of running ones are not visible).
    DELETE FROM rohrpost.pending_commit;
    RETURN deleted;
END
$fn$;

COMMENT ON FUNCTION rohrpost.prune(interval, bigint) IS 'Deletes the events of transactions that committed longer than keep ago, but keeps at least the newest keep_min_events events and always the newest transaction''s; returns the number of events deleted';
