-- Calls handler_schema.handler_name(claims, data) and returns its result. Raises
-- SQLSTATE RPNOH when no such function (taking jsonb, jsonb and returning jsonb) exists.
CREATE OR REPLACE FUNCTION rohrpost.call_handler(handler_schema text, handler_name text, claims jsonb, data jsonb)
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
