"""The processes the soak runs and breaks: the PostgreSQL cluster (made by
scripts/lib/throwaway-cluster.bash) and the relay replicas."""

import asyncio
import os
import signal
import socket

import psycopg


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Postgres:
    """The throwaway cluster: SQL on a fresh connection each time (so a restart never
    leaves a dead one behind) and pg_ctl restarts, as the postgres OS user when root."""

    def __init__(self, bindir, datadir, port, database):
        self.bindir, self.datadir, self.port = bindir, datadir, port
        self.url = f"postgres://postgres@127.0.0.1:{port}/{database}"
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []

    async def query(self, sql, params=None, attempts=60):
        """Runs `sql` in its own autocommit connection, retrying while the server is away."""
        for attempt in range(attempts):
            try:
                async with await psycopg.AsyncConnection.connect(self.url, autocommit=True,
                                                                  connect_timeout=3) as conn:
                    cursor = await conn.execute(sql, params)
                    return await cursor.fetchall() if cursor.description else []
            except psycopg.OperationalError:
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(0.5)

    async def restart(self, how):
        """pg_ctl restart -m fast|immediate, waiting until the server accepts connections."""
        process = await asyncio.create_subprocess_exec(
            *self.as_pg, f"{self.bindir}/pg_ctl", "-D", self.datadir, "-m", how, "-w", "-t", "60",
            "restart", stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        _, err = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"pg_ctl restart -m {how} failed: {err.decode().strip()}")


class Replica:
    """One `rohrpost-relay serve` on a fixed port: started, SIGKILLed, frozen, restarted."""

    def __init__(self, name, binary, database_url, log_path):
        self.name, self.binary, self.database_url = name, binary, database_url
        self.port = free_port()
        self.log_path = log_path
        self.process = None
        self.frozen = False
        self.down = True

    async def start(self):
        log = open(self.log_path, "ab")
        log.write(f"--- soak: starting {self.name} on port {self.port}\n".encode())
        log.flush()
        self.process = await asyncio.create_subprocess_exec(
            self.binary, "serve", "--auth", "none", "--host", "127.0.0.1", "--port", str(self.port),
            "--database-url", self.database_url, "--log-level", "notice", "--log-format", "json", "--idle-timeout", "0",
            "--shutdown-grace", "1s", stdout=log, stderr=log, stdin=asyncio.subprocess.DEVNULL)
        log.close()
        self.down = False

    def refused_to_start_without_database(self):
        """Whether the process ended with `serve`'s one-line start-up error about an
        unreachable database (PostgreSQL was down or starting when it started)."""
        with open(self.log_path, "rb") as log:
            log.seek(0, 2)
            log.seek(max(0, log.tell() - 2000))
            tail = log.read().decode(errors="replace").strip().splitlines()
        return bool(tail) and tail[-1].startswith("Error: cannot connect to PostgreSQL")

    async def kill(self):
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.down = True

    def freeze(self):
        self.process.send_signal(signal.SIGSTOP)
        self.frozen = True

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)
        self.frozen = False

    async def stop(self):
        """SIGTERM at the end (SIGCONT first, a frozen process takes no SIGTERM)."""
        if self.process is None or self.process.returncode is not None:
            return
        if self.frozen:
            self.thaw()
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 10)
        except asyncio.TimeoutError:
            self.process.kill()
            await self.process.wait()
