"""Concerns: a blocking concern stops the work; nobody closes one they were not told of."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import name_of, rule
from coldcheck.domain.state import State
from coldcheck.domain.values import ACCOUNTABLE_ROLES, CONCERN_ROLES


def is_accountable(state: State, person_id: str | None) -> bool:
    """Whether a person is accountable for concerns (values.ACCOUNTABLE_ROLES): holds an
    authority, a role a concern reaches when raised or escalated, or is one of the
    production's named safety contacts."""
    person = state.people.get(person_id or "")
    if person is None:
        return False
    named = state.contacts is not None and person.id in state.contacts.people
    return named or bool(person.authorities) or bool(person.roles & ACCOUNTABLE_ROLES)


@rule(
    "CON-1",
    "An open blocking concern stops the scene or item",
    "DOMAIN.md §3: the camera crew's safety complaints on Rust went nowhere; anyone may stop work",
    "Resolve the concern first: every accountable person acknowledges it and one of them "
    "records what was done (`coldcheck concern resolve`).",
    (c.IssueItem,),
)
def blocking_concern_open(state: State, cmd: c.IssueItem) -> list[str]:
    return [
        f"a blocking concern is still open: “{k.text}”"
        for k in state.concerns.values()
        if k.open
        and k.blocking
        and (
            (k.scene_id is None and k.item_id is None)
            or k.scene_id == cmd.scene_id
            or k.item_id == cmd.item_id
        )
    ]


@rule(
    "CON-2",
    "A concern is acknowledged by the people it was delivered to",
    "Receipts: each accountable person's acknowledgement is their own",
    "Only someone the concern was delivered to can acknowledge it, once.",
    (c.AcknowledgeConcern,),
)
def acknowledged_by_recipient(state: State, cmd: c.AcknowledgeConcern) -> list[str]:
    concern = state.concerns[cmd.concern_id]
    if cmd.actor in {p for p, _, _ in concern.delivered_to}:
        return []
    return [f"this concern was not delivered to {name_of(state, cmd.actor)}"]


@rule(
    "CON-3",
    "A concern is resolved by an accountable person after everyone acknowledged it",
    "Rust findings: management knew and did nothing; the record shows who knew",
    "Every person it was delivered to must acknowledge it first; then a producer, UPM, "
    "safety rep, 1st AD or holder of an authority records the resolution.",
    (c.ResolveConcern,),
)
def resolved_after_acknowledgement(state: State, cmd: c.ResolveConcern) -> list[str]:
    concern = state.concerns[cmd.concern_id]
    problems = []
    if not is_accountable(state, cmd.actor):
        problems.append(f"{name_of(state, cmd.actor)} is not accountable for safety concerns")
    waiting = concern.unacknowledged()
    if waiting:
        problems.append(f"not yet acknowledged by {names.people(state, waiting)}")
    if not concern.open:
        problems.append("this concern is already resolved")
    return problems


def concern_recipients(state: State) -> tuple[str, ...]:
    """Everyone a new concern is delivered to: whoever holds an authority, and the
    values.CONCERN_ROLES (escalation reaches the rest of the accountable, later)."""
    authority = {p.id for p in state.people.values() if p.authorities}
    return tuple(sorted(authority | set(state.with_role(*CONCERN_ROLES))))


RULES = (blocking_concern_open, acknowledged_by_recipient, resolved_after_acknowledgement)
