"""Random days on set through the real service and a real database, checked after each step.

On SQLite and on PostgreSQL: two service instances share one database and one wall clock,
as two processes on the set laptop (or two API workers) would; each step goes through one
of them. Refusals are expected: the point is
that whatever gets recorded keeps the invariants below.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.errors import InvalidCommand, NotFound, Refused
from coldcheck.domain.state import State, replay
from coldcheck.domain.values import Barrel, Chamber, Content, Custodian, IncidentKind, Label
from coldcheck.ledger import SigningKey
from coldcheck.service import Outcome
from support.clock import MINUTE_US, TODAY
from support.service_db import PID, Databases, FakeClock, open_app, runner

KEY = SigningKey.generate()
CHECKPOINT_EVERY = 7

ITEMS = ("colt-1", "colt-2", "rifle-1", "rubber-1")
PEOPLE = tuple(p for p, _, _ in demo.PEOPLE)
PERFORMERS = ("jack", "sam", "mia")
ARMORER_MOSTLY = st.sampled_from(("rosa", "rosa", "rosa", "rosa", "dan", "jack"))

EMPTY = Chamber(Content.EMPTY)
DUMMY = Chamber(Content.DUMMY, "dum-45", checked=True)
UNCHECKED_DUMMY = Chamber(Content.DUMMY, "dum-45")
BLANK = Chamber(Content.BLANK, "blk-45")
LIVE = Chamber(Content.LIVE)
WRONG_LOT = Chamber(Content.BLANK, "dum-45")
UNIFORM_LOADS = (EMPTY, DUMMY, BLANK)
ANY_CHAMBER = (EMPTY, DUMMY, DUMMY, BLANK, BLANK, UNCHECKED_DUMMY, LIVE, WRONG_LOT)
RETURNS = ("same", "same", "fired", "empty", "live", "dummy")
PLANNED_HANDOVERS = (
    ("colt-1", "jack", "sc-12", DUMMY),
    ("colt-1", "jack", "sc-12", EMPTY),
    ("colt-2", "sam", "sc-14", BLANK),
    ("rifle-1", "sam", "sc-14", BLANK),
)


# -- an independent reference for the Merkle root (RFC 9162 section 2.1.1) ---------------


def rfc9162_root(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf data, straight from the RFC: split at the largest power of 2 below n."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + rfc9162_root(leaves[:k]) + rfc9162_root(leaves[k:])).digest()


def _returned(before: Chamber, outcome: str) -> Chamber:
    match outcome:
        case "fired" if before.content in (Content.BLANK, Content.DUMMY):
            return Chamber(Content.SPENT, before.lot)
        case "empty":
            return EMPTY
        case "live":
            return LIVE
        case "dummy":
            return DUMMY
    return before


class SetDay(RuleBasedStateMachine):
    """Commands a set might see, in any order, through two instances of the service."""

    # Set by the test: where each example gets a database of its own, and the database it
    # copies (the demo set up and its day planned) with the clock reading after that.
    databases: Databases
    planned: tuple[str, int]

    def __init__(self) -> None:
        super().__init__()
        template, now = self.planned
        self.url = self.databases.copy(template)
        self.clock = FakeClock(start=now)
        self.apps = [
            open_app(self.url, KEY, clock=self.clock, checkpoint_every=CHECKPOINT_EVERY)
            for _ in range(2)
        ]
        self.last: tuple[int, c.Command, str, Outcome] | None = None
        self.counter = 0

    def teardown(self) -> None:
        for app in self.apps:
            app.store.close()
        self.databases.drop(self.url)

    # -- running a command ---------------------------------------------------------------

    def run(self, which: int, cmd: c.Command) -> None:
        app = self.apps[which]
        head = app.store.head(PID)
        self.counter += 1
        command_id = f"step-{self.counter}"
        try:
            outcome = app.execute(PID, cmd, command_id=command_id)
        except (Refused, InvalidCommand, NotFound) as exc:
            # Expected on a random walk; anything else (IntegrityError, Conflict,
            # StorageError, KeyError …) is a bug and fails the test.
            if isinstance(exc, Refused) and exc.attempt is not None:
                # A refused safety-critical command records its attempt alone (with a
                # live round's incident and stand-down), nothing else of it.
                # The same attempt again within minutes cites the first, recording none.
                added, attempt = list(app.records(PID, after=head.seq)), exc.attempt
                if added:
                    assert [added[0].seq, added[0].type] == [attempt, "AttemptRefused"]
                    assert {r.type for r in added[1:]} <= {"IncidentReported", "StandDownBegan"}
                else:
                    assert attempt is not None
                    assert attempt <= head.seq
            else:
                assert app.store.head(PID) == head, "a refused command changed the head"
            event(f"{type(cmd).__name__}: {type(exc).__name__}")
            return
        event(f"{type(cmd).__name__}: recorded")
        assert not outcome.replayed
        seqs = [r.seq for r in outcome.records]
        assert seqs == list(range(head.seq + 1, head.seq + 1 + len(seqs)))
        if outcome.records:
            self.last = (which, cmd, command_id, outcome)

    def state(self) -> State:
        return self.apps[0].state(PID)

    # -- rules ---------------------------------------------------------------------------

    @rule(
        which=st.integers(0, 1),
        item=st.sampled_from(ITEMS),
        actor=ARMORER_MOSTLY,
        shown_to=st.sets(st.sampled_from((*PERFORMERS, "dan")), max_size=3),
        barrel=st.sampled_from((Barrel.CLEAR, Barrel.CLEAR, Barrel.OBSTRUCTED)),
        data=st.data(),
    )
    def inspect(
        self,
        which: int,
        item: str,
        actor: str,
        shown_to: set[str],
        barrel: Barrel,
        data: st.DataObject,
    ) -> None:
        n = self.state().items[item].chambers
        n = data.draw(st.sampled_from((n, n, n, max(n - 1, 0))), label="chamber count")
        chambers = data.draw(
            st.one_of(
                st.sampled_from(UNIFORM_LOADS).map(lambda ch: (ch,) * n),
                st.lists(st.sampled_from(ANY_CHAMBER), min_size=n, max_size=n).map(tuple),
            ),
            label="chambers",
        )
        self.run(
            which,
            c.InspectItem(
                actor=actor,
                item_id=item,
                barrel=barrel,
                chambers=chambers,
                shown_to=tuple(sorted(shown_to)),
            ),
        )

    @rule(
        which=st.integers(0, 1),
        item=st.sampled_from(ITEMS),
        actor=ARMORER_MOSTLY,
        recipient=st.sampled_from((*PERFORMERS, "lane")),
        scene=st.sampled_from(("sc-12", "sc-14")),
        acknowledged=st.sampled_from((True, True, True, False)),
    )
    def issue(
        self, which: int, item: str, actor: str, recipient: str, scene: str, acknowledged: bool
    ) -> None:
        self.run(
            which,
            c.IssueItem(
                actor=actor,
                item_id=item,
                recipient_id=recipient,
                scene_id=scene,
                recipient_acknowledged=acknowledged,
            ),
        )

    @rule(
        which=st.integers(0, 1),
        plan=st.sampled_from(PLANNED_HANDOVERS),
        take_back=st.booleans(),
        data=st.data(),
    )
    def inspect_issue_return(
        self, which: int, plan: tuple[str, str, str, Chamber], take_back: bool, data: st.DataObject
    ) -> None:
        # The way the day is meant to go, so that handovers happen often enough to matter.
        item, recipient, scene, chamber = plan
        n = self.state().items[item].chambers
        self.run(
            which,
            c.InspectItem(
                actor="rosa",
                item_id=item,
                barrel=Barrel.CLEAR,
                chambers=(chamber,) * n,
                shown_to=(recipient, "dan"),
            ),
        )
        self.run(
            1 - which,
            c.IssueItem(
                actor="rosa",
                item_id=item,
                recipient_id=recipient,
                scene_id=scene,
                recipient_acknowledged=True,
            ),
        )
        if take_back:
            self._give_back(which, "rosa", item, data)

    @rule(which=st.integers(0, 1), actor=ARMORER_MOSTLY, data=st.data())
    def give_back(self, which: int, actor: str, data: st.DataObject) -> None:
        issued = sorted(i for i, item in self.state().items.items() if item.issued_for)
        wrong_item = not issued or data.draw(st.integers(0, 4), label="wrong item") == 0
        item = data.draw(st.sampled_from(ITEMS if wrong_item else issued), label="item")
        self._give_back(which, actor, item, data)

    def _give_back(self, which: int, actor: str, item: str, data: st.DataObject) -> None:
        load = self.state().items[item].load
        outcomes = data.draw(
            st.one_of(
                st.sampled_from(RETURNS).map(lambda o: [o] * len(load)),
                st.lists(st.sampled_from(RETURNS), min_size=len(load), max_size=len(load)),
            ),
            label="outcomes",
        )
        chambers = tuple(_returned(ch, o) for ch, o in zip(load, outcomes, strict=True))
        self.run(which, c.ReturnItem(actor=actor, item_id=item, chambers=chambers))

    @rule(
        which=st.integers(0, 1),
        item=st.sampled_from(ITEMS),
        actor=ARMORER_MOSTLY,
        location=st.sampled_from(("truck-safe", "gun-cart")),
    )
    def move(self, which: int, item: str, actor: str, location: str) -> None:
        self.run(which, c.MoveItem(actor=actor, item_id=item, location_id=location))

    @rule(
        which=st.integers(0, 1),
        actor=st.sampled_from(PEOPLE),
        kind=st.sampled_from(IncidentKind),
        item=st.sampled_from((None, *ITEMS)),
        write_off=st.sampled_from((None, None, ("blk-45", 1), ("dum-45", 2), ("blk-45", 60))),
    )
    def report_incident(
        self,
        which: int,
        actor: str,
        kind: IncidentKind,
        item: str | None,
        write_off: tuple[str, int] | None,
    ) -> None:
        lot, rounds = write_off or (None, 0)
        self.run(
            which,
            c.ReportIncident(
                actor=actor,
                kind=kind,
                item_id=item,
                description=f"{kind} on set",
                lot_id=lot,
                rounds=rounds,
            ),
        )

    @precondition(lambda self: bool(self.state().incidents))
    @rule(
        which=st.integers(0, 1),
        actor=st.sampled_from(("nora", "paula", "gil", "jack")),
        data=st.data(),
    )
    def sign_off_review(self, which: int, actor: str, data: st.DataObject) -> None:
        incident = data.draw(st.sampled_from(sorted(self.state().incidents)), label="incident")
        self.run(
            which,
            c.SignOffReview(
                actor=actor,
                incident_id=incident,
                findings="cause found; cast and crew briefed",
                cause="a defective blank",
                corrective_actions="the lot spot-checked",
                signer_confirmed=True,
            ),
        )

    @precondition(lambda self: bool(self.state().incidents))
    @rule(which=st.integers(0, 1), actor=st.sampled_from(("rosa", "nora")), data=st.data())
    def countersign_review(self, which: int, actor: str, data: st.DataObject) -> None:
        incident = data.draw(st.sampled_from(sorted(self.state().incidents)), label="incident")
        self.run(
            which,
            c.CountersignReview(actor=actor, incident_id=incident, signer_confirmed=True),
        )

    @rule(minutes=st.sampled_from((1, 5, 20)))
    def time_passes(self, minutes: int) -> None:
        self.clock.now += minutes * MINUTE_US

    @precondition(lambda self: self.last is not None)
    @rule(which=st.integers(0, 1))
    def retry_last(self, which: int) -> None:
        assert self.last is not None
        _, cmd, command_id, first = self.last
        app = self.apps[which]
        head = app.store.head(PID)
        again = app.execute(PID, cmd, command_id=command_id)
        assert again.replayed
        assert again.records == first.records
        assert app.store.head(PID) == head

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def the_record_holds(self) -> None:
        app = self.apps[0]
        head = app.store.head(PID)
        records = list(app.records(PID))
        assert [r.seq for r in records] == list(range(1, head.seq + 1))
        times = [r.at for r in records]
        assert times == sorted(times)

        # Replaying the stored log from nothing gives what each instance has cached.
        fresh = replay(PID, records)
        for instance in self.apps:
            cached = instance.state(PID)
            for table in ("items", "lots", "incidents", "concerns"):
                assert getattr(cached, table) == getattr(fresh, table), table
            assert cached.seq == fresh.seq == head.seq

        _custody_and_loads(records, fresh)

        for lot in fresh.lots.values():
            parts = (lot.in_box, lot.loaded, lot.fired, lot.missing, lot.written_off)
            assert lot.received == sum(parts), lot
            assert min(parts) >= 0, lot

        # The head's root, recomputed by the book from the stored bytes.
        stored = list(app.store.read_events(PID))
        bodies = [e.body for e in stored]
        for e in stored:
            assert hashlib.sha256(b"\x00" + e.body).digest() == e.leaf_hash
        assert rfc9162_root(bodies) == head.checkpoint.root
        public = KEY.public_key_bytes()
        assert head.checkpoint.production == PID
        assert head.checkpoint.verify(public)
        for cp in app.store.checkpoints(PID):
            assert rfc9162_root(bodies[: cp.size]) == cp.root
            assert cp.production == PID
            assert cp.verify(public)


def _custody_and_loads(records: Sequence[ev.Recorded], state: State) -> None:
    """Follow every item through the log: one custodian at a time, no live round issued."""
    holder: dict[str, Custodian] = {}
    load: dict[str, tuple[Chamber, ...]] = {}
    inspected: dict[str, str] = {}
    for rec in records:
        e = rec.event
        match e:
            case ev.ItemRegistered():
                holder[e.item_id] = Custodian("location", e.location_id)
                load[e.item_id] = (EMPTY,) * e.chambers
            case ev.ItemMoved():
                assert e.from_ == holder[e.item_id], (rec.seq, "moved by a non-holder")
                holder[e.item_id] = e.to
            case ev.ItemIssued():
                assert e.from_ == holder[e.item_id], (rec.seq, "issued by a non-holder")
                assert e.from_.kind == "location" or e.from_.id == rec.actor
                assert e.inspection_id == inspected[e.item_id]
                inspection = state.inspections[e.inspection_id]
                assert inspection.chambers == load[e.item_id]
                assert Content.LIVE not in {ch.content for ch in load[e.item_id]}, rec.seq
                assert inspection.label in (Label.CLEAR, Label.DUMMIES, Label.HOT)
                holder[e.item_id] = Custodian("person", e.recipient_id)
            case ev.ItemReturned():
                assert holder[e.item_id] == Custodian("person", e.from_person), rec.seq
                holder[e.item_id] = Custodian("person", rec.actor or "")
                load[e.item_id] = e.chambers
            case ev.ItemInspected():
                load[e.item_id] = e.chambers
                inspected[e.item_id] = e.inspection_id
    assert holder == {i: item.custodian for i, item in state.items.items()}
    assert load == {i: item.load for i, item in state.items.items()}
    for custodian in holder.values():
        table = state.people if custodian.kind == "person" else state.locations
        assert custodian.id in table
    for item in state.items.values():
        assert (item.issued_for is None) or item.custodian.kind == "person"


def _planned_day(databases: Databases) -> tuple[str, int]:
    """The demo set up and its day planned, through the service, once per test."""
    url = databases.create()
    clock = FakeClock()
    app = open_app(url, KEY, clock=clock, checkpoint_every=CHECKPOINT_EVERY)
    demo.setup(runner(app))
    demo.plan_day(runner(app), TODAY)
    app.store.close()  # nobody may be connected to a PostgreSQL template
    return url, clock.now


# Each example is a fresh copy of the planned day and up to 30 appends through two
# engines; PostgreSQL's examples cost more (a database created and dropped, a round trip
# per statement), so it runs fewer of them.
EXAMPLES = {"sqlite": 40, "postgresql": 15}


def test_random_days_on_set_keep_the_record(databases: Databases) -> None:
    machine = type(
        f"SetDayOn{databases.kind.capitalize()}",
        (SetDay,),
        {"databases": databases, "planned": _planned_day(databases)},
    )
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES[databases.kind],
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
