"""The real rohrpost-relay binary, started as ``rohrpost-relay serve`` for the tests."""

import json
import os
import subprocess
import threading
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]


def relay_binary():
    """$RELAY_BINARY, else ``$(swift build --show-bin-path)/rohrpost-relay`` in the repo."""
    binary = os.environ.get("RELAY_BINARY")
    if not binary:
        bin_path = subprocess.run(
            ["swift", "build", "--show-bin-path"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        binary = str(Path(bin_path) / "rohrpost-relay")
    if not Path(binary).is_file():
        raise RuntimeError(f"no relay binary at {binary}: build it (swift build) or set RELAY_BINARY")
    return binary


class RelayProcess:
    """``rohrpost-relay serve --port 0`` against one database, with the key options in
    ``auth`` (e.g. ``[f"--jwt-secret={secret}"]``: joined with ``=``, since a secret
    may begin with ``-``); the port is read from its JSON start-up log line."""

    def __init__(self, database_url, auth):
        self.database_url = database_url
        self.auth = list(auth)
        self.process = None
        self.port = None
        self.log = []
        self._serving = threading.Event()

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.port}/ws/rohrpost/"

    def start(self, timeout=20):
        # Only what the relay needs: ROHRPOST_* variables of the caller stay out.
        environment = {"PATH": os.environ.get("PATH", ""), "DATABASE_URL": self.database_url}
        self.process = subprocess.Popen(
            [relay_binary(), "serve", "--port", "0", "--log-format", "json", "--prune-interval", "0",
             *self.auth],
            env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        threading.Thread(target=self._read_log, daemon=True).start()
        if not self._serving.wait(timeout) or self.port is None:
            self.stop()
            raise RuntimeError("the relay did not start serving:\n" + "\n".join(self.log))
        return self

    def _read_log(self):
        for line in self.process.stderr:
            self.log.append(line.rstrip())
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            address = entry.get("server.address")
            if address and self.port is None:
                # e.g. "[IPv4]127.0.0.1/127.0.0.1:54321"
                self.port = int(address.rsplit(":", 1)[1])
                self._serving.set()
        self._serving.set()

    def stop(self):
        """SIGTERM, then SIGKILL if it has not exited within 15 seconds."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
