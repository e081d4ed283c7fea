"""Incidents: any incident stands the firearms down until a safety review is signed off."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.values import Chamber, Content, IncidentKind, Label
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps


def misfire(actor: str = "sam") -> c.ReportIncident:
    return c.ReportIncident(
        actor=actor,
        kind=IncidentKind.MISFIRE,
        item_id="colt-2",
        description="blank did not fire; 15 s wait; cleared",
    )


def sign_off(incident_id: str, actor: str = "nora") -> c.SignOffReview:
    return c.SignOffReview(actor=actor, incident_id=incident_id, findings="bad primer")


# INC-1 -------------------------------------------------------------------------------


def test_inspection_finding_a_live_round_records_an_incident_and_stands_down(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.ready_colt2(planned)
    live = (demo.DUMMY,) * 2 + (Chamber(Content.LIVE),) + (demo.DUMMY,) * 3
    decision = steps.inspect(planned, "colt-1", live, shown_to=("jack",))
    inspected, reported, stand_down = decision.events
    assert isinstance(inspected, ev.ItemInspected)
    assert inspected.label is Label.UNSAFE
    assert reported == ev.IncidentReported(
        incident_id="incident-1",
        kind=IncidentKind.LIVE_ROUND_FOUND,
        description="live round found in colt-1, chamber(s) 3",
        item_id="colt-1",
        lot_id=None,
        rounds=0,
    )
    assert stand_down == ev.StandDownBegan(incident_id="incident-1")
    assert planned.state.stand_down == ("incident-1",)

    refusal = expect.refused(planned, handoff, "INC-1")
    assert [v.code for v in refusal.violations] == ["INC-1"]
    assert (
        "firearms stand down after the incident at 09:00 (live round found) until its "
        "safety review is signed off"
    ) in [v.detail for v in refusal.violations]
    # The weapon with the live round stays refused after the stand-down is lifted.
    expect.refused(planned, steps.issue("colt-1", "jack", "sc-12"), "INC-1")

    planned.run(sign_off("incident-1"))
    expect.accepted(planned, handoff, "INC-1")
    expect.refused(planned, steps.issue("colt-1", "jack", "sc-12"), "INS-4")


def test_misfire_stands_the_set_down_until_the_review_is_signed_off(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.ready_colt1(planned)
    planned.run(misfire())
    expect.refused(planned, handoff, "INC-1")
    decision = planned.run(sign_off("incident-1"))
    assert decision.events == (
        ev.ReviewSignedOff(incident_id="incident-1", findings="bad primer"),
        ev.StandDownLifted(),
    )
    expect.accepted(planned, handoff, "INC-1")


def test_stand_down_lasts_until_every_incident_is_reviewed(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.ready_colt1(planned)
    planned.run(misfire())
    planned.run(misfire())
    decision = planned.run(sign_off("incident-1"))
    assert not any(isinstance(e, ev.StandDownLifted) for e in decision.events)
    expect.refused(planned, handoff, "INC-1")
    planned.run(sign_off("incident-2"))
    expect.accepted(planned, handoff, "INC-1")


# INC-2 -------------------------------------------------------------------------------


def test_armorer_cannot_sign_off_the_review_of_her_own_incident(
    planned: Harness, expect: Expect
) -> None:
    planned.run(misfire())
    refusal = expect.refused(planned, sign_off("incident-1", actor="rosa"), "INC-2")
    assert "Rosa Vega is not the safety rep, a producer or the UPM" in [
        v.detail for v in refusal.violations
    ]
    expect.refused(planned, sign_off("incident-1", actor="dan"), "INC-2")
    assert planned.state.stand_down == ("incident-1",)
    expect.accepted(planned, sign_off("incident-1", actor="gil"), "INC-2")
    assert not planned.state.stand_down


def test_review_is_signed_off_once(planned: Harness, expect: Expect) -> None:
    planned.run(misfire())
    expect.accepted(planned, sign_off("incident-1", actor="paula"), "INC-2")
    refusal = expect.refused(planned, sign_off("incident-1", actor="nora"), "INC-2")
    assert "the safety review of the incident at 09:00 (misfire) was already signed off" in [
        v.detail for v in refusal.violations
    ]
