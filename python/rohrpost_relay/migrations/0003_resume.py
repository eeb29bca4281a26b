"""Release 3 of the relay's SQL: reading one group's events, for clients that resume.

Runs the whole current SQL, as every migration of this app does (see 0001_journal);
reversing it changes nothing.
"""

from django.db import migrations

from rohrpost_relay.relay_sql import RelayMigrate


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("rohrpost_relay", "0002_watch")]
    operations = [RelayMigrate()]
