-- Regenerates one watched table's triggers from its stored configuration
-- (rohrpost.watched_tables), as rohrpost.watch() made them.
CREATE OR REPLACE FUNCTION rohrpost.rewatch(tbl regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    w record;
BEGIN
    SELECT t.groups, t.columns,
           (SELECT format('%I.%I', n.nspname, p.proname) FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = t.payload) AS payload
        INTO w FROM rohrpost.watched_tables t WHERE t.table_name = tbl;
    PERFORM rohrpost.watch(tbl, w.groups, w.columns, w.payload);
END
$fn$;
