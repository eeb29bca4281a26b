-- The transactions that `upto` sees as finished and `seen` does not, that wrote journal
-- rows and have no positions: with their event count and their order key (the last
-- row's stamp, else release 9's ticket, else 0). Each is found by a probe on the journal's
-- key, so rows of transactions still running are never read. After a long pause (say,
-- a database in logical capture for a while, or no sequencer) the range of new xids can
-- be long; then the journal's key is scanned for the range instead, once.
--
-- Every lookup is a correlated probe by key, so the one generic plan kept for the
-- session (plan_cache_mode) is the right plan for any range: planning the query anew
-- for each call measured as three quarters of the sequencer's time.
CREATE OR REPLACE FUNCTION rohrpost.unsequenced(seen pg_snapshot, upto pg_snapshot)
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
