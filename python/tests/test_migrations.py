"""The app's migrations install the relay's SQL as ``rohrpost-relay migrate`` does, remove
it all when reversed to zero, and install it again, in the scratch database (the relay
serves another one)."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from harness.relay import RelayProcess
from testapp.models import Collection, Item

pytestmark = pytest.mark.django_db(databases=["scratch"], transaction=True)

REPO_SQL = Path(__file__).resolve().parents[2] / "sql"


def sql_versions():
    """The version numbers of the repository's sql/migrations/*.sql files."""
    return [int(p.name.split("_", 1)[0]) for p in sorted((REPO_SQL / "migrations").glob("*.sql"))]


def query(sql, params=None):
    """Runs sql on the scratch database; its rows, or None for a statement without."""
    with connections["scratch"].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description is not None else None


def recorded_versions():
    """What rohrpost.schema_migrations holds, or None without schema rohrpost."""
    if query("SELECT pg_catalog.to_regclass('rohrpost.schema_migrations')")[0][0] is None:
        return None
    return [row[0] for row in query("SELECT version FROM rohrpost.schema_migrations ORDER BY 1")]


def has_capture_trigger(table):
    return bool(query("SELECT FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = '_rohrpost_capture'", [table]))


def function_exists(signature):
    return query("SELECT pg_catalog.to_regprocedure(%s)", [signature])[0][0] is not None


def migrate(app_label=None, target=None):
    args = [a for a in (app_label, target) if a]
    call_command("migrate", *args, database="scratch", verbosity=0)


def test_migrate_applies_every_sql_file_and_watches_the_model():
    assert recorded_versions() == sql_versions()
    assert has_capture_trigger("testapp_item")
    assert not has_capture_trigger("testapp_collection")


def test_reversing_to_a_later_migration_keeps_the_sql_and_zero_removes_all_of_it(tmp_path):
    # A table watched outside Django: reversing to zero must unwatch it too.
    query("CREATE TABLE extra (id int PRIMARY KEY)")
    query("SELECT rohrpost.watch('extra', ARRAY['extra-{id}'])")
    installed = query("SELECT release, checksum FROM rohrpost.installed_definitions")

    # The relay's SQL is one thing: stepping back to an earlier migration of the app
    # leaves it as it is, and migrating forward again finds nothing to do.
    migrate("rohrpost_relay", "0004_handlers")
    assert recorded_versions() == sql_versions()
    assert function_exists("rohrpost.send(text, text, jsonb)")
    assert has_capture_trigger("extra")
    migrate()
    assert query("SELECT release, checksum FROM rohrpost.installed_definitions") == installed

    migrate("rohrpost_relay", "zero")
    assert recorded_versions() is None
    assert query("SELECT count(*) FROM pg_namespace WHERE nspname = 'rohrpost'") == [(0,)]
    assert query("SELECT count(*) FROM pg_publication WHERE pubname = 'rohrpost_journal'") == [(0,)]
    assert not has_capture_trigger("testapp_item")  # testapp's Watch was reversed first
    assert not has_capture_trigger("extra")
    query("INSERT INTO extra VALUES (1)")  # writes to a formerly watched table still work
    with pytest.raises(CommandError, match="migrate rohrpost_relay"):
        call_command("rohrpost_status", database="scratch")

    migrate()
    assert recorded_versions() == sql_versions()
    assert has_capture_trigger("testapp_item")
    assert not has_capture_trigger("extra")

    # And a relay on the re-migrated database delivers a save.
    from django.conf import settings
    from rohrpost_relay import token_for
    from harness.client import RelayClient

    database = connections["scratch"].settings_dict["NAME"]
    port = connections["scratch"].settings_dict["PORT"]
    relay = RelayProcess(f"postgres://postgres@127.0.0.1:{port}/{database}", [f"--jwt-secret={settings.ROHRPOST_JWT_SECRET}"]).start()
    try:
        with RelayClient(relay.url) as client:
            collection = Collection.objects.using("scratch").create(name="again")
            reply = client.subscribe(token_for(None, ["collection-*"]), "collection", collection.pk)
            assert reply["data"]["group"] == f"collection-{collection.pk}"
            item = Item.objects.using("scratch").create(collection=collection, title="after zero")
            event = client.next_event()
            assert event["data"]["type"] == "create"
            assert event["data"]["object"]["id"] == item.pk
    finally:
        relay.stop()
        query("DROP TABLE extra")


def test_reversing_watch_unwatches_the_model_and_reapplying_watches_it_again():
    migrate("testapp", "0001_initial")
    assert not has_capture_trigger("testapp_item")
    assert query("SELECT count(*) FROM rohrpost.watched_tables WHERE table_name = 'testapp_item'::regclass") == [(0,)]

    migrate("testapp", "0002_watch_item")
    assert has_capture_trigger("testapp_item")
    assert query("SELECT groups, columns FROM rohrpost.watched_tables WHERE table_name = 'testapp_item'::regclass") == [
        (["item-{id}", "collection-{collection_id}"], ["id", "title", "done", "collection_id"])  # table order
    ]


def test_migrating_again_changes_nothing():
    # `rohrpost-relay migrate` and Django may both have run: each file checks its version,
    # and the definitions are installed only when they differ.
    state = """SELECT (SELECT array_agg(applied_at ORDER BY version) FROM rohrpost.schema_migrations),
                      (SELECT installed_at FROM rohrpost.installed_definitions),
                      (SELECT array_agg(xmin::text ORDER BY oid) FROM pg_proc WHERE pronamespace = 'rohrpost'::regnamespace)"""
    before = query(state)
    from rohrpost_relay.relay_sql import RelayMigrate
    from django.db import connections as conns

    with conns["scratch"].schema_editor(atomic=False) as editor:
        RelayMigrate().database_forwards("rohrpost_relay", editor, None, None)
    assert query(state) == before
    assert has_capture_trigger("testapp_item")


def test_migrate_after_rohrpost_relay_migrate_installed_the_sql_itself():
    import subprocess

    from harness.relay import relay_binary

    migrate("rohrpost_relay", "zero")
    settings_dict = connections["scratch"].settings_dict
    url = f"postgres://postgres@127.0.0.1:{settings_dict['PORT']}/{settings_dict['NAME']}"
    subprocess.run([relay_binary(), "migrate"], env={"DATABASE_URL": url}, check=True, capture_output=True)
    by_relay = recorded_versions()
    assert set(sql_versions()) <= set(by_relay)
    installed = "SELECT release, checksum, installed_at FROM rohrpost.installed_definitions"
    definitions_by_relay = query(installed)

    migrate()

    assert recorded_versions() == by_relay
    # The package sends the same definitions as the relay: same checksum, not installed again.
    assert query(installed) == definitions_by_relay
    assert has_capture_trigger("testapp_item")
