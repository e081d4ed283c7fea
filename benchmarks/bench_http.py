"""HTTP round trips under 100 concurrent clients, against a real `coldcheck serve`.

The server is the one the race tests use (tests/support/server.py `serving`: the demo
seeded, `coldcheck serve --workers 2` on loopback). 100 weapons are registered in an
approved scene first. Then 100 clients (asyncio, one httpx connection each, all logged in
as the armorer with one token) run, all at once:
- baseline: GET /api/v1/health (a no-op of the same app) — before and after ours;
- ours: inspect → issue (with the performer's PIN) → return on the client's own weapon,
  over and over: three POSTs per cycle, each a rules check and a durable append;
- diagnosis (in the details): inspect only, the same appends without the issue's PIN
  check (argon2id), to tell the PIN's cost from the append path's; and one client alone,
  each request's latency with nothing else running.
Latency is per request, from send to the last byte, measured in the client process.
Bounded: a fixed number of requests per client, and a time limit per phase.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Iterator
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

TARGET = "p99 < 25 ms on SQLite"
PHASE_LIMIT_S = 600.0
EMPTY6 = [{"content": "empty"}] * 6


def _steps(item: str, inspect_only: bool = False) -> list[tuple[str, dict[str, Any]]]:
    if inspect_only:
        return [("inspect-item", {"item_id": item, "barrel": "clear", "chambers": EMPTY6,
                                  "shown_to": ["jack"]})]
    return [
        ("inspect-item", {"item_id": item, "barrel": "clear", "chambers": EMPTY6,
                          "shown_to": ["jack"]}),
        ("issue-item", {"item_id": item, "recipient_id": "jack",
                        "scene_id": fixtures.SCENE, "recipient_pin": demo.DEMO_PIN}),
        ("return-item", {"item_id": item, "chambers": EMPTY6}),
    ]


async def _phase(server: Server, headers: dict[str, str], items: list[str], cycles: int,
                 health_requests: int, inspect_only: bool = False
                 ) -> tuple[dict[str, list[float]], float, int]:
    """Every client at once; (latencies in ms by request kind, wall seconds, failures)."""
    latencies: dict[str, list[float]] = {}
    failures = [0]
    start_gate = asyncio.Event()

    async def client(item: str) -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(base_url=server.base, headers=headers, timeout=120,
                                     limits=limits) as http:
            await http.get("/api/v1/health")  # connect before the clock starts
            await start_gate.wait()
            for _ in range(health_requests):
                t0 = time.perf_counter()
                r = await http.get("/api/v1/health")
                latencies.setdefault("health", []).append((time.perf_counter() - t0) * 1e3)
                failures[0] += r.status_code != 200
            for _ in range(cycles):
                for slug, body in _steps(item, inspect_only):
                    path = f"/api/v1/productions/{server.production}/commands/{slug}"
                    t0 = time.perf_counter()
                    r = await http.post(path, json=body)
                    latencies.setdefault(slug, []).append((time.perf_counter() - t0) * 1e3)
                    if r.status_code != 200:
                        failures[0] += 1
                        raise RuntimeError(f"{slug} {item}: {r.status_code} {r.text[:300]}")

    tasks = [asyncio.create_task(client(item)) for item in items]
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
            workers: int) -> dict[str, Any]:
    """Start the server on the database, set up, run the phases; the figures."""
    with serving(database_url, folder, workers=workers) as server:
        app = open_app(Settings(database_url, folder / "signing.key"))
        items = fixtures.add_bench_scene(lambda cmd: app.execute(fixtures.PID, cmd), clients)
        app.store.close()
        headers = server.login("rosa")
        health_per_client = cycles * 3
        ctx.log(f"http: {clients} clients, {health_per_client} health requests each")
        h1, h1_s, f1 = asyncio.run(_phase(server, headers, items, 0, health_per_client))
        ctx.log(f"http: {clients} clients x {cycles} inspect/issue/return cycles")
        cmd, cmd_s, f2 = asyncio.run(_phase(server, headers, items, cycles, 0))
        h2, h2_s, f3 = asyncio.run(_phase(server, headers, items, 0, health_per_client))
        # Diagnosis: the same durable appends without the PIN check (argon2id);
        # and one client alone, the floor of each request's latency on this machine.
        ins, ins_s, f4 = asyncio.run(_phase(server, headers, items, cycles * 3, 0, True))
        one, one_s, f5 = asyncio.run(_phase(server, headers, items[:1], cycles * 3, 0))
        r = httpx.get(f"{server.base}/api/v1/productions/{server.production}/verify",
                      headers=headers, timeout=300)
        verified = r.status_code == 200 and r.json()["ok"]
    commands = [x for slug in ("inspect-item", "issue-item", "return-item")
                for x in cmd[slug]]
    return {
        "clients": clients, "cycles_per_client": cycles, "server_workers": workers,
        "commands": _summary(commands, cmd_s),
        "health": _summary(h1["health"] + h2["health"], h1_s + h2_s),
        "by_command": {slug: _summary(cmd[slug], cmd_s) for slug in cmd},
        "inspect_only": _summary(ins["inspect-item"], ins_s),
        "one_client": {slug: _summary(one[slug], one_s) for slug in one},
        "failures": f1 + f2 + f3 + f4 + f5, "log_verifies": verified,
    }


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


def _row(backend: str, figures: dict[str, Any], target: bool) -> Result:
    c, h = figures["commands"], figures["health"]
    ours = c["p99_ms"]
    baselines = {"GET /health p99": h["p99_ms"]}
    ok = ours < 25 and figures["failures"] == 0 and figures["log_verifies"]
    return Result(
        f"http-{backend.lower()}",
        f"HTTP inspect/issue/return, {figures['clients']} clients, {backend} (p99)", "ms",
        ours, baselines, {"GET /health p99": ours / h["p99_ms"]},
        TARGET if target else "— (p99 < 25 ms is the SQLite target)",
        status(ok) if target else "info",
        {**figures, "p50_ms": c["p50_ms"], "req_per_s": c["req_per_s"],
         "health_p50_ms": h["p50_ms"], "health_req_per_s": h["req_per_s"]})


def run(ctx: Context) -> list[Result]:
    clients, cycles = (4, 1) if ctx.quick else (100, 2)
    workers = 2
    folder = ctx.workdir / "http-sqlite"
    folder.mkdir(parents=True, exist_ok=True)
    url = fixtures.sqlite_url(folder / "coldcheck.db")
    results = [_row("SQLite", measure(ctx, url, folder, clients, cycles, workers), True)]
    title = f"HTTP inspect/issue/return, {clients} clients, PostgreSQL (p99)"
    with _postgres(ctx) as admin:
        if admin is None:
            results.append(Result.skipped("http-postgresql", title, "ms", "—",
                                          "no PostgreSQL URL"))
            return results
        server = postgres.Server(admin)
        db = server.create()
        try:
            folder = ctx.workdir / "http-postgresql"
            folder.mkdir(parents=True, exist_ok=True)
            results.append(_row("PostgreSQL",
                                measure(ctx, db, folder, clients, cycles, workers), False))
        finally:
            server.drop_all()
    return results
