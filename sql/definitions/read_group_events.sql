-- Walks the commits after `after` in order, reads each one's events by key, and stops
-- once max_count events for the group are found.
CREATE OR REPLACE FUNCTION rohrpost.read_group_events(group_name text, after bigint, max_count integer DEFAULT 1000)
RETURNS TABLE (
    "position" bigint, kind text, table_name text, object json, groups text[],
    updated_fields text[], left_groups text[], old_object json, joined_groups text[],
    committed_at timestamptz
)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT c.position + j.seq - 1, j.kind, j.table_name, j.object, j.groups,
           j.updated_fields, j.left_groups, j.old_object, j.joined_groups, c.committed_at
    FROM rohrpost.commits c
    CROSS JOIN LATERAL (
        SELECT j.seq, j.kind, j.table_name, j.object, j.groups,
               j.updated_fields, j.left_groups, j.old_object, j.joined_groups
        FROM rohrpost.journal j
        WHERE j.xid = c.xid
          AND j.seq >= greatest(1, after - c.position + 2)
          AND j.seq <= c.event_count
          AND (group_name = ANY (j.groups) OR group_name = ANY (j.left_groups)
               OR group_name = ANY (j.joined_groups))
        OFFSET 0
    ) j
    -- From the commit whose block holds position after + 1 (or the next one) on.
    WHERE c.position >= coalesce(
            (SELECT max(c2.position) FROM rohrpost.commits c2 WHERE c2.position <= after + 1),
            after + 1)
    ORDER BY c.position, j.seq
    LIMIT max_count
$fn$;

COMMENT ON FUNCTION rohrpost.read_group_events(text, bigint, integer) IS 'Up to max_count events after a position that send something to one group, in position order';
