-- Regenerates every watched table's trigger from its stored configuration.
CREATE OR REPLACE FUNCTION rohrpost.rewatch_all() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    tbl regclass;
BEGIN
    PERFORM rohrpost.forget_dropped_tables();
    -- In oid order, as every caller that locks watched tables takes them.
    FOR tbl IN SELECT t.table_name FROM rohrpost.watched_tables t ORDER BY t.table_name::oid LOOP
        PERFORM rohrpost.rewatch(tbl);
    END LOOP;
END
$fn$;
