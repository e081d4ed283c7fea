"""Rental rules: weapons from a registered rental house, each on its invoice, returned to
that house from storage with a signed return, and nothing done with them afterwards."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.values import (
    Barrel,
    Custodian,
    Disposition,
    IncidentKind,
    ItemKind,
    SupplierKind,
)
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps


def colt3(h: Harness) -> None:
    """A third revolver registered into the safe, not yet on any rental."""
    h.run(
        c.RegisterItem(
            actor="rosa",
            item_id="colt-3",
            kind=ItemKind.FIREARM,
            serial="SA-32001",
            tag="CC-0005",
            description="Colt Single Action Army revolver, 4.75 in barrel",
            location_id="truck-safe",
            chambers=6,
            caliber=".45 LC",
            manufacturer="Colt",
            model="Single Action Army",
        )
    )


def pick_up(
    supplier_id: str = demo.RENTAL_HOUSE, serials: tuple[str, ...] = ("SA-32001",)
) -> c.PickUpRental:
    return c.PickUpRental(
        actor="rosa",
        rental_id="wpr-0419",
        supplier_id=supplier_id,
        agreement="WPR-2026-0419",
        serials=serials,
        item_ids=("colt-3",),
        picked_up_by="rosa",
    )


def give_back(item_id: str = "colt-2", supplier_id: str = demo.RENTAL_HOUSE) -> c.ReturnRental:
    return c.ReturnRental(
        actor="rosa",
        item_id=item_id,
        supplier_id=supplier_id,
        receiver="Luis Baca",
        reference="WPR-RET-0412-2",
        signer_confirmed=True,
    )


def another_house(h: Harness) -> None:
    h.run(
        c.RegisterSupplier(
            actor="rosa",
            supplier_id="ranch",
            kind=SupplierKind.RENTAL_HOUSE,
            name="Ranch Arms Rentals",
            contact="Santa Fe NM",
        )
    )


# RNT-1 -------------------------------------------------------------------------------


def test_a_rental_comes_from_a_rental_house(planned: Harness, expect: Expect) -> None:
    colt3(planned)
    refusal = expect.refused(planned, pick_up("starline"), "RNT-1")
    assert "Starline Props is registered as a prop_supplier, not a rental house" in str(
        [v.detail for v in refusal.violations]
    )
    expect.accepted(planned, pick_up(), "RNT-1")
    rental = planned.state.rentals["wpr-0419"]
    assert (rental.supplier_id, rental.out(), rental.liable_until()) == (
        "western",
        ("colt-3",),
        None,
    )
    assert rental.picked_up_at == planned.now


def test_a_rental_goes_back_to_a_rental_house(planned: Harness, expect: Expect) -> None:
    expect.refused(planned, give_back(supplier_id="starline"), "RNT-1")
    expect.accepted(planned, give_back(), "RNT-1")


def test_only_the_armorer_picks_up_and_returns(planned: Harness, expect: Expect) -> None:
    colt3(planned)
    expect.refused(planned, replace(pick_up(), actor="dan"), "CUS-1")
    expect.refused(planned, replace(give_back(), actor="dan"), "CUS-1")


# RNT-2 -------------------------------------------------------------------------------


def test_a_weapon_not_on_the_invoice_is_refused(planned: Harness, expect: Expect) -> None:
    colt3(planned)
    refusal = expect.refused(planned, pick_up(serials=("SA-32010",)), "RNT-2")
    assert [v.detail for v in refusal.violations] == [
        "Colt Single Action Army revolver, 4.75 in barrel (CC-0005), serial SA-32001, is not "
        "on invoice WPR-2026-0419"
    ]
    # As typed on the invoice: case and spaces are not a different serial.
    expect.accepted(planned, pick_up(serials=("SA-32010", " sa-32001 ")), "RNT-2")


def test_a_weapon_already_out_on_rental_is_not_picked_up_again(
    planned: Harness, expect: Expect
) -> None:
    again = replace(pick_up(serials=("SA-31902",)), item_ids=("colt-2",))
    refusal = expect.refused(planned, again, "RNT-2")
    assert "is already out on rental WPR-2026-0412" in str([v.detail for v in refusal.violations])


# RNT-3 -------------------------------------------------------------------------------


def test_only_a_rental_is_returned_and_to_its_own_house(planned: Harness, expect: Expect) -> None:
    refusal = expect.refused(planned, give_back("colt-1"), "RNT-3")
    assert "is not out on rental" in refusal.violations[0].detail
    another_house(planned)
    refusal = expect.refused(planned, give_back(supplier_id="ranch"), "RNT-3")
    assert "was rented from Western Prop Rentals (agreement WPR-2026-0412)" in str(
        [v.detail for v in refusal.violations]
    )
    expect.accepted(planned, give_back(), "RNT-3")


# RNT-4 -------------------------------------------------------------------------------


def test_an_issued_rental_is_not_returned(planned: Harness, expect: Expect, steps: Steps) -> None:
    planned.run(steps.ready_colt2(planned))
    refusal = expect.refused(planned, give_back(), "RNT-4")
    assert "is issued to Sam Cole" in str([v.detail for v in refusal.violations])
    planned.run(c.ReturnItem(actor="rosa", item_id="colt-2", chambers=(demo.BLANK,) * 6))
    expect.accepted(planned, give_back(), "RNT-4")


def test_no_rental_goes_back_during_a_stand_down_or_as_evidence(
    planned: Harness, expect: Expect
) -> None:
    planned.run(
        c.ReportIncident(
            actor="rosa",
            kind=IncidentKind.MISFIRE,
            item_id="colt-2",
            description="a blank did not fire in the third chamber",
        )
    )
    details = [v.detail for v in expect.refused(planned, give_back(), "RNT-4").violations]
    assert any("held as evidence (incident-1)" in d for d in details)
    assert "firearms stand down (incident-1)" in details


# RNT-5 -------------------------------------------------------------------------------


def test_a_return_is_signed_with_the_armorers_pin(planned: Harness, expect: Expect) -> None:
    expect.refused(planned, replace(give_back(), signer_confirmed=False), "RNT-5")
    expect.accepted(planned, give_back(), "RNT-5")
    rental = planned.state.rentals[demo.RENTAL]
    assert rental.out() == ("rifle-1",)
    assert [(r.item_id, r.receiver, r.reference) for r in rental.returns] == [
        ("colt-2", "Luis Baca", "WPR-RET-0412-2")
    ]


# RNT-6 -------------------------------------------------------------------------------


def test_a_returned_rental_is_no_longer_the_productions(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(give_back())
    assert planned.state.items["colt-2"].custodian == Custodian("returned", "western")
    move = c.MoveItem(actor="rosa", item_id="colt-2", location_id="truck-safe")
    refusal = expect.refused(planned, move, "RNT-6")
    assert "(CC-0002) was returned to Western Prop Rentals" in refusal.violations[0].detail
    expect.refused(planned, give_back(), "RNT-6")
    expect.refused(
        planned,
        c.InspectItem(
            actor="rosa", item_id="colt-2", barrel=Barrel.CLEAR, chambers=(demo.EMPTY,) * 6
        ),
        "RNT-6",
    )
    expect.accepted(planned, replace(move, item_id="colt-1"), "RNT-6")


def test_both_rentals_back_end_the_liability(planned: Harness, expect: Expect) -> None:
    planned.run(give_back())
    planned.advance(30)
    expect.accepted(planned, give_back("rifle-1"), "RNT-6")
    rental = planned.state.rentals[demo.RENTAL]
    assert rental.out() == ()
    assert rental.liable_until() == planned.now


# RNT-7 -------------------------------------------------------------------------------


def test_a_rental_is_not_transferred(planned: Harness, expect: Expect) -> None:
    sold = c.DisposeItem(actor="rosa", item_id="colt-2", transferee="Santa Fe Gun Shop")
    refusal = expect.refused(planned, sold, "RNT-7")
    assert "is rented from Western Prop Rentals (WPR-2026-0412)" in refusal.violations[0].detail
    lost = replace(
        sold,
        disposition=Disposition.LOSS,
        transferee="",
        police_report="APD 26-118210",
        atf_report="ATF 2026-0231",
    )
    expect.accepted(planned, lost, "RNT-7")
    assert planned.state.items["colt-2"].custodian.kind == "disposed"
