-- The deferred trigger of the marker row that writers of releases 1 to 10 inserted with
-- their first event (rohrpost.pending_commit): at commit, take a ticket, or for a
-- transaction that began under release 8's lock at commit, grow its block. Current
-- triggers insert no marker: this serves only transactions that were writing while the
-- database upgraded to release 11 or later.
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

DO $trigger$
BEGIN
    -- A constraint trigger has no CREATE OR REPLACE: created once, when missing.
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_trigger
                   WHERE tgrelid = 'rohrpost.pending_commit'::regclass AND tgname = 'allocate_positions') THEN
        CREATE CONSTRAINT TRIGGER allocate_positions
            AFTER INSERT ON rohrpost.pending_commit
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION rohrpost.allocate_positions();
    END IF;
END
$trigger$;
