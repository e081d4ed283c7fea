"""Replication to the studio and cosigning by a witness, against real servers on loopback.

- **sync**: a 10^5-event production (fixtures.bulk_log, on SQLite) pushed to a studio
  (`coldcheck serve --workers 2` on PostgreSQL) by the set's own sync (`push._sync`: the
  proven events read in batches, the consistency proof, the JSON, HTTP, and on the studio
  every event, the chain, the signed head and the proof checked before the rows are
  stored and the checkpoint cosigned). Baselines, interleaved: the same rows, in the same
  batches, inserted into a table of the same shape on the same PostgreSQL server by
  psycopg alone (executemany, one transaction a batch), and written with COPY.
- **studio**: 100 productions of 1,000 events each pushed to one studio at once (one
  client thread a production, the push bodies built beforehand so the one client process
  only sends) against the same pushes one production after another. If productions
  contended on anything but their own replica row, at once would be no faster than one
  after another; PostgreSQL's ungranted locks are sampled every 20 ms throughout, by kind
  (a row or advisory lock wait would be one production waiting on another's; a wait to
  extend the shared table's file is PostgreSQL's own, and reported apart).
- **cosign**: a witness (`coldcheck witness serve`, SQLite) asked to cosign a new
  checkpoint, with its consistency proof, each round one event further on (what the set
  does after each append it is asked about), against `GET /key` on the same server (the
  round trip with no work in it).

Each round of the two sync benchmarks gets a fresh studio database (a copy of one that
holds the credentials) and a fresh server, so every round sends from size 0.
"""

from __future__ import annotations

import collections
import contextlib
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

from benchmarks import fixtures
from benchmarks.bench_http import _postgres
from benchmarks.harness import Context, Result, interleaved, median, percentile, ratios, status
from coldcheck import batches, tlog_proofs
from coldcheck.batches import Pending
from coldcheck.bootstrap import open_app
from coldcheck.config import ENV_STUDIO_KEY_FILE, Settings
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.decide import Decision
from coldcheck.ledger import SigningKey
from coldcheck.ledger.witness_protocol import format_request
from coldcheck.projection import Known
from coldcheck.service import ColdCheck
from coldcheck.store import SqlStore
from coldcheck.store.port import StoredEvent
from coldcheck.store.studio import StudioStore
from coldcheck.studio import protocol, push
from coldcheck.studio.client import StudioClient
from coldcheck.studio.ingest import Studio
from support import postgres
from support.server import initialised, serving
from support.witness_servers import witness_servers

SYNC_TITLE = "sync to the studio (PostgreSQL)"
SYNC_TARGET = "≥ 0.5x raw insert"
STUDIO_TITLE = "100 productions syncing at once, one PostgreSQL"
STUDIO_TARGET = "≥ 1x one after another; no row or advisory lock waits"
COSIGN_TITLE = "cosign round trip (witness on loopback)"
COLUMNS = ("production_id", "seq", "event_id", "type", "at", "actor", "body", "leaf_hash",
           "root")


@dataclass
class StudioSite:
    """A studio database holding credentials (copied for each round) and its folder."""

    pg: postgres.Server
    template: str
    folder: Path
    tokens: dict[str, str]

    @contextlib.contextmanager
    def round(self) -> Iterator[tuple[str, str]]:
        """A fresh copy of the studio and a server on it: (its URL, the database URL)."""
        db = self.pg.create(template=self.template)
        try:
            env = {ENV_STUDIO_KEY_FILE: str(self.folder / "cosigning.key")}
            with serving(db, self.folder, workers=2, prepared=True, extra_env=env) as server:
                yield server.base, db
        finally:
            self.pg.drop(db)


def studio_site(pg: postgres.Server, folder: Path, production_ids: list[str]) -> StudioSite:
    folder.mkdir(parents=True, exist_ok=True)
    template = pg.create()
    initialised(template, folder / "signing.key")
    store = SqlStore(template)
    studio = Studio(StudioStore(store), SigningKey.load_or_create(folder / "cosigning.key"))
    tokens = {pid: studio.make_credential(pid) for pid in production_ids}
    store.close()  # a template nobody is connected to
    return StudioSite(pg, template, folder, tokens)


def bodies(app: ColdCheck, pid: str) -> list[tuple[list[StoredEvent], bytes]]:
    """Every push a first sync of the production sends: (its events, its body)."""
    head = app.signed_head(pid)
    tree = tlog_proofs.tree(app, pid, head.size)
    out, held = [], 0
    while held < head.size:
        events = push.batch(app, pid, held, head.size, push.BATCH_BYTES)
        p = push.build(app, pid, held, head, events, tree)
        out.append((events, protocol.encode(p)))
        held = p.head.size
    return out


def send(base: str, pid: str, token: str, pushes: list[bytes]) -> None:
    client = StudioClient(base, pid, token)
    for body in pushes:
        code, answer = client.post("/push", body)
        if code != 200:
            raise RuntimeError(f"the studio refused a push of {pid}: {code} {answer}")


def raw_inserts(admin: str, pg: postgres.Server, batches_: list[list[StoredEvent]],
                copy: bool) -> float:
    """The rows into a fresh table shaped like studio_events, a transaction a batch;
    events/s."""
    db = pg.create()
    try:
        with psycopg.connect(postgres.libpq(db)) as conn:
            conn.execute(
                "CREATE TABLE raw_events (production_id varchar(64), seq bigint, "
                "event_id varchar(80) NOT NULL, type varchar(40) NOT NULL, at bigint NOT NULL,"
                " actor varchar(64), body bytea NOT NULL, leaf_hash bytea NOT NULL, "
                "root bytea NOT NULL, PRIMARY KEY (production_id, seq))")
            conn.commit()
            rows = [[tuple(getattr(e, n) for n in COLUMNS) for e in b] for b in batches_]
            start = time.perf_counter()
            for batch in rows:
                with conn.cursor() as cur:
                    if copy:
                        with cur.copy(f"COPY raw_events ({', '.join(COLUMNS)}) FROM STDIN") as cp:
                            for row in batch:
                                cp.write_row(row)
                    else:
                        cur.executemany(
                            f"INSERT INTO raw_events ({', '.join(COLUMNS)}) "  # noqa: S608
                            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", batch)
                conn.commit()
            elapsed = time.perf_counter() - start
        return sum(len(b) for b in rows) / elapsed
    finally:
        pg.drop(db)


def sync_once(site: StudioSite, app: ColdCheck, pid: str, token_file: Path) -> float:
    """One whole first sync by the set's own code; events/s."""
    with site.round() as (base, _):
        app.studio_links().link(pid, base, str(token_file), None)
        client = StudioClient(base, pid, site.tokens[pid])
        start = time.perf_counter()
        done = push._sync(app, pid, client, None, push.BATCH_BYTES)
        elapsed = time.perf_counter() - start
        return done.sent / elapsed


def run_sync(ctx: Context, admin: str) -> Result:
    total, rounds = (2_000, 1) if ctx.quick else (100_000, 3)
    app = fixtures.bulk_log(ctx, total)
    pid = fixtures.PID
    size = app.signed_head(pid).size
    pg = postgres.Server(admin)
    site = studio_site(pg, ctx.workdir / "sync-studio", [pid])
    token_file = site.folder / "studio.token"
    token_file.write_text(site.tokens[pid] + "\n")
    pushes = bodies(app, pid)
    rows = [events for events, _ in pushes]
    ctx.log(f"sync: {rounds} interleaved rounds of {size:,} events in {len(pushes)} pushes")
    studio_only: list[float] = []

    def studio_alone() -> float:  # the studio's side alone: the bodies built already
        with site.round() as (base, _):
            start = time.perf_counter()
            send(base, pid, site.tokens[pid], [b for _, b in pushes])
            return size / (time.perf_counter() - start)

    try:
        figures = interleaved(rounds, {
            "ours": lambda: sync_once(site, app, pid, token_file),
            "raw insert (psycopg executemany)": lambda: raw_inserts(admin, pg, rows, False),
            "raw COPY": lambda: raw_inserts(admin, pg, rows, True),
        })
        if not ctx.quick:
            studio_only.append(studio_alone())
    finally:
        pg.drop(site.template)
    mine = median(figures["ours"])
    baselines = {name: median(v) for name, v in figures.items() if name != "ours"}
    r = ratios(mine, baselines)
    return Result("sync", SYNC_TITLE, "events/s", mine, baselines, r, SYNC_TARGET,
                  status(r["raw insert (psycopg executemany)"] >= 0.5),
                  {"events": size, "pushes": len(pushes), "rounds": rounds,
                   "per_round": figures, "studio_side_alone_events_per_s": studio_only})


def grow(app: ColdCheck, pid: str, total: int) -> None:
    """A production of `total` events: created, then storage bays recorded in one bulk
    append through the service's own code (as fixtures.build_log)."""
    app.execute(pid, c.CreateProduction(name=f"Production {pid}", profile="bulletin1"))
    with app.store.writing(pid) as tx:
        known = app.committed.caught_up(pid, tx)
        state = known.state.fork()
        pending = Pending(tx.head, known.frontier.copy(), known.last_leaf)
        seq = tx.head.seq
        while seq < total:
            block = min(total, (seq // 1000 + 1) * 1000) - seq
            events = tuple(ev.LocationAdded(location_id=f"bay-{seq + i}", name="Bay",
                                            secure=False) for i in range(block))
            cmd = c.AddLocation(actor="admin", location_id=f"bay-{seq}", name="Bay",
                                secure=False, at=max(app.clock(), tx.head.checkpoint.at))
            command_id = uuid.uuid4().hex
            pending.add(state, pending.prepare(Decision(events), cmd, command_id), command_id)
            seq += block
        batches.append(tx, pending, app.key, app.checkpoint_every)
    known.marks.add(pending.marks)
    app.committed.publish(pid, Known(state, pending.frontier, tx.head, pending.last_leaf,
                                     known.marks, known.keys), force=True)


def lock_waits(db: str, stop: threading.Event, seen: list[int],
               kinds: collections.Counter[str]) -> None:
    """Sample, every 20 ms, how many of the studio's lock requests wait, and on what."""
    with psycopg.connect(postgres.libpq(db), autocommit=True) as conn:
        while not stop.is_set():
            rows = conn.execute(
                "SELECT l.locktype, l.mode, coalesce(c.relname, '') FROM pg_locks l "
                "LEFT JOIN pg_class c ON c.oid = l.relation WHERE NOT l.granted AND "
                "l.pid IN (SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database())").fetchall()
            seen.append(len(rows))
            kinds.update(" ".join(str(x) for x in row if x) for row in rows)
            stop.wait(0.02)


def run_studio(ctx: Context, admin: str) -> Result:
    productions, events, rounds = (5, 200, 1) if ctx.quick else (100, 1_000, 3)
    folder = ctx.workdir / "studio-many"
    folder.mkdir(parents=True, exist_ok=True)
    app = open_app(Settings(fixtures.sqlite_url(folder / "set.db"),
                                              folder / "signing.key"), create=True)
    pids = [f"prod-{i:03d}" for i in range(1, productions + 1)]
    for pid in pids:
        grow(app, pid, events)
    pushes = {pid: [b for _, b in bodies(app, pid)] for pid in pids}
    app.store.close()
    pg = postgres.Server(admin)
    site = studio_site(pg, folder / "studio", pids)
    details: dict[str, object] = {"productions": productions, "events_each": events,
                                  "rounds": rounds}
    per_production: dict[str, list[float]] = {"sequential": [], "at once": []}
    waits: list[int] = []
    kinds: collections.Counter[str] = collections.Counter()

    def timed(base: str, pid: str) -> float:
        start = time.perf_counter()
        send(base, pid, site.tokens[pid], pushes[pid])
        return time.perf_counter() - start

    def sequential() -> float:
        with site.round() as (base, _):
            start = time.perf_counter()
            per_production["sequential"] += [timed(base, pid) for pid in pids]
            return productions * events / (time.perf_counter() - start)

    def at_once() -> float:
        with site.round() as (base, db):
            stop, seen = threading.Event(), []
            sampler = threading.Thread(target=lock_waits, args=(db, stop, seen, kinds))
            sampler.start()
            barrier = threading.Barrier(productions + 1)

            def one(pid: str) -> float:
                barrier.wait(timeout=60)
                return timed(base, pid)

            try:
                with ThreadPoolExecutor(max_workers=productions) as pool:
                    futures = [pool.submit(one, pid) for pid in pids]
                    barrier.wait(timeout=60)
                    start = time.perf_counter()
                    per_production["at once"] += [f.result(timeout=900) for f in futures]
                    elapsed = time.perf_counter() - start
            finally:
                stop.set()
                sampler.join()
            waits.extend(seen)
            return productions * events / elapsed

    ctx.log(f"studio: {rounds} interleaved rounds, {productions} productions x {events}")
    try:
        figures = interleaved(rounds, {"ours": at_once, "one after another": sequential})
    finally:
        pg.drop(site.template)
    mine = median(figures["ours"])
    baselines = {"one after another": median(figures["one after another"])}
    r = ratios(mine, baselines)
    waited = sum(1 for n in waits if n)
    # Waits to extend the shared table's file (PostgreSQL's relation extension lock) are
    # physical, not one production waiting for another's rows: reported, not failed on.
    logical = {k: n for k, n in kinds.items() if not k.startswith("extend ")}
    details |= {
        "per_round": figures,
        "lock_wait_samples": {"taken": len(waits), "with_a_wait": waited,
                              "most_waiting": max(waits, default=0), "on": dict(kinds)},
        "per_production_s": {
            name: {"min": min(v), "median": statistics.median(v), "p99": percentile(v, 99),
                   "max": max(v)} for name, v in per_production.items() if v},
    }
    return Result("studio", STUDIO_TITLE, "events/s", mine, baselines, r, STUDIO_TARGET,
                  status(r["one after another"] >= 1.0 and not logical), details)


def run_cosign(ctx: Context) -> Result:
    asks = 10 if ctx.quick else 300
    folder = ctx.workdir / "cosign"
    folder.mkdir(parents=True, exist_ok=True)
    app = fixtures.seeded(fixtures.sqlite_url(folder / "set.db"), folder / "signing.key")
    pid = fixtures.PID
    requests: list[str] = []
    old = 0
    for i in range(asks):  # one event further each time, as after each append
        app.execute(pid, c.AddLocation(actor="rosa", location_id=f"bay-{i}", name="Bay",
                                       secure=False))
        note = app.checkpoint_note(pid)
        size = int(note.split("\n")[1])
        proof = tlog_proofs.consistency(app, pid, old, size).proof if old else []
        requests.append(format_request(old, proof, note))
        old = size
    figures: dict[str, list[float]] = {"ours": [], "GET /key (no work)": []}
    with witness_servers(folder, "witness") as (witness,), \
            httpx.Client(base_url=witness.url, timeout=30) as client:
        witness.trust(app.log_key(pid))
        client.get("/key")  # the connection made
        for request in requests:  # interleaved: a cosign, then a no-op
            start = time.perf_counter()
            answer = client.post("/add-checkpoint", content=request)
            figures["ours"].append((time.perf_counter() - start) * 1000)
            if answer.status_code != 200:
                raise RuntimeError(f"the witness refused: {answer.status_code} {answer.text}")
            start = time.perf_counter()
            client.get("/key").raise_for_status()
            figures["GET /key (no work)"].append((time.perf_counter() - start) * 1000)
    app.store.close()
    summary = {name: {"p50": median(v), "p99": percentile(v, 99)} for name, v in figures.items()}
    mine = summary["ours"]["p50"]
    baselines = {"GET /key (no work)": summary["GET /key (no work)"]["p50"]}
    return Result("cosign", COSIGN_TITLE, "ms (p50)", mine, baselines, ratios(mine, baselines),
                  "—", "info", {"asks": asks, "latency_ms": summary})


def run(ctx: Context) -> list[Result]:
    results = [run_cosign(ctx)]
    with _postgres(ctx) as admin:
        if admin is None:
            for name, title, target in (("sync", SYNC_TITLE, SYNC_TARGET),
                                        ("studio", STUDIO_TITLE, STUDIO_TARGET)):
                results.append(Result.skipped(name, title, "events/s", target,
                                              "no PostgreSQL server"))
            return results
        results.append(run_sync(ctx, admin))
        results.append(run_studio(ctx, admin))
    return results


__all__ = ["run"]
