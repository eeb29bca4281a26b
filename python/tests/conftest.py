"""Starts PostgreSQL before Django reads its settings, and the relay once the test
database is migrated. pytest-django creates test_app (served by the relay) and, for the
migration tests, test_scratch, each migrated with this package's migrations."""

import os
import secrets

import pytest

from harness.client import RelayClient
from harness.postgres import PostgresCluster
from harness.relay import RelayProcess

_cluster = None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    global _cluster
    _cluster = PostgresCluster()  # set first, so pytest_unconfigure cleans up a failed start
    _cluster.start()
    os.environ["ROHRPOST_TEST_PG_PORT"] = str(_cluster.port)
    os.environ["ROHRPOST_TEST_JWT_SECRET"] = secrets.token_urlsafe(48)
    os.environ["DJANGO_SETTINGS_MODULE"] = "testproject.settings"
    import django

    django.setup()


def pytest_unconfigure(config):
    if _cluster is not None:
        _cluster.stop()


@pytest.fixture(scope="session")
def relay(django_db_setup):
    """The relay serving the migrated test database, with ROHRPOST_JWT_SECRET."""
    from django.conf import settings
    from django.db import connections

    database = connections["default"].settings_dict["NAME"]
    process = RelayProcess(_cluster.url(database), [f"--jwt-secret={settings.ROHRPOST_JWT_SECRET}"]).start()
    yield process
    process.stop()


@pytest.fixture
def relay_settings(relay, settings):
    """Settings whose ROHRPOST_URL is the running relay's."""
    settings.ROHRPOST_URL = relay.url
    return settings


@pytest.fixture
def client_of(relay):
    """Opens clients to the relay and closes them after the test."""
    opened = []

    def open_client():
        client = RelayClient(relay.url)
        opened.append(client)
        return client

    yield open_client
    for client in opened:
        client.close()
