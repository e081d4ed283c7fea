"""Fitness: the armorer and every handler hold what the profile requires, and the
armorer has run a firearms team before (DOMAIN.md §6: California §9153(b)).

Checked when firearm-safety authority or a weapons role is given, and again whenever
the holder inspects or issues a weapon: a permit that expires during the shoot is
caught on the day it lapses (and shown on the board and the daily report, `unfit`).
A person is added before anything about them can be recorded, so adding one is not
checked; giving them the authority or the role is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import name_of, rule
from coldcheck.domain.state import Person, State
from coldcheck.domain.values import (
    WEAPONS_ROLES,
    Authority,
    Credential,
    Credit,
    Role,
    Severity,
    credential_of,
)

Hiring = c.AssignAuthority | c.ChangeRoles
HANDLER_ROLES = WEAPONS_ROLES - {Role.ARMORER}


def is_the_armorer(person: Person) -> bool:
    return person.has(Authority.FIREARM_SAFETY) or Role.ARMORER in person.roles


def required_of(state: State, person: Person) -> tuple[Credential, ...]:
    """What the profile asks this person to hold: as the armorer, as another handler."""
    wanted: list[Credential] = []
    if is_the_armorer(person):
        wanted += state.profile.armorer_requires
    if person.roles & HANDLER_ROLES:
        wanted += state.profile.handler_requires
    return tuple(dict.fromkeys(wanted))


def unmet(state: State, person: Person, today: str) -> list[str]:
    """Each requirement the person does not hold in date on `today`, in words."""
    latest: dict[Credential, str] = {}
    for q in person.qualifications:
        kind = credential_of(q.kind)
        if kind is not None:
            latest[kind] = max(latest.get(kind, ""), q.expires_on)
    problems = []
    for kind in required_of(state, person):
        ends = latest.get(kind)
        if ends is None:
            problems.append(f"{person.name} has no {names.term(kind)} on record")
        elif dt.date.fromisoformat(ends).isoformat() < today:
            problems.append(f"{person.name}'s {names.term(kind)} expired on {ends}")
    return problems


def unfit(state: State, today: str) -> list[str]:
    """What the board and the daily report warn of today: every requirement the armorer
    or a handler no longer holds (a permit that lapsed during the shoot included)."""
    return [
        problem
        for person in state.people.values()
        if required_of(state, person)
        for problem in unmet(state, person, today)
    ]


def after(state: State, cmd: Hiring) -> Person | None:
    """The person the hiring command is about, as it would leave them; None when it
    gives no authority the rules look at (hiring authority)."""
    person = state.people[cmd.person_id]
    if isinstance(cmd, c.ChangeRoles):
        return replace(person, roles=frozenset(cmd.roles))
    if cmd.authority is not Authority.FIREARM_SAFETY:
        return None
    return replace(person, authorities=person.authorities | {cmd.authority})


@rule(
    "FIT-1",
    "The armorer and every handler hold what the profile requires, in date",
    "Cal. Labor Code §9153(b): a DOJ entertainment firearms permit, a federal licence and "
    "industry training; Bulletin #1: a qualified person handles the firearms (DOMAIN.md §6)",
    "Record the permit, licence or training certificate with its number and expiry "
    "(People, Record a qualification), or give the work to someone who holds them.",
    (c.AssignAuthority, c.ChangeRoles, c.IssueItem, c.InspectItem),
    Severity.WARN,  # under profiles that make it law it refuses: Profile.credentials
)
def holds_required_credentials(
    state: State, cmd: Hiring | c.IssueItem | c.InspectItem
) -> list[str]:
    if isinstance(cmd, c.AssignAuthority | c.ChangeRoles):
        person = after(state, cmd)
    else:
        person = state.people.get(cmd.actor or "")
    if person is None:
        return []
    return unmet(state, person, state.local_date(cmd.at))


@rule(
    "FIT-2",
    "The armorer has run a firearms team before",
    "DOMAIN.md §3, §6: on Rust the armorer was on her second film as head armorer, "
    "and also props assistant",
    "Record the person's credits as head armorer (People, Record experience), or pair "
    "them with an experienced head armorer and give them the assistant's role.",
    (c.AssignAuthority, c.ChangeRoles),
    Severity.WARN,
)
def armorer_has_head_credit(state: State, cmd: Hiring) -> list[str]:
    person = after(state, cmd)
    if person is None or not is_the_armorer(person):
        return []
    if any(x.credit is Credit.HEAD_ARMORER for x in person.experience):
        return []
    assistant = sum(x.credit is Credit.ASSISTANT_ARMORER for x in person.experience)
    also = f" (assistant on {names.plural(assistant, 'production')})" if assistant else ""
    return [f"{name_of(state, person.id)} has no credit as head armorer on record{also}"]


RULES = (holds_required_credentials, armorer_has_head_credit)
