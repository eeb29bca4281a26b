"""Runs the rohrpost-relay binary for a Django project: the command line and environment
that give it the project's database and the package's signing key, so settings live in
one place (``manage.py rohrpost_relay``)."""

import os
import shutil

from django.conf import settings
from django.db import connections

# libpq's connection keywords that Django's OPTIONS may carry; psycopg's own options
# (isolation_level, pool, ...) mean nothing to the relay and stay out.
LIBPQ_OPTIONS = {
    "application_name", "channel_binding", "connect_timeout", "gssencmode", "keepalives", "keepalives_count",
    "keepalives_idle", "keepalives_interval", "krbsrvname", "options", "passfile", "require_auth", "service",
    "sslcert", "sslcompression", "sslcrl", "sslcrldir", "sslkey", "sslmode", "sslnegotiation", "sslpassword",
    "sslrootcert", "sslsni", "ssl_min_protocol_version", "ssl_max_protocol_version", "target_session_attrs",
    "tcp_user_timeout",
}

HOW_TO_GET_IT = (
    "build it in a checkout of rohrpost-relay (swift build -c release) and put .build/release/rohrpost-relay "
    "on PATH, or set ROHRPOST_RELAY_BINARY to its path"
)


class RelaySetupError(Exception):
    """The relay cannot be run as configured; the message says what to change."""


def relay_binary():
    """The executable: ``settings.ROHRPOST_RELAY_BINARY``, else ``rohrpost-relay`` on PATH."""
    configured = getattr(settings, "ROHRPOST_RELAY_BINARY", None)
    if configured:
        if not (os.path.isfile(configured) and os.access(configured, os.X_OK)):
            raise RelaySetupError(f"ROHRPOST_RELAY_BINARY is {configured!r}, which is not an executable file: {HOW_TO_GET_IT}")
        return configured
    found = shutil.which("rohrpost-relay")
    if not found:
        raise RelaySetupError(f"rohrpost-relay is not on PATH: {HOW_TO_GET_IT}")
    return found


def _quote(value):
    """A libpq key=value value: quoted, with backslashes and quotes escaped."""
    text = str(value)
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def connection_string(alias="default"):
    """The libpq key=value string for Django's database ``alias``."""
    if alias not in connections.databases:
        raise RelaySetupError(f"there is no database {alias!r} in DATABASES")
    database = connections.databases[alias]
    if "postgresql" not in database.get("ENGINE", ""):
        raise RelaySetupError(f"database {alias!r} is {database.get('ENGINE')!r}: the relay needs PostgreSQL")
    return libpq_connection_string(database)


def libpq_connection_string(database):
    """The libpq key=value string for one entry of DATABASES: host, port, dbname, user,
    password and the libpq options among its OPTIONS."""
    options = database.get("OPTIONS") or {}
    parts = {
        "host": database.get("HOST"),
        "port": database.get("PORT"),
        "dbname": database.get("NAME") or (None if "service" in options else "postgres"),
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
    }
    parts.update({key: value for key, value in options.items() if key in LIBPQ_OPTIONS})
    return " ".join(f"{key}={_quote(value)}" for key, value in parts.items() if value not in (None, ""))


def relay_environment(relay_args, alias="default", base=None, database_url=None):
    """The environment the relay runs with: ``base`` (the process's), with
    ``DATABASE_URL`` set to Django's database and the JWT settings the package signs with
    (secret, audience, issuer, groups claim), unless ``relay_args`` gives them itself.
    ``database_url`` replaces the alias's connection string (for tests)."""
    environment = dict(os.environ if base is None else base)
    environment["DATABASE_URL"] = database_url or connection_string(alias)
    given = " ".join(relay_args)

    def unless_given(flag, variable, value):
        if value and f"--{flag}" not in given:
            environment[variable] = str(value)

    secret = getattr(settings, "ROHRPOST_JWT_SECRET", None)
    private_key = getattr(settings, "ROHRPOST_JWT_PRIVATE_KEY", None)
    key_flags = ("--jwt-secret", "--jwt-public-key-file", "--jwks-file", "--auth")
    if private_key and not secret and not any(flag in given for flag in key_flags):
        raise RelaySetupError(
            "ROHRPOST_JWT_PRIVATE_KEY is set: give the relay its public key, e.g. "
            "manage.py rohrpost_relay serve --jwt-public-key-file public.pem (or --jwks-file)"
        )
    unless_given("jwt-secret", "ROHRPOST_JWT_SECRET", secret)
    unless_given("jwt-audience", "ROHRPOST_JWT_AUDIENCE", getattr(settings, "ROHRPOST_JWT_AUDIENCE", None))
    unless_given("jwt-issuer", "ROHRPOST_JWT_ISSUER", getattr(settings, "ROHRPOST_JWT_ISSUER", None))
    unless_given("groups-claim", "ROHRPOST_GROUPS_CLAIM", getattr(settings, "ROHRPOST_GROUPS_CLAIM", None))
    return environment
