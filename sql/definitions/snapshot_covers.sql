-- Whether every transaction that `earlier` sees as finished is finished in `later` too
-- (snapshots taken in that order are; two from different sessions may not be).
CREATE OR REPLACE FUNCTION rohrpost.snapshot_covers(later pg_snapshot, earlier pg_snapshot) RETURNS boolean
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT pg_snapshot_xmax(later) >= pg_snapshot_xmax(earlier)
       AND NOT EXISTS (SELECT FROM pg_snapshot_xip(later) x WHERE pg_visible_in_snapshot(x, earlier))
$fn$;
