"""Device clocks: the server's order is the record's; a device's time is a claim."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain.rules.base import rule
from coldcheck.domain.state import State
from coldcheck.domain.values import Severity

SKEW_LIMIT_US = 5 * 60 * 1_000_000


@rule(
    "CLK-1",
    "The device's clock agrees with the server's",
    "Records are ordered by the server (DOMAIN.md §4: corrections never alter the "
    "original); an offline tablet replaying late cannot reorder history",
    "Check the device's date and time; if it was offline, the entry is recorded now, in "
    "the server's order, with the device's time kept as its claim.",
    (c.Command,),
    Severity.WARN,
)
def device_clock_agrees(state: State, cmd: c.Command) -> list[str]:
    if cmd.claimed_at is None or abs(cmd.at - cmd.claimed_at) <= SKEW_LIMIT_US:
        return []
    minutes = (cmd.at - cmd.claimed_at) / 60_000_000
    if minutes < 0:
        return [f"the device's clock is {-minutes:.0f} minutes ahead of the server's"]
    # Earlier than the server: a slow clock, or an entry that waited on an offline device
    # (a queued concern keeps the time it was raised). The record cannot tell which.
    return [
        f"the device's time for this entry is {minutes:.0f} minutes before the server's: "
        "its clock is behind, or the entry waited on the device while it was offline"
    ]


RULES = (device_clock_agrees,)
