"""send() calls rohrpost.send inside the current transaction. The SQL function comes
with its own sql/ file; until the migrated database has it, these tests are skipped."""

import pytest
from django.db import connection, transaction

from rohrpost_relay import send, token_for

pytestmark = pytest.mark.django_db(transaction=True)

SIGNATURE = "rohrpost.send(text, text, jsonb)"


@pytest.fixture
def subscriber(client_of):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_catalog.to_regprocedure(%s)", [SIGNATURE])
        if cursor.fetchone()[0] is None:
            pytest.skip(f"{SIGNATURE} is not in the migrated database: no sql/ file the package ships defines it yet")
    client = client_of()
    assert client.subscribe(token_for(None, ["notice-*"]), "notice", 1)["data"]["group"] == "notice-1"
    return client


def test_send_reaches_the_group_when_the_transaction_commits(subscriber):
    with transaction.atomic():
        send("notice-1", "create", {"text": "hello", "n": 1})
        subscriber.assert_no_event(within=0.3)

    event = subscriber.next_event()
    assert event["type"] == "subscription-update"
    assert event["data"] == {"type": "create", "group": "notice-1", "object": {"text": "hello", "n": 1}}


def test_send_in_a_rolled_back_transaction_sends_nothing(subscriber):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            send("notice-1", "create", {"text": "never"})
            raise RuntimeError("roll back")

    subscriber.assert_no_event(within=0.5)
