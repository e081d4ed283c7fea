"""Studio scale: 100 productions on one PostgreSQL, 10 tablets each, against one server.

One database holds 100 productions, each set up as the demo's (`demo.setup`: its people,
authorities, storage, weapons and training) plus an approved scene with 10 weapons of its
own (`fixtures.add_bench_scene`); the armorer `rosa` and the performer `jack` (with his
PIN) have one account each, linked to every production, so one token serves all clients.
A real `coldcheck serve --workers 2` serves it. 1,000 asyncio clients (one httpx connection
each, RLIMIT_NOFILE raised to its hard limit for them) each stand for a tablet on one
production with one weapon of its own, and each command is drawn (seeded) from a mix:
60 % the next step of the weapon's inspect → issue (with the PIN) → return cycle, 30 % a
board read (`GET …/board`), 10 % a concern raised (`raise-concern`).
- paced (the target's rows): each client's commands fall due at exponential gaps of mean
  `PACE_S` (seeded), for `DURATION_S`: about 100 commands/s in all. Latency runs from the
  due time (no coordinated omission), as in bench_http.
- saturation (for the record): every client sends its next request as soon as the last
  one answered; throughput, against GET /health from the same 1,000 clients.
Isolation: each production's p99 (paced). The "busiest" production is the one that sent
the most requests, the "quietest" the one that sent the fewest (the seeded gaps make them
differ); no production is slowed by another when the busiest's p99 is at most twice the
quietest's. With ~75 requests a production, a production's p99 is nearly its maximum:
the spread of all 100 (min, median, max) is in the details too.
Pinning: the server's processes on core 0, this load generator on core 1
(`os.sched_setaffinity`); PostgreSQL is not pinned (it may share either core). A second,
external generator, Debian's `wrk` (on core 1 too), reads /health and one production's
board at the same concurrency, its percentiles beside ours.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import httpx

from benchmarks import fixtures
from benchmarks.bench_http import EMPTY6, _postgres
from benchmarks.harness import Context, Result, percentile, status
from coldcheck import demo
from coldcheck.accounts import Accounts, pin_pepper
from coldcheck.bootstrap import open_app
from coldcheck.config import Settings
from coldcheck.service import ColdCheck

TESTS = Path(__file__).resolve().parents[1] / "tests"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from support import postgres  # noqa: E402
from support.passwords import FAST_HASHER  # noqa: E402
from support.server import Server, serving  # noqa: E402

TARGET = "p99 < 25 ms; busiest production's p99 ≤ 2x the quietest's"
PHASE_LIMIT_S = 600.0
PACE_S = 10.0
DURATION_S = 75.0
QUICK = {"productions": 2, "devices": 2, "pace_s": 0.2, "duration_s": 3.0}
FULL = {"productions": 100, "devices": 10, "pace_s": PACE_S, "duration_s": DURATION_S}
MIX = (("cycle", 0.6), ("board", 0.3), ("concern", 0.1))
CYCLE = ("inspect-item", "issue-item", "return-item")
SERVER_CORE, CLIENT_CORE = 0, 1
KEEPALIVE_S = 4.0  # under the server's 5 s
SKIPPED_ROWS = (  # what a run without PostgreSQL reports
    (
        "studio-scale",
        "Studio scale, 100 productions x 10 devices on one PostgreSQL (p99)",
        "ms",
        TARGET,
    ),
    (
        "studio-scale-isolation",
        "Studio scale, busiest production's p99 vs the quietest's",
        "ms",
        "≤ 2x (no production slowed by another)",
    ),
    ("studio-scale-saturation", "Studio scale, 1,000 clients at saturation", "req/s", "—"),
)


def production_id(p: int) -> str:
    return f"studio-{p:03d}"


def seed(database_url: str, key: Path, productions: int, devices: int) -> list[str]:
    """The productions, each with `devices` weapons in an approved scene, and the accounts."""
    app = open_app(Settings(database_url, key), create=True)
    ids = [production_id(p) for p in range(productions)]
    for pid in ids:
        run = _runner(app, pid)
        demo.setup(run)
        fixtures.add_bench_scene(run, devices)
    accounts = Accounts(app.account_rows(), pin_pepper(app.key), app.clock, FAST_HASHER)
    for person in ("rosa", "jack", "dan"):
        accounts.create(person, demo.DEMO_PASSWORD)
        accounts.set_pin(person, demo.DEMO_PIN)
        for pid in ids:
            accounts.rows.link(person, pid, person)
    app.store.close()
    return ids


def _runner(app: ColdCheck, pid: str) -> Any:
    return lambda cmd: app.execute(pid, cmd)


def _request(kind: str, item: str) -> tuple[str, dict[str, Any] | None]:
    """The path (under the production) and body of one request of this kind."""
    match kind:
        case "inspect-item":
            return "commands/inspect-item", {
                "item_id": item,
                "barrel": "clear",
                "chambers": EMPTY6,
                "shown_to": ["jack", "dan"],
            }
        case "issue-item":
            return "commands/issue-item", {
                "item_id": item,
                "recipient_id": "jack",
                "scene_id": fixtures.SCENE,
                "recipient_pin": demo.DEMO_PIN,
            }
        case "return-item":
            return "commands/return-item", {"item_id": item, "chambers": EMPTY6}
        case "board":
            return "board", None
        case _:
            return "commands/raise-concern", {
                "text": f"benchmark: {item} looked scuffed",
                "item_id": item,
            }


async def _phase(
    base: str,
    headers: dict[str, str],
    clients: list[tuple[str, str]],
    steps: list[int],
    pace_s: float | None,
    duration_s: float,
    requests: int,
    health: bool = False,
) -> dict[str, Any]:
    """Every client at once. Paced (`pace_s`): requests fall due for `duration_s`;
    otherwise `requests` back to back. Latencies in ms by (production, kind). `steps[n]`
    is where client n's weapon is in its inspect → issue → return cycle, carried from one
    phase to the next (a weapon left issued is returned first)."""
    latencies: dict[tuple[str, str], list[float]] = {}
    failures: list[str] = []
    gate = asyncio.Event()

    async def client(n: int, pid: str, item: str) -> None:
        rng = random.Random(n)  # noqa: S311 -- seeded gaps and mix of a load test
        # The server closes a connection idle for 5 s (uvicorn's keep-alive); a tablet
        # idle for longer (gaps of mean 10 s) would race that close with its next request.
        # Dropping it after KEEPALIVE_S instead opens a new one, its connect in the latency.
        limits = httpx.Limits(
            max_connections=1, max_keepalive_connections=1, keepalive_expiry=KEEPALIVE_S
        )
        async with httpx.AsyncClient(
            base_url=base, headers=headers, timeout=120, limits=limits
        ) as http:
            await http.get("/api/v1/health")  # connect before the clock starts
            await gate.wait()
            due = start = time.perf_counter()
            sent = 0
            while True:
                if pace_s is not None:
                    due += rng.expovariate(1 / pace_s)
                    if due - start > duration_s:
                        return
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                elif sent == requests:
                    return
                sent += 1
                if health:
                    kind, path, body = "health", "/api/v1/health", None
                else:
                    kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
                    if kind == "cycle":
                        kind, steps[n] = CYCLE[steps[n]], (steps[n] + 1) % 3
                    tail, body = _request(kind, item)
                    path = f"/api/v1/productions/{pid}/{tail}"
                t0 = due if pace_s is not None else time.perf_counter()
                try:
                    r = await (http.get(path) if body is None else http.post(path, json=body))
                    failure = "" if r.status_code == 200 else f"{r.status_code} {r.text[:200]}"
                except httpx.TransportError as exc:
                    failure = repr(exc)
                latencies.setdefault((pid, kind), []).append((time.perf_counter() - t0) * 1e3)
                if failure:
                    failures.append(f"{pid} {kind} {item}: {failure}")
                    if kind in CYCLE:
                        return  # the weapon's cycle is out of step: stop this client

    tasks = [asyncio.create_task(client(n, pid, item)) for n, (pid, item) in enumerate(clients)]
    await asyncio.sleep(1.0)
    started = time.perf_counter()
    gate.set()
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=PHASE_LIMIT_S)
    return {"latencies": latencies, "seconds": time.perf_counter() - started, "failures": failures}


def _run_phase(ctx: Context, name: str, run: Coroutine[Any, Any, dict[str, Any]]) -> dict[str, Any]:
    # As in bench_http: the generator's garbage collections would pause every client at
    # once and be charged to the server; collect before, none during.
    ctx.log(f"studio_scale: {name}")
    gc.collect()
    gc.disable()
    try:
        return asyncio.run(run)
    finally:
        gc.enable()


def _summary(values: list[float], seconds: float) -> dict[str, float]:
    return {
        "requests": len(values),
        "p50_ms": percentile(values, 50),
        "p99_ms": percentile(values, 99),
        "max_ms": max(values),
        "req_per_s": len(values) / seconds,
    }


def _figures(phase: dict[str, Any]) -> dict[str, Any]:
    lat: dict[tuple[str, str], list[float]] = phase["latencies"]
    every = [x for xs in lat.values() for x in xs]
    kinds = sorted({k for _, k in lat})
    pids = sorted({p for p, _ in lat})
    by_kind = {
        k: _summary([x for (_, kk), xs in lat.items() if kk == k for x in xs], phase["seconds"])
        for k in kinds
    }
    by_pid = {p: [x for (pp, _), xs in lat.items() if pp == p for x in xs] for p in pids}
    out: dict[str, Any] = {
        **_summary(every, phase["seconds"]),
        "by_kind": by_kind,
        "failures": len(phase["failures"]),
        "failure_samples": phase["failures"][:5],
    }
    if len(by_pid) > 1:
        busiest = max(pids, key=lambda p: len(by_pid[p]))
        quietest = min(pids, key=lambda p: len(by_pid[p]))
        p99s = sorted(percentile(xs, 99) for xs in by_pid.values())
        out["isolation"] = {
            "busiest": busiest,
            "busiest_requests": len(by_pid[busiest]),
            "busiest_p99_ms": percentile(by_pid[busiest], 99),
            "quietest": quietest,
            "quietest_requests": len(by_pid[quietest]),
            "quietest_p99_ms": percentile(by_pid[quietest], 99),
            "production_p99_ms_min": p99s[0],
            "production_p99_ms_median": p99s[len(p99s) // 2],
            "production_p99_ms_max": p99s[-1],
        }
        iso = out["isolation"]
        iso["ratio"] = iso["busiest_p99_ms"] / iso["quietest_p99_ms"]
    return out


def _descendants(root: int) -> list[int]:
    """Every process under `root` (from /proc): the server and its workers."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], list(parents.get(root, []))
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += parents.get(pid, [])
    return out


def _pin() -> dict[str, Any]:
    """Server processes on core 0, this process on core 1; what was done, in words."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return {
            "cores": cores,
            "pinned": False,
            "why": "one core only: server and generator share it",
        }
    server = _descendants(os.getpid())
    for pid in server:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(pid, {cores[SERVER_CORE]})
    os.sched_setaffinity(0, {cores[CLIENT_CORE]})
    return {
        "cores": cores,
        "pinned": True,
        "server_core": cores[SERVER_CORE],
        "server_pids": server,
        "generator_core": cores[CLIENT_CORE],
        "postgresql": "not pinned",
    }


def _unpin(cores: list[int]) -> None:
    os.sched_setaffinity(0, set(cores))


def _wrk(
    url: str, headers: dict[str, str], connections: int, seconds: int, core: int | None
) -> dict[str, Any]:
    """Debian's wrk against `url` (closed loop, `connections` connections, one thread):
    its latency percentiles and requests/s, or why not."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"skipped": "wrk not installed (apt-get install -y wrk)"}
    cmd = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    if core is not None and shutil.which("taskset"):
        cmd = ["taskset", "-c", str(core), *cmd]
    out = subprocess.run(  # noqa: S603 - wrk, from PATH, on our own server
        [*cmd, url],
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 60,
    ).stdout
    figures: dict[str, Any] = {"connections": connections, "seconds": seconds}
    for pct, value, unit in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s)\b", out, re.M):
        figures[f"p{pct}_ms"] = float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        figures["req_per_s"] = float(m.group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["non_2xx"] = int(errors.group(1)) if errors else 0
    if "p99_ms" not in figures:
        figures["output"] = out[-500:]
    return figures


def measure(ctx: Context, database_url: str, folder: Path) -> dict[str, Any]:
    size = QUICK if ctx.quick else FULL
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # 1,000 connections, both ends
    t0 = time.perf_counter()
    ids = seed(database_url, folder / "signing.key", size["productions"], size["devices"])
    seeding_s = time.perf_counter() - t0
    ctx.log(f"studio_scale: seeded {len(ids)} productions in {seeding_s:.0f} s")
    clients = [(pid, fixtures.item_id(d)) for pid in ids for d in range(1, size["devices"] + 1)]
    n = len(clients)
    steps = [0] * n
    with serving(database_url, folder, workers=2, prepared=True) as server:
        headers = server.login("rosa")
        pinning = _pin()
        try:
            base, pace, duration = server.base, size["pace_s"], size["duration_s"]
            per = 1 if ctx.quick else 3
            paced = _run_phase(
                ctx, "paced", _phase(base, headers, clients, steps, pace, duration, 0)
            )
            paced_health = _run_phase(
                ctx,
                "health, paced",
                _phase(base, headers, clients, steps, pace, duration, 0, health=True),
            )
            saturated = _run_phase(
                ctx, "saturation", _phase(base, headers, clients, steps, None, 0, per)
            )
            health = _run_phase(
                ctx,
                "health, saturation",
                _phase(base, headers, clients, steps, None, 0, per, health=True),
            )
            wrk_s = 1 if ctx.quick else 10
            core = pinning.get("generator_core")
            wrk = {
                "health": _wrk(f"{base}/api/v1/health", {}, n, wrk_s, core),
                "board": _wrk(f"{base}/api/v1/productions/{ids[0]}/board", headers, n, wrk_s, core),
            }
        finally:
            if pinning["pinned"]:
                _unpin(pinning["cores"])
        verified = {pid: _verify(server, headers, pid) for pid in ids}
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return {
        **size,
        "clients": n,
        "mix": dict(MIX),
        "server_workers": 2,
        "connections": "one httpx connection per client, dropped after "
        f"{KEEPALIVE_S:g} s idle (the server closes at 5 s); RLIMIT_NOFILE raised to "
        f"{hard} (from {soft})",
        "seeding_s": seeding_s,
        "pinning": pinning,
        "paced": _figures(paced),
        "paced_health": _figures(paced_health),
        "saturation": _figures(saturated),
        "health_saturation": _figures(health),
        "wrk": wrk,
        "log_verifies": all(verified.values()),
        "not_verified": [pid for pid, ok in verified.items() if not ok],
    }


def _verify(server: Server, headers: dict[str, str], pid: str) -> bool:
    r = httpx.get(f"{server.base}/api/v1/productions/{pid}/verify", headers=headers, timeout=300)
    return r.status_code == 200 and bool(r.json()["ok"])


def _rows(f: dict[str, Any]) -> list[Result]:
    paced, ph = f["paced"], f["paced_health"]
    sat, hs = f["saturation"], f["health_saturation"]
    failures = sum(
        f[k]["failures"] for k in ("paced", "paced_health", "saturation", "health_saturation")
    )
    clean = failures == 0 and f["log_verifies"]
    iso = paced.get("isolation")
    ok = paced["p99_ms"] < 25 and (iso is None or iso["ratio"] <= 2) and clean
    name = (
        f"{f['productions']} productions x {f['devices']} devices on one PostgreSQL "
        f"(1 command per {f['pace_s']:g} s each)"
    )
    details = {**f, "failures": failures}
    rows = [
        Result(
            "studio-scale",
            f"Studio scale, {name} (p99)",
            "ms",
            paced["p99_ms"],
            {"GET /health p99, same pace": ph["p99_ms"]},
            {"GET /health p99, same pace": paced["p99_ms"] / ph["p99_ms"]},
            TARGET,
            status(ok) if clean else "failed",
            details,
        ),
    ]
    if iso is not None:
        rows.append(
            Result(
                "studio-scale-isolation",
                f"Studio scale, busiest production's p99 ({iso['busiest_requests']} requests) "
                f"vs the quietest's ({iso['quietest_requests']})",
                "ms",
                iso["busiest_p99_ms"],
                {"quietest production p99": iso["quietest_p99_ms"]},
                {"quietest production p99": iso["ratio"]},
                "≤ 2x (no production slowed by another)",
                status(iso["ratio"] <= 2) if clean else "failed",
                iso,
            )
        )
    rows.append(
        Result(
            "studio-scale-saturation",
            f"Studio scale, {f['clients']} clients at saturation",
            "req/s",
            sat["req_per_s"],
            {"GET /health": hs["req_per_s"]},
            {"GET /health": sat["req_per_s"] / hs["req_per_s"]},
            "— (throughput; p99 here is queueing: clients / throughput)",
            "info" if clean else "failed",
            {
                "p50_ms": sat["p50_ms"],
                "p99_ms": sat["p99_ms"],
                "by_kind": sat["by_kind"],
                "health_p50_ms": hs["p50_ms"],
                "health_p99_ms": hs["p99_ms"],
                "wrk": f["wrk"],
            },
        )
    )
    return rows


def run(ctx: Context) -> list[Result]:
    with _postgres(ctx) as admin:
        if admin is None:
            return [
                Result.skipped(row, title, unit, target, "no PostgreSQL URL")
                for row, title, unit, target in SKIPPED_ROWS
            ]
        server = postgres.Server(admin)
        db = server.create()
        try:
            folder = ctx.workdir / "studio-scale"
            folder.mkdir(parents=True, exist_ok=True)
            return _rows(measure(ctx, db, folder))
        finally:
            server.drop_all()
