"""sql/0008_visible_numbering.sql: logical capture numbers a batch only once its
transactions are visible to every new snapshot.

Reversing puts back 0007's ``record_logical_commits`` and drops ``wait_until_visible``.
"""

import re

from django.db import migrations

from rohrpost_relay.relay_sql import RelaySQL, sql_file_text


def _record_logical_commits_of_0007():
    """The CREATE FUNCTION of rohrpost.record_logical_commits() in 0007_logical_capture.sql."""
    text = sql_file_text("0007_logical_capture.sql")
    match = re.search(r"CREATE FUNCTION rohrpost\.record_logical_commits\(.*?\$fn\$;", text, re.S)
    return match.group(0).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


REVERSE = f"""
{_record_logical_commits_of_0007()}
DROP FUNCTION IF EXISTS rohrpost.wait_until_visible(xid8[], interval);
"""


class Migration(migrations.Migration):
    dependencies = [("rohrpost_relay", "0007_logical_capture")]
    operations = [RelaySQL("0008_visible_numbering.sql", reverse_sql=REVERSE)]
