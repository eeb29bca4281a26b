"""Release 8 of the relay's SQL: logical capture numbers a batch only once its
transactions are visible to every new snapshot.

Runs the whole current SQL, as every migration of this app does (see 0001_journal);
reversing it changes nothing.
"""

from django.db import migrations

from rohrpost_relay.relay_sql import RelayMigrate


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("rohrpost_relay", "0007_logical_capture")]
    operations = [RelayMigrate()]
