"""``manage.py rohrpost_relay serve [options]``: runs the rohrpost-relay binary with the
project's database and the package's signing secret."""

import argparse
import signal
import subprocess

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from rohrpost_relay.relay_process import RelaySetupError, relay_binary, relay_environment


class Command(BaseCommand):
    """Runs ``rohrpost-relay <command> [options]`` (serve, migrate, watch, capture, ...)
    with DATABASE_URL set to Django's database and ROHRPOST_JWT_SECRET (and audience,
    issuer, groups claim) to the package's settings; every option is passed through."""

    help = (
        "Runs the rohrpost-relay binary (ROHRPOST_RELAY_BINARY or rohrpost-relay on PATH) with this project's "
        "database and JWT secret, e.g. `manage.py rohrpost_relay serve --port 8001`; options go to the relay "
        "(`manage.py rohrpost_relay serve --help` lists them)."
    )
    # The relay checks what it needs; Django's system checks would only slow its start.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS,
            help="Database alias whose connection the relay uses (default: default); give it before the relay command.",
        )
        parser.add_argument("relay_command", help="The relay's command: serve, migrate, watch, unwatch, capture, ...")
        parser.add_argument("relay_args", nargs=argparse.REMAINDER, help="Options and arguments for the relay.")

    def handle(self, *args, **options):
        relay_args = [options["relay_command"], *options["relay_args"]]
        try:
            command = [relay_binary(), *relay_args]
            environment = relay_environment(relay_args, alias=options["database"])
        except RelaySetupError as error:
            raise CommandError(str(error)) from error
        process = subprocess.Popen(command, env=environment)
        # SIGTERM and SIGINT go to the relay, which shuts down gracefully; this process
        # ends with it and with its exit status.
        previous = {}
        for number in (signal.SIGTERM, signal.SIGINT):
            previous[number] = signal.signal(number, lambda received, frame: process.send_signal(received))
        try:
            status = process.wait()
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
        if status != 0:
            # The relay said why on standard error; its status says how it ended.
            raise CommandError(f"rohrpost-relay {options['relay_command']} exited with status {status}", returncode=status if status > 0 else 1)
