"""sql/0010_journal_stamps.sql: every journal row gets a stamp (its column's default,
nextval of rohrpost.commit_ticket), by which 0011's sequencer orders transactions.

Reversing drops the column.
"""

from django.db import migrations

from rohrpost_relay.relay_sql import RelaySQL

REVERSE = "ALTER TABLE rohrpost.journal DROP COLUMN IF EXISTS stamp;"


class Migration(migrations.Migration):
    dependencies = [("rohrpost_relay", "0009_sequenced_trigger_capture")]
    operations = [RelaySQL("0010_journal_stamps.sql", reverse_sql=REVERSE)]
