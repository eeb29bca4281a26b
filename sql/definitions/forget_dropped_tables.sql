-- Drops what watch() generated for tables that no longer exist.
CREATE OR REPLACE FUNCTION rohrpost.forget_dropped_tables() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    w record;
BEGIN
    FOR w IN DELETE FROM rohrpost.watched_tables t
             WHERE NOT EXISTS (SELECT FROM pg_class c WHERE c.oid = t.table_name)
             RETURNING t.trigger_function, t.object_type
    LOOP
        EXECUTE format('DROP FUNCTION IF EXISTS rohrpost.%I()', w.trigger_function);
        IF w.object_type IS NOT NULL THEN
            EXECUTE format('DROP TYPE IF EXISTS rohrpost.%I', w.object_type);
        END IF;
    END LOOP;
END
$fn$;
