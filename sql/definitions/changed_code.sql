-- The generated code that is true when a column's JSON text differs between OLD
-- and NEW. For these types, equality means identical text, and comparing values is
-- cheaper than writing both as JSON.
CREATE OR REPLACE FUNCTION rohrpost.changed_code(col name, typ oid) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT CASE
        WHEN typ IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, 'bool'::regtype,
                     'uuid'::regtype, 'date'::regtype, 'timestamp'::regtype,
                     'timestamptz'::regtype, 'oid'::regtype)
        THEN format('((NEW.%1$I OPERATOR(pg_catalog.<>) OLD.%1$I) IS NOT FALSE'
                    ' AND (NEW.%1$I IS NOT NULL OR OLD.%1$I IS NOT NULL))', col)
        WHEN typ IN ('text'::regtype, 'varchar'::regtype)
        THEN format('((NEW.%1$I OPERATOR(pg_catalog.<>) OLD.%1$I COLLATE pg_catalog."C") IS NOT FALSE'
                    ' AND (NEW.%1$I IS NOT NULL OR OLD.%1$I IS NOT NULL))', col)
        ELSE format('(COALESCE(pg_catalog.to_json(NEW.%1$I)::pg_catalog.text, '''')'
                    ' OPERATOR(pg_catalog.<>)'
                    ' COALESCE(pg_catalog.to_json(OLD.%1$I)::pg_catalog.text, '''') COLLATE pg_catalog."C")', col)
    END
$fn$;
