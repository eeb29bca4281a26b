-- Whether a plain text cast of the type gives the text ->> gives from its JSON
-- (and never NULL for a value that is not NULL); the cast is cheaper.
CREATE OR REPLACE FUNCTION rohrpost.group_value_is_text_cast(typ oid) RETURNS boolean
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT typ IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'numeric'::regtype,
                   'text'::regtype, 'varchar'::regtype, 'bool'::regtype, 'uuid'::regtype)
$fn$;
