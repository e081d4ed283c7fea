"""Transfers between units and locations: two armorers sign, each with their own PIN;
what is in a carrier's hands is touched by nobody; what did not arrive is an incident."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain import names
from coldcheck.domain.errors import InvalidCommand, Refused
from coldcheck.domain.values import (
    Authority,
    Custodian,
    IncidentKind,
    TransferStatus,
    UnitKind,
)
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps

DRIVER = "Ray Tso (driver, Mesa Film Transport)"


def details(refusal: Refused) -> str:
    return "; ".join(v.detail for v in refusal.violations)


@pytest.fixture
def units(planned: Harness) -> Harness:
    """The demo's day planned, with its second unit, its armorer and its safe."""
    demo.units(planned.run)
    return planned


def dispatch(**changes: object) -> c.DispatchTransfer:
    cmd = c.DispatchTransfer(
        actor="rosa",
        from_unit="main",
        from_location="truck-safe",
        to_unit="second",
        to_location="ranch-safe",
        carrier=DRIVER,
        waybill="MFT-55120",
        items=("colt-1", "rifle-1"),
        lots=(("blk-45", 12),),
        signer_confirmed=True,
    )
    return replace(cmd, **changes)  # type: ignore[arg-type]


def receive(**changes: object) -> c.ReceiveTransfer:
    cmd = c.ReceiveTransfer(
        actor="omar",
        transfer_id="transfer-1",
        serials=("SA-31877", "WR-11045"),
        counts=(("blk-45", 12),),
        signer_confirmed=True,
    )
    return replace(cmd, **changes)  # type: ignore[arg-type]


# TRF-1 -------------------------------------------------------------------------------


def test_only_the_sending_units_armorer_dispatches(units: Harness, expect: Expect) -> None:
    refusal = expect.refused(units, dispatch(actor="omar"), "TRF-1")
    assert "Omar Haddad is not the armorer of Main unit" in refusal.violations[0].detail
    expect.refused(units, dispatch(actor="dan"), "TRF-1")
    expect.accepted(units, dispatch(), "TRF-1")


def test_the_sender_signs_with_their_own_pin(units: Harness, expect: Expect) -> None:
    refusal = expect.refused(units, dispatch(signer_confirmed=False), "TRF-1")
    assert "has not signed" in details(refusal)


def test_dispatch_puts_everything_in_the_carriers_hands(units: Harness) -> None:
    units.run(dispatch())
    s = units.state
    t = s.transfers["transfer-1"]
    assert (t.sender_id, t.receiver_id, t.carrier, t.status) == (
        "rosa",
        "omar",
        DRIVER,
        TransferStatus.IN_TRANSIT,
    )
    assert s.items["colt-1"].custodian == Custodian("transit", "transfer-1")
    assert names.place(s, s.items["colt-1"].custodian) == f"in transit with {DRIVER} (transfer-1)"
    lot = s.lots["blk-45"]
    assert (lot.in_box, lot.in_transit) == (38, 12)


# TRF-2 -------------------------------------------------------------------------------


def test_only_the_receiving_armorer_checks_it_in(units: Harness, expect: Expect) -> None:
    units.run(dispatch())
    refusal = expect.refused(units, receive(actor="rosa"), "TRF-2")
    assert "Omar Haddad, the armorer of Second unit (Ghost Ranch)" in details(refusal)
    expect.refused(units, receive(signer_confirmed=False), "TRF-2")
    expect.refused(
        units, c.RefuseTransfer(actor="rosa", transfer_id="transfer-1", reason="x"), "TRF-2"
    )
    expect.accepted(units, receive(), "TRF-2")
    s = units.state
    assert s.items["colt-1"].custodian == Custodian("location", "ranch-safe")
    assert s.transfers["transfer-1"].status is TransferStatus.RECEIVED
    lot = s.lots["blk-45"]
    assert (lot.in_box, lot.in_transit, lot.missing) == (50, 0, 0)
    assert not s.stand_down


def test_a_missing_firearm_on_arrival_opens_an_incident(units: Harness) -> None:
    units.run(dispatch())
    decision = units.run(receive(serials=("WR-11045",), counts=(("blk-45", 10),)))
    types = [type(e).__name__ for e in decision.events]
    assert types == [
        "TransferReceived",
        "IncidentReported",
        "StandDownBegan",
        "IncidentReported",
        "StandDownBegan",
    ]
    s = units.state
    first, second = (e for e in decision.events if isinstance(e, ev.IncidentReported))
    assert (first.kind, first.item_id) == (IncidentKind.UNSECURED_ITEM, "colt-1")
    assert "SA-31877" in first.description
    assert DRIVER in first.description
    assert (second.kind, second.lot_id, second.rounds) == (
        IncidentKind.UNACCOUNTED_ROUNDS,
        "blk-45",
        0,
    )
    # Still with the carrier, on the record; held as evidence of its incident.
    assert s.items["colt-1"].custodian == Custodian("transit", "transfer-1")
    assert s.items["rifle-1"].custodian == Custodian("location", "ranch-safe")
    assert "colt-1" in s.held_items()
    lot = s.lots["blk-45"]
    assert (lot.in_box, lot.in_transit, lot.missing) == (48, 0, 2)
    assert set(s.stand_down) == {first.incident_id, second.incident_id}


def test_a_serial_it_did_not_carry_is_a_concern(units: Harness) -> None:
    units.run(dispatch(items=("colt-1",), lots=()))
    decision = units.run(receive(serials=("SA-31877", "XX-1"), counts=()))
    raised = [e for e in decision.events if isinstance(e, ev.ConcernRaised)]
    assert len(raised) == 1
    assert "XX-1" in raised[0].text
    assert not units.state.stand_down


def test_a_refused_transfer_goes_back_to_the_sender(units: Harness) -> None:
    units.run(dispatch())
    units.run(
        c.RefuseTransfer(
            actor="omar",
            transfer_id="transfer-1",
            reason="no room in the safe",
            signer_confirmed=True,
        )
    )
    s = units.state
    assert s.items["colt-1"].custodian == Custodian("location", "truck-safe")
    assert s.transfers["transfer-1"].status is TransferStatus.REFUSED
    assert (s.lots["blk-45"].in_box, s.lots["blk-45"].in_transit) == (50, 0)


# TRF-3 -------------------------------------------------------------------------------


def test_nothing_leaves_during_a_stand_down(units: Harness, expect: Expect) -> None:
    units.run(
        c.ReportIncident(
            actor="sam", kind=IncidentKind.MISFIRE, item_id="colt-2", description="no bang"
        )
    )
    refusal = expect.refused(units, dispatch(items=("colt-2",)), "TRF-3")
    details = [v.detail for v in refusal.violations if v.code == "TRF-3"]
    assert any("stand down" in d for d in details)
    assert any("(CC-0002) is held as evidence" in d for d in details)


def test_a_transfer_leaves_when_nothing_holds_it(units: Harness, expect: Expect) -> None:
    expect.accepted(units, dispatch(), "TRF-3")


# TRF-4, TRF-6 ------------------------------------------------------------------------


def test_nothing_in_transit_is_sent_again_or_handled(
    units: Harness, expect: Expect, steps: Steps
) -> None:
    units.run(dispatch())
    expect.refused(units, dispatch(items=("colt-1",), lots=()), "TRF-4")
    expect.refused(
        units, c.MoveItem(actor="rosa", item_id="colt-1", location_id="gun-cart"), "TRF-6"
    )
    expect.refused(units, steps.issue("colt-1", "jack", "sc-12"), "TRF-6")
    expect.refused(
        units,
        c.InspectItem(
            actor="omar", item_id="rifle-1", barrel=demo.Barrel.CLEAR, chambers=(demo.EMPTY,)
        ),
        "TRF-6",
    )


def test_once_checked_in_it_is_handled_again(units: Harness, expect: Expect) -> None:
    units.run(dispatch())
    units.run(receive())
    expect.accepted(units, dispatch(items=("colt-2",), lots=()), "TRF-4")
    expect.accepted(
        units, c.MoveItem(actor="omar", item_id="colt-1", location_id="ranch-safe"), "TRF-6"
    )


# TRF-5 -------------------------------------------------------------------------------


def test_a_transfer_is_sent_from_where_its_items_are(
    units: Harness, expect: Expect, steps: Steps
) -> None:
    units.run(c.MoveItem(actor="rosa", item_id="rifle-1", location_id="gun-cart"))
    refusal = expect.refused(units, dispatch(), "TRF-5")
    assert "not in Prop truck gun safe" in details(refusal)
    expect.refused(units, dispatch(items=("colt-1",), lots=(("blk-45", 51),)), "TRF-5")
    expect.accepted(units, dispatch(from_location="gun-cart", items=("rifle-1",), lots=()), "TRF-5")


# TRF-7 -------------------------------------------------------------------------------


def test_a_transfer_is_checked_in_once(units: Harness, expect: Expect) -> None:
    units.run(dispatch())
    expect.accepted(units, receive(), "TRF-7")
    expect.refused(units, receive(), "TRF-7")
    expect.refused(
        units,
        c.RefuseTransfer(
            actor="omar", transfer_id="transfer-1", reason="late", signer_confirmed=True
        ),
        "TRF-7",
    )


# TRF-8 -------------------------------------------------------------------------------


def test_a_units_armorer_holds_firearm_safety_authority(units: Harness, expect: Expect) -> None:
    unit = c.AddUnit(
        actor="paula",
        unit_id="splinter",
        name="Splinter unit (mesa)",
        kind=UnitKind.SPLINTER,
        location_ids=("mesa-box",),
        armorer_id="dan",
    )
    units.run(c.AddLocation(actor="rosa", location_id="mesa-box", name="Mesa lockbox", secure=True))
    expect.refused(units, unit, "TRF-8")
    units.run(c.AssignAuthority(actor="paula", person_id="dan", authority=Authority.FIREARM_SAFETY))
    expect.accepted(units, unit, "TRF-8")


# Input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"items": (), "lots": ()}, "at least one item or lot"),
        ({"carrier": "  "}, "carrier"),
        ({"to_location": "truck-safe", "to_unit": "main"}, "somewhere else"),
        ({"to_location": "truck-safe"}, "not one of Second unit"),
        ({"lots": (("blk-45", 0),)}, "at least one round"),
        ({"items": ("colt-1", "colt-1")}, "each item once"),
    ],
)
def test_a_transfer_that_cannot_be_considered(
    units: Harness, changes: dict[str, object], words: str
) -> None:
    with pytest.raises(InvalidCommand, match=words):
        units.run(dispatch(**changes))


def test_a_count_above_what_was_sent_is_not_taken(units: Harness) -> None:
    units.run(dispatch())
    with pytest.raises(InvalidCommand, match="count 0 to 12"):
        units.run(receive(counts=(("blk-45", 13),)))


def test_a_location_belongs_to_one_unit(units: Harness) -> None:
    with pytest.raises(InvalidCommand, match="already belongs to Main unit"):
        units.run(
            c.AddUnit(
                actor="paula",
                unit_id="other",
                name="Other",
                kind=UnitKind.SPLINTER,
                location_ids=("gun-cart",),
                armorer_id="rosa",
            )
        )


def test_who_held_it_names_the_carrier_and_both_armorers(units: Harness) -> None:
    from coldcheck.domain.queries import custody

    units.run(dispatch())
    units.run(receive())
    answer = custody(units.records, "colt-1")
    assert answer.summary == "colt-1 was with location:ranch-safe"
    dispatched, received = (s.text for s in answer.steps[-2:])
    assert f"by person:rosa to location:ranch-safe (second), transfer-1, carried by {DRIVER}" in (
        dispatched
    )
    assert received == "checked in by person:omar into location:ranch-safe"
