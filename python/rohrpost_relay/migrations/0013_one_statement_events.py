"""Release 13 of the relay's SQL: generated triggers write an INSERT's and a
DELETE's journal row in one statement.

Runs the whole current SQL, as every migration of this app does (see 0001_journal);
reversing it changes nothing.
"""

from django.db import migrations

from rohrpost_relay.relay_sql import RelayMigrate


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("rohrpost_relay", "0012_definitions")]
    operations = [RelayMigrate()]
