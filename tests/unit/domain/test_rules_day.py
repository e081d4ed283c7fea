"""Closing the day: every round counted, every item locked away."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.errors import InvalidCommand
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect, Steps

FULL = (("dum-45", 50), ("blk-45", 50))
COLT1 = "Colt Single Action Army revolver, 7.5 in barrel (CC-0001)"  # as its label reads
RIFLE = "Winchester 1873 lever-action rifle, blank-adapted (CC-0003)"


def close(*counts: tuple[str, int]) -> c.CloseDay:
    return c.CloseDay(actor="rosa", date="2021-10-21", counts=counts)


# DAY-1 -------------------------------------------------------------------------------


def test_day_does_not_close_on_a_wrong_count(planned: Harness, expect: Expect) -> None:
    refusal = expect.refused(planned, close(("dum-45", 49), ("blk-45", 50)), "DAY-1")
    assert "lot dum-45: counted 49, record shows 50" in [v.detail for v in refusal.violations]
    expect.accepted(planned, close(*FULL), "DAY-1")
    assert "2021-10-21" in planned.state.closed_days


def test_day_does_not_close_without_a_count_for_every_lot(planned: Harness, expect: Expect) -> None:
    refusal = expect.refused(planned, close(("dum-45", 50)), "DAY-1")
    assert "lot blk-45: no count given (record shows 50)" in [v.detail for v in refusal.violations]
    refusal = expect.refused(planned, close(*FULL, ("ghost", 3)), "DAY-1")
    assert "lot ghost: unknown lot" in [v.detail for v in refusal.violations]


def test_a_day_that_has_not_begun_cannot_be_closed(planned: Harness) -> None:
    with pytest.raises(InvalidCommand, match="has not begun"):
        planned.run(c.CloseDay(actor="rosa", date="2021-10-22"))


def test_day_closes_after_the_demo_shoot_with_fired_blanks_counted(
    planned: Harness, expect: Expect
) -> None:
    demo.shoot(planned.run, "2021-10-21")  # the demo closes the day itself
    assert planned.state.closed_days
    # Two blanks fired in the first take, one in the accidental discharge of the second.
    assert planned.state.lots["blk-45"].fired == 3
    planned.advance(24 * 60)
    expect.refused(
        planned,
        c.CloseDay(actor="rosa", date="2021-10-22", counts=(("blk-45", 46), ("dum-45", 50))),
        "DAY-1",
    )
    expect.accepted(
        planned,
        c.CloseDay(actor="rosa", date="2021-10-22", counts=(("blk-45", 47), ("dum-45", 50))),
        "DAY-1",
    )


# DAY-2 -------------------------------------------------------------------------------


def test_day_does_not_close_with_a_weapon_still_in_a_performers_hands(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(steps.ready_colt1(planned))
    refusal = expect.refused(planned, close(("dum-45", 44), ("blk-45", 50)), "DAY-2")
    assert f"{COLT1} is with Jack Reyes, not in secure storage" in [
        v.detail for v in refusal.violations
    ]


def test_day_does_not_close_with_a_weapon_on_the_open_cart_or_with_the_armorer(
    planned: Harness, expect: Expect, steps: Steps
) -> None:
    planned.run(c.MoveItem(actor="rosa", item_id="rifle-1", location_id="gun-cart"))
    refusal = expect.refused(planned, close(*FULL), "DAY-2")
    assert f"{RIFLE} is in Gun cart by the church, not in secure storage" in [
        v.detail for v in refusal.violations
    ]
    planned.run(c.MoveItem(actor="rosa", item_id="rifle-1", location_id="truck-safe"))
    planned.run(steps.ready_colt1(planned))
    planned.run(c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(demo.DUMMY,) * 6))
    steps.inspect(planned, "colt-1", (demo.EMPTY,) * 6)
    refusal = expect.refused(planned, close(*FULL), "DAY-2")
    assert f"{COLT1} is with Rosa Vega, not in secure storage" in [
        v.detail for v in refusal.violations
    ]
    planned.run(c.MoveItem(actor="rosa", item_id="colt-1", location_id="truck-safe"))
    expect.accepted(planned, close(*FULL), "DAY-2")
