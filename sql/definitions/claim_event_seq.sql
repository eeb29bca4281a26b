-- Event numbers claimed while a statement writes its rows, for watched tables captured by
-- statement-level triggers (watch.sql). Such a trigger runs after every AFTER ROW trigger
-- of its statement, so changes those triggers make (another watched table's counter, the
-- same row updated again) would be numbered before the rows that caused them. Instead each
-- row claims its number as it is written: PostgreSQL evaluates an AFTER ROW trigger's WHEN
-- condition at that moment, and the claim is the WHEN of a row trigger that never fires
-- (it is always false). The statement trigger then takes its claims (take_claims.sql)
-- and journals its transition rows with them, in order.
--
-- Numbers 1..n of the transaction are counted in the transaction-local setting
-- rohrpost.seq (next_event_seq.sql). While a claimer K is claiming, it reads "n/K/s": K's
-- open run of consecutive numbers is s..n. K names the table, the kind (i: INSERT,
-- d: DELETE) and the statement's trigger depth, so a statement run by a trigger of
-- another statement claims apart from it. Whoever numbers next (another claimer,
-- next_event_seq) closes the open run into K's list, rohrpost.claims_K ("s-e s-e ...").
-- The common case, a statement whose rows are numbered one after another, reads and
-- writes rohrpost.seq once per row, as next_event_seq does.

-- Closes the open run of the claimer that rohrpost.seq names into that claimer's list,
-- and returns '' (it is called inside the expression that sets rohrpost.seq anew).
CREATE OR REPLACE FUNCTION rohrpost.close_claim_run() RETURNS text
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT CASE WHEN v.claimer <> '' AND v.first <= v.last THEN
        left(set_config('rohrpost.claims_' || v.claimer,
                        coalesce(current_setting('rohrpost.claims_' || v.claimer, true), '')
                            || v.first || '-' || v.last || ' ',
                        true), 0)
        ELSE '' END
    FROM (SELECT split_part(s, '/', 1)::integer AS last, split_part(s, '/', 2) AS claimer,
                 nullif(split_part(s, '/', 3), '')::integer AS first
          FROM coalesce(current_setting('rohrpost.seq', true), '') s) v
$fn$;

-- The WHEN of a statement-level capture's claim trigger: claims the next number for the
-- row being written by claimer key (capture_<table oid><i|d>) at this trigger depth, and returns
-- false. One expression, no SET clause: the planner inlines it into the WHEN condition.
CREATE OR REPLACE FUNCTION rohrpost.claim_event_seq(key text) RETURNS boolean
LANGUAGE sql VOLATILE
AS $fn$
    SELECT pg_catalog.set_config('rohrpost.seq',
        CASE WHEN pg_catalog.split_part(COALESCE(pg_catalog.current_setting('rohrpost.seq', true), ''), '/', 2)
                  OPERATOR(pg_catalog.=) (key OPERATOR(pg_catalog.||) pg_catalog.pg_trigger_depth()::pg_catalog.text)
            -- The run goes on: n + 1, same claimer, same start.
            THEN ((pg_catalog.split_part(pg_catalog.current_setting('rohrpost.seq', true), '/', 1)::pg_catalog.int4
                   OPERATOR(pg_catalog.+) 1)::pg_catalog.text
                  OPERATOR(pg_catalog.||) pg_catalog.substr(pg_catalog.current_setting('rohrpost.seq', true),
                      pg_catalog.strpos(pg_catalog.current_setting('rohrpost.seq', true), '/')))
            -- A new run from n + 1 (n as next_event_seq reads it), after closing another's.
            ELSE (('0'::pg_catalog.text OPERATOR(pg_catalog.||) pg_catalog.split_part(pg_catalog.ltrim(
                       COALESCE(pg_catalog.current_setting('rohrpost.seq', true), ''), '-'), '/', 1))::pg_catalog.int4
                  OPERATOR(pg_catalog.+) 1)::pg_catalog.text
                 OPERATOR(pg_catalog.||) '/' OPERATOR(pg_catalog.||) key
                 OPERATOR(pg_catalog.||) pg_catalog.pg_trigger_depth()::pg_catalog.text OPERATOR(pg_catalog.||) '/'
                 OPERATOR(pg_catalog.||) (('0'::pg_catalog.text OPERATOR(pg_catalog.||) pg_catalog.split_part(pg_catalog.ltrim(
                       COALESCE(pg_catalog.current_setting('rohrpost.seq', true), ''), '-'), '/', 1))::pg_catalog.int4
                     OPERATOR(pg_catalog.+) 1)::pg_catalog.text
                 OPERATOR(pg_catalog.||) CASE WHEN pg_catalog.strpos(COALESCE(pg_catalog.current_setting('rohrpost.seq', true), ''), '/')
                                                   OPERATOR(pg_catalog.>) 0
                                              THEN rohrpost.close_claim_run() ELSE '' END
        END,
        true) IS NULL
$fn$;
