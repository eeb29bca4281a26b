"""Writes through Django and raw SQL arrive at a WebSocket client as subscription-updates."""

import pytest
from django.db import connection, transaction

from rohrpost_relay import token_for
from testapp.models import Collection, Item

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def collection():
    return Collection.objects.create(name="groceries")


@pytest.fixture
def subscriber(client_of, collection):
    """A client subscribed to the collection's group."""
    client = client_of()
    token = token_for(None, [f"collection-{collection.pk}"])
    reply = client.subscribe(token, "collection", collection.pk)
    assert reply["data"]["group"] == f"collection-{collection.pk}"
    return client


def test_save_arrives_as_create_with_the_watched_columns(subscriber, collection):
    item = Item.objects.create(collection=collection, title="milk", secret="not for browsers")

    event = subscriber.next_event()
    assert event["type"] == "subscription-update"
    assert event["data"] == {
        "type": "create",
        "group": f"collection-{collection.pk}",
        "object": {"id": item.pk, "collection_id": collection.pk, "title": "milk", "done": False},
    }


def test_saving_a_change_arrives_as_update_with_updated_fields(subscriber, collection):
    item = Item.objects.create(collection=collection, title="milk")
    created = subscriber.next_event()

    item.title = "oat milk"
    item.save()

    event = subscriber.next_event()
    assert event["data"]["type"] == "update"
    assert event["data"]["object"]["title"] == "oat milk"
    assert event["data"]["object"]["updated_fields"] == ["title"]
    assert event["id"] > created["id"]


def test_queryset_update_arrives_once_per_row(subscriber, collection):
    first = Item.objects.create(collection=collection, title="eggs")
    second = Item.objects.create(collection=collection, title="flour")
    subscriber.next_event(), subscriber.next_event()

    Item.objects.filter(collection=collection).update(done=True)

    events = [subscriber.next_event(), subscriber.next_event()]
    assert sorted(e["data"]["object"]["id"] for e in events) == [first.pk, second.pk]
    assert all(e["data"]["type"] == "update" and e["data"]["object"]["done"] is True for e in events)
    assert all(e["data"]["object"]["updated_fields"] == ["done"] for e in events)


def test_delete_arrives_with_the_row_as_it_was(subscriber, collection):
    item = Item.objects.create(collection=collection, title="milk")
    subscriber.next_event()
    item_id = item.pk

    item.delete()

    event = subscriber.next_event()
    assert event["data"]["type"] == "delete"
    assert event["data"]["object"] == {"id": item_id, "collection_id": collection.pk, "title": "milk", "done": False}


def test_raw_sql_write_arrives(subscriber, collection):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO testapp_item (collection_id, title, done, secret) VALUES (%s, %s, false, '') RETURNING id",
            [collection.pk, "raw"],
        )
        item_id = cursor.fetchone()[0]

    event = subscriber.next_event()
    assert event["data"]["type"] == "create"
    assert event["data"]["object"] == {"id": item_id, "collection_id": collection.pk, "title": "raw", "done": False}


def test_change_to_a_column_that_is_not_carried_sends_nothing(subscriber, collection):
    item = Item.objects.create(collection=collection, title="milk")
    subscriber.next_event()

    Item.objects.filter(pk=item.pk).update(secret="changed")

    subscriber.assert_no_event(within=0.5)


def test_rolled_back_write_sends_nothing_and_the_next_commit_does(subscriber, collection):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            Item.objects.create(collection=collection, title="rolled back")
            raise RuntimeError("roll back")
    Item.objects.create(collection=collection, title="kept")

    assert subscriber.next_event()["data"]["object"]["title"] == "kept"
