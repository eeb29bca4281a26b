"""Release 10 of the relay's SQL: every journal row gets a stamp (its column's default,
nextval of rohrpost.commit_ticket), by which 0011's sequencer orders transactions.

Runs the whole current SQL, as every migration of this app does (see 0001_journal);
reversing it changes nothing.
"""

from django.db import migrations

from rohrpost_relay.relay_sql import RelayMigrate


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("rohrpost_relay", "0009_sequenced_trigger_capture")]
    operations = [RelayMigrate()]
