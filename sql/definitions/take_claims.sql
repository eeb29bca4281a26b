-- A statement-level capture's numbers (claim_event_seq.sql explains the claims): its
-- statement trigger calls take_claims once, then numbers its n-th transition row with
-- claimed_seq(runs, n).

-- The claims of claimer key (capture_<table oid><i|d>) at the depth of the statement whose
-- trigger calls it, as runs [first1, last1, first2, last2, ...] in claim order; taken, so
-- a later statement of the same claimer starts anew. One expression for the common case
-- (one run, still open), inlined into the trigger's INSERT; take_claims_slow otherwise.
CREATE OR REPLACE FUNCTION rohrpost.take_claims(key text) RETURNS integer[]
LANGUAGE sql VOLATILE
AS $fn$
    SELECT CASE
        WHEN COALESCE(pg_catalog.current_setting('rohrpost.claims_' OPERATOR(pg_catalog.||) key
                          OPERATOR(pg_catalog.||) (pg_catalog.pg_trigger_depth() OPERATOR(pg_catalog.-) 1)::pg_catalog.text,
                      true), '') OPERATOR(pg_catalog.=) ''
         AND pg_catalog.split_part(COALESCE(pg_catalog.current_setting('rohrpost.seq', true), ''), '/', 2)
             OPERATOR(pg_catalog.=) (key OPERATOR(pg_catalog.||)
                                     (pg_catalog.pg_trigger_depth() OPERATOR(pg_catalog.-) 1)::pg_catalog.text)
        -- The open run s..n, and rohrpost.seq moves its start past n (elements are
        -- evaluated in order: s is read before the setting changes).
        THEN ARRAY[pg_catalog.split_part(pg_catalog.current_setting('rohrpost.seq', true), '/', 3)::pg_catalog.int4,
                   pg_catalog.split_part(pg_catalog.set_config('rohrpost.seq',
                       pg_catalog.split_part(pg_catalog.current_setting('rohrpost.seq', true), '/', 1)
                       OPERATOR(pg_catalog.||) '/' OPERATOR(pg_catalog.||) key
                       OPERATOR(pg_catalog.||) (pg_catalog.pg_trigger_depth() OPERATOR(pg_catalog.-) 1)::pg_catalog.text
                       OPERATOR(pg_catalog.||) '/' OPERATOR(pg_catalog.||)
                       (pg_catalog.split_part(pg_catalog.current_setting('rohrpost.seq', true), '/', 1)::pg_catalog.int4
                        OPERATOR(pg_catalog.+) 1)::pg_catalog.text,
                       true), '/', 1)::pg_catalog.int4]
        ELSE rohrpost.take_claims_slow(key OPERATOR(pg_catalog.||)
                                       (pg_catalog.pg_trigger_depth() OPERATOR(pg_catalog.-) 1)::pg_catalog.text)
    END
$fn$;

-- take_claims when runs were interrupted (closed into the claimer's list) or none is open.
CREATE OR REPLACE FUNCTION rohrpost.take_claims_slow(claimer text) RETURNS integer[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    seq text := coalesce(current_setting('rohrpost.seq', true), '');
    runs text := coalesce(current_setting('rohrpost.claims_' || claimer, true), '');
    last integer;
BEGIN
    IF split_part(seq, '/', 2) = claimer THEN
        last := split_part(seq, '/', 1)::integer;
        IF split_part(seq, '/', 3)::integer <= last THEN
            runs := runs || split_part(seq, '/', 3) || '-' || last || ' ';
        END IF;
        PERFORM set_config('rohrpost.seq', last || '/' || claimer || '/' || (last + 1), true);
    END IF;
    IF runs <> '' THEN
        PERFORM set_config('rohrpost.claims_' || claimer, '', true);
    END IF;
    RETURN coalesce(string_to_array(btrim(replace(runs, '-', ' ')), ' ')::integer[], '{}');
END
$fn$;

-- The number of the o-th row (1, 2, ...) in runs, or NULL past the claimed numbers.
CREATE OR REPLACE FUNCTION rohrpost.claimed_seq(runs integer[], o bigint) RETURNS integer
LANGUAGE sql IMMUTABLE
AS $fn$
    SELECT CASE WHEN pg_catalog.cardinality(runs) OPERATOR(pg_catalog.=) 2
        THEN CASE WHEN o OPERATOR(pg_catalog.<=) (runs[2] OPERATOR(pg_catalog.-) runs[1] OPERATOR(pg_catalog.+) 1)
                  THEN runs[1] OPERATOR(pg_catalog.+) o::pg_catalog.int4 OPERATOR(pg_catalog.-) 1 END
        ELSE rohrpost.claimed_seq_in_runs(runs, o)
    END
$fn$;

CREATE OR REPLACE FUNCTION rohrpost.claimed_seq_in_runs(runs integer[], o bigint) RETURNS integer
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    left_over bigint := o;
    i integer := 1;
BEGIN
    WHILE i < cardinality(runs) LOOP
        IF left_over <= runs[i + 1] - runs[i] + 1 THEN
            RETURN runs[i] + left_over::integer - 1;
        END IF;
        left_over := left_over - greatest(runs[i + 1] - runs[i] + 1, 0);
        i := i + 2;
    END LOOP;
    RETURN NULL;
END
$fn$;
