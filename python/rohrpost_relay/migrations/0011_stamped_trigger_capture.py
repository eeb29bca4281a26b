"""Release 11 of the relay's SQL: trigger capture whose writers only append their
journal rows; the sequencer finds committed transactions by their journal rows.

Runs the whole current SQL, as every migration of this app does (see 0001_journal);
reversing it changes nothing.
"""

from django.db import migrations

from rohrpost_relay.relay_sql import RelayMigrate


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("rohrpost_relay", "0010_journal_stamps")]
    operations = [RelayMigrate()]
