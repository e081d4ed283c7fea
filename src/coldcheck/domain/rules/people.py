"""People: current qualifications, no second duties for the armorer, who grants authority."""

from __future__ import annotations

import datetime as dt

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import name_of, rule
from coldcheck.domain.rules.fitness import after, is_the_armorer, required_of
from coldcheck.domain.state import Person, State
from coldcheck.domain.values import WEAPONS_ROLES, Authority, Severity, credential_of


@rule(
    "PPL-1",
    "The armorer's qualifications are current",
    "Cal. Labor Code §9153: handlers hold a current entertainment firearms permit (DOMAIN.md §1.4)",
    "Renew the expired permit or certificate and record it (`coldcheck person qualify`).",
    (c.IssueItem, c.InspectItem),
    Severity.WARN,
)
def qualification_current(state: State, cmd: c.IssueItem | c.InspectItem) -> list[str]:
    person = state.people.get(cmd.actor or "")
    if person is None:
        return []
    today = state.local_date(cmd.at)
    required = set(required_of(state, person))  # FIT-1 speaks of those
    latest: dict[str, str] = {}
    for q in person.qualifications:
        if credential_of(q.kind) in required:
            continue
        latest[q.kind] = max(latest.get(q.kind, ""), q.expires_on)
    return [
        f"{kind} expired on {day}"
        for kind, day in sorted(latest.items())
        if dt.date.fromisoformat(day).isoformat() < today
    ]


@rule(
    "PPL-2",
    "The armorer has no other duties",
    "Manitoba Guideline 22; Cal. Labor Code §9153 (DOMAIN.md §1.4); on Rust the armorer "
    "was also props assistant",
    "Give the other duties to someone else while firearms are in use (`coldcheck person "
    "roles`), or staff another armorer.",
    (c.IssueItem, c.InspectItem, c.AddPerson, c.ChangeRoles, c.AssignAuthority),
    Severity.WARN,
)
def armorer_has_no_other_duties(
    state: State,
    cmd: c.IssueItem | c.InspectItem | c.AddPerson | c.ChangeRoles | c.AssignAuthority,
) -> list[str]:
    # Checked when the armorer is taken on or given the authority (§9153(a)(3): sole
    # duty), and again at every inspection and issue.
    person: Person | None
    if isinstance(cmd, c.AddPerson):
        person = Person(cmd.person_id, cmd.name, frozenset(cmd.roles))
    elif isinstance(cmd, c.ChangeRoles | c.AssignAuthority):
        person = after(state, cmd)
    else:
        person = state.people.get(cmd.actor or "")
    if person is None or (
        not isinstance(cmd, c.IssueItem | c.InspectItem) and not is_the_armorer(person)
    ):
        return []
    other = sorted(person.roles - WEAPONS_ROLES)
    if not other:
        return []
    who = person.name if isinstance(cmd, c.AddPerson) else name_of(state, person.id)
    return [f"{who} also works as {names.listing(map(names.term, other))}"]


@rule(
    "PPL-3",
    "Authority is assigned by a holder of hiring authority",
    "Rust: the parties disputed for years who held firearm-safety and hiring authority",
    "Ask the person who holds hiring authority to assign it. The very first assignment on a "
    "production, when nobody holds hiring authority yet, is open.",
    (c.AssignAuthority, c.RevokeAuthority),
)
def assigned_by_hiring_authority(
    state: State, cmd: c.AssignAuthority | c.RevokeAuthority
) -> list[str]:
    hiring = state.holders(Authority.HIRING)
    problems = []
    if hiring and cmd.actor not in hiring:
        problems.append(f"{name_of(state, cmd.actor)} does not hold hiring authority")
    if (
        isinstance(cmd, c.RevokeAuthority)
        and cmd.authority is Authority.HIRING
        and (hiring == (cmd.person_id,))
    ):
        # Nobody holding it would reopen the bootstrap: anyone could then assign authority.
        problems.append(
            f"{name_of(state, cmd.person_id)} is the last holder of hiring "
            "authority; assign it to someone else first"
        )
    return problems


RULES = (qualification_current, armorer_has_no_other_duties, assigned_by_hiring_authority)
