"""The relay's SQL, shipped in this package, as a Django migration operation.

``sql/migrations/*.sql`` hold the tables, indexes and data, each file guarded by its
version; ``sql/definitions/*.sql`` hold every function and trigger once. ``RelayMigrate``
does what ``rohrpost-relay migrate`` does: each migration in file-name order, each in a
transaction of its own, then ``rohrpost.install_definitions(release, definitions)``, which
applies the definitions only when they differ from the installed ones and no newer release
installed its own (sql/migrations/0012_definitions.sql).
"""

import json
from importlib import resources

from django.db.migrations.operations.base import Operation

#: The advisory lock every rohrpost migration takes (sql/migrations/0001_journal.sql), so a
#: relay running ``rohrpost-relay migrate`` and Django never migrate at the same time.
MIGRATION_LOCK = 7248310561000001


def _folder(name):
    return resources.files("rohrpost_relay").joinpath("sql", name)


def sql_file_names(folder="migrations"):
    """The names of the shipped SQL files of ``sql/<folder>`` (``migrations`` or
    ``definitions``), in the order they apply."""
    return sorted(entry.name for entry in _folder(folder).iterdir() if entry.name.endswith(".sql"))


def sql_file_text(file_name, folder="migrations"):
    """The text of one shipped SQL file of ``sql/<folder>``."""
    return _folder(folder).joinpath(file_name).read_text(encoding="utf-8")


def release():
    """The release the shipped SQL makes: the highest migration version."""
    return max(int(name.split("_", 1)[0]) for name in sql_file_names())


def definitions_json():
    """The shipped definitions as rohrpost.install_definitions takes them (the same JSON
    array the relay sends, so both give the same checksum)."""
    return json.dumps([{"name": name, "sql": sql_file_text(name, "definitions")}
                       for name in sql_file_names("definitions")])


#: Removes everything the relay's SQL installed: every watched table's trigger, the
#: replication slot of logical capture (once no relay streams from it), the publication and
#: schema rohrpost with all in it, including functions a project put there.
REMOVE_ALL = f"""
SELECT pg_catalog.pg_advisory_xact_lock({MIGRATION_LOCK});
DO $remove$
DECLARE
    watched regclass;
BEGIN
    IF pg_catalog.to_regclass('rohrpost.watched_tables') IS NOT NULL THEN
        FOR watched IN SELECT w.table_name FROM rohrpost.watched_tables w LOOP
            PERFORM rohrpost.unwatch(watched);
        END LOOP;
    END IF;
    IF pg_catalog.to_regclass('rohrpost.capture') IS NOT NULL THEN
        IF EXISTS (SELECT FROM pg_catalog.pg_replication_slots s
                   WHERE s.slot_name = (SELECT c.slot_name FROM rohrpost.capture c) AND s.active) THEN
            RAISE EXCEPTION 'rohrpost: a relay streams from replication slot %: stop the relays before removing rohrpost',
                (SELECT c.slot_name FROM rohrpost.capture c);
        END IF;
        PERFORM pg_catalog.pg_drop_replication_slot(s.slot_name) FROM pg_catalog.pg_replication_slots s
            WHERE s.slot_name = (SELECT c.slot_name FROM rohrpost.capture c);
    END IF;
END
$remove$;
DROP PUBLICATION IF EXISTS rohrpost_journal;
DROP SCHEMA IF EXISTS rohrpost CASCADE;
"""


class RelayMigrate(Operation):
    """Brings the database's relay SQL to the package's release, as ``rohrpost-relay
    migrate`` does; safe to run any number of times, and next to a relay that migrates.

    Every migration of this app runs it, so whichever Django applies first installs the
    whole current SQL and the others find nothing to do; a new release adds a migration
    that runs it again. Reversing does nothing, except with ``remove_on_reverse`` (the
    app's first migration), which removes everything (``migrate rohrpost_relay zero``).
    Use it in a migration with ``atomic = False``: each step commits on its own, as the
    relay's migrate does, so writers of watched tables never wait for it in a circle.
    On a database other than PostgreSQL (say SQLite in a project's tests) it does nothing.
    """

    reversible = True
    reduces_to_sql = False

    def __init__(self, remove_on_reverse=False):
        self.remove_on_reverse = remove_on_reverse

    def deconstruct(self):
        kwargs = {"remove_on_reverse": True} if self.remove_on_reverse else {}
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        """The relay's SQL has no models: the migration state stays as it is."""

    def describe(self):
        return "rohrpost-relay SQL: migrations and definitions"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for name in sql_file_names():
                cursor.execute(sql_file_text(name))
            cursor.execute("SELECT rohrpost.install_definitions(%s, %s::jsonb)", [release(), definitions_json()])

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql" or not self.remove_on_reverse:
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(REMOVE_ALL)
