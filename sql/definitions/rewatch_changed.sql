-- Regenerates the triggers of the watched tables whose capture no longer fits them: one
-- captured per statement that has since gained a trigger of its own (which would journal
-- its writes before the rows that caused them) or joined an inheritance tree, and one
-- kept on row triggers that no longer needs them. rohrpost-relay migrate (and so every
-- serve) calls it; it reads the catalogs only, and locks only the tables it regenerates.
-- Returns those tables.
CREATE OR REPLACE FUNCTION rohrpost.rewatch_changed() RETURNS SETOF regclass
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    tbl regclass;
BEGIN
    PERFORM rohrpost.forget_dropped_tables();
    FOR tbl IN SELECT t.table_name FROM rohrpost.watched_tables t
             WHERE rohrpost.captures_per_statement(t.table_name, t.payload IS NOT NULL)
                   IS DISTINCT FROM EXISTS (SELECT FROM pg_trigger g
                                            WHERE g.tgrelid = t.table_name AND g.tgname = '_rohrpost_capture_insert')
             ORDER BY t.table_name::oid
    LOOP
        PERFORM rohrpost.rewatch(tbl);
        RETURN NEXT tbl;
    END LOOP;
END
$fn$;

COMMENT ON FUNCTION rohrpost.rewatch_changed() IS
    'Regenerates the triggers of watched tables whose other triggers or inheritance changed since watch(); returns them';
