"""``manage.py rohrpost_relay serve``: the relay binary with the project's database and
the package's secret, options passed through, as a Django user runs it."""

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from harness.client import RelayClient
from harness.relay import relay_binary
from rohrpost_relay import token_for
from rohrpost_relay.relay_process import libpq_connection_string, relay_environment
from testapp.models import Collection, Item

TESTS = Path(__file__).resolve().parent


def manage_py(*args):
    """``python -m django <args>`` with the test project's settings, on the test database,
    started in the background; its stderr is read line by line."""
    environment = dict(os.environ)
    environment.update({
        "DJANGO_SETTINGS_MODULE": "testproject.settings",
        "PYTHONPATH": os.pathsep.join([str(TESTS), environment.get("PYTHONPATH", "")]),
        "ROHRPOST_TEST_APP_NAME": connections["default"].settings_dict["NAME"],
        "ROHRPOST_TEST_RELAY_BINARY": relay_binary(),
        # A DATABASE_URL or secret of the caller must not be what the relay uses.
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/wrong",
        "ROHRPOST_JWT_SECRET": "",
    })
    return subprocess.Popen(
        [sys.executable, "-m", "django", *args], env=environment, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.mark.django_db(transaction=True)
def test_serve_runs_the_relay_on_djangos_database_with_the_packages_secret_and_the_options_given():
    process = manage_py("rohrpost_relay", "serve", "--port", "0", "--log-format", "json", "--prune-interval", "0")
    log, port, ready = [], [], threading.Event()

    def read():
        for line in process.stderr:
            log.append(line.rstrip())
            try:
                address = json.loads(line).get("server.address")
            except ValueError:
                continue
            if address and not port:
                port.append(int(address.rsplit(":", 1)[1]))
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(30) and port, "the relay did not start serving:\n" + "\n".join(log)
        collection = Collection.objects.create(name="from manage.py")
        with RelayClient(f"ws://127.0.0.1:{port[0]}/ws/rohrpost/") as client:
            # Signed with settings.ROHRPOST_JWT_SECRET: the relay was given the same one.
            reply = client.subscribe(token_for(None, [f"collection-{collection.pk}"]), "collection", collection.pk)
            assert reply["data"]["group"] == f"collection-{collection.pk}", reply
            assert isinstance(reply["data"]["position"], int), reply
            item = Item.objects.create(collection=collection, title="served")
            event = client.next_event()
            assert event["data"]["object"]["id"] == item.pk
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0, "\n".join(log)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_missing_binary_says_how_to_get_it(settings, monkeypatch):
    settings.ROHRPOST_RELAY_BINARY = None
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(CommandError, match=r"rohrpost-relay is not on PATH: build it .*ROHRPOST_RELAY_BINARY"):
        call_command("rohrpost_relay", "serve")
    settings.ROHRPOST_RELAY_BINARY = "/nonexistent/rohrpost-relay"
    with pytest.raises(CommandError, match=r"ROHRPOST_RELAY_BINARY is '/nonexistent/rohrpost-relay', which is not an executable file"):
        call_command("rohrpost_relay", "serve")


def test_the_relays_failure_is_the_commands_exit_status():
    process = manage_py("rohrpost_relay", "serve", "--no-such-option")
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "--no-such-option" in stderr


def test_the_connection_string_carries_djangos_settings_quoted(settings):
    database = {
        "ENGINE": "django.db.backends.postgresql", "HOST": "db.example", "PORT": 6432, "NAME": "shop",
        "USER": "app", "PASSWORD": "it's a s\\ecret", "OPTIONS": {"sslmode": "require", "pool": True},
    }
    assert libpq_connection_string(database) == (
        "host='db.example' port='6432' dbname='shop' user='app' password='it\\'s a s\\\\ecret' sslmode='require'"
    )
    environment = relay_environment(["serve"], base={"PATH": "/bin"}, database_url="host=db")
    assert environment["ROHRPOST_JWT_SECRET"] == settings.ROHRPOST_JWT_SECRET
    assert environment["DATABASE_URL"] == "host=db" and environment["PATH"] == "/bin"
    # A key given on the command line wins; the settings' secret is not added.
    assert "ROHRPOST_JWT_SECRET" not in relay_environment(["serve", "--jwt-secret-file", "s"], base={}, database_url="x")
