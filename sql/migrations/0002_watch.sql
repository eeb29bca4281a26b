-- rohrpost-relay migration 2: the table of watched tables.
--
-- rohrpost.watch() (sql/definitions/watch.sql) records each watched table's settings here
-- and generates its trigger from them; rohrpost.unwatch() removes both.
--
-- Idempotent like every rohrpost migration: one DO block, advisory lock, version check.

DO $migration$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(7248310561000001);

    -- Two IFs: plpgsql plans a whole condition, so the table must exist to name it.
    IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NULL THEN
        RAISE EXCEPTION 'rohrpost migration 2 needs migration 1 (0001_journal.sql) first';
    END IF;
    IF NOT EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 1) THEN
        RAISE EXCEPTION 'rohrpost migration 2 needs migration 1 (0001_journal.sql) first';
    END IF;
    IF EXISTS (SELECT FROM rohrpost.schema_migrations WHERE version = 2) THEN
        RETURN;
    END IF;

    CREATE TABLE rohrpost.watched_tables (
        table_name regclass PRIMARY KEY,
        groups text[] NOT NULL,            -- the group templates in effect
        columns text[],                    -- the carried columns; NULL = all, table order
        trigger_function text NOT NULL,    -- the generated function, rohrpost.<name>
        object_type text,                  -- the carried columns' row type, if generated
        watched_at timestamptz NOT NULL DEFAULT now()
    );
    COMMENT ON TABLE rohrpost.watched_tables IS 'Tables whose row changes become rohrpost events; change with rohrpost.watch() and rohrpost.unwatch()';

    INSERT INTO rohrpost.schema_migrations (version, name) VALUES (2, 'watch');
END
$migration$;
