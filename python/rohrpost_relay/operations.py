"""Migration operations that watch and unwatch a table for rohrpost-relay.

Use them in a project's own migrations, after the model's table exists::

    from rohrpost_relay.operations import Watch

    class Migration(migrations.Migration):
        dependencies = [("todo", "0001_initial"), ("rohrpost_relay", "0002_watch")]
        operations = [Watch("todo.Item", groups=["item-{id}", "collection-{collection}"])]
"""

import re

from django.core.exceptions import FieldDoesNotExist
from django.db import router
from django.db.migrations.operations.base import Operation

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _column(model, name):
    """The column of ``model``'s field ``name`` ("pk" included); ``name`` itself when
    no such field has a column, so column names pass through."""
    if name == "pk":
        return model._meta.pk.column
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return getattr(field, "column", None) or name


class _WatchOperation(Operation):
    """What Watch and Unwatch share: the target, the watch settings, and the SQL."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_or_table, groups=None, columns=None, payload=None):
        if isinstance(model_or_table, type):
            model_or_table = model_or_table._meta.label
        self.model_or_table = model_or_table
        self.groups = None if groups is None else list(groups)
        self.columns = None if columns is None else list(columns)
        self.payload = payload

    def deconstruct(self):
        kwargs = {}
        for name in ("groups", "columns", "payload"):
            if getattr(self, name) is not None:
                kwargs[name] = getattr(self, name)
        return (self.__class__.__qualname__, [self.model_or_table], kwargs)

    def state_forwards(self, app_label, state):
        """Watching changes no model, so the migration state stays as it is."""

    def _model(self, state):
        """The model that ``model_or_table`` names in ``state``, or None for a table."""
        if "." not in self.model_or_table:
            return None
        app_label, model_name = self.model_or_table.split(".", 1)
        try:
            return state.apps.get_model(app_label, model_name)
        except LookupError:
            if app_label in state.apps.app_configs:
                raise ValueError(
                    f"{self.__class__.__name__}: {self.model_or_table} is no model at this point of the "
                    f"migrations; put the operation after the migration that creates it"
                ) from None
            return None  # "schema.table"

    def _applies(self, app_label, schema_editor, model):
        """Whether to run here: PostgreSQL only, and where the router allows."""
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return False
        if model is not None:
            return self.allow_migrate_model(connection.alias, model)
        return router.allow_migrate(connection.alias, app_label)

    def _table(self, schema_editor, model):
        """The table as rohrpost.watch() takes it (a regclass text)."""
        if model is None:
            return self.model_or_table
        return schema_editor.connection.ops.quote_name(model._meta.db_table)

    def _watch(self, app_label, schema_editor, state):
        """Calls rohrpost.watch with the settings, field names turned into columns."""
        model = self._model(state)
        if not self._applies(app_label, schema_editor, model):
            return
        groups, columns = self.groups, self.columns
        if model is not None:
            if groups is not None:
                groups = [_PLACEHOLDER.sub(lambda m: "{" + _column(model, m[1]) + "}", g) for g in groups]
            if columns is not None:
                columns = [_column(model, c) for c in columns]
        arguments = ["table_name => %s::regclass", "groups => %s::text[]", "columns => %s::text[]"]
        params = [self._table(schema_editor, model), groups, columns]
        # payload is newer than watch(table, groups, columns): name it only when given.
        if self.payload is not None:
            arguments.append("payload => %s")
            params.append(self.payload)
        schema_editor.execute("SELECT rohrpost.watch(" + ", ".join(arguments) + ")", params)

    def _unwatch(self, app_label, schema_editor, state):
        """Calls rohrpost.unwatch."""
        model = self._model(state)
        if not self._applies(app_label, schema_editor, model):
            return
        schema_editor.execute(
            "SELECT rohrpost.unwatch(%s::regclass)", [self._table(schema_editor, model)]
        )

    def _settings_text(self):
        """The given settings for describe(), e.g. " (groups item-{id})"."""
        parts = []
        if self.groups is not None:
            parts.append("groups " + ", ".join(self.groups))
        if self.columns is not None:
            parts.append("columns " + ", ".join(self.columns))
        if self.payload is not None:
            parts.append("payload " + self.payload)
        return f" ({'; '.join(parts)})" if parts else ""

    @property
    def _name_fragment(self):
        """The target as a migration name part: "testapp.Item" -> "testapp_item"."""
        return re.sub(r"\W+", "_", self.model_or_table).strip("_").lower()


class Watch(_WatchOperation):
    """Turns the table's committed row changes into rohrpost events
    (``rohrpost.watch``); reversing unwatches it.

    ``model_or_table``: ``"app_label.ModelName"`` or a table name such as
    ``"public.todo"``. ``groups``: group templates such as ``"collection-{collection}"``
    (default ``<table>-{<primary key>}``). ``columns``: the columns events carry
    (default all). For a model, field names in both become their columns
    (``collection`` is ``collection_id``). ``payload``: a SQL function name, passed
    only when given (it needs a relay SQL version that has the parameter).

    Watching a table that is already watched replaces its settings; reversing such a
    Watch unwatches the table rather than bringing back the earlier settings.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._watch(app_label, schema_editor, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._unwatch(app_label, schema_editor, from_state)

    def describe(self):
        return f"Watch {self.model_or_table} for rohrpost-relay{self._settings_text()}"

    @property
    def migration_name_fragment(self):
        return f"rohrpost_watch_{self._name_fragment}"


class Unwatch(_WatchOperation):
    """Stops the table's row changes becoming events (``rohrpost.unwatch``); reversing
    watches it again with the given ``groups``, ``columns`` and ``payload``, so pass
    the settings it was watched with to make the migration reversible to them."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._unwatch(app_label, schema_editor, from_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._watch(app_label, schema_editor, to_state)

    def describe(self):
        return f"Unwatch {self.model_or_table} for rohrpost-relay"

    @property
    def migration_name_fragment(self):
        return f"rohrpost_unwatch_{self._name_fragment}"
