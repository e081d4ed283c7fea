"""Incidents: any incident stands the firearms down until a safety review is signed off."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import name_of, rule
from coldcheck.domain.state import State
from coldcheck.domain.values import REVIEW_ROLES


@rule(
    "INC-1",
    "No issue during a stand-down",
    "DOMAIN.md §1.11: misfires and discharges are reported, the cause found, cast and crew "
    "briefed before resetting; Rust's 16 October misfires were never investigated",
    "Have the safety review signed off (`coldcheck review`) before any weapon is issued.",
    (c.IssueItem,),
)
def no_issue_during_stand_down(state: State, cmd: c.IssueItem) -> list[str]:
    return [
        f"firearms stand down after {names.incident(state, i, cmd.at)} until its safety "
        "review is signed off"
        for i in state.stand_down
    ]


@rule(
    "INC-2",
    "A safety review is signed off by the safety rep, a producer or the UPM",
    "DOMAIN.md §1.11; DESIGN.md: producers, UPM and safety rep sign off stand-downs",
    "Ask the safety representative, a producer or the UPM to sign off the review.",
    (c.SignOffReview,),
)
def review_by_accountable(state: State, cmd: c.SignOffReview) -> list[str]:
    person = state.people.get(cmd.actor or "")
    problems = []
    if person is None or not person.roles & REVIEW_ROLES:
        problems.append(f"{name_of(state, cmd.actor)} is not the safety rep, a producer or the UPM")
    if state.incidents[cmd.incident_id].reviewed is not None:
        what = names.incident(state, cmd.incident_id, cmd.at)
        problems.append(f"the safety review of {what} was already signed off")
    return problems


RULES = (no_issue_during_stand_down, review_by_accountable)
