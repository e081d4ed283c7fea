"""Verify a 1,000,000-event log with the real `verify_log`.

The log is built in bulk with the service's own append code (fixtures.build_log): the
demo, then issue/return/move events, a checkpoint every 1,000 events, a signed head.
Baselines, over the same stored rows in the same run:
- `store rows + sha256`: the rows read the way verify reads them (`SqlStore.read_events`)
  and `hashlib.sha256` called once per body. The target's ratio is against this one: it
  isolates what verification adds to reading each event and hashing it once;
- `raw rows + sha256`: the bodies read with plain `sqlite3`, one sha256 per body (the
  floor: what any verifier in Python pays to touch every byte once).
"""

from __future__ import annotations

import hashlib
import sqlite3
import time

from benchmarks import fixtures
from benchmarks.harness import Context, Result, median, ratios, sampled, status
from coldcheck.verification import verify_log

TITLE = "verify a 1,000,000-event log"
TARGET = "≥ 0.5x sha256"
STORE = "store rows + sha256"
RAW = "raw rows + sha256"


def run(ctx: Context) -> list[Result]:
    total = 3_000 if ctx.quick else 1_000_000
    app = fixtures.bulk_log(ctx, total)
    store, pid = app.store, fixtures.PID
    public_key = app.key.public_key_bytes()
    path = store.engine.url.database
    assert path is not None

    def store_sha() -> float:
        start = time.perf_counter()
        n = 0
        for row in store.read_events(pid):
            hashlib.sha256(row.body).digest()
            n += 1
        assert n == total
        return n / (time.perf_counter() - start)

    def raw_sha() -> float:
        conn = sqlite3.connect(path)
        try:
            start = time.perf_counter()
            n = 0
            for (body,) in conn.execute(
                    "SELECT body FROM events WHERE production_id = ? ORDER BY seq", (pid,)):
                hashlib.sha256(body).digest()
                n += 1
        finally:
            conn.close()
        assert n == total
        return n / (time.perf_counter() - start)

    def ours() -> float:
        start = time.perf_counter()
        report = verify_log(store, pid, public_key)
        elapsed = time.perf_counter() - start
        if not report.ok or report.events != total:
            raise AssertionError(f"the bulk log does not verify: {report}")
        return total / elapsed

    raw_sha()  # warm the page cache: every side reads from memory
    baselines_runs: dict[str, list[float]] = {STORE: [], RAW: []}
    ours_runs: list[float] = []
    for _ in range(1 if not ctx.quick else 2):
        baselines_runs[STORE].append(store_sha())
        baselines_runs[RAW].append(raw_sha())
        ctx.log(f"verify: baselines {baselines_runs}")
        ours_runs.append(ours())
        ctx.log(f"verify: ours {ours_runs[-1]:,.0f} events/s")
    baselines_runs[STORE].append(store_sha())
    baselines_runs[RAW].append(raw_sha())
    if ctx.profile_dir is not None:
        with sampled(ctx, "verify"):
            ours()
    mine = median(ours_runs)
    baselines = {name: median(v) for name, v in baselines_runs.items()}
    r = ratios(mine, baselines)
    return [Result("verify", TITLE, "events/s", mine, baselines, r, TARGET,
                   status(r[STORE] >= 0.5),
                   {"events": total, "checkpoints": len(store.checkpoints(pid)),
                    "ours_runs": ours_runs, "baseline_runs": baselines_runs,
                    "target_ratio_against": STORE})]
