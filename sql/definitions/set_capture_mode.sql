-- Switches the database's capture mode; returns the mode it was in. With writers
-- running: each watched table's trigger is regenerated under its lock. To 'logical'
-- the slot must exist already (rohrpost-relay capture logical creates it). To
-- 'trigger', waits up to catch_up_timeout for the slot to confirm all WAL written
-- before the switch, so that every transaction of the logical mode has its position.
CREATE OR REPLACE FUNCTION rohrpost.set_capture_mode(new_mode text, catch_up_timeout interval DEFAULT '60 seconds')
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    config record;
    target pg_lsn;
    confirmed pg_lsn;
    deadline timestamptz;
BEGIN
    IF new_mode IS NULL OR new_mode NOT IN ('trigger', 'logical') THEN
        RAISE EXCEPTION 'rohrpost.set_capture_mode: mode must be trigger or logical, not %', coalesce(new_mode, 'NULL');
    END IF;
    -- One switch at a time; writers read the mode without waiting for it.
    SELECT * INTO config FROM rohrpost.capture FOR UPDATE;
    IF config.mode = new_mode THEN
        RETURN config.mode;
    END IF;
    IF new_mode = 'logical' THEN
        IF current_setting('wal_level') <> 'logical' THEN
            RAISE EXCEPTION 'rohrpost.set_capture_mode: logical capture needs wal_level = logical (it is %)', current_setting('wal_level')
                USING HINT = 'ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL.';
        END IF;
        IF NOT EXISTS (SELECT FROM pg_replication_slots s WHERE s.slot_name = config.slot_name AND s.database = current_database()) THEN
            RAISE EXCEPTION 'rohrpost.set_capture_mode: the replication slot % does not exist', config.slot_name
                USING HINT = format('SELECT pg_create_logical_replication_slot(%L, ''pgoutput''); or run rohrpost-relay capture logical', config.slot_name);
        END IF;
    ELSE
        -- No watched table is written from here on, until the new triggers are in.
        PERFORM rohrpost.forget_dropped_tables();
        PERFORM rohrpost.lock_watched_tables();
        -- The insert position, not pg_current_wal_lsn() (the write position): with
        -- synchronous_commit off a commit may not be written yet.
        target := pg_current_wal_insert_lsn();
        deadline := clock_timestamp() + catch_up_timeout;
        LOOP
            SELECT s.confirmed_flush_lsn INTO confirmed FROM pg_replication_slots s WHERE s.slot_name = config.slot_name;
            EXIT WHEN confirmed IS NULL OR confirmed >= target;
            IF clock_timestamp() > deadline THEN
                RAISE EXCEPTION 'rohrpost.set_capture_mode: the relay holding slot % has not caught up within % (at %, needs %)',
                    config.slot_name, catch_up_timeout, confirmed, target
                    USING HINT = 'Start a relay (it takes the slot), or wait and try again.';
            END IF;
            PERFORM pg_sleep(0.05);
        END LOOP;
    END IF;
    UPDATE rohrpost.capture SET mode = new_mode, changed_at = now();
    PERFORM rohrpost.rewatch_all();
    RETURN config.mode;
END
$fn$;

COMMENT ON FUNCTION rohrpost.set_capture_mode(text, interval) IS 'Switches how row changes get positions: trigger (at commit) or logical (by the relay holding the replication slot); safe with writers running';
