-- After the slot was lost (dropped, or invalidated by max_slot_wal_keep_size) and made
-- anew, transactions committed in between have no position and never will: a resume
-- from before now cannot be complete. This drops every older event and leaves one
-- position unused before a marker commit (no events), so first_position() moves past
-- the last position and every such resume answers recovered: false.
CREATE OR REPLACE FUNCTION rohrpost.mark_capture_gap() RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    marker bigint;
BEGIN
    PERFORM FROM rohrpost.commit_lock FOR UPDATE;
    marker := greatest(rohrpost.last_position(), (SELECT s.last_value FROM rohrpost.position_counter s)) + 2;
    PERFORM setval('rohrpost.position_counter', marker);
    INSERT INTO rohrpost.commits (position, xid, event_count) VALUES (marker, pg_current_xact_id(), 1);
    WITH gone AS (
        DELETE FROM rohrpost.commits c WHERE c.position < marker RETURNING c.xid
    )
    DELETE FROM rohrpost.journal j USING gone WHERE j.xid = gone.xid;
    RETURN marker;
END
$fn$;
