"""Provenance: reloaded dummies refused at receipt, lots of doubtful origin held in
quarantine until every round is verified one by one, splits and merges that keep their
lineage and their quarantine, and only one kind of round in a box."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.decide import decide
from coldcheck.domain.errors import InvalidCommand, NotFound, Refused
from coldcheck.domain.state import evolve
from coldcheck.domain.values import (
    AmmoType,
    Barrel,
    Chamber,
    Content,
    Handled,
    Handling,
    QuarantineReason,
    RoundCheck,
    SupplierKind,
)
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect

Q_DUMMY = Chamber(Content.DUMMY, "dum-q", checked=True)


def receive(lot_id: str = "dum-q", count: int = 6, **provenance: object) -> c.ReceiveLot:
    cmd = c.ReceiveLot(
        actor="rosa",
        lot_id=lot_id,
        ammo_type=AmmoType.DUMMY,
        caliber=".45 LC",
        count=count,
        invoice="INV-9100",
    )
    return replace(cmd, **provenance)


def verify(first: int, last: int, lot_id: str = "dum-q", **more: object) -> c.VerifyRounds:
    cmd = c.VerifyRounds(
        actor="rosa",
        lot_id=lot_id,
        first=first,
        last=last,
        method=RoundCheck.RATTLE_TEST,
        verified_by="rosa",
    )
    return replace(cmd, **more)


def inspect(chamber: Chamber = Q_DUMMY) -> c.InspectItem:
    return c.InspectItem(
        actor="rosa",
        item_id="colt-1",
        barrel=Barrel.CLEAR,
        chambers=(chamber,) * 6,
        shown_to=("jack", "dan"),
    )


def held(h: Harness, cmd: c.ReceiveLot) -> tuple[QuarantineReason, ...]:
    """Receive the lot; the reasons it was quarantined for (none: not held)."""
    decision = h.run(cmd)
    found = [e for e in decision.events if isinstance(e, ev.LotQuarantined)]
    return found[0].reasons if found else ()


def quarantined_lot(h: Harness, count: int = 6) -> None:
    """dum-q: six dummies nobody registered supplied, verified as a lot (AMM-2 passes)."""
    h.run(receive(count=count))
    h.run(c.VerifyLot(actor="rosa", lot_id="dum-q", method="rattle test"))


# PRV-1 -------------------------------------------------------------------------------


def test_reloaded_dummies_are_refused_at_receipt(planned: Harness, expect: Expect) -> None:
    reloaded = (Handled(Handling.RELOADED, "Desert Reloads"),)
    refusal = expect.refused(planned, receive(supplier_id="starline", handled=reloaded), "PRV-1")
    assert "lot dum-q: dummies reloaded by Desert Reloads" in [v.detail for v in refusal.violations]
    assert "dum-q" not in planned.state.lots


def test_cleaned_dummies_are_received(planned: Harness, expect: Expect) -> None:
    cleaned = (Handled(Handling.CLEANED, "Starline Props"),)
    expect.accepted(planned, receive(supplier_id="starline", handled=cleaned), "PRV-1")
    assert planned.state.lots["dum-q"].provenance.handled == cleaned
    assert not planned.state.lots["dum-q"].quarantined


# PRV-2 -------------------------------------------------------------------------------


def test_a_lot_of_unknown_origin_is_held_and_nothing_from_it_is_loaded(
    planned: Harness, expect: Expect
) -> None:
    quarantined_lot(planned)
    refusal = expect.refused(planned, inspect(), "PRV-2")
    (detail,) = [v.detail for v in refusal.violations if v.code == "PRV-2"]
    assert detail == (
        "lot dum-q is in quarantine (origin unknown (no registered supplier)): "
        "0 of 6 rounds verified one by one"
    )
    handover = c.HandOver(
        actor="rosa",
        item_id="colt-1",
        barrel=Barrel.CLEAR,
        chambers=(Q_DUMMY,) * 6,
        recipient_id="jack",
        scene_id="sc-12",
        recipient_acknowledged=True,
        shown_to=("dan",),
    )
    expect.refused(planned, handover, "PRV-2")


def test_the_quarantine_lifts_when_the_last_round_is_verified(
    planned: Harness, expect: Expect
) -> None:
    quarantined_lot(planned)
    first = planned.run(verify(1, 3))
    assert [type(e) for e in first.events] == [ev.RoundsVerified]
    expect.refused(planned, inspect(), "PRV-2")  # three of six are not enough
    planned.run(verify(4, 4, method=RoundCheck.INERT_PRIMER))
    last = planned.run(verify(5, 6, method=RoundCheck.DRILLED_CASE))
    assert [type(e) for e in last.events] == [ev.RoundsVerified, ev.QuarantineLifted]
    lot = planned.state.lots["dum-q"]
    assert (lot.quarantined, lot.rounds_checked) == (False, 6)
    assert [(r.first, r.last, r.method) for r in lot.checked] == [
        (1, 3, RoundCheck.RATTLE_TEST),
        (4, 4, RoundCheck.INERT_PRIMER),
        (5, 6, RoundCheck.DRILLED_CASE),
    ]
    expect.accepted(planned, inspect(), "PRV-2")


def test_a_lot_from_a_registered_supplier_is_loaded_at_once(
    planned: Harness, expect: Expect
) -> None:
    assert held(planned, receive(supplier_id="starline")) == ()
    planned.run(c.VerifyLot(actor="rosa", lot_id="dum-q", method="rattle test"))
    expect.accepted(planned, inspect(), "PRV-2")


def test_the_reasons_a_lot_is_held(planned: Harness) -> None:
    planned.run(
        c.RegisterSupplier(
            actor="rosa",
            supplier_id="hdp",
            kind=SupplierKind.PRODUCTION,
            name="High Desert Pictures",
            contact="props office",
        )
    )
    repack = (Handled(Handling.REPACKAGED, "Starline Props"),)
    assert held(planned, receive("a", supplier_id="hdp")) == (QuarantineReason.ANOTHER_PRODUCTION,)
    assert held(planned, receive("b", supplier_id="starline", last_production="Dry Wells")) == (
        QuarantineReason.ANOTHER_PRODUCTION,
    )
    assert held(planned, receive("c", supplier_id="starline", handled=repack)) == (
        QuarantineReason.REPACKAGED,
    )
    assert held(planned, receive("d", handled=repack)) == (
        QuarantineReason.UNKNOWN_ORIGIN,
        QuarantineReason.REPACKAGED,
    )


def test_a_weapon_loaded_before_its_lot_was_held_is_not_issued(
    planned: Harness, expect: Expect
) -> None:
    """The issue checks the weapon's load as well (however the lot came to be held)."""
    planned.run(inspect(demo.DUMMY))
    held_state = planned.state.fork()
    reasons = (QuarantineReason.UNKNOWN_ORIGIN,)
    event = ev.LotQuarantined(lot_id="dum-45", reasons=reasons)
    evolve(held_state, ev.Recorded(held_state.seq + 1, "x", planned.now, "rosa", event))
    issue = c.IssueItem(
        actor="rosa",
        at=planned.now,
        item_id="colt-1",
        recipient_id="jack",
        scene_id="sc-12",
        recipient_acknowledged=True,
    )
    with pytest.raises(Refused) as refused:
        decide(held_state, issue)
    assert "PRV-2" in [v.code for v in refused.value.violations]
    expect.accepted(planned, issue, "PRV-2")  # the lot as the record has it: not held


@pytest.mark.parametrize(
    ("first", "last", "says"),
    [
        (0, 2, "rounds 0 to 2: lot dum-q has rounds 1 to 6"),
        (4, 3, "rounds 4 to 3: lot dum-q has rounds 1 to 6"),
        (5, 7, "rounds 5 to 7: lot dum-q has rounds 1 to 6"),
        (2, 4, "rounds 2 to 3 of lot dum-q are already verified"),
    ],
)
def test_each_round_is_verified_once_and_exists(
    planned: Harness, first: int, last: int, says: str
) -> None:
    quarantined_lot(planned)
    planned.run(verify(1, 3))
    with pytest.raises(InvalidCommand, match=says):
        planned.run(verify(first, last))


def test_who_verified_is_a_person_on_the_production(planned: Harness) -> None:
    quarantined_lot(planned)
    with pytest.raises(NotFound, match="unknown person 'ghost'"):
        planned.run(verify(1, 1, verified_by="ghost"))


@pytest.mark.parametrize(
    ("field", "value"),
    [("invoice_sha256", "abc"), ("packing_list_sha256", "G" * 64), ("invoice_sha256", "A" * 64)],
)
def test_evidence_hashes_are_sha256_hex(planned: Harness, field: str, value: str) -> None:
    with pytest.raises(InvalidCommand, match=f"{field}: .* is not 64 hexadecimal digits"):
        planned.run(receive(supplier_id="starline", **{field: value}))


def test_who_handled_the_rounds_is_named(planned: Harness) -> None:
    with pytest.raises(InvalidCommand, match="handled: say who repackaged the rounds"):
        planned.run(receive(handled=(Handled(Handling.REPACKAGED, " "),)))


# Split and merge; PRV-3 ----------------------------------------------------------------


def test_a_split_lot_names_its_parent_and_keeps_its_quarantine(planned: Harness) -> None:
    quarantined_lot(planned)
    planned.run(verify(1, 2))
    split = planned.run(
        c.SplitLot(actor="rosa", lot_id="dum-q", into=("dum-q1", "dum-q2"), rounds=(2, 4))
    )
    assert [type(e) for e in split.events] == [ev.LotSplit, ev.LotQuarantined, ev.LotQuarantined]
    s = planned.state
    parent, one, two = s.lots["dum-q"], s.lots["dum-q1"], s.lots["dum-q2"]
    assert (parent.in_box, parent.moved_out) == (0, 6)
    assert (one.received, one.parents, one.quarantined) == (2, ("dum-q",), True)
    assert (two.in_box, two.quarantine) == (4, (QuarantineReason.UNKNOWN_ORIGIN,))
    assert two.rounds_checked == 0  # rounds in a new box are checked again
    lifted = planned.run(verify(1, 2, lot_id="dum-q1"))
    assert [type(e) for e in lifted.events] == [ev.RoundsVerified, ev.QuarantineLifted]

    assert planned.state.lots["dum-q2"].quarantined


def test_a_split_shares_every_round_in_the_box(planned: Harness) -> None:
    with pytest.raises(InvalidCommand, match="share the 50 rounds in lot dum-45's box"):
        planned.run(c.SplitLot(actor="rosa", lot_id="dum-45", into=("a", "b"), rounds=(20, 20)))
    with pytest.raises(InvalidCommand, match="into: give the two new lots different ids"):
        planned.run(c.SplitLot(actor="rosa", lot_id="dum-45", into=("a", "a"), rounds=(20, 30)))


def test_lots_of_two_kinds_are_never_merged(planned: Harness, expect: Expect) -> None:
    merge = c.MergeLots(actor="rosa", lot_ids=("dum-45", "blk-45"), into="mixed")
    refusal = expect.refused(planned, merge, "PRV-3")
    assert "lot dum-45 holds dummy rounds, lot blk-45 blank" in [
        v.detail for v in refusal.violations
    ]


def test_a_merged_lot_names_both_parents_and_any_quarantine(
    planned: Harness, expect: Expect
) -> None:
    quarantined_lot(planned)
    merge = c.MergeLots(actor="rosa", lot_ids=("dum-45", "dum-q"), into="dum-m")
    done = expect.accepted(planned, merge, "PRV-3")
    assert [type(e) for e in done.events] == [ev.LotsMerged, ev.LotQuarantined]
    lot = planned.state.lots["dum-m"]
    assert (lot.received, lot.parents, lot.quarantined) == (56, ("dum-45", "dum-q"), True)
    assert planned.state.lots["dum-45"].moved_out == 50
    with pytest.raises(InvalidCommand, match="lot dum-45 has no rounds in its box"):
        planned.run(c.MergeLots(actor="rosa", lot_ids=("dum-45", "dum-m"), into="dum-z"))
