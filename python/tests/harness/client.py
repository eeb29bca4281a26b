"""A rohrpost WebSocket client for the tests (websockets' sync client)."""

import json
import time

from websockets.sync.client import connect


class RelayClient:
    """Sends requests and keeps the events that arrive meanwhile for ``next_event``."""

    def __init__(self, url):
        # Entered by hand: the connection stays open across calls, and newer
        # websockets warn about a connect() that is not entered.
        self._connect = connect(url, open_timeout=10)
        self.socket = self._connect.__enter__()
        self.next_id = 1
        self.events = []

    def close(self):
        self._connect.__exit__(None, None, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _receive(self, timeout):
        return json.loads(self.socket.recv(timeout=timeout))

    def request(self, type, data=None, token=None, timeout=10):
        """Sends a request and returns its reply."""
        request_id = self.next_id
        self.next_id += 1
        message = {"id": request_id, "type": type}
        if data is not None:
            message["data"] = data
        if token is not None:
            message["auth_jwt"] = token
        self.socket.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            reply = self._receive(max(0.01, deadline - time.monotonic()))
            if reply.get("type") == "subscription-update":
                self.events.append(reply)
            elif reply.get("id") == request_id:
                return reply

    def subscribe(self, token, group_type, group_id=None, since=None):
        """Subscribes to ``<group_type>-<group_id>`` and returns the reply."""
        data = {"type": group_type}
        if group_id is not None:
            data["id"] = group_id
        if since is not None:
            data["since"] = since
        return self.request("subscribe", data, token)

    def next_event(self, timeout=10):
        """The next subscription-update, waiting up to ``timeout`` seconds."""
        if self.events:
            return self.events.pop(0)
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(max(0.01, deadline - time.monotonic()))
            if message.get("type") == "subscription-update":
                return message
            raise AssertionError(f"expected a subscription-update, got {message}")

    def assert_no_event(self, within=0.5):
        """Fails if a subscription-update arrives within ``within`` seconds."""
        if self.events:
            raise AssertionError(f"unexpected event {self.events[0]}")
        try:
            message = self._receive(within)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected message {message}")
