"""sql/0011_stamped_trigger_capture.sql: trigger capture whose writers only append their
journal rows; the sequencer finds committed transactions by their journal rows.

Reversing first puts back 0007's numbering code (chosen by mode) and gives every watched
table's trigger 0009's marker again (under the tables' locks), numbers what has committed
meanwhile with this file's sequencer, and then puts back 0009's functions. A transaction that called rohrpost.send() before the
reversal and commits after it goes unnumbered: stop such writers while reversing.
"""

import re

from django.db import migrations

from rohrpost_relay.relay_sql import NUMBER_WHAT_WAITS, RelaySQL, sql_file_text


def _create_function(file_name, name):
    """The CREATE [OR REPLACE] FUNCTION rohrpost.<name>(...) statement of a shipped file,
    as CREATE OR REPLACE."""
    match = re.search(
        rf"CREATE (?:OR REPLACE )?FUNCTION rohrpost\.{name}\(.*?\$(fn|code)\$;", sql_file_text(file_name), re.S)
    statement = match.group(0)
    return re.sub(r"^CREATE (OR REPLACE )?FUNCTION", "CREATE OR REPLACE FUNCTION", statement)


def _trigger_numbering_code_of_0006():
    """0006's numbering_code(), which 0007 renamed to trigger_numbering_code()."""
    return _create_function("0006_messages.sql", "numbering_code").replace(
        "rohrpost.numbering_code()", "rohrpost.trigger_numbering_code()", 1)


REVERSE = f"""
ALTER TABLE rohrpost.sequencer ADD COLUMN IF NOT EXISTS after_ticket bigint;
{_trigger_numbering_code_of_0006()}
{_create_function("0007_logical_capture.sql", "logical_numbering_code")}
{_create_function("0007_logical_capture.sql", "numbering_code")}
{_create_function("0006_messages.sql", "next_event_seq")}
SELECT rohrpost.rewatch_all();
{NUMBER_WHAT_WAITS}
DROP FUNCTION rohrpost.sequence_commits(integer, pg_snapshot);
{_create_function("0009_sequenced_trigger_capture.sql", "sequence_commits")}
{_create_function("0009_sequenced_trigger_capture.sql", "settled_position")}
DROP TRIGGER IF EXISTS capture_mode_changed ON rohrpost.capture;
DROP FUNCTION IF EXISTS rohrpost.capture_mode_changed();
DROP FUNCTION IF EXISTS rohrpost.unsequenced(pg_snapshot, pg_snapshot);
DROP FUNCTION IF EXISTS rohrpost.snapshot_covers(pg_snapshot, pg_snapshot);
"""


class Migration(migrations.Migration):
    dependencies = [("rohrpost_relay", "0010_journal_stamps")]
    operations = [RelaySQL("0011_stamped_trigger_capture.sql", reverse_sql=REVERSE)]
