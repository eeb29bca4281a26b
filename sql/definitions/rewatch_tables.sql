-- Regenerates watched tables' triggers from their stored configuration, in oid order (as
-- every caller that locks watched tables takes them), and returns the tables. changed_only:
-- only those whose capture no longer fits them, one captured per statement that has since
-- gained a trigger of its own (which would journal its writes before the rows that caused
-- them) or joined an inheritance tree, and one kept on row triggers that no longer needs
-- them; rohrpost-relay migrate (and so every serve) calls it so, reading the catalogs only
-- and locking only the tables it regenerates. rewatch_all() calls it for every table.
CREATE OR REPLACE FUNCTION rohrpost.rewatch_tables(changed_only boolean) RETURNS SETOF regclass
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    tbl regclass;
BEGIN
    PERFORM rohrpost.forget_dropped_tables();
    FOR tbl IN SELECT t.table_name FROM rohrpost.watched_tables t
             WHERE NOT changed_only
                OR rohrpost.captures_per_statement(t.table_name, t.payload IS NOT NULL)
                   IS DISTINCT FROM EXISTS (SELECT FROM pg_trigger g
                                            WHERE g.tgrelid = t.table_name AND g.tgname = '_rohrpost_capture_insert')
             ORDER BY t.table_name::oid
    LOOP
        PERFORM rohrpost.rewatch(tbl);
        RETURN NEXT tbl;
    END LOOP;
END
$fn$;

COMMENT ON FUNCTION rohrpost.rewatch_tables(boolean) IS
    'Regenerates the triggers of every watched table, or (changed_only) of those whose other triggers or inheritance changed since watch(); returns them';
