"""sql/0001_journal.sql: schema rohrpost and the event journal.

Reversing drops schema rohrpost with everything in it, including the triggers that
rohrpost.watch() put on your tables (0002's reverse has removed them already).
"""

from django.db import migrations

from rohrpost_relay.relay_sql import RelaySQL


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        RelaySQL("0001_journal.sql", reverse_sql="DROP SCHEMA IF EXISTS rohrpost CASCADE"),
    ]
