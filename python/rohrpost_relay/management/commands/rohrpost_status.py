"""``manage.py rohrpost_status``: which models rohrpost-relay watches, and how."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from rohrpost_relay.watch_state import RelaySQLMissing, watch_states


def describe(state):
    """One line of the report for one table."""
    name = state.model or "(no model)"
    if not state.exists:
        return f"{name}  {state.table}  table missing"
    if not state.watched:
        return f"{name}  {state.table}  not watched"
    columns = "all" if state.columns is None else ", ".join(state.columns)
    line = f"{name}  {state.table}  watched  groups: {', '.join(state.groups)}  columns: {columns}"
    if not state.trigger:
        line += "  (trigger missing: call rohrpost.watch() again)"
    return line


class Command(BaseCommand):
    """Prints, per model, whether it is watched, with its group templates and columns."""

    help = "Prints the rohrpost-relay watch state of every model: watched or not, groups, columns."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, **options):
        try:
            states = watch_states(options["database"])
        except RelaySQLMissing as error:
            raise CommandError(f"{error}: run `manage.py migrate rohrpost_relay` first") from error
        for state in states:
            self.stdout.write(describe(state))
