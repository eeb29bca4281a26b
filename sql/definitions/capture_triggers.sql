-- The names of the triggers rohrpost.watch() makes on a watched table (watch.sql): the
-- row trigger, and the statement triggers of a table captured per statement.
CREATE OR REPLACE FUNCTION rohrpost.capture_triggers() RETURNS name[]
LANGUAGE sql IMMUTABLE
AS $fn$
    SELECT ARRAY['_rohrpost_capture', '_rohrpost_capture_insert', '_rohrpost_capture_delete']::pg_catalog.name[]
$fn$;
