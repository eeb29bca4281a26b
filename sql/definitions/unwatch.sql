CREATE OR REPLACE FUNCTION rohrpost.unwatch(table_name regclass) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    tbl regclass := unwatch.table_name;
    w record;
    trigger_name name;
BEGIN
    IF tbl IS NULL THEN
        RETURN;
    END IF;
    -- The capture triggers watch() made (see watch.sql), not a partition's inherited ones.
    FOR trigger_name IN SELECT t.tgname FROM pg_trigger t
                        WHERE t.tgrelid = tbl AND t.tgparentid = 0
                          AND t.tgname = ANY (rohrpost.capture_triggers()) LOOP
        EXECUTE format('DROP TRIGGER %I ON %I.%I', trigger_name,
            (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl),
            (SELECT c.relname FROM pg_class c WHERE c.oid = tbl));
    END LOOP;
    DELETE FROM rohrpost.watched_tables t WHERE t.table_name = tbl
        RETURNING t.trigger_function, t.object_type INTO w;
    IF w.trigger_function IS NOT NULL THEN
        EXECUTE format('DROP FUNCTION IF EXISTS rohrpost.%I()', w.trigger_function);
    END IF;
    IF w.object_type IS NOT NULL THEN
        EXECUTE format('DROP TYPE IF EXISTS rohrpost.%I', w.object_type);
    END IF;
    PERFORM rohrpost.forget_dropped_tables();
END
$fn$;

COMMENT ON FUNCTION rohrpost.unwatch(regclass) IS
    'Stops turning the table''s row changes into rohrpost events';
