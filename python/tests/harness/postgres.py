"""A throwaway PostgreSQL cluster for the test session: initdb and pg_ctl in a temp dir.

PostgreSQL refuses to run as root, so as root the binaries run as user postgres
(runuser) and the directory belongs to that user.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bindir():
    """Where initdb and pg_ctl are: ``pg_config --bindir``, else PATH."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True).stdout.strip()
        if (Path(bindir) / "pg_ctl").exists():
            return Path(bindir)
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl is None:
        raise RuntimeError("no PostgreSQL server binaries: install postgresql (initdb, pg_ctl) or put them on PATH")
    return Path(pg_ctl).parent


def free_port():
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresCluster:
    """One cluster on 127.0.0.1:``port``, user postgres, trust authentication."""

    def __init__(self):
        self.bindir = _bindir()
        self.directory = Path(tempfile.mkdtemp(prefix="rohrpost-django-pg-"))
        self.data = self.directory / "data"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self.directory, user.pw_uid, user.pw_gid)
        self.port = None

    def _run(self, *args):
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.directory)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")

    def start(self):
        """initdb, then start on a free port; tries a few ports if one is taken meanwhile."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        for attempt in range(5):
            self.port = free_port()
            options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.directory / "log"), "-w", "-t", "30", "-o", options, "start")
                return self
            except RuntimeError:
                if attempt == 4:
                    raise

    def url(self, database):
        """The libpq URL of ``database`` in this cluster."""
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self):
        """Stops the cluster and removes its directory."""
        try:
            if self.port is not None:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)
