-- send()'s event number, the same way (a function: send() is no generated code).
CREATE OR REPLACE FUNCTION rohrpost.next_event_seq() RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    s text;
    n integer;
BEGIN
    s := current_setting('rohrpost.seq', true);
    n := CASE WHEN s IS NULL OR s = '' THEN 1 ELSE abs(s::integer) + 1 END;
    PERFORM set_config('rohrpost.seq', n::text, true);
    RETURN n;
END
$fn$;
