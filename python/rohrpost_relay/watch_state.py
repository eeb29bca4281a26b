"""Which tables rohrpost-relay watches, read from rohrpost.watched_tables."""

from dataclasses import dataclass

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections


class RelaySQLMissing(Exception):
    """The database has no rohrpost.watched_tables: the relay's SQL is not installed."""


@dataclass(frozen=True)
class WatchState:
    """One table's watch state. ``model`` is a Django model label, or None for a
    watched table no installed model uses. ``columns`` None means all columns;
    ``trigger`` says whether the capture trigger is on the table."""

    model: str | None
    table: str
    exists: bool
    watched: bool
    groups: tuple = ()
    columns: tuple | None = None
    trigger: bool = False


_WATCHED = """
SELECT w.table_name::oid, w.table_name::text, w.groups, w.columns,
       EXISTS (SELECT FROM pg_catalog.pg_trigger t
               WHERE t.tgrelid = w.table_name AND t.tgname = '_rohrpost_capture')
FROM rohrpost.watched_tables w
WHERE EXISTS (SELECT FROM pg_catalog.pg_class c WHERE c.oid = w.table_name)
ORDER BY 2
"""


def watch_states(using=DEFAULT_DB_ALIAS):
    """The watch state of every installed concrete model, in label order, then of the
    watched tables that no model uses. Raises RelaySQLMissing before ``migrate``."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_catalog.to_regclass('rohrpost.watched_tables') IS NOT NULL")
        if not cursor.fetchone()[0]:
            raise RelaySQLMissing(f"database {using!r} has no rohrpost.watched_tables")
        cursor.execute(_WATCHED)
        watched = {oid: (name, groups, columns, trigger) for oid, name, groups, columns, trigger in cursor.fetchall()}
        models = sorted(
            (m for m in apps.get_models() if not m._meta.proxy and m._meta.concrete_model is m),
            key=lambda m: m._meta.label,
        )
        names = [connection.ops.quote_name(m._meta.db_table) for m in models]
        cursor.execute(
            "SELECT pg_catalog.to_regclass(n)::oid FROM unnest(%s::text[]) WITH ORDINALITY u(n, o) ORDER BY o",
            [names],
        )
        oids = [row[0] for row in cursor.fetchall()]

    states = []
    for model, oid in zip(models, oids):
        table = model._meta.db_table
        if oid in watched:
            _, groups, columns, trigger = watched.pop(oid)
            states.append(WatchState(model._meta.label, table, True, True, tuple(groups),
                                     None if columns is None else tuple(columns), trigger))
        else:
            states.append(WatchState(model._meta.label, table, oid is not None, False))
    for name, groups, columns, trigger in watched.values():
        states.append(WatchState(None, name, True, True, tuple(groups),
                                 None if columns is None else tuple(columns), trigger))
    return states
