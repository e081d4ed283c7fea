"""Evidence: what an incident involves stays as found; custody passes through the armorer
or a producer, once, then by transfer, every case number kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.evidence import elsewhere, primary_case
from coldcheck.domain.values import Barrel, Chamber, Custodian, Disposition, IncidentKind
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps

SHERIFF = "Santa Fe County Sheriff's Office"


def misfire(h: Harness, item_id: str = "colt-2") -> str:
    h.run(
        c.ReportIncident(
            actor="sam", kind=IncidentKind.MISFIRE, item_id=item_id, description="no bang"
        )
    )
    return f"incident-{len(h.state.incidents)}"


def to_sheriff(
    incident_id: str,
    actor: str = "rosa",
    item_id: str | None = None,
    lot_id: str | None = None,
    handin_id: str | None = None,
) -> c.HandOverToEvidence:
    return c.HandOverToEvidence(
        actor=actor,
        incident_id=incident_id,
        item_id=item_id,
        lot_id=lot_id,
        handin_id=handin_id,
        investigator="Det. Ana Cruz",
        agency=SHERIFF,
        case_number="2026-1042",
    )


def hand_in(incident_id: str, actor: str = "rosa") -> c.HandInEvidence:
    return c.HandInEvidence(
        actor=actor,
        incident_id=incident_id,
        handed_in_by="Lane Cho (camera)",
        what="two .45 rounds, headstamp R-P",
        found_where="camera truck, under the passenger seat",
        found_when="this morning, loading the truck",
        rounds=2,
    )


def move(item_id: str) -> c.MoveItem:
    return c.MoveItem(actor="rosa", item_id=item_id, location_id="truck-safe")


def inspect(item_id: str, chambers: tuple[Chamber, ...]) -> c.InspectItem:
    return c.InspectItem(actor="rosa", item_id=item_id, barrel=Barrel.CLEAR, chambers=chambers)


# EVD-1 -------------------------------------------------------------------------------


def test_an_incidents_weapon_stays_as_found_until_its_review(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    steps.ready_colt2(planned)
    incident = misfire(planned)
    refusal = expect.refused(planned, move("colt-2"), "EVD-1")
    assert (
        "Colt Single Action Army revolver, 7.5 in barrel (CC-0002) is evidence of the "
        "incident at 09:00 (misfire), whose review is open"
    ) in [v.detail for v in refusal.violations]
    gone = c.DisposeItem(actor="rosa", item_id="colt-2", transferee="Western Prop Rentals")
    expect.refused(planned, gone, "EVD-1")
    # Made safe, not loaded: unloading the weapon is not a change to the evidence's rounds.
    expect.accepted(planned, inspect("colt-2", (demo.EMPTY,) * 6), "EVD-1")
    expect.refused(planned, inspect("colt-2", (demo.BLANK,) * 6), "EVD-1")
    planned.run(
        c.SignOffReview(
            actor="nora",
            incident_id=incident,
            findings="bad primer",
            cause="a defective primer",
            corrective_actions="the lot spot-checked",
            signer_confirmed=True,
        )
    )
    expect.accepted(planned, move("colt-2"), "EVD-1")


def test_an_incidents_lot_is_not_loaded_split_or_merged(planned: Harness, expect: Expect) -> None:
    planned.run(
        c.ReportIncident(
            actor="rosa",
            kind=IncidentKind.UNACCOUNTED_ROUNDS,
            lot_id="dum-45",
            description="box count short by two",
        )
    )
    refusal = expect.refused(planned, inspect("colt-1", (demo.DUMMY,) * 6), "EVD-1")
    assert [v.detail for v in refusal.violations if v.code == "EVD-1"] == [
        "lot dum-45 is evidence of the incident at 09:00 (unaccounted rounds), whose review is open"
    ]
    split = c.SplitLot(actor="rosa", lot_id="dum-45", into=("dum-45a", "dum-45b"), rounds=(25, 25))
    expect.refused(planned, split, "EVD-1")
    expect.accepted(planned, inspect("colt-1", (demo.BLANK,) * 6), "EVD-1")


def test_a_piece_in_evidence_custody_stays_there_after_the_review(
    planned: Harness, expect: Expect
) -> None:
    incident = misfire(planned)
    planned.run(to_sheriff(incident, item_id="colt-2"))
    planned.run(
        c.SignOffReview(
            actor="nora",
            incident_id=incident,
            findings="bad primer",
            cause="a defective primer",
            corrective_actions="the lot spot-checked",
            signer_confirmed=True,
        )
    )
    refusal = expect.refused(planned, move("colt-2"), "EVD-1")
    assert (
        "Colt Single Action Army revolver, 7.5 in barrel (CC-0002) is in evidence custody "
        f"({SHERIFF}, case 2026-1042)"
    ) in [v.detail for v in refusal.violations]
    theft = c.DisposeItem(
        actor="rosa",
        item_id="colt-2",
        disposition=Disposition.THEFT,
        police_report="SFPD 1",
        atf_report="ATF 1",
    )
    expect.refused(planned, theft, "EVD-1")
    expect.accepted(planned, move("colt-1"), "EVD-1")


# EVD-2 -------------------------------------------------------------------------------


def test_evidence_passes_through_the_armorer_or_a_producer(
    planned: Harness, expect: Expect
) -> None:
    incident = misfire(planned)
    refusal = expect.refused(planned, hand_in(incident, actor="lane"), "EVD-2")
    assert [v.detail for v in refusal.violations] == [
        "Lane Cho is neither the armorer nor a producer"
    ]
    expect.refused(planned, to_sheriff(incident, actor="dan", item_id="colt-2"), "EVD-2")
    decision = expect.accepted(planned, hand_in(incident), "EVD-2")
    assert decision.events == (
        ev.EvidenceHandedIn(
            handin_id="handin-1",
            incident_id=incident,
            handed_in_by="Lane Cho (camera)",
            what="two .45 rounds, headstamp R-P",
            found_where="camera truck, under the passenger seat",
            found_when="this morning, loading the truck",
            rounds=2,
        ),
    )
    expect.accepted(planned, to_sheriff(incident, actor="paula", handin_id="handin-1"), "EVD-2")
    piece = planned.state.evidence["evidence-1"]
    assert (piece.handin_id, piece.rounds, piece.holder.sent_by) == ("handin-1", 2, "paula")


# EVD-3 -------------------------------------------------------------------------------


def test_a_piece_goes_into_custody_once_then_moves_by_transfer(
    planned: Harness, expect: Expect
) -> None:
    incident = misfire(planned)
    expect.accepted(planned, to_sheriff(incident, lot_id="blk-45"), "EVD-3")
    lot = planned.state.lots["blk-45"]
    assert (lot.in_box, lot.in_evidence) == (0, 50)
    refusal = expect.refused(planned, to_sheriff(incident, lot_id="blk-45"), "EVD-3")
    assert [v.detail for v in refusal.violations] == [
        f"lot blk-45 is already in evidence custody as evidence-1 ({SHERIFF}, case 2026-1042)"
    ]
    to_lab = c.TransferEvidence(
        actor="rosa",
        evidence_id="evidence-1",
        investigator="J. Ortega",
        agency="New Mexico State Crime Lab",
        case_number="LAB-77",
        reason="rounds sent for analysis",
    )
    planned.run(to_lab)
    piece = planned.state.evidence["evidence-1"]
    assert piece.case_numbers == ("2026-1042", "LAB-77")
    assert elsewhere(piece, primary_case([piece])) == ("LAB-77",)


def test_an_issued_weapon_is_taken_back_before_it_is_handed_over(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(steps.ready_colt1(planned))
    incident = misfire(planned, "colt-1")
    expect.refused(planned, to_sheriff(incident, item_id="colt-1"), "EVD-3")
    planned.run(c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(demo.DUMMY,) * 6))
    expect.accepted(planned, to_sheriff(incident, item_id="colt-1"), "EVD-3")
    assert planned.state.items["colt-1"].custodian == Custodian("evidence", "evidence-1")
