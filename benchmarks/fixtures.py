"""Set-ups the benchmarks share: a seeded service on a real SQLite file, a scene with N
weapons for concurrent clients, and a long log built in bulk with the service's own code.

Nothing is mocked: the service is `ColdCheck` over `SqlStore` on a file with the durable
settings (WAL, synchronous=FULL), on the real clock.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks.harness import Context
from coldcheck import batches, demo
from coldcheck.batches import Pending
from coldcheck.bootstrap import open_app
from coldcheck.config import Settings
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.decide import Decision
from coldcheck.domain.values import (
    Barrel,
    Chamber,
    Content,
    Custodian,
    ItemKind,
    SceneAmmo,
)
from coldcheck.projection import Known
from coldcheck.service import ColdCheck

PID = demo.PRODUCTION
SCENE = "sc-bench"
EMPTY6 = (Chamber(Content.EMPTY),) * 6
ITEM_IDS = ("colt-1", "colt-2", "rifle-1", "rubber-1")  # the demo's weapons


def today() -> str:
    """The demo production's local date (America/Denver), as the rules read it."""
    return dt.datetime.now(ZoneInfo("America/Denver")).date().isoformat()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def seeded(database_url: str, key_file: Path) -> ColdCheck:
    """A service on a fresh database with the demo production recorded through it."""
    app = open_app(Settings(database_url, key_file), create=True)
    demo.seed(lambda cmd: app.execute(PID, cmd), today())
    return app


def item_id(i: int) -> str:
    return f"bench-{i}"


def add_bench_scene(run: Callable[[c.Command], object], n_items: int) -> list[str]:
    """Register n weapons and an approved scene with a safety meeting: each can then be
    inspected, issued to jack and returned, over and over, and every rule passes."""
    ids = [item_id(i) for i in range(1, n_items + 1)]
    for i, iid in enumerate(ids, 1):
        run(c.RegisterItem(actor="rosa", item_id=iid, kind=ItemKind.FIREARM,
                           serial=f"BENCH-{i:05d}", tag=f"BN-{i:05d}",
                           description="Benchmark revolver", location_id="truck-safe",
                           chambers=6, caliber=".45 LC"))
    run(c.PlanScene(actor="dan", scene_id=SCENE, title="Benchmark: holster work",
                    date=today(), items=tuple(ids), performers=("jack",),
                    ammo=SceneAmmo.NONE))
    run(c.ApproveScenePlan(actor="rosa", scene_id=SCENE))
    run(c.ApproveScenePlan(actor="dan", scene_id=SCENE))
    run(c.HoldSafetyMeeting(actor="dan", scene_id=SCENE, attendees=("rosa", "dan", "jack")))
    return ids


def cycle(iid: str) -> tuple[c.Command, c.Command, c.Command]:
    """Inspect (shown clear to jack), issue to jack, take back: three commands, three events."""
    return (
        c.InspectItem(actor="rosa", item_id=iid, barrel=Barrel.CLEAR, chambers=EMPTY6,
                      shown_to=("jack", "dan")),
        c.IssueItem(actor="rosa", item_id=iid, recipient_id="jack", scene_id=SCENE,
                    recipient_acknowledged=True),
        c.ReturnItem(actor="rosa", item_id=iid, chambers=EMPTY6),
    )


def bulk_events(k: int) -> ev.Event:
    """The k-th event of a long synthetic day that does not grow the state: the demo's four
    weapons issued to jack, taken back and put in the safe, round and round."""
    item = ITEM_IDS[(k // 3) % len(ITEM_IDS)]
    match k % 3:
        case 0:
            return ev.ItemIssued(item_id=item, from_=Custodian("location", "truck-safe"),
                                 recipient_id="jack", scene_id="sc-12",
                                 inspection_id="inspection-1", recipient_acknowledged=True)
        case 1:
            return ev.ItemReturned(item_id=item, from_person="jack", chambers=EMPTY6,
                                   fired=(), missing=())
        case _:
            return ev.ItemMoved(item_id=item, from_=Custodian("person", "rosa"),
                                to=Custodian("location", "truck-safe"))


def build_log(app: ColdCheck, total: int, per_tx: int = 10_000,
              progress: Callable[[int], None] | None = None) -> None:
    """Grow the production's log to `total` events in bulk, through the service's own
    append code (`batches.Pending`, `batches.append`: envelope, leaf hash, frontier, root per
    row, signed head, checkpoint rows): one append per 1,000-event block, ending on a multiple of
    1,000 so checkpoints land where single-command appends would put them, and `per_tx`
    events per transaction (not one fsync per event: the durable path is measured by the
    append benchmarks)."""
    store = app.store
    seq = store.head(PID).seq
    k = 0
    while seq < total:
        with store.writing(PID) as tx:
            known = app.committed.caught_up(PID, tx)
            state = known.state.fork()  # a committed state never changes
            frontier, last, marks = known.frontier.copy(), known.last_leaf, []
            n = 0
            while seq < total and n < per_tx:
                block = min(total, (seq // 1000 + 1) * 1000) - seq
                events = tuple(bulk_events(k + i) for i in range(block))
                k += block
                cmd = c.MoveItem(actor="rosa", item_id="colt-1", location_id="truck-safe",
                                 at=max(app.clock(), tx.head.checkpoint.at))
                pending = Pending(tx.head, frontier, last)
                command_id = uuid.uuid4().hex
                pending.add(state, pending.prepare(Decision(events), cmd, command_id),
                            command_id)
                batches.append(tx, pending, app.key, app.checkpoint_every)
                last, n, seq = pending.last_leaf, n + block, tx.head.seq
                marks += pending.marks
        # After the commit, as execute does.
        known.marks.add(marks)
        app.committed.publish(
            PID, Known(state, frontier, tx.head, last, known.marks, known.keys), force=True
        )
        if progress:
            progress(seq)


def bulk_log(ctx: Context, total: int) -> ColdCheck:
    """A production whose log holds `total` events (the demo, then `build_log`), built
    once per run and shared by the benchmarks that read long logs."""
    key = f"bulk-{total}"
    if key not in ctx.cache:
        folder = ctx.workdir / key
        folder.mkdir(parents=True, exist_ok=True)
        app = seeded(sqlite_url(folder / "log.db"), folder / "signing.key")
        started = time.perf_counter()
        last = [started]

        def progress(seq: int) -> None:
            if time.perf_counter() - last[0] > 15:
                last[0] = time.perf_counter()
                ctx.log(f"building a {total:,}-event log: {seq:,}")

        build_log(app, total, progress=progress)
        ctx.log(f"built a {total:,}-event log in {time.perf_counter() - started:.0f} s")
        ctx.cache[key] = app
    app = ctx.cache[key]
    assert isinstance(app, ColdCheck)
    return app
