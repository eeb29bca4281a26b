"""Watch and Unwatch as makemigrations and sqlmigrate see them."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.state import ProjectState
from django.db.migrations.writer import OperationWriter

from rohrpost_relay.operations import Unwatch, Watch
from testapp.models import Item


def written_and_read_back(operation):
    """The operation as a migration file writes it, evaluated again."""
    text, imports = OperationWriter(operation, indentation=0).serialize()
    namespace = {}
    for line in imports:
        exec(line, namespace)
    return eval(text.rstrip(","), namespace)


def test_watch_survives_the_migration_writer():
    watch = Watch("testapp.Item", groups=["item-{id}"], columns=["id", "title"], payload="api.item_json")

    again = written_and_read_back(watch)

    assert isinstance(again, Watch)
    assert again.deconstruct() == watch.deconstruct()
    assert again.deconstruct() == ("Watch", ["testapp.Item"], {
        "groups": ["item-{id}"], "columns": ["id", "title"], "payload": "api.item_json"})


def test_a_model_class_is_written_as_its_label():
    assert written_and_read_back(Unwatch(Item)).deconstruct() == ("Unwatch", ["testapp.Item"], {})


def test_describe_and_name_fragment():
    watch = Watch("testapp.Item", groups=["item-{id}"])
    assert watch.describe() == "Watch testapp.Item for rohrpost-relay (groups item-{id})"
    assert watch.migration_name_fragment == "rohrpost_watch_testapp_item"
    assert Unwatch("public.todo").migration_name_fragment == "rohrpost_unwatch_public_todo"


def test_watch_changes_no_model_state():
    state = ProjectState()
    Watch("testapp.Item").state_forwards("testapp", state)
    assert state.models == {}


def collected_sql(operation, forwards=True):
    """The SQL the operation runs (sqlmigrate's way), against the project's models."""
    state = ProjectState.from_apps(apps)
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        if forwards:
            operation.database_forwards("testapp", editor, state, state)
        else:
            operation.database_backwards("testapp", editor, state, state)
    return editor.collected_sql


@pytest.mark.django_db  # the PostgreSQL driver quotes the parameters
def test_field_names_become_columns_and_payload_is_passed_only_when_given():
    [sql] = collected_sql(Watch("testapp.Item", groups=["collection-{collection}"], columns=["pk", "collection"]))
    assert "rohrpost.watch(table_name => '\"testapp_item\"'::regclass" in sql
    assert "collection-{collection_id}" in sql and "collection_id" in sql.split("columns =>")[1]
    assert "payload" not in sql

    [sql] = collected_sql(Watch("public.todo", payload="api.todo_json"))
    assert "'public.todo'::regclass" in sql
    assert "payload => 'api.todo_json'" in sql


@pytest.mark.django_db
def test_unwatch_reverses_to_watch_with_its_settings():
    [forwards] = collected_sql(Unwatch("testapp.Item", groups=["item-{id}"]))
    [backwards] = collected_sql(Unwatch("testapp.Item", groups=["item-{id}"]), forwards=False)
    assert forwards.startswith("SELECT rohrpost.unwatch(")
    assert backwards.startswith("SELECT rohrpost.watch(") and "item-{id}" in backwards


@pytest.mark.django_db
def test_sqlmigrate_shows_the_watch_call_and_its_reverse():
    from io import StringIO

    from django.core.management import call_command

    forwards, backwards = StringIO(), StringIO()
    call_command("sqlmigrate", "testapp", "0002_watch_item", stdout=forwards)
    call_command("sqlmigrate", "testapp", "0002_watch_item", backwards=True, stdout=backwards)

    assert "SELECT rohrpost.watch(table_name => '\"testapp_item\"'::regclass" in forwards.getvalue()
    assert "SELECT rohrpost.unwatch('\"testapp_item\"'::regclass)" in backwards.getvalue()


def test_watch_of_a_model_the_state_does_not_have_yet_says_where_it_belongs():
    state = ProjectState.from_apps(apps)
    with pytest.raises(ValueError, match="after the migration that creates it"):
        Watch("testapp.Missing")._model(state)
    assert Watch("public.todo")._model(state) is None


@pytest.mark.django_db
def test_makemigrations_finds_nothing_to_do():
    from django.core.management import call_command

    # Exits 1 when a model change has no migration; Watch adds no model state.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
