"""Incidents: any incident stands the firearms down until its safety review carries every
signature it needs: one by someone accountable who was not involved, and the armorer's
on a discharge or an injury."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import is_armorer, name_of, rule
from coldcheck.domain.state import State
from coldcheck.domain.values import REVIEW_ROLES


@rule(
    "INC-1",
    "No issue during a stand-down",
    "DOMAIN.md §1.11: misfires and discharges are reported, the cause found, cast and crew "
    "briefed before resetting; Rust's 16 October misfires were never investigated",
    "Have the safety review signed off (`coldcheck review`), and on a discharge or an "
    "injury countersigned by the armorer (`coldcheck review --countersign`), before any weapon is "
    "issued.",
    (c.IssueItem,),
)
def no_issue_during_stand_down(state: State, cmd: c.IssueItem) -> list[str]:
    out = []
    for i in state.stand_down:
        review = state.incidents[i].review
        what = "countersigned by the armorer" if review else "signed off"
        out.append(
            f"firearms stand down after {names.incident(state, i, cmd.at)} until its safety "
            f"review is {what}"
        )
    return out


@rule(
    "INC-2",
    "A safety review is signed off by the safety rep or the armorer, not by anyone involved",
    "DOMAIN.md §1.11, §3: the cause found and logged; on Rust management knew procedures "
    "were not followed and nobody independent looked into the misfires",
    "Ask the safety representative, or a holder of firearm-safety authority, who neither "
    "reported the incident, nor held the item, nor was involved in it, to sign off the "
    "review.",
    (c.SignOffReview,),
)
def review_by_someone_not_involved(state: State, cmd: c.SignOffReview) -> list[str]:
    incident = state.incidents[cmd.incident_id]
    what = names.incident(state, incident.id, cmd.at)
    person = state.people.get(cmd.actor or "")
    signer = name_of(state, cmd.actor)
    problems = []
    if person is None or not (person.roles & REVIEW_ROLES or is_armorer(state, person.id)):
        problems.append(f"{signer} is neither the safety rep nor holds firearm-safety authority")
    if cmd.actor is not None and cmd.actor == incident.reporter:
        problems.append(f"{signer} reported {what}")
    if cmd.actor is not None and cmd.actor == incident.holder:
        problems.append(f"{signer} held the item when {what} happened")
    if cmd.actor in cmd.involved:
        problems.append(f"{signer} is named as involved in {what}")
    if incident.review is not None:
        problems.append(f"the safety review of {what} was already signed off")
    return problems


@rule(
    "INC-3",
    "A review is signed with the signer's own PIN",
    "DOMAIN.md §4: a record a reader can trust; a signature is the signer's own act",
    "Type your own PIN to sign; nobody signs for someone else.",
    (c.SignOffReview, c.CountersignReview),
)
def signed_with_own_pin(state: State, cmd: c.SignOffReview | c.CountersignReview) -> list[str]:
    if cmd.signer_confirmed:
        return []
    return [f"{name_of(state, cmd.actor)} did not confirm the signature with their own PIN"]


@rule(
    "INC-4",
    "A discharge or an injury is countersigned by the armorer",
    "DOMAIN.md §1.11: the cause of a discharge is found and logged; the armorer answers for "
    "the weapons and the rounds (§1.4)",
    "Once the review is signed off, a holder of firearm-safety authority other than its "
    "first signer countersigns it (`coldcheck review --countersign`).",
    (c.CountersignReview,),
)
def armorer_countersigns(state: State, cmd: c.CountersignReview) -> list[str]:
    incident = state.incidents[cmd.incident_id]
    what = names.incident(state, incident.id, cmd.at)
    signer = name_of(state, cmd.actor)
    review = incident.review
    problems = []
    if not is_armorer(state, cmd.actor):
        problems.append(f"{signer} does not hold firearm-safety authority")
    if review is None:
        problems.append(f"the safety review of {what} is not signed off yet")
    elif not review.countersign_required:
        problems.append(f"the review of {what} needs no countersignature")
    elif review.countersigned is not None:
        problems.append(f"the review of {what} was already countersigned")
    elif review.signed.person_id == cmd.actor:
        problems.append(f"{signer} signed the review off; a second person countersigns it")
    return problems


RULES = (
    no_issue_during_stand_down,
    review_by_someone_not_involved,
    signed_with_own_pin,
    armorer_countersigns,
)
