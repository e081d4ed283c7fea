"""Property: whatever sequence of set commands arrives, the engine keeps its invariants.

A hypothesis state machine drives the planned demo production with a small vocabulary:
inspections with random chamber contents, issues, returns with random outcomes, moves,
incidents, review sign-offs and the clock. Some rules follow the scene plans (so the
machine gets weapons into performers' hands); others are random (so it gets refused).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace

from hypothesis import HealthCheck, settings
from hypothesis import event as note_outcome
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from coldcheck import demo
from coldcheck.domain import attempts
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.decide import Decision, decide
from coldcheck.domain.errors import ColdCheckError, Refused
from coldcheck.domain.state import State, replay
from coldcheck.domain.values import (
    Barrel,
    Chamber,
    Content,
    IncidentKind,
    Label,
    SceneAmmo,
)
from support.harness import Harness

ITEMS = ("colt-1", "colt-2", "rifle-1", "rubber-1")
PEOPLE = tuple(pid for pid, _, _ in demo.PEOPLE)
SCENES = ("sc-12", "sc-14")
LOCATIONS = ("truck-safe", "gun-cart")
ARMORER_MOSTLY = st.sampled_from(("rosa",) * 6 + ("dan", "jack", "nora"))

UNCHECKED = Chamber(Content.DUMMY, "dum-45", checked=False)
CHAMBERS = st.sampled_from(
    (demo.EMPTY,) * 3
    + (demo.DUMMY,) * 3
    + (demo.BLANK,) * 3
    + (UNCHECKED, Chamber(Content.LIVE), Chamber(Content.BLANK, "dum-45"))
)
OUTCOMES = st.sampled_from(("same",) * 4 + ("empty", "spent", "live", "dummy", "blank"))
LOAD_FOR = {SceneAmmo.NONE: demo.EMPTY, SceneAmmo.DUMMY: demo.DUMMY, SceneAmmo.BLANK: demo.BLANK}
ROUND_CONTENTS = (Content.DUMMY, Content.BLANK)


class RuleEngine(RuleBasedStateMachine):
    """The planned demo production under random commands, checked after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.h = Harness()

    @initialize()
    def plan_the_day(self) -> None:
        demo.setup(self.h.run)
        demo.plan_day(self.h.run, "2021-10-21")

    # -- running one command -----------------------------------------------------------

    def attempt(self, cmd: c.Command) -> Decision | None:
        """Run a command; a refusal must leave the state exactly as it was, but for its
        attempt on the record (a safety-critical command) and, if the command held live
        ammunition, the incident and stand-down that opens."""
        before = copy.deepcopy(self.h.state)
        # A fork shares the state's values: evolving the state must not change it (the
        # service publishes committed states to readers and decides batches on forks).
        forked = self.h.state.fork()
        count = len(self.h.records)
        try:
            decision = self.h.run(cmd)
        except ColdCheckError as error:
            note_outcome(f"{type(cmd).__name__}: {type(error).__name__}")
            self.check_refusal(cmd, error, before, count)
            return None
        note_outcome(f"{type(cmd).__name__}: accepted")
        assert forked == before
        assert len(self.h.records) == count + len(decision.events)
        assert self.h.state.seq == before.seq + len(decision.events)
        # decide is pure: the same state and command decide the same events.
        assert decide(before, replace(cmd, at=self.h.now)) == decision
        for happened in decision.events:
            if isinstance(happened, ev.ItemIssued):
                self.check_issue(happened)
        self.check_replay()
        return decision

    def check_refusal(
        self, cmd: c.Command, error: ColdCheckError, before: State, count: int
    ) -> None:
        """A refusal records its attempt or nothing; no state but the attempts (and a live
        round's incident) changes."""
        added = self.h.records[count:]
        after = self.h.state
        assert after.seq == before.seq + len(added)
        if not added:
            assert error.attempt is None or error.attempt <= before.seq
            assert after == before
            return
        assert attempts.critical(cmd)
        assert isinstance(error, Refused)
        first, *rest = added
        assert isinstance(first.event, ev.AttemptRefused)
        assert error.attempt == first.seq
        assert first.event.command == type(cmd).__name__
        assert set(first.event.codes) == {v.code for v in error.violations}
        assert set(after.attempts) - set(before.attempts) == {first.seq}
        opened = {i for i in after.incidents if i not in before.incidents}
        if rest:
            # Live ammunition in a refused command: the incident and its stand-down.
            assert [type(r.event) for r in rest] == [ev.IncidentReported, ev.StandDownBegan]
            incident = after.incidents[rest[0].event.incident_id]
            assert incident.kind is IncidentKind.LIVE_ROUND_FOUND
            assert opened == {incident.id}
            assert incident.id in after.stand_down
        else:
            assert opened == set()
        # Nothing else of the refused command: every other table is as it was.
        for table in (
            "people",
            "items",
            "lots",
            "inspections",
            "returns",
            "scenes",
            "meetings",
            "training",
            "concerns",
            "closed_days",
            "corrections",
        ):
            assert getattr(after, table) == getattr(before, table), table
        self.check_replay()

    def check_issue(self, issued: ev.ItemIssued) -> None:
        """Nothing is handed over unless its last inspection showed it safe."""
        item = self.h.state.items[issued.item_id]
        insp = self.h.state.inspections[issued.inspection_id]
        assert item.last_inspection == insp.id
        assert insp.label is not Label.UNSAFE
        assert all(ch.content is not Content.LIVE for ch in insp.chambers)
        assert item.load == insp.chambers  # custody unbroken: nothing changed since
        assert issued.recipient_acknowledged
        assert issued.recipient_id in insp.shown_to
        assert self.h.state.stand_down == ()

    def check_replay(self) -> None:
        """The log folded from nothing gives the state built step by step."""
        replayed = replay(self.h.state.production_id, self.h.records)
        live = self.h.state
        assert replayed.items == live.items
        assert replayed.lots == live.lots
        assert replayed.concerns == live.concerns
        assert replayed.incidents == live.incidents
        assert replayed == live

    # -- the vocabulary ----------------------------------------------------------------

    @rule(
        item=st.sampled_from(ITEMS),
        raw=st.lists(CHAMBERS, min_size=7, max_size=7),
        fit=st.sampled_from((True,) * 5 + (False,)),
        barrel=st.sampled_from((Barrel.CLEAR,) * 5 + (Barrel.OBSTRUCTED,)),
        shown_to=st.lists(st.sampled_from(PEOPLE), max_size=3, unique=True),
        actor=ARMORER_MOSTLY,
    )
    def inspect_at_random(
        self,
        item: str,
        raw: list[Chamber],
        fit: bool,
        barrel: Barrel,
        shown_to: list[str],
        actor: str,
    ) -> None:
        n = self.h.state.items[item].chambers if fit else len(raw)
        self.attempt(
            c.InspectItem(
                actor=actor,
                item_id=item,
                barrel=barrel,
                chambers=tuple(raw[:n]),
                shown_to=tuple(shown_to),
            )
        )

    @rule(scene=st.sampled_from(SCENES), pick=st.integers(0, 1))
    def inspect_for_the_scene(self, scene: str, pick: int) -> None:
        plan = self.h.state.scenes[scene]
        item = self.h.state.items[plan.items[pick % len(plan.items)]]
        load = (LOAD_FOR[plan.ammo],) * item.chambers
        self.attempt(
            c.InspectItem(
                actor="rosa",
                item_id=item.id,
                barrel=Barrel.CLEAR,
                chambers=load,
                shown_to=(*plan.performers, "dan"),
            )
        )

    @rule(scene=st.sampled_from(SCENES), pick=st.integers(0, 1))
    def issue_as_planned(self, scene: str, pick: int) -> None:
        plan = self.h.state.scenes[scene]
        self.attempt(
            c.IssueItem(
                actor="rosa",
                item_id=plan.items[pick % len(plan.items)],
                recipient_id=plan.performers[0],
                scene_id=scene,
                recipient_acknowledged=True,
            )
        )

    @rule(
        item=st.sampled_from(ITEMS),
        recipient=st.sampled_from(PEOPLE),
        scene=st.sampled_from(SCENES),
        acknowledged=st.booleans(),
        actor=ARMORER_MOSTLY,
    )
    def issue_at_random(
        self, item: str, recipient: str, scene: str, acknowledged: bool, actor: str
    ) -> None:
        self.attempt(
            c.IssueItem(
                actor=actor,
                item_id=item,
                recipient_id=recipient,
                scene_id=scene,
                recipient_acknowledged=acknowledged,
            )
        )

    @rule(
        item=st.sampled_from(ITEMS),
        outcomes=st.lists(OUTCOMES, min_size=7, max_size=7),
        fit=st.sampled_from((True,) * 7 + (False,)),
        actor=ARMORER_MOSTLY,
        issued_first=st.sampled_from((True, True, True, False)),
    )
    def return_item(
        self, item: str, outcomes: list[str], fit: bool, actor: str, issued_first: bool
    ) -> None:
        issued = [i.id for i in self.h.state.items.values() if i.issued_for is not None]
        if issued_first and issued:
            item = issued[ITEMS.index(item) % len(issued)]
        load = self.h.state.items[item].load
        chambers = [_outcome(before, how) for before, how in zip(load, outcomes, strict=False)]
        if not fit:
            chambers.append(demo.EMPTY)
        self.attempt(c.ReturnItem(actor=actor, item_id=item, chambers=tuple(chambers)))

    @rule(item=st.sampled_from(ITEMS), location=st.sampled_from(LOCATIONS), actor=ARMORER_MOSTLY)
    def move(self, item: str, location: str, actor: str) -> None:
        self.attempt(c.MoveItem(actor=actor, item_id=item, location_id=location))

    @rule(
        kind=st.sampled_from(IncidentKind),
        item=st.none() | st.sampled_from(ITEMS),
        lot=st.none() | st.sampled_from(("dum-45", "blk-45")),
        rounds=st.integers(0, 3),
        actor=st.sampled_from(PEOPLE),
        now=st.integers(0, 3),
    )
    def report_incident(
        self,
        kind: IncidentKind,
        item: str | None,
        lot: str | None,
        rounds: int,
        actor: str,
        now: int,
    ) -> None:
        if now:
            return  # incidents stand everything down: report one in four times it comes up
        self.attempt(
            c.ReportIncident(
                actor=actor,
                kind=kind,
                description="reported",
                item_id=item,
                lot_id=lot,
                rounds=rounds,
            )
        )

    @rule(pick=st.integers(0, 5), actor=st.sampled_from(("nora",) * 4 + ("gil", "rosa")))
    def sign_off_review(self, pick: int, actor: str) -> None:
        incidents = sorted(self.h.state.stand_down) if pick else sorted(self.h.state.incidents)
        if incidents:
            self.attempt(
                c.SignOffReview(
                    actor=actor,
                    incident_id=incidents[pick % len(incidents)],
                    findings="briefed and reset",
                    cause="a defective blank",
                    corrective_actions="the lot spot-checked",
                    signer_confirmed=True,
                )
            )

    @rule(pick=st.integers(0, 5), actor=st.sampled_from(("rosa",) * 3 + ("nora",)))
    def countersign_review(self, pick: int, actor: str) -> None:
        incidents = sorted(self.h.state.stand_down)
        if incidents:
            self.attempt(
                c.CountersignReview(
                    actor=actor,
                    incident_id=incidents[pick % len(incidents)],
                    signer_confirmed=True,
                )
            )

    @rule(minutes=st.sampled_from((1, 5, 10, 31)))
    def advance_clock(self, minutes: int) -> None:
        self.h.advance(minutes)

    # -- invariants --------------------------------------------------------------------

    @invariant()
    def every_item_has_one_real_custodian(self) -> None:
        s = self.h.state
        for item in s.items.values():
            holder = item.custodian
            assert holder.kind in ("location", "person")
            table: Mapping[str, object] = s.locations if holder.kind == "location" else s.people
            assert holder.id in table, f"{item.id} is with unknown {holder}"
            assert (item.issued_for is not None) <= (holder.kind == "person")

    @invariant()
    def every_round_is_accounted_for(self) -> None:
        s = self.h.state
        in_weapons: Counter[str] = Counter(
            ch.lot
            for item in s.items.values()
            for ch in item.load
            if ch.content in ROUND_CONTENTS and ch.lot is not None
        )
        for lot in s.lots.values():
            parts = (lot.in_box, lot.loaded, lot.fired, lot.missing, lot.written_off)
            assert min(parts) >= 0, lot
            assert lot.received == sum(parts), lot
            assert lot.loaded == in_weapons[lot.id], lot


def _outcome(before: Chamber, how: str) -> Chamber:
    """What the armorer finds in a chamber when a weapon comes back."""
    return {
        "same": before,
        "empty": demo.EMPTY,
        "spent": Chamber(Content.SPENT, before.lot),
        "live": Chamber(Content.LIVE),
        "dummy": demo.DUMMY,
        "blank": demo.BLANK,
    }[how]


RuleEngine.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestRuleEngine = RuleEngine.TestCase


def test_fork_copies_every_table_of_the_state() -> None:
    from dataclasses import fields

    from coldcheck.domain.state import _TABLES, State

    tables = tuple(f.name for f in fields(State) if f.type.startswith("dict["))
    assert tables == _TABLES
    state = State("p")
    forked = state.fork()
    assert all(getattr(forked, t) is not getattr(state, t) for t in _TABLES)
    assert forked == state


def test_training_recorded_after_a_fork_leaves_the_fork_as_it_was() -> None:
    h = Harness()
    demo.setup(h.run)
    forked = h.state.fork()
    before = copy.deepcopy(forked)
    h.run(
        c.RecordTraining(
            actor="rosa", person_id="jack", topics=("fanning",), minutes=30, trainer_id="rosa"
        )
    )
    h.run(c.DeclineTraining(actor="nora", person_id="nora", topics=("fanning",)))
    assert h.state.training["jack"].trained["fanning"] == h.state.seq - 1
    assert forked == before
