-- Regenerates every watched table's trigger from its stored configuration.
CREATE OR REPLACE FUNCTION rohrpost.rewatch_all() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    PERFORM FROM rohrpost.rewatch_tables(changed_only => false);
END
$fn$;
