-- Whether watch() captures the table's INSERT and DELETE per statement (watch.sql says
-- why): a plain table, neither partitioned nor a partition nor in an inheritance tree,
-- without a payload function, and with no trigger but rohrpost's own and the foreign-key
-- triggers that only check (the referencing side's, NO ACTION and RESTRICT). Anything
-- else could write between the rows and a statement trigger, or hide rows from it.
CREATE OR REPLACE FUNCTION rohrpost.captures_per_statement(tbl regclass, has_payload boolean) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
    SELECT NOT has_payload
        AND (SELECT c.relkind = 'r' AND NOT c.relispartition FROM pg_class c WHERE c.oid = tbl)
        AND NOT EXISTS (SELECT FROM pg_inherits h WHERE h.inhrelid = tbl OR h.inhparent = tbl)
        AND NOT EXISTS (
            SELECT FROM pg_trigger t
            WHERE t.tgrelid = tbl
              AND NOT t.tgname = ANY (rohrpost.capture_triggers())
              AND t.tgfoid NOT IN ('"RI_FKey_check_ins"'::regproc, '"RI_FKey_check_upd"'::regproc,
                                   '"RI_FKey_noaction_del"'::regproc, '"RI_FKey_noaction_upd"'::regproc,
                                   '"RI_FKey_restrict_del"'::regproc, '"RI_FKey_restrict_upd"'::regproc))
$fn$;
