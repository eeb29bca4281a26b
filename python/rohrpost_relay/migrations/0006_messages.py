"""sql/0006_messages.sql: rohrpost.send() and payload functions for rohrpost.watch().

Reversing drops send() and the numbering helpers, forgets the payload column, and puts
back the watch() of sql/0002_watch.sql (taken from the shipped file itself). Triggers
that watch() generated stay as they are; watch a table again to regenerate its trigger.
"""

import re

from django.db import migrations

from rohrpost_relay.relay_sql import RelaySQL, sql_file_text


def _watch_of_0002():
    """The CREATE FUNCTION of rohrpost.watch(regclass, text[], text[]) in 0002_watch.sql."""
    text = sql_file_text("0002_watch.sql")
    match = re.search(r"CREATE FUNCTION rohrpost\.watch\(.*?\$watch\$;", text, re.S)
    return match.group(0)


REVERSE = f"""
DROP FUNCTION IF EXISTS rohrpost.send(text, text, jsonb);
DROP FUNCTION IF EXISTS rohrpost.send(text[], text, jsonb);
DROP FUNCTION IF EXISTS rohrpost.next_event_seq();
DROP FUNCTION IF EXISTS rohrpost.watch(regclass, text[], text[], text);
DROP FUNCTION IF EXISTS rohrpost.numbering_code();
ALTER TABLE rohrpost.watched_tables DROP COLUMN IF EXISTS payload;
COMMENT ON COLUMN rohrpost.journal.kind IS NULL;
{_watch_of_0002()}
"""


class Migration(migrations.Migration):
    dependencies = [("rohrpost_relay", "0005_indexed_reads")]
    operations = [RelaySQL("0006_messages.sql", reverse_sql=REVERSE)]
