-- The numbering code of generated triggers, the same in both modes: count the event,
-- nothing else (a negative rohrpost.seq was left by an allocation of release 10 or
-- earlier, in a transaction that straddled the upgrade).
CREATE OR REPLACE FUNCTION rohrpost.numbering_code() RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT $code$
-- n: this event's number in the transaction (rohrpost.seq holds the last one). The
-- sequencer gives the transaction positions once it has committed (trigger capture:
-- found by its journal rows, see sequence_commits.sql; logical capture:
-- from the replication stream); nothing to queue here.
s := pg_catalog.current_setting('rohrpost.seq', true);
IF s IS NULL OR s OPERATOR(pg_catalog.=) '' THEN
    n := 1;
ELSE
    n := pg_catalog.abs(s::pg_catalog.int4) OPERATOR(pg_catalog.+) 1;
END IF;
s := pg_catalog.set_config('rohrpost.seq', n::pg_catalog.text, true);
$code$::text
$fn$;
