"""Release 9 of the relay's SQL: trigger capture without a lock at commit;
writers take a ticket, and the relay holding the sequencer role numbers them.

Runs the whole current SQL, as every migration of this app does (see 0001_journal);
reversing it changes nothing.
"""

from django.db import migrations

from rohrpost_relay.relay_sql import RelayMigrate


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("rohrpost_relay", "0008_visible_numbering")]
    operations = [RelayMigrate()]
