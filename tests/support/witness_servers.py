"""Real witness servers (`python -m coldcheck witness serve`, each with its own key and
SQLite file) on loopback, for the tests that need one or several."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from coldcheck.ledger import Ed25519Verifier
from coldcheck.store.witness import WitnessStore
from support.server import _free_port


@dataclass(frozen=True)
class WitnessServer:
    name: str
    url: str
    database: str
    vkey: str

    def trust(self, log: Ed25519Verifier) -> None:
        """Have this witness trust a log (as `coldcheck witness trust VKEY` does)."""
        store = WitnessStore(self.database)
        try:
            store.trust(log.name, log.vkey())
        finally:
            store.close()


@contextlib.contextmanager
def witness_servers(folder: Path, *names: str) -> Iterator[list[WitnessServer]]:
    """One witness process per name, each up and answering its key, stopped at the end."""
    started = []
    try:
        for name in names:
            database = f"sqlite:///{folder / name}.db"
            port = _free_port()
            options = ["--database", database, "--key-file", str(folder / f"{name}.key")]
            options += ["--port", str(port)]
            server = subprocess.Popen(
                [sys.executable, "-m", "coldcheck", "witness", "serve", *options],
                stdout=subprocess.DEVNULL,
                stderr=(folder / f"{name}.log").open("w"),
            )
            started.append((server, name, f"http://127.0.0.1:{port}", database))
        yield [
            WitnessServer(name, url, database, _key_when_up(server, url))
            for server, name, url, database in started
        ]
    finally:
        for server, *_ in started:
            server.terminate()
            server.wait(timeout=10)


def _key_when_up(server: subprocess.Popen[bytes], url: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            answer = httpx.get(f"{url}/key", timeout=1)
            if answer.status_code == 200:
                return answer.text.strip()
        except httpx.TransportError:
            pass
        assert server.poll() is None, "a witness did not start"
        assert time.monotonic() < deadline, "a witness did not start in time"
        time.sleep(0.05)


def dead_url() -> str:
    """A loopback URL nothing listens on."""
    return f"http://127.0.0.1:{_free_port()}"
