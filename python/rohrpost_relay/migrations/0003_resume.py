"""sql/0003_resume.sql: reading one group's events, for clients that resume."""

from django.db import migrations

from rohrpost_relay.relay_sql import RelaySQL

REVERSE = """
DROP FUNCTION IF EXISTS rohrpost.read_group_events(text, bigint, integer);
DROP FUNCTION IF EXISTS rohrpost.first_position();
"""


class Migration(migrations.Migration):
    dependencies = [("rohrpost_relay", "0002_watch")]
    operations = [RelaySQL("0003_resume.sql", reverse_sql=REVERSE)]
