"""Projection rebuild from 10^6 events: `replay` over decoded events streamed from the store.

The log is the bulk one (fixtures.bulk_log): issue / return / move of the demo's weapons,
round and round, so the state itself stays the same size however long the log is (it is
bounded by items, people and inspections, not by events). Streaming means memory is then
flat in n too:
- speed: `replay(production, service.records(production))` over all events, untraced;
- memory: tracemalloc's peak over a rebuild of the first n/100 and the first n/10 events
  (tracemalloc slows Python ~8x, so not over all n), and the growth of the process's peak
  RSS (VmHWM, reset through /proc/self/clear_refs) over untraced rebuilds of n/10 and n.
"""

from __future__ import annotations

import gc
import time
import tracemalloc

from benchmarks import fixtures
from benchmarks.harness import INFO, Context, Result, peak_rss_growth, profiled, status
from coldcheck.domain.state import replay
from coldcheck.service import ColdCheck

TITLE = "projection rebuild from 10^6 events"
TARGET = "memory flat in n (streaming)"
MIB = 1024 * 1024


def rebuild(app: ColdCheck, upto: int) -> float:
    start = time.perf_counter()
    state = replay(fixtures.PID, app.records(fixtures.PID, upto=upto))
    elapsed = time.perf_counter() - start
    assert state.seq == upto, (state.seq, upto)
    return upto / elapsed


def traced_peak(app: ColdCheck, upto: int) -> int:
    """Peak bytes Python allocated during a rebuild of the first `upto` events."""
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        replay(fixtures.PID, app.records(fixtures.PID, upto=upto))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


def rss_growth(app: ColdCheck, upto: int) -> int | None:
    """How far the process's peak RSS rose above its RSS during an untraced rebuild."""
    with peak_rss_growth() as grown:
        replay(fixtures.PID, app.records(fixtures.PID, upto=upto))
    return grown["bytes"]


def run(ctx: Context) -> list[Result]:
    total = 3_000 if ctx.quick else 1_000_000
    app = fixtures.bulk_log(ctx, total)
    small, large = total // 100, total // 10
    ctx.log(f"projection: rebuilding {total:,} events")
    speed = rebuild(app, total)
    ctx.log(f"projection: {speed:,.0f} events/s; tracing {small:,} and {large:,}")
    if ctx.profile_dir is not None:
        with profiled(ctx, "projection"):
            rebuild(app, large)
    peaks = {small: traced_peak(app, small), large: traced_peak(app, large)}
    rss = {large: rss_growth(app, large), total: rss_growth(app, total)}
    growth = peaks[large] / peaks[small]
    details = {"events": total, "tracemalloc_peak_bytes": peaks,
               "peak_rss_growth_bytes": rss, "state_items": len(app.state(fixtures.PID).items)}
    return [
        Result("projection", TITLE, "events/s", speed, target="— (speed, for the record)",
               status=INFO, details=details),
        Result("projection-memory",
               f"projection rebuild, peak memory (tracemalloc) at {large:,} events", "MiB",
               peaks[large] / MIB,
               {f"{small:,} events": peaks[small] / MIB}, {f"{small:,} events": growth},
               TARGET, status(growth <= 1.25), details),
    ]
