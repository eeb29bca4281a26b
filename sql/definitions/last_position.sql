-- In any snapshot, the newest commits row is the highest committed position:
-- positions are handed out in commit order. prune() always keeps that row.
CREATE OR REPLACE FUNCTION rohrpost.last_position() RETURNS bigint
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT coalesce(
        (SELECT c.position + c.event_count - 1 FROM rohrpost.commits c
         ORDER BY c.position DESC LIMIT 1),
        0)
$fn$;

COMMENT ON FUNCTION rohrpost.last_position() IS 'The highest committed event position, 0 if none';
