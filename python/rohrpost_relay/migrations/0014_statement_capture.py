"""Release 14 of the relay's SQL: a watched table that no other trigger writes from
captures INSERT and DELETE with statement-level triggers, one journal INSERT per statement.

Runs the whole current SQL, as every migration of this app does (see 0001_journal);
reversing it changes nothing.
"""

from django.db import migrations

from rohrpost_relay.relay_sql import RelayMigrate


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("rohrpost_relay", "0013_one_statement_events")]
    operations = [RelayMigrate()]
