"""Append under 50 concurrent writers (what group commit would be for).

Ours: 50 threads share one `ColdCheck` (as the request threads of one server worker do),
each running inspect → issue → return cycles on its own weapon, released together by a
barrier. Baseline, interleaved: the raw `sqlite3` single-row durable insert loop of
bench_append (one writer, WAL, synchronous=FULL, one commit per row).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from benchmarks import fixtures
from benchmarks.bench_append import raw_appender
from benchmarks.harness import Context, Result, interleaved, median, ratios, sampled, status
from coldcheck.service import ColdCheck

TITLE = "append, 50 concurrent writers (group commit)"
TARGET = "≥ 2x raw"


def concurrent_appends(app: ColdCheck, items: list[str], cycles: int) -> tuple[float, int]:
    """Every writer runs `cycles` cycles on its item at once; (events/s, events)."""
    barrier = threading.Barrier(len(items) + 1)

    def writer(item: str) -> int:
        barrier.wait(timeout=60)
        done = 0
        for _ in range(cycles):
            for cmd in fixtures.cycle(item):
                done += len(app.execute(fixtures.PID, cmd).records)
        return done

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        futures = [pool.submit(writer, item) for item in items]
        barrier.wait(timeout=60)
        start = time.perf_counter()
        events = sum(f.result(timeout=600) for f in futures)
        elapsed = time.perf_counter() - start
    return events / elapsed, events


def run(ctx: Context) -> list[Result]:
    # 10 cycles (1,500 events a round): with 2, a round lasted ~60 ms and measured mostly
    # the start of 50 threads, not appending.
    writers, cycles, rounds = (5, 1, 1) if ctx.quick else (50, 10, 3)
    folder = ctx.workdir / "concurrent"
    folder.mkdir(parents=True, exist_ok=True)
    app = fixtures.seeded(fixtures.sqlite_url(folder / "ours.db"), folder / "signing.key")
    items = fixtures.add_bench_scene(lambda cmd: app.execute(fixtures.PID, cmd), writers)
    events_per_round = writers * cycles * 3
    raw = raw_appender(folder / "raw.db", 420)
    raw(5)
    ctx.log(f"concurrent: {rounds} interleaved rounds, {writers} writers x {cycles} cycles")
    figures = interleaved(rounds, {
        "ours": lambda: concurrent_appends(app, items, cycles)[0],
        "raw sqlite3, 1 writer": lambda: raw(events_per_round),
    })
    if ctx.profile_dir is not None:
        with sampled(ctx, "concurrent"):
            concurrent_appends(app, items, cycles)
    app.store.close()
    mine = median(figures["ours"])
    baselines = {"raw sqlite3, 1 writer": median(figures["raw sqlite3, 1 writer"])}
    r = ratios(mine, baselines)
    return [Result("concurrent", TITLE, "events/s", mine, baselines, r, TARGET,
                   status(r["raw sqlite3, 1 writer"] >= 2.0),
                   {"writers": writers, "cycles_per_writer": cycles,
                    "events_per_round": events_per_round, "rounds": rounds,
                    "per_round": figures})]
