"""A real witness (`python -m coldcheck witness serve`, its own key and SQLite file) on
loopback cosigns a real log's checkpoints over HTTP, then refuses a forked and a
truncated checkpoint the log's key signed, and shows both alarms. The log is on SQLite
and on PostgreSQL; the witness keeps its own SQLite file."""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from coldcheck.cli import app
from coldcheck.ledger import (
    CosignatureVerifier,
    Ed25519Verifier,
    MerkleTree,
    SignedCheckpoint,
    checkpoint_note,
    leaf_hash,
    open_note,
)
from coldcheck.ledger.witness_protocol import format_request
from support.api_client import BASE, PID, Api, close, seeded

ROUND_TRIPS = 50


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _coldcheck(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coldcheck", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "COLUMNS": "300"},
    )


@pytest.fixture
def api(backend: str) -> Iterator[Api]:
    made = seeded(backend)
    yield made
    close(made)


@pytest.fixture
def witness(api: Api, tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    """The witness's URL, trusting the log's key; and its own options."""
    options = ["--database", f"sqlite:///{tmp_path / 'witness.db'}"]
    options += ["--key-file", str(tmp_path / "witness.key")]
    vkey = api.get(f"{BASE}/checkpoint/key", "rosa").json()["vkey"]
    assert "trusted: coldcheck." in _coldcheck("witness", "trust", vkey, *options).stdout
    port = _free_port()
    log = tmp_path / "witness.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "coldcheck", "witness", "serve", *options, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/key", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the witness did not start"
            time.sleep(0.1)
        yield url, options
    finally:
        server.terminate()
        server.wait(timeout=10)


def _note(api: Api) -> tuple[str, int]:
    text: str = api.get(f"{BASE}/checkpoint", "rosa").text
    return text, int(text.split("\n")[1])


def test_a_witness_cosigns_the_log_and_alarms_at_a_fork_and_a_truncation(
    api: Api, witness: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, options = witness
    cosigner = CosignatureVerifier.from_vkey(httpx.get(f"{url}/key").text.strip())
    with httpx.Client(base_url=url, timeout=10) as client:
        first, old = _note(api)
        r = client.post("/add-checkpoint", content=format_request(0, [], first))
        assert r.status_code == 200, r.text
        assert open_note(first + r.text, [cosigner]).text == first.split("\n\n")[0] + "\n"

        api.add_person("ned", ("crew",), account=False)
        second, size = _note(api)
        c = api.get(f"{BASE}/proofs/consistency", "rosa", old_size=old, tree_size=size).json()
        request = format_request(old, [_b64(h) for h in c["proof"]], second)
        r = client.post("/add-checkpoint", content=request)
        assert r.status_code == 200, r.text
        origin = second.split("\n")[0]
        latest = client.get(f"/{hashlib.sha256(origin.encode()).hexdigest()}/checkpoint")
        assert latest.text == second + r.text

        # The same checkpoint again is cosigned again: the round trip a log makes.
        same = format_request(size, [], second)
        times = []
        for _ in range(ROUND_TRIPS):
            start = time.perf_counter()
            assert client.post("/add-checkpoint", content=same).status_code == 200
            times.append(time.perf_counter() - start)
        print(
            f"cosign round trip: median {statistics.median(times) * 1000:.2f} ms of {ROUND_TRIPS}"
        )

        # The log's own client: old 0, the witness's 409 with its size, then the proof.
        api.add_person("ona", ("crew",), account=False)
        key_file = tmp_path / "log.key"
        api.service.key.save(key_file)
        shell = ["--database-url", api.service.store.url, "--key-file", str(key_file)]
        done = CliRunner().invoke(
            app, [*shell, "witness", "submit", url, "--witness-vkey", cosigner.vkey()]
        )
        assert done.exit_code == 0, done.output
        third, size = _note(api)
        assert done.output.startswith(third)
        log_key = Ed25519Verifier.from_vkey(
            api.get(f"{BASE}/checkpoint/key", "rosa").json()["vkey"]
        )
        assert len(open_note(done.output, [log_key, cosigner]).signatures) == 2
        latest = client.get(f"/{hashlib.sha256(origin.encode()).hexdigest()}/checkpoint")
        assert latest.text == done.output

        # A fork: the log's key signs a tree whose second event was rewritten.
        leaves = [leaf_hash(stored.body) for stored, _ in api.service.proven_events(PID)]
        leaves[1] = leaf_hash(b"rewritten")
        forked = MerkleTree.from_leaf_hashes([*leaves, leaf_hash(b"next")])
        fork = _signed(api, origin, forked, size + 1)
        r = client.post(
            "/add-checkpoint",
            content=format_request(size, forked.consistency_proof(size, size + 1), fork),
        )
        assert r.status_code == 422, r.text
        # A truncation: the log's key signs fewer events than were cosigned.
        truncated = _signed(api, origin, forked, size - 3)
        r = client.post("/add-checkpoint", content=format_request(size, [], truncated))
        assert r.status_code == 400, r.text
        r = client.post("/add-checkpoint", content=format_request(0, [], truncated))
        assert r.status_code == 409
        assert (r.text, r.headers["content-type"]) == (f"{size}\n", "text/x.tlog.size")

        alarms = client.get("/alarms").json()
        assert [a["kind"] for a in alarms] == ["inconsistent", "smaller", "smaller"]
        assert [a["note"] for a in alarms] == [fork, truncated, truncated]
        assert client.get(f"/{hashlib.sha256(origin.encode()).hexdigest()}/checkpoint").text == (
            latest.text
        ), "nothing refused replaced what was cosigned"
    shown = _coldcheck("witness", "alarms", options[0], options[1]).stdout
    assert f"#1 {origin} at " in shown
    assert ": inconsistent: from " in shown


def _signed(api: Api, origin: str, tree: MerkleTree, size: int) -> str:
    signed = SignedCheckpoint.sign(api.service.key, PID, size, tree.root(size), 1)
    return checkpoint_note(api.service.key, origin, signed)


def _b64(text: str) -> bytes:
    return base64.b64decode(text)
