-- The generated code for a row's value in a group name (rec is NEW or OLD): the
-- value's JSON text as ->> gives it.
CREATE OR REPLACE FUNCTION rohrpost.group_value_code(rec text, col name, typ oid) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT CASE WHEN rohrpost.group_value_is_text_cast(typ)
        THEN format('%s.%I::pg_catalog.text', rec, col)
        ELSE format('(pg_catalog.to_json(%s.%I) OPERATOR(pg_catalog.#>>) ''{}''::pg_catalog.text[])', rec, col)
    END
$fn$;
