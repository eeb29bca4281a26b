"""``manage.py rohrpost_status`` reports every model's watch state."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def status_lines():
    out = StringIO()
    call_command("rohrpost_status", stdout=out)
    return out.getvalue().splitlines()


def test_status_lists_the_watched_model_with_its_groups_and_columns_and_the_others_as_not_watched():
    lines = status_lines()

    assert ("testapp.Item  testapp_item  watched  groups: item-{id}, collection-{collection_id}"
            "  columns: id, title, done, collection_id") in lines
    assert "testapp.Collection  testapp_collection  not watched" in lines
    assert "auth.User  auth_user  not watched" in lines


def test_status_follows_watch_calls_made_outside_django():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE loose (id int PRIMARY KEY)")
        cursor.execute("SELECT rohrpost.watch('testapp_collection')")
        cursor.execute("SELECT rohrpost.watch('loose', ARRAY['loose-{id}'])")
    try:
        lines = status_lines()
        assert "testapp.Collection  testapp_collection  watched  groups: testapp_collection-{id}  columns: all" in lines
        assert "(no model)  loose  watched  groups: loose-{id}  columns: all" in lines
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rohrpost.unwatch('testapp_collection')")
            cursor.execute("DROP TABLE loose")
    assert "testapp.Collection  testapp_collection  not watched" in status_lines()
