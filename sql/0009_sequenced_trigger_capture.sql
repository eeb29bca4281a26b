-- rohrpost-relay migration 9: trigger capture without a lock at commit. Writers only
-- append; a sequencer numbers committed transactions afterwards, in batches.
--
-- Before, every writing transaction locked rohrpost.commit_lock at commit, took its
-- positions and sent a NOTIFY, and held both until its commit was flushed: all writers of
-- watched tables committed one at a time. Now a writer's deferred trigger only takes a
-- ticket (nextval of rohrpost.commit_ticket, CACHE 1) and appends (xid, ticket) to
-- rohrpost.tickets. No lock another writer waits for, no NOTIFY.
--
-- The sequencer (the relay replica holding the sequencer role, see the relay's Sequencer)
-- calls rohrpost.sequence_commits(): it finds the transactions that its snapshot sees as
-- committed and that have no positions yet, numbers them in ticket order in one short
-- transaction (one `commits` row each, as before), deletes their tickets, and sends ONE
-- NOTIFY for the batch. Readers are unchanged.
--
-- Why this is safe for readers: the sequencer numbers only transactions its own snapshot
-- sees as committed, so once its numbering commits, every snapshot that sees a position
-- also sees the events it numbers (see 0008 for the opposite case in logical capture).
--
-- The order it gives (docs/PROTOCOL.md, "Order"): a ticket is taken at commit, after all
-- of the transaction's writes and waits. If B waited for A (A's row lock, a foreign key
-- check on A's row) or began after A's commit was acknowledged, B's ticket is larger and
-- every snapshot that sees B sees A: B comes after A. Each row's changes therefore arrive
-- in commit order, and transactions that did not overlap in time in real-time order.
-- Only transactions that overlap may come in either order. (A DEFERRABLE INITIALLY
-- DEFERRED foreign key whose check waits at commit can run after the ticket was taken:
-- such schemas get real-time order only for what their immediate constraints order.)
-- xid order would be wrong: a transaction gets its xid at its first write.
--
-- How the sequencer finds new commits cheaply, without scanning numbered ones: it keeps
-- the snapshot of its last batch (rohrpost.sequencer.snapshot). Transactions it has not
-- seen are those not visible in that snapshot: xid >= its xmax, or in its xip list; both
-- are index lookups on tickets' key. A batch is capped (max_transactions); a capped batch
-- remembers its snapshot as `target` and the last ticket it numbered, and the next call
-- finishes that same set in ticket order before it takes a new snapshot.
--
-- A database in the old trigger capture moves to this one with this file while writers
-- run: a transaction whose allocation ran before this commits with the old scheme (under
-- commit_lock, its own commits row); the sequencer takes commit_lock too, so it numbers
-- after those. Relays older than this file run no sequencer: until a relay of this
-- version runs, new events wait (nothing is lost; they are numbered once one runs).
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 8) THEN
        RAISE EXCEPTION 'rohrpost migration 9 needs migrations 1 to 8 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 9) THEN
        RETURN;
    END IF;

    -- Tickets in commit-time order: CACHE 1, so values are in time order across backends.
    CREATE SEQUENCE rohrpost.commit_ticket AS bigint MINVALUE 1 START 1 CACHE 1 NO CYCLE;

    -- One row per committed (or committing) transaction of trigger capture that has no
    -- positions yet; the sequencer deletes it when it numbers the transaction.
    CREATE TABLE rohrpost.tickets (
        xid xid8 PRIMARY KEY,
        ticket bigint NOT NULL,
        taken_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
    COMMENT ON TABLE rohrpost.tickets IS 'Trigger capture: transactions that committed and wait for the sequencer to give them positions';

    -- The sequencer's progress: every transaction visible in `snapshot` has positions (or
    -- none to have). `target` and `after_ticket` while a capped batch is half done.
    CREATE TABLE rohrpost.sequencer (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        snapshot pg_snapshot NOT NULL,
        target pg_snapshot,
        after_ticket bigint
    );
    INSERT INTO rohrpost.sequencer (snapshot) VALUES (pg_current_snapshot());
    COMMENT ON TABLE rohrpost.sequencer IS 'Trigger capture: how far the sequencer has numbered (see rohrpost.sequence_commits)';

    -- The deferred trigger of the writer's marker row (0001): at commit, after the
    -- transaction's writes and waits, take a ticket. Nothing else.
    CREATE OR REPLACE FUNCTION rohrpost.allocate_positions() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    DECLARE
        setting text;
    BEGIN
        setting := current_setting('rohrpost.seq', true);
        IF setting IS NULL OR setting = '' OR setting::integer <= 0
           OR (SELECT c.mode FROM rohrpost.capture c) = 'logical' THEN
            RETURN NULL;
        END IF;
        IF coalesce(current_setting('rohrpost.block', true), '') = '' THEN
            INSERT INTO rohrpost.tickets (xid, ticket) VALUES (NEW.xid, nextval('rohrpost.commit_ticket'));
            PERFORM set_config('rohrpost.block', 'ticket', true);
        ELSE
            -- Events written after the first allocation (a later deferred trigger, or
            -- SET CONSTRAINTS ALL IMMEDIATE): the ticket moves to after them.
            UPDATE rohrpost.tickets SET ticket = nextval('rohrpost.commit_ticket') WHERE xid = NEW.xid;
            IF NOT FOUND THEN
                -- The first allocation ran before this file was applied: the transaction has
                -- its block in `commits` and holds commit_lock (which the sequencer takes
                -- too), so its block grows as it did before.
                UPDATE rohrpost.commits c SET event_count = setting::integer WHERE c.xid = NEW.xid;
                PERFORM setval('rohrpost.position_counter',
                               (SELECT c.position FROM rohrpost.commits c WHERE c.xid = NEW.xid) + setting::integer - 1);
                PERFORM pg_notify('rohrpost', (SELECT c.position::text || ':' || c.event_count::text
                                               FROM rohrpost.commits c WHERE c.xid = NEW.xid));
            END IF;
        END IF;
        PERFORM set_config('rohrpost.seq', (-setting::integer)::text, true);
        RETURN NULL;
    END
    $fn$;

    -- Numbers the committed transactions of trigger capture that have no positions yet,
    -- in ticket order, at most max_transactions of them; one NOTIFY for the batch.
    -- Returns the positions handed out (NULL when none) and whether transactions that may
    -- still be committing were left for a later call (`pending`: the caller polls again
    -- soon instead of backing off). Safe to call from several sessions at once (they
    -- serialize on commit_lock); meant for the one holding the sequencer role.
    CREATE FUNCTION rohrpost.sequence_commits(max_transactions integer DEFAULT 10000)
    RETURNS TABLE (first_position bigint, last_position bigint, transactions integer, pending boolean)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    DECLARE
        state record;
        seen pg_snapshot;        -- everything visible in it is done
        upto pg_snapshot;        -- number what is visible in it
        next bigint;
        n integer := 0;          -- transactions in the batch, numbered already or not
        lo bigint;
        hi bigint;
        last_ticket bigint;
        removed integer;
    BEGIN
        transactions := 0;
        -- A look without any lock first: nearly every call of an idle or caught-up
        -- sequencer ends here.
        SELECT s.snapshot, s.target INTO state FROM rohrpost.sequencer s;
        -- (Two lookups rather than one with OR: each is a range or a probe on tickets' key,
        -- so dead tickets before the last batch are never read.)
        IF state.target IS NULL AND NOT EXISTS (
            SELECT FROM rohrpost.tickets k
            WHERE k.xid >= pg_snapshot_xmax(state.snapshot)
              AND pg_visible_in_snapshot(k.xid, pg_current_snapshot())
        ) AND NOT EXISTS (
            SELECT FROM rohrpost.tickets k
            WHERE k.xid = ANY (ARRAY(SELECT pg_snapshot_xip(state.snapshot)))
              AND pg_visible_in_snapshot(k.xid, pg_current_snapshot())
        ) THEN
            -- Writing transactions this snapshot sees running that the last batch did not
            -- know: any of them may be taking a ticket right now.
            pending := EXISTS (SELECT FROM pg_snapshot_xip(pg_current_snapshot()) x
                               WHERE NOT pg_visible_in_snapshot(x, state.snapshot));
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
        -- Read again under the lock: another session may have numbered meanwhile.
        SELECT s.snapshot, s.target, s.after_ticket INTO state FROM rohrpost.sequencer s;
        seen := state.snapshot;
        upto := coalesce(state.target, pg_current_snapshot());
        SELECT c.position + c.event_count INTO next FROM rohrpost.commits c ORDER BY c.position DESC LIMIT 1;
        next := coalesce(next, 1);
        -- One statement: the batch in ticket order, each transaction's event count (its
        -- last journal seq), consecutive blocks of positions from `next`, its tickets gone.
        -- A transaction numbered already (by logical capture, around a switch) only loses
        -- its ticket.
        WITH unseen AS (
            SELECT k.xid, k.ticket, k.taken_at FROM rohrpost.tickets k
            WHERE k.xid >= pg_snapshot_xmax(seen)
            UNION ALL
            SELECT k.xid, k.ticket, k.taken_at FROM rohrpost.tickets k
            WHERE k.xid = ANY (ARRAY(SELECT pg_snapshot_xip(seen))) AND k.xid < pg_snapshot_xmax(seen)
        ), batch AS (
            SELECT u.xid, u.ticket, u.taken_at FROM unseen u
            WHERE pg_visible_in_snapshot(u.xid, upto)
              AND u.ticket > coalesce(state.after_ticket, 0)
            ORDER BY u.ticket
            LIMIT max_transactions
        ), counted AS (
            SELECT b.xid, b.ticket, b.taken_at,
                   (SELECT j.seq FROM rohrpost.journal j WHERE j.xid = b.xid ORDER BY j.seq DESC LIMIT 1) AS events
            FROM batch b
            WHERE NOT EXISTS (SELECT FROM rohrpost.commits c WHERE c.xid = b.xid)
        ), placed AS (
            SELECT q.xid, q.events, q.taken_at,
                   next + coalesce(sum(q.events) OVER (ORDER BY q.ticket ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS first
            FROM counted q WHERE q.events IS NOT NULL
        ), recorded AS (
            INSERT INTO rohrpost.commits (position, xid, event_count, committed_at)
                SELECT p.first, p.xid, p.events, p.taken_at FROM placed p
            RETURNING rohrpost.commits.position, rohrpost.commits.event_count
        ), gone AS (
            DELETE FROM rohrpost.tickets k USING batch b WHERE k.xid = b.xid RETURNING 1
        )
        SELECT (SELECT count(*) FROM batch), (SELECT max(b.ticket) FROM batch b),
               (SELECT count(*) FROM recorded), (SELECT min(r.position) FROM recorded r),
               (SELECT max(r.position + r.event_count - 1) FROM recorded r), (SELECT count(*) FROM gone)
            INTO n, last_ticket, transactions, lo, hi, removed;
        IF n >= max_transactions THEN
            -- Capped: finish this same set, in ticket order, next time.
            UPDATE rohrpost.sequencer SET target = upto, after_ticket = last_ticket;
            pending := true;
        ELSE
            UPDATE rohrpost.sequencer SET snapshot = upto, target = NULL, after_ticket = NULL;
            -- (A snapshot never lists its own transaction as running.)
            pending := EXISTS (SELECT FROM pg_snapshot_xip(upto));
        END IF;
        IF lo IS NOT NULL THEN
            -- A switch to the old trigger capture's functions (or mark_capture_gap) goes on from here.
            PERFORM setval('rohrpost.position_counter', greatest(hi, (SELECT s.last_value FROM rohrpost.position_counter s)));
            PERFORM pg_notify('rohrpost', lo::text || ':' || (hi - lo + 1)::text);
        END IF;
        first_position := lo;
        last_position := hi;
        RETURN NEXT;
    END
    $fn$;

    -- The position a page's data is current to, for subscribing with `since`: waits (up to
    -- `timeout`) until the sequencer has numbered every trigger-capture transaction this
    -- session can see as committed, then returns last_position(). Read it before the data
    -- (READ COMMITTED): every change the data then shows is numbered at or below it, or
    -- after it and replayed (a change shown and replayed is applied twice, harmlessly);
    -- none is missed. Inside a REPEATABLE READ or SERIALIZABLE transaction it cannot see
    -- the sequencer's progress and returns last_position() at once.
    CREATE FUNCTION rohrpost.settled_position(timeout interval DEFAULT '2 seconds') RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    DECLARE
        deadline timestamptz := clock_timestamp() + timeout;
    BEGIN
        IF current_setting('transaction_isolation') = 'read committed' THEN
            WHILE EXISTS (SELECT FROM rohrpost.tickets) AND clock_timestamp() < deadline LOOP
                PERFORM pg_sleep(0.001);
            END LOOP;
        END IF;
        RETURN rohrpost.last_position();
    END
    $fn$;
    COMMENT ON FUNCTION rohrpost.settled_position(interval) IS 'The position that a page''s data read after it is current to: waits until the sequencer numbered what this session sees committed';

    COMMENT ON FUNCTION rohrpost.sequence_commits(integer) IS 'For the relay holding the sequencer role: numbers committed transactions of trigger capture in ticket order, one NOTIFY per batch';

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (9, 'sequenced trigger capture');
END
$migration$;
