"""Custody rules: only the armorer hands weapons over, one custodian, unbroken custody."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.values import (
    AmmoType,
    Authority,
    Barrel,
    Custodian,
    Disposition,
    ItemKind,
    Role,
)
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps


# CUS-1 -------------------------------------------------------------------------------


def test_assistant_director_cannot_hand_weapon_to_actor(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.ready_colt1(planned)
    refusal = expect.refused(
        planned,
        c.IssueItem(
            actor="dan",
            item_id="colt-1",
            recipient_id="jack",
            scene_id="sc-12",
            recipient_acknowledged=True,
        ),
        "CUS-1",
    )
    assert "Dan Ortiz does not hold firearm-safety authority" in str(
        [v.detail for v in refusal.violations]
    )
    assert planned.state.items["colt-1"].custodian == Custodian("location", "truck-safe")
    expect.accepted(planned, handoff, "CUS-1")
    assert planned.state.items["colt-1"].custodian == Custodian("person", "jack")


def test_only_the_armorer_takes_a_weapon_back(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(steps.ready_colt1(planned))
    back = c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(demo.DUMMY,) * 6)
    expect.refused(
        planned, c.ReturnItem(actor="dan", item_id="colt-1", chambers=(demo.DUMMY,) * 6), "CUS-1"
    )
    expect.refused(
        planned, c.ReturnItem(actor="jack", item_id="colt-1", chambers=(demo.DUMMY,) * 6), "CUS-1"
    )
    expect.accepted(planned, back, "CUS-1")


def test_only_the_armorer_moves_registers_and_receives(planned: Harness, expect: Expect) -> None:
    expect.refused(
        planned, c.MoveItem(actor="dan", item_id="colt-1", location_id="gun-cart"), "CUS-1"
    )
    expect.refused(
        planned,
        c.RegisterItem(
            actor="gil",
            item_id="colt-3",
            kind=ItemKind.FIREARM,
            serial="X-1",
            tag="CC-0099",
            description="personal revolver",
            location_id="truck-safe",
            chambers=6,
        ),
        "CUS-1",
    )
    expect.refused(
        planned,
        c.ReceiveLot(
            actor="paula",
            lot_id="dum-2",
            ammo_type=AmmoType.DUMMY,
            caliber=".45 LC",
            count=10,
            source="a friend",
            invoice="none",
        ),
        "CUS-1",
    )
    expect.refused(planned, c.VerifyLot(actor="sam", lot_id="blk-45", method="looked"), "CUS-1")
    expect.refused(
        planned,
        c.CloseDay(actor="dan", date="2021-10-21", counts=(("dum-45", 50), ("blk-45", 50))),
        "CUS-1",
    )
    expect.accepted(
        planned, c.MoveItem(actor="rosa", item_id="colt-1", location_id="truck-safe"), "CUS-1"
    )


def test_firearm_safety_authority_not_the_job_title_lets_someone_issue(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    # An armorer by role but without the authority cannot issue; the authority is what counts.
    planned.run(
        c.AddPerson(actor="paula", person_id="ari", name="Ari Stone", roles=(Role.ARMORER,))
    )
    steps.ready_colt1(planned)
    from_ari = c.IssueItem(
        actor="ari",
        item_id="colt-1",
        recipient_id="jack",
        scene_id="sc-12",
        recipient_acknowledged=True,
    )
    expect.refused(planned, from_ari, "CUS-1")
    planned.run(
        c.AssignAuthority(actor="paula", person_id="ari", authority=Authority.FIREARM_SAFETY)
    )
    expect.accepted(planned, from_ari, "CUS-1")


# CUS-2 -------------------------------------------------------------------------------


def test_weapon_held_by_an_actor_cannot_be_issued_again(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.ready_colt1(planned)
    planned.run(handoff)
    refusal = expect.refused(planned, handoff, "CUS-2")
    assert any("is with Jack Reyes" in v.detail for v in refusal.violations)


def test_second_armorer_cannot_issue_what_the_first_holds(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(
        c.AddPerson(
            actor="paula", person_id="ari", name="Ari Stone", roles=(Role.ASSISTANT_ARMORER,)
        )
    )
    planned.run(
        c.AssignAuthority(actor="paula", person_id="ari", authority=Authority.FIREARM_SAFETY)
    )
    planned.run(steps.ready_colt1(planned))
    planned.run(c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(demo.DUMMY,) * 6))
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    assert planned.state.items["colt-1"].custodian == Custodian("person", "rosa")
    expect.refused(planned, steps.issue("colt-1", "jack", "sc-12", actor="ari"), "CUS-2")
    expect.accepted(planned, steps.issue("colt-1", "jack", "sc-12", actor="rosa"), "CUS-2")


def test_weapon_in_storage_can_be_issued_by_the_armorer(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    expect.accepted(planned, steps.ready_colt1(planned), "CUS-2")


# CUS-3 -------------------------------------------------------------------------------


def test_weapon_moved_after_inspection_must_be_inspected_again(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.ready_colt1(planned)
    planned.advance(9)
    planned.run(c.MoveItem(actor="rosa", item_id="colt-1", location_id="gun-cart"))
    refusal = expect.refused(planned, handoff, "CUS-3")
    # In the production's local time, as on set; no seq numbers or inspection ids.
    assert "custody changed at 09:09, after the last inspection at 09:00" in [
        v.detail for v in refusal.violations
    ]
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    expect.accepted(planned, handoff, "CUS-3")


def test_returned_weapon_must_be_inspected_before_the_next_issue(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    handoff = steps.ready_colt1(planned)
    planned.run(handoff)
    planned.run(c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(demo.DUMMY,) * 6))
    expect.refused(planned, handoff, "CUS-3")
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6, shown_to=("jack", "dan"))
    expect.accepted(planned, handoff, "CUS-3")


# CUS-4 -------------------------------------------------------------------------------


def test_weapon_in_storage_cannot_be_taken_back(planned: Harness, expect: Expect) -> None:
    back = c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(demo.EMPTY,) * 6)
    refusal = expect.refused(planned, back, "CUS-4")
    assert [v.detail for v in refusal.violations] == [
        "Colt Single Action Army revolver, 7.5 in barrel (CC-0001) is not issued "
        "(it is in Prop truck gun safe)"
    ]


def test_issued_weapon_is_taken_back_from_its_holder(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(steps.ready_colt1(planned))
    expect.accepted(
        planned, c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(demo.DUMMY,) * 6), "CUS-4"
    )
    item = planned.state.items["colt-1"]
    assert item.custodian == Custodian("person", "rosa")
    assert item.issued_for is None
    expect.refused(
        planned, c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(demo.DUMMY,) * 6), "CUS-4"
    )


# CUS-5 -------------------------------------------------------------------------------


def test_issued_weapon_cannot_be_moved_or_reinspected(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(steps.ready_colt1(planned))
    move = c.MoveItem(actor="rosa", item_id="colt-1", location_id="truck-safe")
    expect.refused(planned, move, "CUS-5")
    expect.refused(
        planned,
        c.InspectItem(
            actor="rosa", item_id="colt-1", barrel=Barrel.CLEAR, chambers=(demo.EMPTY,) * 6
        ),
        "CUS-5",
    )
    planned.run(c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(demo.DUMMY,) * 6))
    expect.accepted(planned, move, "CUS-5")
    assert planned.state.items["colt-1"].custodian == Custodian("location", "truck-safe")


# CUS-6 -------------------------------------------------------------------------------


def test_leaving_a_weapon_on_the_open_cart_warns(planned: Harness, expect: Expect) -> None:
    decision = expect.warned(
        planned, c.MoveItem(actor="rosa", item_id="colt-1", location_id="gun-cart"), "CUS-6"
    )
    assert decision.warnings[0].detail == "Gun cart by the church is not a secure location"
    assert planned.state.items["colt-1"].custodian == Custodian("location", "gun-cart")


def test_locking_a_weapon_in_the_safe_does_not_warn(planned: Harness, expect: Expect) -> None:
    planned.run(c.MoveItem(actor="rosa", item_id="colt-1", location_id="gun-cart"))
    decision = expect.accepted(
        planned, c.MoveItem(actor="rosa", item_id="colt-1", location_id="truck-safe"), "CUS-6"
    )
    assert decision.warnings == ()


# CUS-7 -------------------------------------------------------------------------------


def stolen(item_id: str, police: str = "", atf: str = "") -> c.DisposeItem:
    return c.DisposeItem(
        actor="rosa",
        item_id=item_id,
        disposition=Disposition.THEFT,
        reason="taken from the prop truck overnight",
        police_report=police,
        atf_report=atf,
    )


def test_a_stolen_firearm_needs_the_police_and_the_atf_report(
    planned: Harness, expect: Expect
) -> None:
    refusal = expect.refused(planned, stolen("colt-1"), "CUS-7")
    assert [v.detail for v in refusal.violations] == [
        "the theft of Colt Single Action Army revolver, 7.5 in barrel (CC-0001) has no "
        "police report number",
        "the theft of Colt Single Action Army revolver, 7.5 in barrel (CC-0001), a firearm, "
        "has no ATF report number",
    ]
    expect.refused(planned, stolen("colt-1", police="SFPD 26-004411"), "CUS-7")
    expect.accepted(planned, stolen("colt-1", "SFPD 26-004411", "ATF 2026-0117"), "CUS-7")
    item = planned.state.items["colt-1"]
    assert item.custodian.kind == "disposed"


def test_a_lost_rubber_prop_needs_only_the_police_report(planned: Harness, expect: Expect) -> None:
    lost = replace(stolen("rubber-1"), disposition=Disposition.LOSS)
    expect.refused(planned, lost, "CUS-7")
    expect.accepted(planned, replace(lost, police_report="SFPD 26-004412"), "CUS-7")


def test_a_transfer_needs_no_report(planned: Harness, expect: Expect) -> None:
    back = c.DisposeItem(actor="rosa", item_id="colt-1", transferee="Western Prop Rentals")
    expect.accepted(planned, back, "CUS-7")
