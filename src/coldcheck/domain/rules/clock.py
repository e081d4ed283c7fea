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
    direction = "behind" if minutes > 0 else "ahead of"
    return [f"the device's clock is {abs(minutes):.0f} minutes {direction} the server's"]


RULES = (device_clock_agrees,)
