CREATE OR REPLACE FUNCTION rohrpost.capture_mode() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT mode FROM rohrpost.capture
$fn$;
