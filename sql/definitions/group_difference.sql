-- Elements of a that are not in b, in a's order, each once.
CREATE OR REPLACE FUNCTION rohrpost.group_difference(a text[], b text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT coalesce(array_agg(x ORDER BY i), '{}')
    FROM (SELECT x, min(i) AS i FROM unnest(a) WITH ORDINALITY u(x, i)
          WHERE x IS NOT NULL AND x <> ALL (coalesce(b, '{}'))
          GROUP BY x) d
$fn$;
