"""sql/0009_sequenced_trigger_capture.sql: trigger capture without a lock at commit;
writers take a ticket, and the relay holding the sequencer role numbers them.

Reversing numbers what waits for a position first (as a sequencer would), then puts back
0007's ``allocate_positions`` (positions at commit, under commit_lock) and drops what the
file created.
"""

import re

from django.db import migrations

from rohrpost_relay.relay_sql import NUMBER_WHAT_WAITS, RelaySQL, sql_file_text


def _allocate_positions_of_0007():
    """The CREATE OR REPLACE FUNCTION of rohrpost.allocate_positions() in 0007_logical_capture.sql."""
    text = sql_file_text("0007_logical_capture.sql")
    match = re.search(r"CREATE OR REPLACE FUNCTION rohrpost\.allocate_positions\(\).*?\$fn\$;", text, re.S)
    return match.group(0)


REVERSE = f"""
{NUMBER_WHAT_WAITS}
{_allocate_positions_of_0007()}
DROP FUNCTION IF EXISTS rohrpost.sequence_commits(integer);
DROP FUNCTION IF EXISTS rohrpost.settled_position(interval);
DROP TABLE IF EXISTS rohrpost.sequencer;
DROP TABLE IF EXISTS rohrpost.tickets;
DROP SEQUENCE IF EXISTS rohrpost.commit_ticket;
"""


class Migration(migrations.Migration):
    dependencies = [("rohrpost_relay", "0008_visible_numbering")]
    operations = [RelaySQL("0009_sequenced_trigger_capture.sql", reverse_sql=REVERSE)]
