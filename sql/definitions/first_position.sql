-- The position of the oldest event the journal still holds (pruning removes older
-- ones); last_position() + 1 when it holds none. A resume from `since` is complete
-- when since >= first_position() - 1.
CREATE OR REPLACE FUNCTION rohrpost.first_position() RETURNS bigint
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT coalesce((SELECT min(c.position) FROM rohrpost.commits c), rohrpost.last_position() + 1)
$fn$;

COMMENT ON FUNCTION rohrpost.first_position() IS 'The oldest event position the journal still holds; last_position() + 1 when empty';
