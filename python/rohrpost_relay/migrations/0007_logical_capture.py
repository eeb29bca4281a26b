"""sql/0007_logical_capture.sql: capture through logical replication (rohrpost.capture).

Reversing switches the database back to trigger capture first (which waits for the relay
holding the slot to catch up, as ``rohrpost-relay capture trigger`` does), drops the slot,
the publication and what the file created, and puts back 0001's ``allocate_positions``.
"""

import re

from django.db import migrations

from rohrpost_relay.relay_sql import RelaySQL, sql_file_text


def _allocate_positions_of_0001():
    """The CREATE FUNCTION of rohrpost.allocate_positions() in 0001_journal.sql."""
    text = sql_file_text("0001_journal.sql")
    match = re.search(r"CREATE FUNCTION rohrpost\.allocate_positions\(\).*?\$fn\$;", text, re.S)
    return match.group(0).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


REVERSE = f"""
DO $back$
BEGIN
    IF rohrpost.capture_mode() = 'logical' THEN
        PERFORM rohrpost.set_capture_mode('trigger');
    END IF;
    PERFORM pg_catalog.pg_drop_replication_slot(s.slot_name) FROM pg_catalog.pg_replication_slots s
        WHERE s.slot_name = (SELECT c.slot_name FROM rohrpost.capture c) AND NOT s.active;
END
$back$;
DROP FUNCTION IF EXISTS rohrpost.set_capture_mode(text, interval);
DROP FUNCTION IF EXISTS rohrpost.lock_watched_tables();
DROP FUNCTION IF EXISTS rohrpost.mark_capture_gap();
DROP FUNCTION IF EXISTS rohrpost.record_logical_commits(xid8[], integer[], pg_lsn[], timestamptz[]);
DROP FUNCTION IF EXISTS rohrpost.rewatch_all();
DROP FUNCTION IF EXISTS rohrpost.numbering_code();
DROP FUNCTION IF EXISTS rohrpost.logical_numbering_code();
ALTER FUNCTION rohrpost.trigger_numbering_code() RENAME TO numbering_code;
{_allocate_positions_of_0001()}
DROP FUNCTION IF EXISTS rohrpost.capture_mode();
DROP PUBLICATION IF EXISTS rohrpost_journal;
DROP INDEX IF EXISTS rohrpost.commits_commit_lsn;
ALTER TABLE rohrpost.commits DROP COLUMN IF EXISTS commit_lsn;
DROP TABLE IF EXISTS rohrpost.capture;
"""


class Migration(migrations.Migration):
    dependencies = [("rohrpost_relay", "0006_messages")]
    operations = [RelaySQL("0007_logical_capture.sql", reverse_sql=REVERSE)]
