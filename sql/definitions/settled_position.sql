-- settled_position(): in trigger capture, wait until the sequencer has numbered every
-- transaction this session sees as committed, and return the last position.
CREATE OR REPLACE FUNCTION rohrpost.settled_position(timeout interval DEFAULT '2 seconds') RETURNS bigint
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    deadline timestamptz := clock_timestamp() + timeout;
    upto pg_snapshot := pg_current_snapshot();
BEGIN
    IF current_setting('transaction_isolation') = 'read committed'
       AND (SELECT c.mode FROM rohrpost.capture c) = 'trigger' THEN
        WHILE EXISTS (SELECT FROM rohrpost.unsequenced((SELECT s.snapshot FROM rohrpost.sequencer s), upto))
              AND clock_timestamp() < deadline LOOP
            PERFORM pg_sleep(0.001);
        END LOOP;
    END IF;
    RETURN rohrpost.last_position();
END
$fn$;

COMMENT ON FUNCTION rohrpost.settled_position(interval) IS 'The position that a page''s data read after it is current to: waits until the sequencer numbered what this session sees committed';
