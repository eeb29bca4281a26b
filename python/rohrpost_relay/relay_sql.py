"""The relay's SQL files, shipped in this package, as Django migration operations."""

from importlib import resources

from django.db import migrations

#: The advisory lock every rohrpost migration takes (sql/0001_journal.sql), so a relay
#: running ``rohrpost-relay migrate`` and Django never migrate at the same time.
MIGRATION_LOCK = 7248310561000001


def sql_file_names():
    """The names of the shipped SQL files (``0001_journal.sql``, ...), in order."""
    folder = resources.files("rohrpost_relay").joinpath("sql")
    return sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".sql"))


def sql_file_text(file_name):
    """The text of one shipped SQL file."""
    return resources.files("rohrpost_relay").joinpath("sql", file_name).read_text(encoding="utf-8")


#: SQL that numbers every committed transaction still waiting for positions, as the relay's
#: sequencer would (reversing a capture migration leaves none behind).
NUMBER_WHAT_WAITS = """
DO $number$
BEGIN
    WHILE (SELECT s.transactions FROM rohrpost.sequence_commits() s) > 0 LOOP
    END LOOP;
END
$number$;
"""


def _forget_version_sql(version):
    """SQL that removes ``version`` from rohrpost.schema_migrations, if that table exists."""
    return (
        "DO $forget$ BEGIN "
        "IF pg_catalog.to_regclass('rohrpost.schema_migrations') IS NOT NULL THEN "
        f"DELETE FROM rohrpost.schema_migrations WHERE version = {int(version)}; "
        "END IF; END $forget$"
    )


class RelaySQL(migrations.RunSQL):
    """Runs one shipped ``sql/NNNN_name.sql`` file; reversing runs ``reverse_sql`` and
    then forgets the file's version in rohrpost.schema_migrations.

    The files are idempotent (each checks its version), so applying one that
    ``rohrpost-relay migrate`` already applied changes nothing. On a database other than
    PostgreSQL (say SQLite in a project's tests) the operation does nothing.
    """

    def __init__(self, file_name, reverse_sql):
        self.file_name = file_name
        self.reverse_sql_text = reverse_sql
        version = int(file_name.split("_", 1)[0])
        # Lists, so Django runs each text as one statement instead of splitting it with
        # sqlparse, which does not know dollar quotes inside dollar quotes.
        super().__init__(
            sql=[sql_file_text(file_name)],
            reverse_sql=[
                f"SELECT pg_catalog.pg_advisory_xact_lock({MIGRATION_LOCK})",
                reverse_sql,
                _forget_version_sql(version),
            ],
        )

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.file_name, self.reverse_sql_text], {})

    def describe(self):
        return f"rohrpost-relay SQL {self.file_name}"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
