"""Settings of the small Django project the tests run; conftest.py starts PostgreSQL and
sets ROHRPOST_TEST_PG_PORT before Django reads them."""

import os

SECRET_KEY = "rohrpost-relay tests"
DEBUG = False
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rohrpost_relay",
    "testapp",
]


def _database(name):
    return {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "127.0.0.1",
        "PORT": os.environ["ROHRPOST_TEST_PG_PORT"],
        "USER": "postgres",
        # A `manage.py` run by a test (test_relay_command.py) is pointed at the test database.
        "NAME": os.environ.get(f"ROHRPOST_TEST_{name.upper()}_NAME", name),
        "TEST": {"NAME": f"test_{name}", "DEPENDENCIES": []},
    }


DATABASES = {
    # The database the relay serves.
    "default": _database("app"),
    # Where the migrations go backwards and forwards, away from the relay.
    "scratch": _database("scratch"),
}
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

ROHRPOST_JWT_SECRET = os.environ["ROHRPOST_TEST_JWT_SECRET"]
ROHRPOST_URL = "ws://127.0.0.1:8000/ws/rohrpost/"  # tests point it at their relay
# `manage.py rohrpost_relay` runs the binary the tests run (harness/relay.py finds it).
ROHRPOST_RELAY_BINARY = os.environ.get("ROHRPOST_TEST_RELAY_BINARY")
