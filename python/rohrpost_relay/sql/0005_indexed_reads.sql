-- rohrpost-relay migration 5: journal reads that touch only the rows they return.
--
-- read_events() (migration 1) and read_group_events() (migration 3) joined commits to
-- journal with a plain JOIN. On a journal whose statistics lag behind its growth (which
-- is every busy one: autovacuum analyzes after the fact) PostgreSQL chose a hash join
-- that scans the WHOLE journal, so each read of a few new events cost time in
-- proportion to the retained journal: 3-8 ms per read with 50,000 events retained, at
-- thousands of reads per second. Here each commit's events are read through a LATERAL
-- subquery on the journal's key (xid, seq). OFFSET 0 keeps the planner from flattening
-- it back into an ordinary join, so the plan is always a nested loop over the commits in
-- the window with one index probe each, whatever the statistics say.
--
-- Same signatures, results and order as before; only the plans change.
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 4) THEN
        RAISE EXCEPTION 'rohrpost migration 5 needs migrations 1 to 4 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 5) THEN
        RETURN;
    END IF;

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
        -- Positions are dense but for rare holes (see migration 1), so the next
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

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (5, 'indexed reads');
END
$migration$;
