CREATE OR REPLACE FUNCTION rohrpost.lock_watched_tables() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT w.table_name FROM rohrpost.watched_tables w ORDER BY w.table_name::oid LOOP
        EXECUTE format('LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE', t);
    END LOOP;
END
$fn$;
