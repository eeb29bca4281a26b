"""Sending a message of your own to a group through the relay."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections


def send(group, type, object, using=DEFAULT_DB_ALIAS):
    """Sends ``object`` to ``group`` as a ``subscription-update`` of ``type`` by calling
    ``rohrpost.send(group, type, object)`` inside the current transaction, so it goes
    out when the transaction commits and never if it rolls back. ``object`` is encoded
    with Django's JSON encoder (dates, decimals, UUIDs). Returns the function's result."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT rohrpost.send(%s, %s, %s::jsonb)",
            [group, type, json.dumps(object, cls=DjangoJSONEncoder)],
        )
        return cursor.fetchone()[0]
