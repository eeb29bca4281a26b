-- Waits until this session's new snapshots see every transaction of `xids` as
-- finished; raises after `timeout`. Each statement of a READ COMMITTED transaction takes
-- a new snapshot, so the loop sees the writers leave the proc array (microseconds after
-- the walsender sent their commits, in practice).
CREATE OR REPLACE FUNCTION rohrpost.wait_until_visible(xids xid8[], timeout interval DEFAULT '10 seconds')
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    deadline timestamptz := clock_timestamp() + timeout;
    waiting xid8;
BEGIN
    LOOP
        SELECT x INTO waiting FROM unnest(xids) x
            WHERE NOT pg_visible_in_snapshot(x, (SELECT pg_current_snapshot())) LIMIT 1;
        EXIT WHEN waiting IS NULL;
        IF current_setting('transaction_isolation') <> 'read committed' THEN
            RAISE EXCEPTION 'rohrpost.wait_until_visible: must run in READ COMMITTED (is %)', current_setting('transaction_isolation')
                USING HINT = 'Set default_transaction_isolation to read committed for the relay''s role.';
        END IF;
        IF clock_timestamp() > deadline THEN
            RAISE EXCEPTION 'rohrpost.wait_until_visible: transaction % is still running after %', waiting, timeout;
        END IF;
        PERFORM pg_sleep(0.0002);
    END LOOP;
END
$fn$;

COMMENT ON FUNCTION rohrpost.wait_until_visible(xid8[], interval) IS 'Waits until new snapshots see every given transaction as finished (a sequencer calls it before it numbers them)';
