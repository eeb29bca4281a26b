"""The fault schedule: every one to three seconds a fault drawn at random, overlapping
freely (a replica may be frozen while PostgreSQL restarts), but never all replicas down or
frozen at once."""

import asyncio
from collections import Counter

KINDS = [
    "kill-replica",  # SIGKILL, restarted 0.2 to 2 s later on the same port
    "freeze-replica",  # SIGSTOP for 2 to 5 s, then SIGCONT
    "terminate-relay-backends",  # pg_terminate_backend of every relay session (not the walsender)
    "terminate-walsender",  # logical capture only
    "restart-postgres-fast",
    "restart-postgres-immediate",
    "cut-client-socket",  # a client's TCP connection aborted, no close frame
]


class Faults:
    """Runs the schedule until stopped; `finish` undoes what is still in effect."""

    def __init__(self, postgres, replicas, clients, mode, rng, log, report, on_fault):
        self.postgres, self.replicas, self.clients = postgres, replicas, clients
        self.kinds = [kind for kind in KINDS if mode == "logical" or kind != "terminate-walsender"]
        self.rng = rng
        self.log = log
        self.report = report  # report(text): a violation (a replica that exited by itself)
        self.on_fault = on_fault  # on_fault(kind): after each fault carried out
        self.counts = Counter()
        self.failures = []  # faults that could not be carried out, with why
        self.supervisor_restarts = 0  # replicas that exited at start-up with PostgreSQL down
        self._stopping = asyncio.Event()
        self._undo = set()

    def start(self):
        self._task = asyncio.create_task(self._run())

    async def _run(self):
        while not self._stopping.is_set():
            try:
                await asyncio.wait_for(self._stopping.wait(), self.rng.uniform(1, 3))
                return
            except asyncio.TimeoutError:
                pass
            await self._restart_crashed()
            kind = self.rng.choice(self.kinds)
            try:
                if await self._inject(kind):
                    self.counts[kind] += 1
                    self.log(f"fault: {kind}")
                    self.on_fault(kind)
            except Exception as error:  # a fault that fails is reported, the soak goes on
                self.failures.append(f"{kind}: {error}")

    async def finish(self):
        """Stops the schedule (after the fault under way), thaws frozen replicas, restarts
        killed ones."""
        self._stopping.set()
        await self._task
        await asyncio.gather(*self._undo, return_exceptions=True)  # at most 5 s
        await self._restart_crashed()
        for replica in self.replicas:
            if replica.frozen:
                replica.thaw()
            if replica.down:
                await replica.start()

    async def _restart_crashed(self):
        for replica in self.replicas:
            code = replica.process.returncode if replica.process else None
            if not replica.down and code is not None:
                replica.down = True
                if replica.refused_to_start_without_database():
                    # As deploy/'s systemd unit does (Restart=on-failure, RestartSec=2s): a
                    # relay started while PostgreSQL was down says so in one line and exits.
                    self.supervisor_restarts += 1
                    await asyncio.sleep(2)
                    await replica.start()
                    continue
                self.report(f"replica {replica.name} exited by itself with code {code} (see its log)")
                await replica.start()

    async def _inject(self, kind):
        usable = [r for r in self.replicas if not r.down and not r.frozen]
        if kind in ("kill-replica", "freeze-replica"):
            if len(usable) < 2:
                return False
            replica = self.rng.choice(usable)
            if kind == "kill-replica":
                await replica.kill()
                self._later(self.rng.uniform(0.2, 2), replica.start)
            else:
                replica.freeze()
                self._later(self.rng.uniform(2, 5), replica.thaw)
        elif kind == "terminate-relay-backends":
            rows = await self.postgres.query(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name LIKE 'rohrpost-relay%' AND backend_type = 'client backend'")
            return rows[0][0] > 0
        elif kind == "terminate-walsender":
            rows = await self.postgres.query(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE backend_type = 'walsender'")
            return rows[0][0] > 0
        elif kind.startswith("restart-postgres-"):
            await self.postgres.restart(kind.removeprefix("restart-postgres-"))
        elif kind == "cut-client-socket":
            connected = [client for client in self.clients if client.socket is not None]
            return bool(connected) and self.rng.choice(connected).cut()
        return True

    def _later(self, delay, action):
        async def undo():
            await asyncio.sleep(delay)
            result = action()
            if asyncio.iscoroutine(result):
                await result

        task = asyncio.create_task(undo())
        self._undo.add(task)
        task.add_done_callback(self._undo.discard)
