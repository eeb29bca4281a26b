"""The package ships copies of the repository's sql/*.sql: they must not drift.
Run ``python python/sync_sql.py`` to bring them in line."""

from pathlib import Path

import pytest

from rohrpost_relay.relay_sql import sql_file_names, sql_file_text

PYTHON = Path(__file__).resolve().parents[1]
REPO_SQL = PYTHON.parent / "sql"
SOURCE_COPIES = PYTHON / "rohrpost_relay" / "sql"


def texts(folder):
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.sql"))}


def test_the_package_sources_hold_exactly_the_repository_sql_files():
    assert texts(REPO_SQL), f"no SQL files in {REPO_SQL}"
    assert texts(SOURCE_COPIES) == texts(REPO_SQL), "run: python python/sync_sql.py"


def test_the_installed_package_ships_the_repository_sql_files():
    installed = {name: sql_file_text(name) for name in sql_file_names()}
    assert installed == texts(REPO_SQL), "reinstall the package: pip install './python[test]'"


def test_every_sql_file_has_its_migration():
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    files = {op.file_name for (app, _), migration in loader.disk_migrations.items() if app == "rohrpost_relay"
             for op in migration.operations}
    assert files == set(texts(REPO_SQL)), "add a migration per new sql/ file (see python/README.md)"
