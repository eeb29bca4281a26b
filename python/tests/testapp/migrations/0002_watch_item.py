"""Watches Item the way a project would: field names, which Watch turns into columns."""

from django.db import migrations

from rohrpost_relay.operations import Watch


class Migration(migrations.Migration):
    dependencies = [("testapp", "0001_initial"), ("rohrpost_relay", "0002_watch")]
    operations = [
        Watch(
            "testapp.Item",
            groups=["item-{id}", "collection-{collection}"],
            columns=["id", "collection", "title", "done"],
        ),
    ]
