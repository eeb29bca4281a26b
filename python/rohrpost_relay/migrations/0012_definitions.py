"""Release 12 of the relay's SQL: the functions and triggers defined once, in
sql/definitions/, and installed by rohrpost.install_definitions.

Runs the whole current SQL, as every migration of this app does (see 0001_journal);
reversing it changes nothing.
"""

from django.db import migrations

from rohrpost_relay.relay_sql import RelayMigrate


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("rohrpost_relay", "0011_stamped_trigger_capture")]
    operations = [RelayMigrate()]
