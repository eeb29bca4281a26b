"""A subscriber that keeps its groups across reconnects: it connects to a random replica,
subscribes every group (resuming with `since` after the first connection), rebuilds each
group's rows from its events, and reconnects whenever its socket breaks."""

import asyncio
import json
import time

import websockets

from .ledger import GroupLedger

PING_INTERVAL = 2.0  # app-level ping, as rohrpost-js does
SILENCE_LIMIT = 6.0  # no message at all for this long: the socket is dead
REPLY_TIMEOUT = 15.0  # a subscribe unanswered for this long: try another replica


def subscribe_data(group):
    """The subscribe `data` for a group name: `grp-3` is {type: grp, id: 3}, `all` {type: all}."""
    kind, _, ident = group.partition("-")
    return {"type": kind, "id": int(ident)} if ident else {"type": kind}


class Client:
    """One subscriber with its ledgers, reconnecting until stopped."""

    def __init__(self, name, groups, replicas, rng, report):
        self.name = name
        self.ledgers = {group: GroupLedger(group) for group in groups}
        self.replicas = replicas  # list of Replica; .port of each
        self.rng = rng
        self.report = report  # report(client, text): records a violation
        self.socket = None
        self.connections = 0
        self.reconnects = 0
        self.recovered = {True: 0, False: 0}
        self.subscribe_errors = 0
        self.silent_aborts = 0
        self.last_message_at = time.monotonic()
        self.last_event_at = time.monotonic()
        self.subscribed_once = asyncio.Event()
        self._stopping = False
        self._request = 0

    @property
    def events(self):
        return sum(ledger.events for ledger in self.ledgers.values())

    def cut(self):
        """Cuts the socket without a close frame (a fault); False when not connected."""
        if self.socket is None or self.socket.transport is None:
            return False
        self.socket.transport.abort()
        return True

    async def run(self):
        while not self._stopping:
            replica = self.rng.choice(self.replicas)
            try:
                await self._connection(replica)
            except (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException):
                pass
            except Exception as error:  # a bug of the soak or a reply it cannot read: say so, go on
                self.report(self, f"client error on replica {replica.name}: {type(error).__name__}: {error}")
            self.socket = None
            if self._stopping:
                return
            self.reconnects += 1
            await asyncio.sleep(self.rng.uniform(0.05, 0.5))

    async def stop(self):
        self._stopping = True
        if self.socket is not None:
            await self.socket.close()

    async def _connection(self, replica):
        url = f"ws://127.0.0.1:{replica.port}/ws/rohrpost/"
        async with websockets.connect(url, open_timeout=3, ping_interval=None, close_timeout=1,
                                      max_size=None, max_queue=None) as socket:
            self.socket = socket
            self.connections += 1
            self.last_message_at = time.monotonic()
            fresh = self.connections == 1
            pending = {}  # request id -> (group, since or None, sent at)
            confirmed = set()
            for group, ledger in self.ledgers.items():
                data = subscribe_data(group)
                since = None if fresh else ledger.resume_since()
                if since is not None:
                    data["since"] = since
                request_id = self._next_id("s")
                pending[request_id] = (group, since, time.monotonic())
                await socket.send(json.dumps({"id": request_id, "type": "subscribe", "data": data}))
            keepalive = asyncio.create_task(self._keepalive(socket, pending))
            try:
                async for raw in socket:
                    self.last_message_at = time.monotonic()
                    if not self._handle(json.loads(raw), pending, confirmed, replica):
                        socket.transport.abort()
                        return
                    if fresh and not pending:
                        self.subscribed_once.set()
            finally:
                keepalive.cancel()

    def _handle(self, message, pending, confirmed, replica):
        """Handles one message; False to drop the connection and resume elsewhere."""
        kind, request_id = message.get("type"), message.get("id")
        if kind == "subscription-update":
            self.last_event_at = time.monotonic()
            data = message.get("data") or {}
            group = data.get("group")
            ledger = self.ledgers.get(group)
            if ledger is None:
                self.report(self, f"event {request_id} for group {group!r} it never subscribed to")
            elif group not in confirmed:
                self.report(self, f"group {group}: event {request_id} before its subscribe reply")
            else:
                for problem in ledger.apply(request_id, data):
                    self.report(self, f"group {group}: {problem}")
            return True
        if request_id in pending:
            group, since, _ = pending.pop(request_id)
            if "error" in message:
                # Not a violation by itself: a relay may refuse while the database is away.
                self.subscribe_errors += 1
                return False
            data = message.get("data") or {}
            if since is None:
                if isinstance(data.get("position"), int):
                    self.ledgers[group].position = data["position"]
            elif data.get("recovered") is not True:
                self.recovered[False] += 1
                self.report(self, f"group {group}: subscribe with since {since} on replica "
                                  f"{replica.name} answered recovered: "
                                  f"{json.dumps(data['recovered']) if 'recovered' in data else 'absent'}")
                # The events after `since` may be missing: resume again from the same place.
                return False
            else:
                self.recovered[True] += 1
            confirmed.add(group)
            return True
        if kind == "pong" or (isinstance(request_id, str) and request_id.startswith("p")):
            return True
        self.report(self, f"unexpected message from replica {replica.name}: {message}")
        return True

    async def _keepalive(self, socket, pending):
        while True:
            await asyncio.sleep(PING_INTERVAL)
            now = time.monotonic()
            stale = any(now - sent > REPLY_TIMEOUT for _, _, sent in pending.values())
            if now - self.last_message_at > SILENCE_LIMIT or stale:
                self.silent_aborts += 1
                socket.transport.abort()
                return
            try:
                await socket.send(json.dumps({"id": self._next_id("p"), "type": "ping"}))
            except websockets.exceptions.WebSocketException:
                return

    def _next_id(self, prefix):
        self._request += 1
        return f"{prefix}{self._request}"
