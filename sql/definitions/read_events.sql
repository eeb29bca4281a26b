-- The relay's read: events after a position, in position order, at most max_count.
-- Each commit's events are read through a LATERAL subquery on the journal's key (xid, seq),
-- and OFFSET 0 keeps the planner from flattening it into a hash join: on a journal whose
-- statistics lag its growth (every busy one) that join scanned the whole journal for a
-- read of a few events. The plan is always a nested loop over the commits in the window
-- with one index probe each. Positions are dense but for rare holes (a transaction that
-- failed after its allocation in the first trigger capture), which the loop steps over.
CREATE OR REPLACE FUNCTION rohrpost.read_events(after bigint, max_count integer DEFAULT 1000)
RETURNS TABLE (
    "position" bigint, kind text, table_name text, object json, groups text[],
    updated_fields text[], left_groups text[], old_object json, joined_groups text[],
    committed_at timestamptz
)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
DECLARE
    lo bigint := coalesce(after, 0);   -- events with a position above lo
    hi bigint;                         -- ... and at most hi
    remaining integer := coalesce(max_count, 1000);
    got integer;
    next_start bigint;
BEGIN
    -- Positions are dense but for rare holes (see above), so the next
    -- `remaining` events nearly always lie in (lo, lo + remaining]. The loop repeats
    -- only after a hole.
    WHILE remaining > 0 LOOP
        hi := lo + remaining;
        RETURN QUERY
            SELECT c.position + j.seq - 1, j.kind, j.table_name, j.object, j.groups,
                   j.updated_fields, j.left_groups, j.old_object, j.joined_groups,
                   c.committed_at
            FROM rohrpost.commits c
            CROSS JOIN LATERAL (
                SELECT j.seq, j.kind, j.table_name, j.object, j.groups,
                       j.updated_fields, j.left_groups, j.old_object, j.joined_groups
                FROM rohrpost.journal j
                WHERE j.xid = c.xid
                  AND j.seq >= greatest(1, lo - c.position + 2)
                  AND j.seq <= least(c.event_count, hi - c.position + 1)
                OFFSET 0
            ) j
            WHERE c.position >= coalesce(
                    (SELECT max(c2.position) FROM rohrpost.commits c2
                     WHERE c2.position <= lo + 1),
                    lo + 1)
              AND c.position <= hi
            ORDER BY 1;
        GET DIAGNOSTICS got = ROW_COUNT;
        remaining := remaining - got;
        EXIT WHEN remaining <= 0;

        -- The window is exhausted. Go on after it, jumping over a gap if no block
        -- reaches past it.
        lo := hi;
        IF NOT EXISTS (
            SELECT FROM (SELECT c.position, c.event_count FROM rohrpost.commits c
                         WHERE c.position <= lo ORDER BY c.position DESC LIMIT 1) b
            WHERE b.position + b.event_count - 1 > lo
        ) THEN
            SELECT min(c.position) INTO next_start FROM rohrpost.commits c
                WHERE c.position > lo;
            EXIT WHEN next_start IS NULL;
            lo := next_start - 1;
        END IF;
    END LOOP;
END
$fn$;

COMMENT ON FUNCTION rohrpost.read_events(bigint, integer) IS 'Up to max_count events with position > after, in position (commit) order';
