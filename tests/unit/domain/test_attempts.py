"""Refused attempts on the record: a refused safety-critical command records who tried
what, and nothing else; live ammunition in it opens an incident and a stand-down."""

from __future__ import annotations

from dataclasses import replace

import pytest

from coldcheck import demo
from coldcheck.domain import attempts
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.errors import NotFound, Refused
from coldcheck.domain.values import AmmoType, Barrel, Chamber, Content, IncidentKind
from support.attempts import only_the_attempt
from support.harness import Harness


def live_lot(actor: str = "rosa", lot_id: str = "live-45") -> c.ReceiveLot:
    return c.ReceiveLot(
        actor=actor,
        lot_id=lot_id,
        ammo_type=AmmoType.LIVE,
        caliber=".45 Colt",
        count=50,
        source="a gun shop",
        invoice="INV-1",
    )


def issue(actor: str = "rosa", recipient: str = "jack") -> c.IssueItem:
    # Never inspected: INS-3 refuses it (and CUS-1 too, for anyone but the armorer).
    return c.IssueItem(
        actor=actor,
        item_id="colt-1",
        recipient_id=recipient,
        scene_id="sc-12",
        recipient_acknowledged=True,
    )


def refuse(h: Harness, cmd: c.Command) -> Refused:
    with pytest.raises(Refused) as info:
        h.run(cmd)
    return info.value


def test_a_refused_issue_records_who_tried_what_and_changes_nothing(planned: Harness) -> None:
    before, count = planned.state, len(planned.records)
    refusal = refuse(planned, issue(actor="dan"))
    attempt = only_the_attempt(planned, before, count, "IssueItem")
    rec = planned.records[-1]
    assert refusal.attempt == rec.seq
    assert rec.actor == "dan"
    assert rec.at == planned.now
    assert (attempt.item_id, attempt.recipient_id, attempt.scene_id) == ("colt-1", "jack", "sc-12")
    assert attempt.lot_id is None
    assert attempt.incident_id is None
    assert set(attempt.codes) == {v.code for v in refusal.violations} >= {"CUS-1", "INS-3"}
    assert len(attempt.details) == len(attempt.codes)
    assert planned.state.attempts[rec.seq].targets == (
        ("item_id", "colt-1"),
        ("recipient_id", "jack"),
        ("scene_id", "sc-12"),
    )


def test_a_refused_command_that_is_not_safety_critical_records_nothing(planned: Harness) -> None:
    planned.run(c.RaiseConcern(actor="jack", text="the gun cart is open"))
    before, count = planned.state, len(planned.records)
    ack = c.AcknowledgeConcern(actor="jack", concern_id="concern-1")
    assert not attempts.critical(ack)
    refusal = refuse(planned, ack)
    assert refusal.attempt is None
    assert (planned.state, len(planned.records)) == (before, count)


def test_invalid_input_is_not_an_attempt(planned: Harness) -> None:
    before, count = planned.state, len(planned.records)
    with pytest.raises(NotFound):
        planned.run(replace(issue(), item_id="nope"))
    assert (planned.state, len(planned.records)) == (before, count)


def test_refusing_a_live_lot_opens_an_incident_and_a_stand_down(planned: Harness) -> None:
    count = len(planned.records)
    refusal = refuse(planned, live_lot())
    assert [v.code for v in refusal.violations] == ["AMM-1"]
    added = planned.records[count:]
    assert [r.type for r in added] == ["AttemptRefused", "IncidentReported", "StandDownBegan"]
    assert len({r.at for r in added}) == 1  # one append
    assert refusal.attempt == added[0].seq
    reported = added[1].event
    assert isinstance(reported, ev.IncidentReported)
    assert reported.kind is IncidentKind.LIVE_ROUND_FOUND
    assert reported.lot_id is None
    assert "lot live-45" in reported.description
    assert "50 rounds" in reported.description
    assert "live-45" not in planned.state.lots  # the lot itself is not received
    assert planned.state.stand_down == (reported.incident_id,)


def test_a_live_round_in_a_refused_inspection_is_on_the_record(planned: Harness) -> None:
    # Dan may not inspect (CUS-1), but the live round he found is on set all the same.
    cmd = c.InspectItem(
        actor="dan",
        item_id="colt-1",
        barrel=Barrel.CLEAR,
        chambers=(Chamber(Content.LIVE),) + (demo.EMPTY,) * 5,
    )
    count = len(planned.records)
    refuse(planned, cmd)
    assert [r.type for r in planned.records[count:]] == [
        "AttemptRefused",
        "IncidentReported",
        "StandDownBegan",
    ]
    assert planned.state.inspections == {}
    assert planned.state.incidents["incident-1"].item_id == "colt-1"


def test_the_same_attempt_looped_is_recorded_once_within_ten_minutes(planned: Harness) -> None:
    first = refuse(planned, live_lot())
    count = len(planned.records)
    for _ in range(5):
        planned.advance(1)
        again = refuse(planned, live_lot())
        assert again.attempt == first.attempt  # cites the one on the record
    assert len(planned.records) == count
    assert len(planned.state.incidents) == 1
    planned.advance(10)
    later = refuse(planned, live_lot())
    assert later.attempt == count + 1
    # Another attempt is another fact: another lot is recorded at once.
    assert refuse(planned, live_lot(lot_id="live-46")).attempt == count + 4


def test_a_persons_attempts_past_the_hourly_cap_are_refused_unrecorded(planned: Harness) -> None:
    recorded = []
    for i in range(attempts.PER_ACTOR_PER_HOUR + 3):
        scene = "sc-12" if i % 2 else "sc-14"
        recipient = ("jack", "sam", "mia")[i % 3]
        planned.advance(1.5)  # 18 different issues: each comes round again after 27 min
        item = ("colt-1", "colt-2", "rifle-1")[(i // 6) % 3]
        cmd = replace(issue(actor="dan", recipient=recipient), scene_id=scene, item_id=item)
        recorded.append(refuse(planned, cmd).attempt)
    dans = [a for a in planned.state.attempts.values() if a.actor == "dan"]
    assert len(dans) == attempts.PER_ACTOR_PER_HOUR
    assert recorded[-3:] == [None, None, None]
    # Others are not capped by Dan's loop.
    assert refuse(planned, issue()).attempt == planned.state.seq
    planned.advance(60)
    assert refuse(planned, issue(actor="dan")).attempt == planned.state.seq


def test_every_safety_critical_command_says_why() -> None:
    for kind, (verb, why) in attempts.SAFETY_CRITICAL.items():
        assert issubclass(kind, c.Command)
        assert verb
        assert why
