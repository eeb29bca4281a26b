-- The generated code for a row's groups, from the code of each template's group (one
-- record's: NEW, OLD or a transition row). Several templates may give one group twice;
-- each group gets an event once, so a group equal to an earlier one is left out (inline:
-- a function call per row would cost more than the rest of the group code). nullable:
-- some template may give no group (a NULL value, or JSON null).
CREATE OR REPLACE FUNCTION rohrpost.groups_code(codes text[], nullable boolean) RETURNS text
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    code text;
BEGIN
    IF cardinality(codes) > 1 THEN
        code := 'pg_catalog.array_remove(ARRAY[' || codes[1];
        FOR k IN 2 .. cardinality(codes) LOOP
            code := code || E',\n            CASE WHEN '
                || (SELECT string_agg(format('(%s) OPERATOR(pg_catalog.=) (%s)', codes[k], codes[e]), ' OR ')
                    FROM generate_series(1, k - 1) e)
                || ' THEN NULL ELSE ' || codes[k] || ' END';
        END LOOP;
        RETURN code || '], NULL::pg_catalog.text)';
    ELSIF nullable THEN
        RETURN 'pg_catalog.array_remove(ARRAY[' || codes[1] || '], NULL::pg_catalog.text)';
    END IF;
    RETURN 'ARRAY[' || codes[1] || ']';
END
$fn$;
