"""Release 1 of the relay's SQL: schema rohrpost and the event journal.

Like every migration of this app it runs the whole current SQL (``RelayMigrate``, as
``rohrpost-relay migrate`` does), so the first one Django applies installs everything and
the others find nothing left to do. Reversing this one (``migrate rohrpost_relay zero``)
removes it all: every watched table's trigger, the replication slot, the publication and
schema rohrpost with everything in it; reversing the others changes nothing.
"""

from django.db import migrations

from rohrpost_relay.relay_sql import RelayMigrate


class Migration(migrations.Migration):
    initial = True
    atomic = False
    dependencies = []
    operations = [RelayMigrate(remove_on_reverse=True)]
