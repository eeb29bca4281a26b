"""A view hands the page its data, current_position() and {% rohrpost_config %}; the
browser connects with them and subscribes with ``since``: it misses nothing committed
after the page was read, and gets nothing from before."""

import json
import re

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import RequestFactory

from harness.client import RelayClient
from rohrpost_relay import current_position
from testapp.models import Collection, Item

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = Template("{% load rohrpost %}<ul>{% for item in items %}<li>{{ item.title }}</li>{% endfor %}</ul>"
                "{% rohrpost_config groups since=position %}")


def render_collection_page(user, collection):
    """What a view does: the position first, then the data (see current_position)."""
    position = current_position()
    items = list(collection.item_set.all())
    request = RequestFactory().get("/")
    request.user = user
    html = PAGE.render(Context({"request": request, "items": items, "position": position,
                                "groups": [f"collection-{collection.pk}"]}))
    return html, position


def page_config(html):
    script = re.search(r'<script id="rohrpost-config" type="application/json">(.*?)</script>', html)
    assert script, html
    return json.loads(script[1])


def test_page_config_carries_the_relay_url_the_position_and_a_token_that_subscribes(relay_settings):
    user = User.objects.create_user("bob")
    collection = Collection.objects.create(name="tools")
    Item.objects.create(collection=collection, title="hammer")

    html, position = render_collection_page(user, collection)
    config = page_config(html)

    assert "<li>hammer</li>" in html
    assert config["url"] == relay_settings.ROHRPOST_URL
    assert config["since"] == position
    with RelayClient(config["url"]) as client:
        reply = client.subscribe(config["token"], "collection", collection.pk, since=config["since"])
        assert reply["data"] == {"group": f"collection-{collection.pk}", "recovered": True, "position": config["since"]}
        client.assert_no_event(within=0.3)  # the hammer is on the page already


def test_subscribing_since_the_page_position_delivers_what_changed_after_it(relay_settings):
    user = User.objects.create_user("carol")
    collection = Collection.objects.create(name="tools")
    Item.objects.create(collection=collection, title="hammer")
    html, _ = render_collection_page(user, collection)
    config = page_config(html)

    # Committed while the page travels to the browser, before it subscribes.
    saw = Item.objects.create(collection=collection, title="saw")

    with RelayClient(config["url"]) as client:
        reply = client.subscribe(config["token"], "collection", collection.pk, since=config["since"])
        assert reply["data"]["recovered"] is True
        event = client.next_event()
        assert event["id"] > config["since"]
        assert event["data"]["object"]["id"] == saw.pk
        assert event["data"]["object"]["title"] == "saw"
        client.assert_no_event(within=0.3)


def test_current_position_is_the_id_of_the_last_committed_event():
    collection = Collection.objects.create(name="tools")
    before = current_position()

    Item.objects.create(collection=collection, title="one")
    Item.objects.create(collection=collection, title="two")

    assert current_position() == before + 2
