-- A switch to logical capture leaves trigger capture's last transactions to the
-- sequencer: those finished in the switch's snapshot (some committed before the slot
-- existed, so the stream never brings them). It sets them as the sequencer's target,
-- which sequence_commits finishes in logical capture too (the relay calls it before it
-- streams) and then numbers nothing more until trigger capture is back.
CREATE OR REPLACE FUNCTION rohrpost.capture_mode_changed() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    UPDATE rohrpost.sequencer SET target = pg_current_snapshot();
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE TRIGGER capture_mode_changed AFTER UPDATE OF mode ON rohrpost.capture
    FOR EACH ROW WHEN (NEW.mode = 'logical' AND OLD.mode IS DISTINCT FROM 'logical')
    EXECUTE FUNCTION rohrpost.capture_mode_changed();
