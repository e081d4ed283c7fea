"""Ammunition rules and round accounting: no live rounds, verified dummies, every round counted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.values import (
    AmmoType,
    Barrel,
    Chamber,
    Content,
    IncidentKind,
    Label,
)
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps


def receive(
    lot_id: str, ammo_type: AmmoType, count: int = 50, caliber: str = ".45 LC"
) -> c.ReceiveLot:
    return c.ReceiveLot(
        actor="rosa",
        lot_id=lot_id,
        ammo_type=ammo_type,
        caliber=caliber,
        count=count,
        source="Starline Props",
        invoice="INV-9000",
        supplier_id="starline",
    )


def inspect(
    item_id: str, chambers: tuple[Chamber, ...], shown_to: tuple[str, ...] = ("dan",)
) -> c.InspectItem:
    return c.InspectItem(
        actor="rosa", item_id=item_id, barrel=Barrel.CLEAR, chambers=chambers, shown_to=shown_to
    )


def lot_balances(h: Harness, lot_id: str) -> tuple[int, int, int, int, int]:
    lot = h.state.lots[lot_id]
    return lot.in_box, lot.loaded, lot.fired, lot.missing, lot.written_off


# AMM-1 -------------------------------------------------------------------------------


def test_live_ammunition_is_never_received(planned: Harness, expect: Expect) -> None:
    refusal = expect.refused(planned, receive("live-45", AmmoType.LIVE), "AMM-1")
    assert "lot live-45 is live ammunition" in [v.detail for v in refusal.violations]
    assert "live-45" not in planned.state.lots


def test_dummy_and_blank_lots_are_received(planned: Harness, expect: Expect) -> None:
    expect.accepted(planned, receive("dum-2", AmmoType.DUMMY), "AMM-1")
    expect.accepted(planned, receive("blk-2", AmmoType.BLANK), "AMM-1")
    assert planned.state.lots["blk-2"].in_box == 50


# AMM-2 -------------------------------------------------------------------------------


def test_dummy_not_taken_out_and_checked_is_refused(planned: Harness, expect: Expect) -> None:
    unchecked = Chamber(Content.DUMMY, "dum-45", checked=False)
    refusal = expect.refused(planned, inspect("colt-1", (unchecked,) + (demo.EMPTY,) * 5), "AMM-2")
    assert "chamber 1: the dummy was not individually checked" in [
        v.detail for v in refusal.violations
    ]
    expect.accepted(planned, inspect("colt-1", (demo.DUMMY,) + (demo.EMPTY,) * 5), "AMM-2")


def test_dummies_from_an_unverified_lot_are_refused_until_verified(
    planned: Harness, expect: Expect
) -> None:
    planned.run(receive("dum-2", AmmoType.DUMMY))
    load = (Chamber(Content.DUMMY, "dum-2", checked=True),) * 6
    refusal = expect.refused(planned, inspect("colt-1", load), "AMM-2")
    assert "chamber 1: lot dum-2 is not verified" in [v.detail for v in refusal.violations]
    planned.run(c.VerifyLot(actor="rosa", lot_id="dum-2", method="rattle test, every round"))
    expect.accepted(planned, inspect("colt-1", load), "AMM-2")


# AMM-3 -------------------------------------------------------------------------------


def test_blank_claimed_from_the_dummy_lot_is_refused(planned: Harness, expect: Expect) -> None:
    wrong = Chamber(Content.BLANK, "dum-45")
    refusal = expect.refused(planned, inspect("colt-2", (wrong,) * 6), "AMM-3")
    assert "chamber 1: lot dum-45 holds dummy rounds" in [v.detail for v in refusal.violations]
    expect.accepted(planned, inspect("colt-2", (demo.BLANK,) * 6), "AMM-3")


def test_round_from_an_unknown_lot_is_refused(planned: Harness, expect: Expect) -> None:
    expect.refused(planned, inspect("colt-2", (Chamber(Content.BLANK, None),) * 6), "AMM-3")
    expect.refused(planned, inspect("colt-2", (Chamber(Content.BLANK, "blk-99"),) * 6), "AMM-3")


def test_round_of_another_caliber_is_refused(planned: Harness, expect: Expect) -> None:
    planned.run(receive("dum-38", AmmoType.DUMMY, caliber=".38 Special"))
    planned.run(c.VerifyLot(actor="rosa", lot_id="dum-38", method="rattle test"))
    load = (Chamber(Content.DUMMY, "dum-38", checked=True),) * 6
    refusal = expect.refused(planned, inspect("colt-1", load), "AMM-3")
    assert (
        "lot dum-38 is .38 Special, Colt Single Action Army revolver, 7.5 in barrel (CC-0001) "
        "is .45 LC" in str([v.detail for v in refusal.violations])
    )
    expect.accepted(planned, inspect("colt-1", (demo.DUMMY,) * 6), "AMM-3")


# AMM-4 -------------------------------------------------------------------------------


def test_loading_more_rounds_than_the_box_holds_is_refused(
    planned: Harness, expect: Expect
) -> None:
    planned.run(receive("blk-few", AmmoType.BLANK, count=4))
    blank = Chamber(Content.BLANK, "blk-few")
    refusal = expect.refused(planned, inspect("colt-2", (blank,) * 6), "AMM-4")
    assert "lot blk-few: 6 needed, 4 on hand" in [v.detail for v in refusal.violations]
    expect.accepted(planned, inspect("colt-2", (blank,) * 4 + (demo.EMPTY,) * 2), "AMM-4")
    assert lot_balances(planned, "blk-few") == (0, 4, 0, 0, 0)


def test_reinspecting_counts_the_rounds_already_in_the_weapon(
    planned: Harness, expect: Expect
) -> None:
    planned.run(receive("blk-few", AmmoType.BLANK, count=6))
    blank = Chamber(Content.BLANK, "blk-few")
    planned.run(inspect("colt-2", (blank,) * 6))
    assert planned.state.lots["blk-few"].in_box == 0
    expect.accepted(planned, inspect("colt-2", (blank,) * 6), "AMM-4")
    expect.refused(planned, inspect("colt-1", (blank,) + (demo.EMPTY,) * 5), "AMM-4")
    assert lot_balances(planned, "blk-few") == (0, 6, 0, 0, 0)


# AMM-5 and rounds accounting on return -----------------------------------------------


def test_blanks_that_come_back_spent_count_as_fired(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(steps.ready_colt2(planned))
    assert lot_balances(planned, "blk-45") == (44, 6, 0, 0, 0)
    back = c.ReturnItem(
        actor="rosa", item_id="colt-2", chambers=(demo.SPENT,) * 2 + (demo.BLANK,) * 4
    )
    decision = expect.accepted(planned, back, "AMM-5")
    (returned,) = decision.events
    assert isinstance(returned, ev.ItemReturned)
    assert returned.fired == (("blk-45", 2),)
    assert returned.missing == ()
    assert lot_balances(planned, "blk-45") == (44, 4, 2, 0, 0)
    assert planned.state.stand_down == ()
    # The unfired blanks go back to the box when the weapon is next unloaded.
    steps.inspect(planned, "colt-2", (demo.EMPTY,) * 6)
    assert lot_balances(planned, "blk-45") == (48, 0, 2, 0, 0)


def test_a_round_that_does_not_come_back_warns_and_blocks_closing_until_written_off(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(steps.ready_colt1(planned))
    back = c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(demo.DUMMY,) * 5 + (demo.EMPTY,))
    decision = expect.warned(planned, back, "AMM-5")
    assert "chamber 6: dummy from lot dum-45 is missing" in [w.detail for w in decision.warnings]
    assert lot_balances(planned, "dum-45") == (44, 5, 0, 1, 0)
    steps.inspect(planned, "colt-1", (demo.EMPTY,) * 6)
    planned.run(c.MoveItem(actor="rosa", item_id="colt-1", location_id="truck-safe"))
    close = c.CloseDay(actor="rosa", date="2021-10-21", counts=(("dum-45", 49), ("blk-45", 50)))
    refusal = expect.refused(planned, close, "DAY-1")
    assert "lot dum-45: 1 round missing since a return" in [v.detail for v in refusal.violations]
    planned.run(
        c.ReportIncident(
            actor="rosa",
            kind=IncidentKind.UNACCOUNTED_ROUNDS,
            description="one dummy not found after sc-12",
            lot_id="dum-45",
            rounds=1,
        )
    )
    assert lot_balances(planned, "dum-45") == (49, 0, 0, 0, 1)
    expect.accepted(planned, close, "DAY-1")


def test_a_full_return_does_not_warn(planned: Harness, expect: Expect, steps: Steps) -> None:
    planned.run(steps.ready_colt1(planned))
    back = c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(demo.DUMMY,) * 6)
    decision = expect.accepted(planned, back, "AMM-5")
    assert decision.warnings == ()
    assert lot_balances(planned, "dum-45") == (44, 6, 0, 0, 0)


def test_a_dummy_that_comes_back_fired_was_live_and_stands_everyone_down(
    planned: Harness, steps: Steps
) -> None:
    planned.run(steps.ready_colt1(planned))
    spent = Chamber(Content.SPENT, "dum-45")
    decision = planned.run(
        c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(spent,) + (demo.DUMMY,) * 5)
    )
    returned, incident, stand_down = decision.events
    assert isinstance(returned, ev.ItemReturned)
    assert returned.fired == (("dum-45", 1),)
    assert isinstance(incident, ev.IncidentReported)
    assert incident.kind is IncidentKind.LIVE_ROUND_FOUND
    assert incident.item_id == "colt-1"
    assert "a round from dummy lot dum-45 was fired" in incident.description
    assert stand_down == ev.StandDownBegan(incident_id=incident.incident_id)
    assert planned.state.stand_down == (incident.incident_id,)


def test_a_live_round_coming_back_opens_an_incident_and_the_dummy_is_missing(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(steps.ready_colt1(planned))
    back = c.ReturnItem(
        actor="rosa", item_id="colt-1", chambers=(Chamber(Content.LIVE),) + (demo.DUMMY,) * 5
    )
    decision = expect.warned(planned, back, "AMM-5")
    incidents = [e for e in decision.events if isinstance(e, ev.IncidentReported)]
    assert [i.kind for i in incidents] == [IncidentKind.LIVE_ROUND_FOUND]
    assert "chamber 1: live came back, dummy was issued" in incidents[0].description
    # The live round is kept out of every lot; the dummy issued in chamber 1 is missing.
    assert planned.state.items["colt-1"].load[0] == Chamber(Content.LIVE)
    assert lot_balances(planned, "dum-45") == (44, 5, 0, 1, 0)
    steps.inspect(planned, "colt-1", (demo.EMPTY,) * 6)
    assert lot_balances(planned, "dum-45") == (49, 0, 0, 1, 0)


def test_a_round_fired_from_a_chamber_issued_empty_was_live(planned: Harness, steps: Steps) -> None:
    steps.inspect(planned, "colt-2", (demo.BLANK,) * 3 + (demo.EMPTY,) * 3, shown_to=("sam", "dan"))
    planned.run(steps.issue("colt-2", "sam", "sc-14"))
    decision = planned.run(
        c.ReturnItem(
            actor="rosa",
            item_id="colt-2",
            chambers=(demo.BLANK,) * 3 + (demo.SPENT,) + (demo.EMPTY,) * 2,
        )
    )
    incidents = [e for e in decision.events if isinstance(e, ev.IncidentReported)]
    assert [i.kind for i in incidents] == [IncidentKind.LIVE_ROUND_FOUND]
    assert "chamber 4: a round nobody loaded was fired" in incidents[0].description
    assert lot_balances(planned, "blk-45") == (47, 3, 0, 0, 0)


def test_an_extra_round_coming_back_in_an_empty_chamber_is_kept_out_of_the_lots(
    planned: Harness, steps: Steps
) -> None:
    steps.inspect(planned, "colt-2", (demo.BLANK,) * 3 + (demo.EMPTY,) * 3, shown_to=("sam", "dan"))
    planned.run(steps.issue("colt-2", "sam", "sc-14"))
    decision = planned.run(
        c.ReturnItem(actor="rosa", item_id="colt-2", chambers=(demo.BLANK,) * 4 + (demo.EMPTY,) * 2)
    )
    incidents = [e for e in decision.events if isinstance(e, ev.IncidentReported)]
    assert [i.kind for i in incidents] == [IncidentKind.UNACCOUNTED_ROUNDS]
    assert lot_balances(planned, "blk-45") == (47, 3, 0, 0, 0)
    steps.inspect(planned, "colt-2", (demo.EMPTY,) * 6)
    assert lot_balances(planned, "blk-45") == (50, 0, 0, 0, 0)


def test_inspection_label_follows_the_load(planned: Harness, steps: Steps) -> None:
    steps.inspect(planned, "colt-1", (demo.DUMMY,) * 6)
    steps.inspect(planned, "colt-2", (demo.BLANK,) * 6)
    labels = {i.item_id: i.label for i in planned.state.inspections.values()}
    assert labels == {"colt-1": Label.DUMMIES, "colt-2": Label.HOT}
