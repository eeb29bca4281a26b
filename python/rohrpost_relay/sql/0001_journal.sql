-- rohrpost-relay migration 1: the event journal.
--
-- Every row change of a watched table (see 0002_watch.sql) is appended to
-- rohrpost.journal by a row trigger; NOTIFY on channel 'rohrpost' only wakes the relay,
-- which then reads the journal with rohrpost.read_events(after, max_count).
--
-- Positions (the event `id` clients see) follow COMMIT order, one per row change:
--   * The row trigger numbers a transaction's events 1..n (journal.seq) in a
--     transaction-local setting, rohrpost.seq, which rolls back with savepoints just
--     as the journal rows do.
--   * The transaction's first event also inserts a row into rohrpost.pending_commit,
--     whose DEFERRABLE INITIALLY DEFERRED constraint trigger runs once at COMMIT. It
--     locks the one row of rohrpost.commit_lock (SELECT ... FOR UPDATE), takes n
--     positions from the sequence rohrpost.position_counter, records the block in
--     rohrpost.commits (ONE row) and sends ONE
--     pg_notify('rohrpost', '<first position>:<count>'). The lock is held until the
--     commit is visible, so the next committer's block comes strictly after. Work
--     under the lock is O(1) per transaction, however many rows it changed.
--   * An event's position is commits.position + journal.seq - 1.
--
-- Why a locked row plus a sequence, not `UPDATE counter SET next = next + n`: under
-- REPEATABLE READ or SERIALIZABLE that UPDATE fails whenever another transaction
-- committed since the writer's snapshot was taken, i.e. nearly always under load.
-- The price: a transaction that fails after its allocation (a serialization failure
-- at commit, a later deferred constraint) leaves its positions unused. Positions then
-- have a hole; ids still strictly increase, and read_events steps over holes.
--
-- Known limitation, and how it is contained: the allocation runs when PostgreSQL fires
-- our deferred trigger, not at the very end of COMMIT. Rows written after that in the
-- same transaction, by other deferred triggers that run after ours or after
-- SET CONSTRAINTS ALL IMMEDIATE, would fall outside the block. Here they queue another
-- allocation (COMMIT keeps firing deferred triggers until none is left) that extends
-- the same block: the transaction still holds the lock, so nobody can have taken
-- positions since and the block stays contiguous. The price is that the lock is held
-- while such later deferred triggers run, or from SET CONSTRAINTS ALL IMMEDIATE on
-- until the commit. As a last guard, read_events never returns journal rows with
-- seq > commits.event_count.
--
-- Other limits: a transaction that writes to a watched table cannot be prepared
-- (PREPARE TRANSACTION refuses transactions that ran NOTIFY). Writers need INSERT on
-- journal, commits and pending_commit, UPDATE on commit_lock and on the sequence.
--
-- The file is idempotent: everything happens inside one DO block that takes an
-- advisory lock, returns at once when version 1 is recorded, and records it at the
-- end. Later migrations may replace these functions; re-running this file never does.

DO $migration$
BEGIN
    -- One lock for all rohrpost migrations, so concurrent relays migrate one at a time.
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    -- Created here, under the lock, rather than before the DO block: concurrent
    -- CREATE ... IF NOT EXISTS can fail with a unique violation, and this way a role
    -- without CREATE on the database can re-run applied migrations.
    IF pg_catalog.to_regnamespace('rohrpost') IS NULL THEN
        CREATE SCHEMA rohrpost;
    END IF;
    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL THEN
        CREATE TABLE rohrpost.schema_migrations (
            version integer PRIMARY KEY,
            name text,
            applied_at timestamptz DEFAULT now()
        );
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 1) THEN
        RETURN;
    END IF;

    -- The order of commits: every writing transaction locks this one row at commit and
    -- holds the lock until its commit is visible.
    CREATE TABLE rohrpost.commit_lock (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton)
    );
    INSERT INTO rohrpost.commit_lock DEFAULT VALUES;

    -- The last position handed out. A sequence rather than a counter column, because
    -- under REPEATABLE READ and SERIALIZABLE an UPDATE of a row that another
    -- transaction changed after the snapshot fails ("could not serialize access due
    -- to concurrent update"), and a writer's snapshot is usually older than the last
    -- commit. Locking a row that others only locked does not fail that way, and a
    -- sequence is read outside the snapshot. Only allocate_positions() may touch it.
    CREATE SEQUENCE rohrpost.position_counter AS bigint MINVALUE 1 START 1 NO CYCLE;

    -- One row per committed transaction that wrote events: its block of positions.
    CREATE TABLE rohrpost.commits (
        position bigint PRIMARY KEY,       -- first position of the block
        xid xid8 NOT NULL UNIQUE,
        event_count integer NOT NULL,
        committed_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );

    CREATE TABLE rohrpost.journal (
        xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        seq integer NOT NULL,               -- 1..n within the transaction, write order
        table_name text NOT NULL,           -- schema-qualified, quoted as needed
        -- 'create', 'update' or 'delete'. Deliberately no CHECK constraint: every
        -- single-row INSERT from a trigger would compile it anew, which measured about
        -- 4 us a row, most of the INSERT's own cost. Only generated code writes here.
        kind text NOT NULL,
        object json NOT NULL,               -- new row (create, update) or old row (delete)
        groups text[] NOT NULL,             -- groups that get `kind` with `object`
        updated_fields text[],              -- update: changed carried columns, table order
        left_groups text[],                 -- update: groups that get `delete` with old_object
        old_object json,                    -- update: the old row, when left_groups is not empty
        joined_groups text[],               -- update: groups that get `create` with object
        PRIMARY KEY (xid, seq)
    );

    -- The marker: one row per writing transaction, whose deferred trigger allocates
    -- the positions. Nothing reads it (so SERIALIZABLE writers get no conflicts from
    -- it) and it has no index; prune() deletes the rows of committed transactions.
    CREATE TABLE rohrpost.pending_commit (
        xid xid8 NOT NULL DEFAULT pg_current_xact_id()
    );

    CREATE FUNCTION rohrpost.allocate_positions() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    DECLARE
        setting text;
        total integer;       -- events this transaction has written so far
        first bigint;        -- the block's first position, once it has one
    BEGIN
        -- rohrpost.seq holds the last seq written; it is stored negated once those
        -- events have positions, so the next event knows to queue a new allocation.
        setting := current_setting('rohrpost.seq', true);
        total := CASE WHEN setting IS NULL OR setting = '' THEN 0 ELSE setting::integer END;
        IF total <= 0 THEN
            RETURN NULL;
        END IF;
        setting := current_setting('rohrpost.block', true);
        first := CASE WHEN setting IS NULL OR setting = '' THEN NULL ELSE setting::bigint END;

        IF first IS NULL THEN
            -- The lock: held from here until the commit is visible, so the next
            -- transaction's block comes strictly after this one.
            PERFORM FROM rohrpost.commit_lock FOR UPDATE;
            first := nextval('rohrpost.position_counter');
            IF total > 1 THEN
                PERFORM setval('rohrpost.position_counter', first + total - 1);
            END IF;
            INSERT INTO rohrpost.commits (position, xid, event_count)
                VALUES (first, NEW.xid, total);
            PERFORM set_config('rohrpost.block', first::text, true);
        ELSE
            -- This transaction has held the lock since its first allocation, so nobody
            -- has taken positions since: the block simply grows. (setval rather than
            -- nextval: positions of a rolled-back savepoint's events are reused.)
            PERFORM setval('rohrpost.position_counter', first + total - 1);
            UPDATE rohrpost.commits SET event_count = total WHERE position = first;
        END IF;

        -- Payloads differ from every other transaction's, so NOTIFY never folds them.
        PERFORM pg_notify('rohrpost', first::text || ':' || total::text);
        PERFORM set_config('rohrpost.seq', (-total)::text, true);
        RETURN NULL;
    END
    $fn$;

    CREATE CONSTRAINT TRIGGER allocate_positions
        AFTER INSERT ON rohrpost.pending_commit
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION rohrpost.allocate_positions();

    CREATE FUNCTION rohrpost.read_events(after bigint, max_count integer DEFAULT 1000)
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
        -- Positions are dense but for rare holes (a transaction that fails after its
        -- positions were handed out, e.g. a serialization failure at commit, leaves
        -- its block unused), so the next `remaining` events nearly always lie in
        -- (lo, lo + remaining]: each window reads only the journal rows it returns,
        -- through the commits and journal keys. The loop repeats only after a hole.
        WHILE remaining > 0 LOOP
            hi := lo + remaining;
            RETURN QUERY
                SELECT c.position + j.seq - 1, j.kind, j.table_name, j.object, j.groups,
                       j.updated_fields, j.left_groups, j.old_object, j.joined_groups,
                       c.committed_at
                FROM rohrpost.commits c
                JOIN rohrpost.journal j ON j.xid = c.xid
                WHERE c.position >= coalesce(
                        (SELECT max(c2.position) FROM rohrpost.commits c2
                         WHERE c2.position <= lo + 1),
                        lo + 1)
                  AND c.position <= hi
                  AND j.seq >= greatest(1, lo - c.position + 2)
                  AND j.seq <= least(c.event_count, hi - c.position + 1)
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

    -- In any snapshot, the newest commits row is the highest committed position:
    -- positions are handed out in commit order. prune() always keeps that row.
    CREATE FUNCTION rohrpost.last_position() RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    AS $fn$
        SELECT coalesce(
            (SELECT c.position + c.event_count - 1 FROM rohrpost.commits c
             ORDER BY c.position DESC LIMIT 1),
            0)
    $fn$;

    CREATE FUNCTION rohrpost.prune(keep interval DEFAULT '1 day', keep_min_events bigint DEFAULT 0)
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

    COMMENT ON SCHEMA rohrpost IS 'rohrpost-relay: row changes of watched tables as rohrpost events';
    COMMENT ON TABLE rohrpost.journal IS 'One row per row change of a watched table; position = commits.position + seq - 1';
    COMMENT ON TABLE rohrpost.commits IS 'One row per committed writing transaction: its block of event positions, in commit order';
    COMMENT ON FUNCTION rohrpost.read_events(bigint, integer) IS 'Up to max_count events with position > after, in position (commit) order';
    COMMENT ON FUNCTION rohrpost.last_position() IS 'The highest committed event position, 0 if none';
    COMMENT ON FUNCTION rohrpost.prune(interval, bigint) IS 'Deletes the events of transactions that committed longer than keep ago, but keeps at least the newest keep_min_events events and always the newest transaction''s; returns the number of events deleted';

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (1, 'journal');
END
$migration$;
