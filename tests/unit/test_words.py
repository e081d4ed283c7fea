"""The record in sentences (reports/words.py): names, local times and counted rounds, as
the armorer reads them on the tablet after a form; never an id, a seq or a class name."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.events import EVENT_TYPES
from coldcheck.domain.values import (
    AmmoType,
    Authority,
    Barrel,
    Chamber,
    Content,
    IncidentKind,
    ItemKind,
    Role,
    SceneAmmo,
    SupplierKind,
)
from coldcheck.reports.words import SENTENCES, describe, sentence
from support.clock import MINUTE_US, START_US, TODAY
from support.harness import Harness

DUMMY = Chamber(Content.DUMMY, "dum-45", checked=True)
FALLBACK = "recorded an entry"


def _set(h: Harness) -> None:
    """A production with the armorer, a performer, a 1st AD, one revolver, dummies and a
    scene that is ready for it: approved, met about, the performer trained."""
    h.run(c.CreateProduction(name="Western", timezone="America/Denver"))
    for pid, name, role in (
        ("rosa", "Rosa Vega", Role.ARMORER),
        ("jack", "Jack Reyes", Role.PERFORMER),
        ("dan", "Dan Hall", Role.FIRST_AD),
    ):
        h.run(c.AddPerson(person_id=pid, name=name, roles=(role,)))
    h.run(c.AssignAuthority(person_id="rosa", authority=Authority.HIRING))
    h.run(c.AssignAuthority(actor="rosa", person_id="rosa", authority=Authority.FIREARM_SAFETY))
    h.run(c.AddLocation(actor="rosa", location_id="safe", name="Gun safe", secure=True))
    h.run(
        c.RegisterItem(
            actor="rosa",
            item_id="colt-2",
            kind=ItemKind.FIREARM,
            serial="SA-2",
            tag="CC-0002",
            description="Colt .45 #2",
            location_id="safe",
            chambers=6,
            caliber=".45 LC",
        )
    )
    h.run(
        c.RegisterSupplier(
            actor="rosa",
            supplier_id="starline",
            kind=SupplierKind.PROP_SUPPLIER,
            name="Starline Props",
            contact="orders desk",
        )
    )
    h.run(
        c.ReceiveLot(
            actor="rosa",
            lot_id="dum-45",
            ammo_type=AmmoType.DUMMY,
            caliber=".45 LC",
            count=50,
            source="Starline Props",
            invoice="INV-1",
            supplier_id="starline",
        )
    )
    h.run(c.VerifyLot(actor="rosa", lot_id="dum-45", method="rattle test"))
    h.run(
        c.RecordTraining(
            actor="rosa", person_id="jack", topics=("firearm",), minutes=30, trainer_id="rosa"
        )
    )
    h.run(
        c.PlanScene(
            actor="dan",
            scene_id="sc-12",
            title="The church",
            date=TODAY,
            items=("colt-2",),
            performers=("jack",),
            ammo=SceneAmmo.DUMMY,
        )
    )
    h.run(c.ApproveScenePlan(actor="rosa", scene_id="sc-12"))
    h.run(c.ApproveScenePlan(actor="dan", scene_id="sc-12"))
    h.run(c.HoldSafetyMeeting(actor="dan", scene_id="sc-12", attendees=("rosa", "jack", "dan")))


def _recorded(h: Harness, *commands: c.Command) -> list[ev.Recorded]:
    """What the commands recorded, run one after another at the harness's clock."""
    start = len(h.records)
    for cmd in commands:
        h.run(cmd)
    return h.records[start:]


INSPECT = c.InspectItem(
    actor="rosa",
    item_id="colt-2",
    barrel=Barrel.CLEAR,
    chambers=(DUMMY,) * 6,
    shown_to=("jack", "dan"),
)
ISSUE = c.IssueItem(
    actor="rosa",
    item_id="colt-2",
    recipient_id="jack",
    scene_id="sc-12",
    recipient_acknowledged=True,
)


@pytest.fixture
def ready() -> Harness:
    h = Harness(now=START_US)
    _set(h)
    h.now = START_US + 102 * MINUTE_US  # 10:42 in America/Denver
    return h


def test_an_inspection_and_the_issue_it_clears_are_one_handoff_sentence(ready: Harness) -> None:
    records = _recorded(ready, INSPECT, ISSUE)
    assert [r.type for r in records] == ["ItemInspected", "ItemIssued"]
    assert describe(ready.state, records) == [
        "Rosa Vega handed Colt .45 #2 (CC-0002) to Jack Reyes for sc-12 at 10:42, loaded "
        "with 6 dummy rounds from dum-45, shown to Jack Reyes and Dan Hall; Jack Reyes "
        "confirmed it with their own PIN."
    ]


def test_an_empty_weapon_is_said_empty_with_its_barrel_clear(ready: Harness) -> None:
    empty = c.InspectItem(
        actor="rosa", item_id="colt-2", barrel=Barrel.CLEAR, chambers=(Chamber(Content.EMPTY),) * 6
    )
    records = _recorded(ready, empty)
    assert describe(ready.state, records) == [
        "Rosa Vega inspected Colt .45 #2 (CC-0002) at 10:42: empty, barrel clear, cold."
    ]


def test_a_return_with_rounds_missing_says_how_many_and_from_which_lot(ready: Harness) -> None:
    _recorded(ready, INSPECT, ISSUE)
    ready.now += 23 * MINUTE_US
    back = c.ReturnItem(
        actor="rosa", item_id="colt-2", chambers=(DUMMY,) * 4 + (Chamber(Content.EMPTY),) * 2
    )
    records = _recorded(ready, back)
    assert describe(ready.state, records) == [
        "Rosa Vega took back Colt .45 #2 (CC-0002) from Jack Reyes at 11:05: 4 dummy rounds "
        "from dum-45 came back, 2 rounds missing from dum-45."
    ]


def test_a_full_return_says_the_rounds_came_back(ready: Harness) -> None:
    _recorded(ready, INSPECT, ISSUE)
    ready.now += 23 * MINUTE_US
    back = c.ReturnItem(actor="rosa", item_id="colt-2", chambers=(DUMMY,) * 6)
    records = _recorded(ready, back)
    assert describe(ready.state, records) == [
        "Rosa Vega took back Colt .45 #2 (CC-0002) from Jack Reyes at 11:05: 6 dummy rounds "
        "from dum-45 came back."
    ]


def test_an_incident_says_what_happened_and_that_firearms_stand_down(ready: Harness) -> None:
    report = c.ReportIncident(
        actor="jack", kind=IncidentKind.MISFIRE, description="it clicked", item_id="colt-2"
    )
    records = _recorded(ready, report)  # first: describe reads the state after them
    assert describe(ready.state, records) == [
        "Jack Reyes reported an incident at 10:42: misfire with Colt .45 #2 (CC-0002), "
        "“it clicked”.",
        "Firearms stand down after the incident at 10:42 (misfire) until its safety review "
        "is signed off.",
    ]


def test_what_people_typed_shows_its_control_characters(ready: Harness) -> None:
    raised = c.RaiseConcern(actor="jack", text="cart \u202eopen\x1b[2J")
    records = _recorded(ready, raised)
    told = describe(ready.state, records)
    assert told[0] == "Jack Reyes raised a concern at 10:42: “cart \\u202eopen\\x1b[2J”."
    assert "\u202e" not in "".join(told)


def test_every_event_type_has_a_sentence() -> None:
    assert set(SENTENCES) == set(EVENT_TYPES.values())


def _demo() -> tuple[Harness, list[list[ev.Recorded]]]:
    h = Harness()
    by_command: list[list[ev.Recorded]] = []
    demo.seed(lambda cmd: by_command.append(_recorded(h, cmd)), TODAY)
    return h, by_command


DEMO = _demo()
NAMES = tuple(EVENT_TYPES)


def _plain(text: str, typed: str = "") -> None:
    """Words: no fallback, and no class name unless the event's own text (`typed`, its
    repr) holds it (a drawn id may be spelt like one)."""
    assert FALLBACK not in text, text
    assert not [name for name in NAMES if name in text and name not in typed], text
    assert text.endswith("."), text


def test_the_demo_day_reads_without_an_id_or_a_class_name() -> None:
    h, by_command = DEMO
    for records in by_command:
        for text in describe(h.state, records):
            _plain(text)
            assert not [i for i in ("person:", "location:", "colt-1", "inspection-") if i in text]


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_every_sentence_reads_any_event_of_its_type(data: Any) -> None:
    """Each sentence of the table runs on any event of its type (ids the state does not
    know included) and gives words, not the fallback."""
    h, _ = DEMO
    for kind in EVENT_TYPES.values():
        event = data.draw(st.from_type(kind))
        rec = ev.Recorded(seq=1, event_id="e", at=START_US, actor="rosa", event=event)
        _plain(sentence(h.state, rec), repr(event))
