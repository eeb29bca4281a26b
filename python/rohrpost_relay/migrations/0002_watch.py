"""sql/0002_watch.sql: rohrpost.watch() and rohrpost.unwatch().

Reversing unwatches every watched table (dropping its trigger and generated code), then
drops what the file created.
"""

from django.db import migrations

from rohrpost_relay.relay_sql import RelaySQL

REVERSE = """
DO $reverse$
DECLARE
    watched regclass;
BEGIN
    IF pg_catalog.to_regclass('rohrpost.watched_tables') IS NOT NULL THEN
        FOR watched IN SELECT w.table_name FROM rohrpost.watched_tables w LOOP
            PERFORM rohrpost.unwatch(watched);
        END LOOP;
    END IF;
END
$reverse$;
DROP FUNCTION IF EXISTS rohrpost.unwatch(regclass);
DROP FUNCTION IF EXISTS rohrpost.watch(regclass, text[], text[]);
DROP FUNCTION IF EXISTS rohrpost.forget_dropped_tables();
DROP FUNCTION IF EXISTS rohrpost.changed_code(name, oid);
DROP FUNCTION IF EXISTS rohrpost.group_value_code(text, name, oid);
DROP FUNCTION IF EXISTS rohrpost.group_value_is_text_cast(oid);
DROP FUNCTION IF EXISTS rohrpost.group_difference(text[], text[]);
DROP TABLE IF EXISTS rohrpost.watched_tables;
"""


class Migration(migrations.Migration):
    dependencies = [("rohrpost_relay", "0001_journal")]
    operations = [RelaySQL("0002_watch.sql", reverse_sql=REVERSE)]
