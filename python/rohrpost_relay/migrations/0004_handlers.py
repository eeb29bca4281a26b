"""sql/0004_handlers.sql: calling SQL functions as rohrpost handlers."""

from django.db import migrations

from rohrpost_relay.relay_sql import RelaySQL

REVERSE = "DROP FUNCTION IF EXISTS rohrpost.call_handler(text, text, jsonb, jsonb)"


class Migration(migrations.Migration):
    dependencies = [("rohrpost_relay", "0003_resume")]
    operations = [RelaySQL("0004_handlers.sql", reverse_sql=REVERSE)]
