"""Device clocks: a claim kept beside the server's time, flagged when far off."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coldcheck.domain import commands as c
from support.clock import MINUTE_US
from support.harness import Harness

if TYPE_CHECKING:
    from conftest import Expect


def concern(claimed_at: int | None) -> c.RaiseConcern:
    return c.RaiseConcern(actor="lane", text="cart left open", claimed_at=claimed_at)


# CLK-1 -------------------------------------------------------------------------------


def test_a_device_clock_an_hour_behind_is_flagged_and_kept_as_a_claim(
    planned: Harness, expect: Expect
) -> None:
    claimed = planned.now - 60 * MINUTE_US
    decision = expect.warned(planned, concern(claimed), "CLK-1")
    # Behind may be a slow clock or a concern that waited offline: it says both, never
    # that the clock is wrong when the entry may only have waited.
    assert decision.warnings[0].detail == (
        "the device's time for this entry is 60 minutes before the server's: its clock is "
        "behind, or the entry waited on the device while it was offline"
    )
    # The server's time and order stand: the event is last in the log, at the server's time.
    assert planned.records[-1].at == planned.now
    assert planned.records[-1].seq == planned.state.seq


def test_a_device_clock_ahead_of_the_server_is_flagged_as_ahead(
    planned: Harness, expect: Expect
) -> None:
    decision = expect.warned(planned, concern(planned.now + 20 * MINUTE_US), "CLK-1")
    assert decision.warnings[0].detail == "the device's clock is 20 minutes ahead of the server's"


def test_a_device_clock_within_five_minutes_is_not_flagged(
    planned: Harness, expect: Expect
) -> None:
    expect.accepted(planned, concern(planned.now + 4 * MINUTE_US), "CLK-1")
    expect.accepted(planned, concern(None), "CLK-1")
