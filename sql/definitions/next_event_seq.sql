-- The number of the next event in the current transaction, 1, 2, ...: the journal's `seq`,
-- kept in the transaction-local setting rohrpost.seq. Generated triggers and send() call
-- it inside their journal INSERT. A SQL function with no SET clause and one expression,
-- so the planner inlines it into the INSERT that calls it (no function call per row); so
-- everything in it is schema-qualified, and the caller's search_path cannot change it.
-- A negative rohrpost.seq was left by an allocation of release 10 or earlier, in a
-- transaction that straddled the upgrade: its number goes on from the absolute value.
CREATE OR REPLACE FUNCTION rohrpost.next_event_seq() RETURNS integer
LANGUAGE sql VOLATILE
AS $fn$
    SELECT pg_catalog.set_config('rohrpost.seq',
        (('0'::pg_catalog.text OPERATOR(pg_catalog.||)
          pg_catalog.ltrim(COALESCE(pg_catalog.current_setting('rohrpost.seq', true), ''), '-'))::pg_catalog.int4
         OPERATOR(pg_catalog.+) 1)::pg_catalog.text,
        true)::pg_catalog.int4
$fn$;
