"""The package ships the repository's sql/*.sql: its ``rohrpost_relay/sql`` is a link to
the repository's sql/, which ``pip install`` copies into the package."""

from pathlib import Path

import pytest

from rohrpost_relay.relay_sql import sql_file_names, sql_file_text

PYTHON = Path(__file__).resolve().parents[1]
REPO_SQL = PYTHON.parent / "sql"
PACKAGE_SQL = PYTHON / "rohrpost_relay" / "sql"


def texts(folder):
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.sql"))}


def test_the_package_sources_link_to_the_repository_sql_folder():
    assert texts(REPO_SQL), f"no SQL files in {REPO_SQL}"
    assert PACKAGE_SQL.is_symlink() and PACKAGE_SQL.resolve() == REPO_SQL.resolve(), \
        "rohrpost_relay/sql must stay a link to ../../sql, so the files cannot drift apart"


def test_the_installed_package_ships_the_repository_sql_files():
    installed = {name: sql_file_text(name) for name in sql_file_names()}
    assert installed == texts(REPO_SQL), "reinstall the package: pip install './python[test]'"


def test_every_sql_file_has_its_migration():
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    files = {op.file_name for (app, _), migration in loader.disk_migrations.items() if app == "rohrpost_relay"
             for op in migration.operations}
    assert files == set(texts(REPO_SQL)), "add a migration per new sql/ file (see python/README.md)"
