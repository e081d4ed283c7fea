"""Escalation: the production names who to go to about safety, one of them outside the
set's chain, before a firearm scene is approved; an overdue concern always reaches
someone who was not told yet (DOMAIN.md §6: on Rust the complaints went to the people
running the set, and stayed there)."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import name_of, rule
from coldcheck.domain.state import Concern, State
from coldcheck.domain.values import (
    CONCERN_ROLES,
    ESCALATION_ROLES,
    WEAPONS_ROLES,
    Role,
    Severity,
)

# The set's own chain: who a concern reaches when raised, the weapons team, the safety
# rep and the director. The escalation contact is none of them.
SET_CHAIN = CONCERN_ROLES | WEAPONS_ROLES | {Role.SAFETY_REP, Role.DIRECTOR}


def reached_at(state: State, level: int) -> tuple[str, ...]:
    """Who an escalation to `level` goes to: the level's roles, and the contact the
    production named for it (the compliance contact at 1, the escalation contact at 2)."""
    people = set(state.with_role(*ESCALATION_ROLES.get(level, ())))
    if state.contacts is not None and level in (1, 2):
        people.add(state.contacts.people[level - 1])
    return tuple(sorted(people))


def next_reach(state: State, concern: Concern) -> tuple[int, tuple[str, ...]] | None:
    """The next level that reaches someone the concern was not delivered to, with who:
    a level whose people were all told already is passed over, so every escalation is
    news to somebody. None when nobody is left to tell."""
    told = {p for p, _, _ in concern.delivered_to}
    for level in sorted(ESCALATION_ROLES):
        if level <= concern.level:
            continue
        new = tuple(p for p in reached_at(state, level) if p not in told)
        if new:
            return level, new
    return None


@rule(
    "ESC-1",
    "Safety contacts are named before a firearm scene is approved",
    "Cal. Labor Code §9153(a)(5): the employer names a compliance contact; union "
    "agreements put the safety contact and hotline on the call sheet (DOMAIN.md §6)",
    "Name the compliance contact, an escalation contact outside the set's chain (studio "
    "safety, a union representative or the insurer) and the hotline (People, Safety "
    "contacts) before approving the plan.",
    (c.ApproveScenePlan,),
    Severity.WARN,  # where the profile makes it law it refuses: contacts_before_firearms
)
def contacts_named_before_firearms(state: State, cmd: c.ApproveScenePlan) -> list[str]:
    if state.contacts is not None or not state.scenes[cmd.scene_id].items:
        return []
    return ["the production has not named its compliance and escalation contacts"]


@rule(
    "ESC-2",
    "The escalation contact is outside the set's chain",
    "DOMAIN.md §3, §6: on Rust the 1st AD was also the safety coordinator, and the crew's "
    "complaints went to the people they were about",
    "Name someone outside the set's chain: the studio's safety department, a union "
    "representative or the insurer, added to the production with that role.",
    (c.NameContacts,),
)
def escalation_outside_the_chain(state: State, cmd: c.NameContacts) -> list[str]:
    person = state.people[cmd.escalation_contact_id]
    problems = []
    if person.authorities:
        held = names.listing(names.term(a) for a in sorted(person.authorities))
        problems.append(f"{name_of(state, person.id)} holds {held} on this production")
    chain = sorted(person.roles & SET_CHAIN)
    if chain:
        problems.append(
            f"{name_of(state, person.id)} works on the set as "
            f"{names.listing(map(names.term, chain))}"
        )
    return problems


RULES = (contacts_named_before_firearms, escalation_outside_the_chain)
