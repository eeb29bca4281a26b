-- rohrpost-relay migration 3: reading one group's events, for clients that resume.
--
-- A client that reconnects sends `since` (the last event id it saw) with its subscribe;
-- the relay then reads that group's events after it with read_group_events() and
-- compares `since` with first_position() to say whether the backlog is complete.
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 2) THEN
        RAISE EXCEPTION 'rohrpost migration 3 needs migrations 1 and 2 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 3) THEN
        RETURN;
    END IF;

    -- Up to max_count events after position `after` that send something to group_name
    -- (as its main group, a group the row left, or one it joined), in position order.
    CREATE FUNCTION rohrpost.read_group_events(group_name text, after bigint, max_count integer DEFAULT 1000)
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
        JOIN rohrpost.journal j ON j.xid = c.xid
        -- From the commit whose block holds position after + 1 (or the next one) on.
        WHERE c.position >= coalesce(
                (SELECT max(c2.position) FROM rohrpost.commits c2 WHERE c2.position <= after + 1),
                after + 1)
          AND c.position + j.seq - 1 > after
          AND (group_name = ANY (j.groups) OR group_name = ANY (j.left_groups)
               OR group_name = ANY (j.joined_groups))
        ORDER BY 1
        LIMIT max_count
    $fn$;

    -- The position of the oldest event the journal still holds (pruning removes older
    -- ones); last_position() + 1 when it holds none. A resume from `since` is complete
    -- when since >= first_position() - 1.
    CREATE FUNCTION rohrpost.first_position() RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
        SELECT coalesce((SELECT min(c.position) FROM rohrpost.commits c), rohrpost.last_position() + 1)
    $fn$;

    COMMENT ON FUNCTION rohrpost.read_group_events(text, bigint, integer) IS 'Up to max_count events after a position that send something to one group, in position order';
    COMMENT ON FUNCTION rohrpost.first_position() IS 'The oldest event position the journal still holds; last_position() + 1 when empty';

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (3, 'resume');
END
$migration$;
