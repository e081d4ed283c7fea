"""HTTP round trips under 100 concurrent clients, against a real `coldcheck serve`.

The server is the one the race tests use (tests/support/server.py `serving`: the demo
seeded, `coldcheck serve --workers 2` on loopback). 100 weapons are registered in an
approved scene first. Then 100 clients (asyncio, one httpx connection each, all logged in
as the armorer with one token) each run inspect → issue (with the performer's PIN) →
return on their own weapon: three POSTs per cycle, each a rules check and a durable append.
Two load models, both measured:
- paced (the target's row): each client sends a command on average once per
  `PACE_S` seconds (exponential gaps, seeded), 100 commands/s in all — 100 tablets on one
  set, each far busier than an armorer's. Latency is measured from when the request was
  due, not when it was sent, so a server that falls behind is charged for the wait
  (no coordinated omission).
- saturation (for the record): no pause between requests, so by Little's law latency is
  clients / throughput; it measures throughput, and its p99 is mostly queueing.
Baseline: GET /api/v1/health (a no-op of the same app) under the same two load models.
Diagnosis (in the details): one client alone, each request's latency with nothing else
running. Latency is per request, from due time (or send) to the last byte, measured in the
client process. Bounded: a fixed number of requests per client, and a time limit per phase.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import random
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks import fixtures
from benchmarks.harness import Context, Result, percentile, status
from coldcheck import demo
from coldcheck.bootstrap import open_app
from coldcheck.config import Settings

TESTS = Path(__file__).resolve().parents[1] / "tests"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from support import postgres  # noqa: E402
from support.server import Server, serving  # noqa: E402

TARGET = "p99 < 25 ms"
SATURATION_TARGET = "≥ 0.5x the no-op (GET /health)"
PHASE_LIMIT_S = 600.0
PACE_S = 1.0  # paced load: the mean gap between one client's commands
QUICK_PACE_S = 0.1  # quick runs check the phases work, not the latency: no need to wait
EMPTY6 = [{"content": "empty"}] * 6


def _steps(item: str, inspect_only: bool = False) -> list[tuple[str, dict[str, Any]]]:
    if inspect_only:
        return [("inspect-item", {"item_id": item, "barrel": "clear", "chambers": EMPTY6,
                                  "shown_to": ["jack", "dan"]})]
    return [
        ("inspect-item", {"item_id": item, "barrel": "clear", "chambers": EMPTY6,
                          "shown_to": ["jack", "dan"]}),
        ("issue-item", {"item_id": item, "recipient_id": "jack",
                        "scene_id": fixtures.SCENE, "recipient_pin": demo.DEMO_PIN}),
        ("return-item", {"item_id": item, "chambers": EMPTY6}),
    ]


async def _phase(server: Server, headers: dict[str, str], items: list[str], cycles: int,
                 health_requests: int, inspect_only: bool = False,
                 pace_s: float | None = None) -> tuple[dict[str, list[float]], float, int]:
    """Every client at once; (latencies in ms by request kind, wall seconds, failures).

    With `pace_s`, each client's requests fall due at exponential gaps of that mean and
    each latency runs from its due time; without, each request follows the last at once.
    """
    latencies: dict[str, list[float]] = {}
    failures = [0]
    start_gate = asyncio.Event()

    async def client(n: int, item: str) -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        gaps = random.Random(n)  # noqa: S311 -- seeded gaps of a load test, not a secret
        async with httpx.AsyncClient(base_url=server.base, headers=headers, timeout=120,
                                     limits=limits) as http:
            await http.get("/api/v1/health")  # connect before the clock starts
            await start_gate.wait()
            due = time.perf_counter()

            async def timed(kind: str, send: Awaitable[httpx.Response]) -> httpx.Response:
                nonlocal due
                if pace_s is not None:
                    due += gaps.expovariate(1 / pace_s)
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                t0 = due if pace_s is not None else time.perf_counter()
                r = await send
                latencies.setdefault(kind, []).append((time.perf_counter() - t0) * 1e3)
                return r

            for _ in range(health_requests):
                r = await timed("health", http.get("/api/v1/health"))
                failures[0] += r.status_code != 200
            for _ in range(cycles):
                for slug, body in _steps(item, inspect_only):
                    path = f"/api/v1/productions/{server.production}/commands/{slug}"
                    r = await timed(slug, http.post(path, json=body))
                    if r.status_code != 200:
                        failures[0] += 1
                        raise RuntimeError(f"{slug} {item}: {r.status_code} {r.text[:300]}")

    tasks = [asyncio.create_task(client(n, item)) for n, item in enumerate(items)]
    await asyncio.sleep(0.5)
    start = time.perf_counter()
    start_gate.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=PHASE_LIMIT_S)
    return latencies, time.perf_counter() - start, failures[0]


def _summary(latencies: list[float], seconds: float) -> dict[str, float]:
    return {"requests": len(latencies), "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99), "max_ms": max(latencies),
            "req_per_s": len(latencies) / seconds}


def measure(ctx: Context, database_url: str, folder: Path, clients: int, cycles: int,
            workers: int, paced_cycles: int) -> dict[str, Any]:
    """Start the server on the database, set up, run the phases; the figures."""
    pace_s = QUICK_PACE_S if ctx.quick else PACE_S
    with serving(database_url, folder, workers=workers) as server:
        app = open_app(Settings(database_url, folder / "signing.key"))
        items = fixtures.add_bench_scene(lambda cmd: app.execute(fixtures.PID, cmd), clients)
        app.store.close()
        headers = server.login("rosa")
        health_per_client = cycles * 3
        phase = _phases(ctx, server, headers, items)
        ctx.log(f"http: {clients} clients x {cycles} cycles, paced and at saturation")
        h1 = phase("health", cycles=0, health=health_per_client)
        paced = phase("commands, paced", cycles=paced_cycles, pace_s=pace_s)
        paced_health = phase("health, paced", cycles=0, health=paced_cycles * 3,
                             pace_s=pace_s)
        cmd = phase("commands", cycles=cycles)
        h2 = phase("health", cycles=0, health=health_per_client)
        # Diagnosis: one client alone, the floor of each request's latency here.
        one = _phases(ctx, server, headers, items[:1])("one client", cycles=cycles * 3)
        r = httpx.get(f"{server.base}/api/v1/productions/{server.production}/verify",
                      headers=headers, timeout=300)
        verified = r.status_code == 200 and r.json()["ok"]

    def commands(figures: Phase) -> dict[str, float]:
        every = [x for slug in ("inspect-item", "issue-item", "return-item")
                 for x in figures.latencies[slug]]
        return _summary(every, figures.seconds)

    return {
        "clients": clients, "cycles_per_client": cycles, "server_workers": workers,
        "paced_cycles_per_client": paced_cycles,
        "pace_s_per_client": pace_s,
        "paced": commands(paced),
        "paced_health": _summary(paced_health.latencies["health"], paced_health.seconds),
        "commands": commands(cmd),
        "health": _summary(h1.latencies["health"] + h2.latencies["health"],
                           h1.seconds + h2.seconds),
        "by_command": {slug: _summary(cmd.latencies[slug], cmd.seconds)
                       for slug in cmd.latencies},
        "paced_by_command": {slug: _summary(paced.latencies[slug], paced.seconds)
                             for slug in paced.latencies},
        "one_client": {slug: _summary(one.latencies[slug], one.seconds)
                       for slug in one.latencies},
        "failures": sum(p.failures for p in (h1, paced, paced_health, cmd, h2, one)),
        "log_verifies": verified,
    }


@dataclass(frozen=True)
class Phase:
    latencies: dict[str, list[float]]
    seconds: float
    failures: int


def _phases(ctx: Context, server: Server, headers: dict[str, str], items: list[str]
            ) -> Callable[..., Phase]:
    def phase(name: str, cycles: int, health: int = 0, pace_s: float | None = None
              ) -> Phase:
        # The load generator's own garbage collections paused all 100 clients at once
        # (up to 300 ms, charged to the server by the due-time clock): collect before a
        # phase, none during it.
        ctx.log(f"http: {name}")
        gc.collect()
        gc.disable()
        try:
            figures = asyncio.run(_phase(server, headers, items, cycles, health,
                                         pace_s=pace_s))
        finally:
            gc.enable()
        return Phase(*figures)
    return phase


@contextlib.contextmanager
def _postgres(ctx: Context) -> Iterator[str | None]:
    """An admin URL: $COLDCHECK_TEST_POSTGRES_URL, or (full runs) a server of our own."""
    if os.environ.get(postgres.ENV_URL):
        yield os.environ[postgres.ENV_URL]
        return
    if ctx.quick or not postgres.SCRIPT.exists():
        yield None
        return
    ctx.log("http: starting a PostgreSQL server (scripts/postgres-for-tests)")
    with postgres.server() as url:
        yield url


def _row(backend: str, figures: dict[str, Any]) -> list[Result]:
    paced, paced_health = figures["paced"], figures["paced_health"]
    c, h = figures["commands"], figures["health"]
    clean = figures["failures"] == 0 and figures["log_verifies"]
    ok = paced["p99_ms"] < 25 and clean
    name = f"{figures['clients']} clients"
    pace = f"1 command per {figures['pace_s_per_client']:g} s each"
    return [
        Result(f"http-{backend.lower()}",
               f"HTTP inspect/issue/return, {name} ({pace}), {backend} (p99)", "ms",
               paced["p99_ms"], {"GET /health p99, same pace": paced_health["p99_ms"]},
               {"GET /health p99, same pace": paced["p99_ms"] / paced_health["p99_ms"]},
               TARGET, status(ok),
               {**figures, "p50_ms": paced["p50_ms"], "req_per_s": paced["req_per_s"]}),
        Result(f"http-{backend.lower()}-saturation",
               f"HTTP inspect/issue/return, {name} at saturation, {backend}", "req/s",
               c["req_per_s"], {"GET /health": h["req_per_s"]},
               {"GET /health": c["req_per_s"] / h["req_per_s"]},
               SATURATION_TARGET, status(c["req_per_s"] / h["req_per_s"] >= 0.5 and clean),
               {"p50_ms": c["p50_ms"], "p99_ms": c["p99_ms"],
                "health_p50_ms": h["p50_ms"], "health_p99_ms": h["p99_ms"]}),
    ]


def run(ctx: Context) -> list[Result]:
    # Paced: 100 clients x 5 cycles = 1,500 commands, so the p99 is not the 6th-worst of 600.
    clients, cycles, paced_cycles = (4, 1, 1) if ctx.quick else (100, 2, 5)
    workers = 2
    folder = ctx.workdir / "http-sqlite"
    folder.mkdir(parents=True, exist_ok=True)
    url = fixtures.sqlite_url(folder / "coldcheck.db")
    figures = measure(ctx, url, folder, clients, cycles, workers, paced_cycles)
    results = _row("SQLite", figures)
    title = f"HTTP inspect/issue/return, {clients} clients, PostgreSQL (p99)"
    with _postgres(ctx) as admin:
        if admin is None:
            results.append(Result.skipped("http-postgresql", title, "ms", TARGET,
                                          "no PostgreSQL URL"))
            return results
        server = postgres.Server(admin)
        db = server.create()
        try:
            folder = ctx.workdir / "http-postgresql"
            folder.mkdir(parents=True, exist_ok=True)
            figures = measure(ctx, db, folder, clients, cycles, workers, paced_cycles)
            results += _row("PostgreSQL", figures)
        finally:
            server.drop_all()
    return results
