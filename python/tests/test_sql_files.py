"""The package ships the repository's sql/: its ``rohrpost_relay/sql`` is a link to the
repository's sql/, which ``pip install`` copies into the package."""

from pathlib import Path

import pytest

from rohrpost_relay.relay_sql import sql_file_names, sql_file_text

PYTHON = Path(__file__).resolve().parents[1]
REPO_SQL = PYTHON.parent / "sql"
PACKAGE_SQL = PYTHON / "rohrpost_relay" / "sql"


def texts(folder):
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.sql"))}


def test_the_package_sources_link_to_the_repository_sql_folder():
    assert texts(REPO_SQL / "migrations") and texts(REPO_SQL / "definitions"), f"no SQL files in {REPO_SQL}"
    assert PACKAGE_SQL.is_symlink() and PACKAGE_SQL.resolve() == REPO_SQL.resolve(), \
        "rohrpost_relay/sql must stay a link to ../../sql, so the files cannot drift apart"


@pytest.mark.parametrize("folder", ["migrations", "definitions"])
def test_the_installed_package_ships_the_repository_sql_files(folder):
    installed = {name: sql_file_text(name, folder) for name in sql_file_names(folder)}
    assert installed == texts(REPO_SQL / folder), "reinstall the package: pip install './python[test]'"


def test_every_sql_migration_has_a_django_migration_of_its_name():
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    names = {name for (app, name) in loader.disk_migrations if app == "rohrpost_relay"}
    files = {name.removesuffix(".sql") for name in texts(REPO_SQL / "migrations")}
    assert names == files, "add a migration per new sql/migrations file (see python/README.md)"
