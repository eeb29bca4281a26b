-- Regenerates every watched table's trigger from its stored configuration.
CREATE OR REPLACE FUNCTION rohrpost.rewatch_all() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    w record;
BEGIN
    PERFORM rohrpost.forget_dropped_tables();
    FOR w IN SELECT t.table_name, t.groups, t.columns,
                    (SELECT format('%I.%I', n.nspname, p.proname) FROM pg_proc p
                     JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = t.payload) AS payload
             FROM rohrpost.watched_tables t ORDER BY t.table_name::oid
    LOOP
        PERFORM rohrpost.watch(w.table_name, w.groups, w.columns, w.payload);
    END LOOP;
END
$fn$;
