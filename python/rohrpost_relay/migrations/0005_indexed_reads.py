"""sql/0005_indexed_reads.sql: journal reads that touch only the rows they return.

The file replaces read_events() and read_group_events() with the same signatures and
results and better plans. Reversing only forgets version 5 and keeps the new plans:
nothing that reads the functions can tell, and applying the file again replaces them
with the same code.
"""

from django.db import migrations

from rohrpost_relay.relay_sql import RelaySQL


class Migration(migrations.Migration):
    dependencies = [("rohrpost_relay", "0004_handlers")]
    operations = [RelaySQL("0005_indexed_reads.sql", reverse_sql="SELECT 1")]
