"""Append one command (rules + Merkle + signed head + durable commit), SQLite, one writer.

Ours: `ColdCheck.execute` of inspect → issue → return cycles on one weapon, one event per
command, on a file in WAL mode with synchronous=FULL (the store's settings).
Baselines, in the same run and interleaved with ours:
- raw: `sqlite3` inserting one row of the same size per transaction (BEGIN IMMEDIATE,
  INSERT, COMMIT) into a file with the same settings (WAL, synchronous=FULL);
- eventsourcing: the `eventsourcing` library's `Application` on its SQLite persistence
  module, saving one aggregate event per `save()` (one transaction each), WAL (its own
  default) and synchronous=FULL set on every connection it opens.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import fixtures
from benchmarks.harness import Context, Result, interleaved, median, profiled, ratios, status
from coldcheck.service import ColdCheck

TITLE = "append one command, SQLite, one writer"
TARGET = "≥ 0.5x raw, ≥ 1x eventsourcing"


CpuLog = list[float]  # CPU milliseconds per event, one entry per round


def ours_appender(app: ColdCheck, item: str, cpu: CpuLog | None = None
                  ) -> Callable[[int], float]:
    """Append n events through the service; return events per second."""
    def run(n: int) -> float:
        done = 0
        start, cpu0 = time.perf_counter(), time.process_time()
        while done < n:
            for cmd in fixtures.cycle(item):
                done += len(app.execute(fixtures.PID, cmd).records)
        elapsed = time.perf_counter() - start
        if cpu is not None:
            cpu.append((time.process_time() - cpu0) / done * 1e3)
        return done / elapsed
    return run


RAW_SCHEMA = """CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
    at INTEGER NOT NULL, body BLOB NOT NULL, leaf_hash BLOB NOT NULL, root BLOB NOT NULL)"""


def raw_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(RAW_SCHEMA)
    return conn


def raw_appender(path: Path, body_size: int, cpu: CpuLog | None = None
                 ) -> Callable[[int], float]:
    """Insert n rows, one durable transaction each; return rows per second."""
    conn = raw_connection(path)
    body = b"x" * body_size
    digest = b"h" * 32
    counter = [conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]]

    def run(n: int) -> float:
        start, cpu0 = time.perf_counter(), time.process_time()
        for _ in range(n):
            counter[0] += 1
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (counter[0], f"raw-{counter[0]}", "ItemInspected",
                          time.time_ns() // 1000, body, digest, digest))
            conn.execute("COMMIT")
        elapsed = time.perf_counter() - start
        if cpu is not None:
            cpu.append((time.process_time() - cpu0) / n * 1e3)
        return n / elapsed
    return run


def eventsourcing_appender(path: Path, cpu: CpuLog | None = None
                           ) -> tuple[Callable[[int], float], dict[str, Any]]:
    """Save n single-event changes through an eventsourcing Application on SQLite."""
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event
    from eventsourcing.sqlite import SQLiteConnectionPool

    create = SQLiteConnectionPool._create_connection
    if not getattr(create, "_durable", False):
        def durable(self: SQLiteConnectionPool) -> Any:
            conn = create(self)
            # Same durability as ours and raw: fsync the WAL on every commit.
            conn._sqlite_conn.execute("PRAGMA synchronous=FULL")
            return conn
        durable._durable = True  # type: ignore[attr-defined]
        SQLiteConnectionPool._create_connection = durable  # type: ignore[method-assign]

    class Weapon(Aggregate):
        def __init__(self, serial: str) -> None:
            self.serial = serial
            self.inspections = 0

        @event("Inspected")
        def inspect(self, barrel: str, chambers: list[dict[str, Any]],
                    shown_to: list[str]) -> None:
            self.inspections += 1

    class Armoury(Application[Any]):
        pass

    app = Armoury(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                       "SQLITE_DBNAME": str(path), "SQLITE_LOCK_TIMEOUT": "30"})
    weapon = Weapon("SA-31877")
    app.save(weapon)
    chambers = [{"content": "empty", "lot": None, "checked": False}] * 6
    datastore = app.recorder.datastore  # type: ignore[attr-defined]
    with datastore.get_connection(commit=False) as conn:
        settings = {
            "journal_mode": conn._sqlite_conn.execute("PRAGMA journal_mode").fetchone()[0],
            "synchronous": conn._sqlite_conn.execute("PRAGMA synchronous").fetchone()[0],
        }

    def run(n: int) -> float:
        start, cpu0 = time.perf_counter(), time.process_time()
        for _ in range(n):
            weapon.inspect(barrel="clear", chambers=chambers, shown_to=["jack", "dan"])
            app.save(weapon)
        elapsed = time.perf_counter() - start
        if cpu is not None:
            cpu.append((time.process_time() - cpu0) / n * 1e3)
        return n / elapsed
    return run, settings


def _pragmas(app: ColdCheck) -> dict[str, Any]:
    with app.store.engine.connect() as conn:
        return {"journal_mode": conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
                "synchronous": conn.exec_driver_sql("PRAGMA synchronous").scalar()}


def run(ctx: Context) -> list[Result]:
    n, rounds = (15, 1) if ctx.quick else (300, 5)
    folder = ctx.workdir / "append"
    folder.mkdir(parents=True, exist_ok=True)
    app = fixtures.seeded(fixtures.sqlite_url(folder / "ours.db"), folder / "signing.key")
    (item,) = fixtures.add_bench_scene(lambda cmd: app.execute(fixtures.PID, cmd), 1)
    cpu: dict[str, CpuLog] = {"ours": [], "raw sqlite3": [], "eventsourcing": []}
    ours = ours_appender(app, item, cpu["ours"])
    ours(6)  # warm: the projection is cached, the code paths are hot
    with app.store.engine.connect() as conn:
        body_size = int(conn.exec_driver_sql(
            "SELECT AVG(LENGTH(body)) FROM events WHERE seq > 74").scalar() or 400)
    raw = raw_appender(folder / "raw.db", body_size, cpu["raw sqlite3"])
    es, es_settings = eventsourcing_appender(folder / "eventsourcing.db", cpu["eventsourcing"])
    raw(5)
    es(5)
    for log in cpu.values():
        log.clear()  # the warm-up rounds do not count
    ctx.log(f"append: {rounds} interleaved rounds of {n} events each")
    figures = interleaved(rounds, {"ours": lambda: ours(n), "raw sqlite3": lambda: raw(n),
                                   "eventsourcing": lambda: es(n)})
    if ctx.profile_dir is not None:
        with profiled(ctx, "append"):
            ours(n)
    mine = median(figures["ours"])
    baselines = {name: median(v) for name, v in figures.items() if name != "ours"}
    r = ratios(mine, baselines)
    ok = r["raw sqlite3"] >= 0.5 and r["eventsourcing"] >= 1.0
    details = {"events_per_round": n, "rounds": rounds, "per_round": figures,
               # CPU this process spent per event: what is left when fsync is free
               "cpu_ms_per_event": {name: median(v) for name, v in cpu.items()},
               # what a durable commit waits for besides CPU, from the raw loop's rounds
               "commit_wait_ms_estimate": median([
                   max(0.0, 1e3 / rate - c)
                   for rate, c in zip(figures["raw sqlite3"], cpu["raw sqlite3"], strict=True)]),
               "raw_body_bytes": body_size, "ours_sqlite": _pragmas(app),
               "eventsourcing_sqlite": es_settings}
    app.store.close()
    return [Result("append", TITLE, "events/s", mine, baselines, r, TARGET, status(ok),
                   details)]
