"""Concerns raised outside ColdCheck: the original's time is a fact about the past."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain.rules.base import rule
from coldcheck.domain.state import State


@rule(
    "OUT-1",
    "A concern raised outside is dated when it was said, in the past of this production",
    "DOMAIN.md §3: the text about three accidental discharges and the resignation letter "
    "came days before the shooting; the record must show when each was said",
    "Give the time the email was sent, the text received, the remark made: not a time still "
    "to come, nor one before the production was created in ColdCheck.",
    (c.RecordOutsideConcern,),
)
def said_in_the_past(state: State, cmd: c.RecordOutsideConcern) -> list[str]:
    if cmd.said_at > cmd.at:
        return ["the time it was said is after now"]
    if cmd.said_at < state.created_at:
        return ["the time it was said is before the production was created"]
    return []


RULES = (said_in_the_past,)
