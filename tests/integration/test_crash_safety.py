"""SIGKILL a writer at random moments: every acknowledged event is there exactly once,
nothing half-written shows, and the log and its checkpoints verify after each restart."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from coldcheck.ledger import SigningKey
from coldcheck.verification import verify_log
from support.service_db import PID, open_store, seed_demo

WRITER = Path(__file__).resolve().parents[1] / "support" / "writer.py"
KILLS = 8


def test_writer_killed_at_random_loses_nothing_acknowledged(backend: str, tmp_path: Path) -> None:
    key = SigningKey.generate()
    key_file = tmp_path / "signing.key"
    key.save(key_file)
    seed_demo(backend, key).store.close()
    rng = random.Random(20211021)
    acknowledged: dict[str, int] = {}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for run in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, str(WRITER), backend, str(key_file), f"run{run}"],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        # Let it get going (imports, its first append), then kill it mid-stream: the
        # moment is counted from its first acknowledgement, not from its start, so a slow
        # start on a loaded machine does not turn every run into a kill after one append.
        first = proc.stdout.readline()
        assert first.startswith("ack"), first
        deadline = time.monotonic() + rng.uniform(0.3, 1.2)
        while time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        for line in [first, *proc.stdout.read().splitlines()]:
            if line.startswith("ack "):
                _, event_id, seq = line.split()
                acknowledged[event_id] = int(seq)
        # Restart: the log verifies, checkpoints included, before anyone writes again.
        store = open_store(backend, migrate=False)
        report = verify_log(store, PID, key.public_key_bytes())
        assert report.ok, report.problem
        store.close()
    store = open_store(backend, migrate=False)
    stored = {e.event_id: e.seq for e in store.read_events(PID)}
    seqs = sorted(stored.values())
    assert seqs == list(range(1, len(seqs) + 1))
    for event_id, seq in acknowledged.items():
        assert stored.get(event_id) == seq, f"acknowledged {event_id} #{seq} was lost"
    assert len(acknowledged) > KILLS
    # One signed checkpoint for every multiple of 10 the writers' appends went past.
    demo_end = min(acknowledged.values()) - 1
    later = [cp for cp in store.checkpoints(PID) if cp.size > demo_end]
    assert len(later) == len(seqs) // 10 - demo_end // 10
    store.close()
