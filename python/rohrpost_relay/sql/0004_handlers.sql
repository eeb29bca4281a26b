-- rohrpost-relay migration 4: calling SQL functions as rohrpost handlers.
--
-- With `--sql-handlers SCHEMA`, a request of type T that no Swift handler answers calls
-- SCHEMA.T(claims jsonb, data jsonb) RETURNS jsonb through call_handler(), which takes
-- the schema and function name as identifiers (format's %I), never as SQL text.
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL
       OR NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 3) THEN
        RAISE EXCEPTION 'rohrpost migration 4 needs migrations 1 to 3 first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 4) THEN
        RETURN;
    END IF;

    -- Calls handler_schema.handler_name(claims, data) and returns its result. Raises
    -- SQLSTATE RPNOH when no such function (taking jsonb, jsonb and returning jsonb) exists.
    CREATE FUNCTION rohrpost.call_handler(handler_schema text, handler_name text, claims jsonb, data jsonb)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
    DECLARE
        handler regprocedure;
        result jsonb;
    BEGIN
        handler := to_regprocedure(format('%I.%I(jsonb, jsonb)', handler_schema, handler_name));
        IF handler IS NULL
           OR (SELECT p.prorettype <> 'jsonb'::regtype FROM pg_proc p WHERE p.oid = handler) THEN
            RAISE EXCEPTION 'no rohrpost handler %.%(jsonb, jsonb) returning jsonb', handler_schema, handler_name
                USING ERRCODE = 'RPNOH';
        END IF;
        EXECUTE format('SELECT %I.%I($1, $2)', handler_schema, handler_name) INTO result USING claims, data;
        RETURN result;
    END
    $fn$;

    COMMENT ON FUNCTION rohrpost.call_handler(text, text, jsonb, jsonb) IS 'Calls a SQL rohrpost handler by schema and name, passed as identifiers';

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (4, 'handlers');
END
$migration$;
