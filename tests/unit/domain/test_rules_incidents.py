"""Incidents: any incident stands the firearms down until its safety review carries every
signature it needs."""

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


def sign_off(
    incident_id: str,
    actor: str = "nora",
    involved: tuple[str, ...] = (),
    pin: bool = True,
) -> c.SignOffReview:
    return c.SignOffReview(
        actor=actor,
        incident_id=incident_id,
        findings="bad primer",
        cause="a defective primer in lot blk-45",
        corrective_actions="cast briefed; the lot spot-checked",
        involved=involved,
        signer_confirmed=pin,
    )


def countersign(incident_id: str, actor: str = "rosa", pin: bool = True) -> c.CountersignReview:
    return c.CountersignReview(actor=actor, incident_id=incident_id, signer_confirmed=pin)


def discharge(
    actor: str = "dan", kind: IncidentKind = IncidentKind.ACCIDENTAL_DISCHARGE
) -> c.ReportIncident:
    return c.ReportIncident(
        actor=actor, kind=kind, item_id="colt-2", description="a blank fired on holstering"
    )


# INC-1 -------------------------------------------------------------------------------


def test_inspection_finding_a_live_round_records_an_incident_and_stands_down(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.ready_colt2(planned)
    live = (demo.DUMMY,) * 2 + (Chamber(Content.LIVE),) + (demo.DUMMY,) * 3
    decision = steps.inspect(planned, "colt-1", live, shown_to=("jack", "dan"))
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
        ev.ReviewSignedOff(
            incident_id="incident-1",
            findings="bad primer",
            cause="a defective primer in lot blk-45",
            corrective_actions="cast briefed; the lot spot-checked",
            signer_confirmed=True,
        ),
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


def test_a_discharge_stands_down_until_the_armorer_countersigns(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.ready_colt1(planned)
    planned.run(discharge())
    decision = planned.run(sign_off("incident-1"))
    assert not any(isinstance(e, ev.StandDownLifted) for e in decision.events)
    refusal = expect.refused(planned, handoff, "INC-1")
    assert (
        "firearms stand down after the incident at 09:00 (accidental discharge) until its "
        "safety review is countersigned by the armorer"
    ) in [v.detail for v in refusal.violations]
    decision = planned.run(countersign("incident-1"))
    assert decision.events == (
        ev.ReviewCountersigned(incident_id="incident-1", signer_confirmed=True),
        ev.StandDownLifted(),
    )
    expect.accepted(planned, handoff, "INC-1")


def test_an_injury_needs_the_countersignature_too(planned: Harness) -> None:
    planned.run(discharge(kind=IncidentKind.INJURY))
    planned.run(sign_off("incident-1"))
    assert planned.state.stand_down == ("incident-1",)
    planned.run(countersign("incident-1"))
    assert not planned.state.stand_down


# INC-2 -------------------------------------------------------------------------------


def test_a_producer_or_the_upm_cannot_sign_off_a_review(planned: Harness, expect: Expect) -> None:
    planned.run(misfire())
    for actor in ("paula", "gil", "dan"):
        refusal = expect.refused(planned, sign_off("incident-1", actor=actor), "INC-2")
        name = planned.state.people[actor].name
        assert f"{name} is neither the safety rep nor holds firearm-safety authority" in [
            v.detail for v in refusal.violations
        ]
    assert planned.state.stand_down == ("incident-1",)
    # The armorer, who holds firearm-safety authority and was not involved, may.
    expect.accepted(planned, sign_off("incident-1", actor="rosa"), "INC-2")
    assert not planned.state.stand_down


def test_nobody_involved_signs_off_the_review(planned: Harness, expect: Expect) -> None:
    planned.run(discharge(actor="nora"))  # the safety rep reported it
    refusal = expect.refused(planned, sign_off("incident-1", actor="nora"), "INC-2")
    assert "Nora Finch reported the incident at 09:00 (accidental discharge)" in [
        v.detail for v in refusal.violations
    ]
    refusal = expect.refused(
        planned, sign_off("incident-1", actor="rosa", involved=("rosa",)), "INC-2"
    )
    assert "Rosa Vega is named as involved in the incident at 09:00 (accidental discharge)" in [
        v.detail for v in refusal.violations
    ]
    expect.accepted(planned, sign_off("incident-1", actor="rosa", involved=("sam",)), "INC-2")


def test_the_holder_of_the_weapon_does_not_sign_off_its_review(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(steps.ready_colt2(planned))  # colt-2 in Sam's hands
    planned.run(discharge())
    assert planned.state.incidents["incident-1"].holder == "sam"
    refusal = expect.refused(planned, sign_off("incident-1", actor="sam"), "INC-2")
    assert "Sam Cole held the item when the incident at 09:00 (accidental discharge) happened" in [
        v.detail for v in refusal.violations
    ]
    expect.accepted(planned, sign_off("incident-1", actor="nora"), "INC-2")


def test_review_is_signed_off_once(planned: Harness, expect: Expect) -> None:
    planned.run(misfire())
    expect.accepted(planned, sign_off("incident-1", actor="nora"), "INC-2")
    refusal = expect.refused(planned, sign_off("incident-1", actor="rosa"), "INC-2")
    assert "the safety review of the incident at 09:00 (misfire) was already signed off" in [
        v.detail for v in refusal.violations
    ]


# INC-3 -------------------------------------------------------------------------------


def test_a_review_is_signed_with_the_signers_own_pin(planned: Harness, expect: Expect) -> None:
    planned.run(discharge())
    refusal = expect.refused(planned, sign_off("incident-1", pin=False), "INC-3")
    assert "Nora Finch did not confirm the signature with their own PIN" in [
        v.detail for v in refusal.violations
    ]
    expect.accepted(planned, sign_off("incident-1"), "INC-3")
    expect.refused(planned, countersign("incident-1", pin=False), "INC-3")
    expect.accepted(planned, countersign("incident-1"), "INC-3")


# INC-4 -------------------------------------------------------------------------------


def test_only_the_armorer_countersigns_after_the_review(planned: Harness, expect: Expect) -> None:
    planned.run(discharge())
    refusal = expect.refused(planned, countersign("incident-1"), "INC-4")
    assert (
        "the safety review of the incident at 09:00 (accidental discharge) is not signed off yet"
        in [v.detail for v in refusal.violations]
    )
    planned.run(sign_off("incident-1"))
    refusal = expect.refused(planned, countersign("incident-1", actor="nora"), "INC-4")
    assert "Nora Finch does not hold firearm-safety authority" in [
        v.detail for v in refusal.violations
    ]
    expect.accepted(planned, countersign("incident-1"), "INC-4")
    refusal = expect.refused(planned, countersign("incident-1"), "INC-4")
    assert (
        "the review of the incident at 09:00 (accidental discharge) was already countersigned"
        in [v.detail for v in refusal.violations]
    )


def test_the_first_signer_does_not_countersign(planned: Harness, expect: Expect) -> None:
    planned.run(discharge())
    planned.run(sign_off("incident-1", actor="rosa"))
    refusal = expect.refused(planned, countersign("incident-1", actor="rosa"), "INC-4")
    assert "Rosa Vega signed the review off; a second person countersigns it" in [
        v.detail for v in refusal.violations
    ]


def test_a_misfire_needs_no_countersignature(planned: Harness, expect: Expect) -> None:
    planned.run(misfire())
    planned.run(sign_off("incident-1"))
    refusal = expect.refused(planned, countersign("incident-1"), "INC-4")
    assert "the review of the incident at 09:00 (misfire) needs no countersignature" in [
        v.detail for v in refusal.violations
    ]
