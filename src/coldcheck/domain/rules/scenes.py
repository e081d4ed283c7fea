"""Scenes: an approved plan, a safety meeting today, safe pointing and blank distances."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import name_of, rule
from coldcheck.domain.state import Person, State
from coldcheck.domain.values import (
    DISCHARGING_KINDS,
    ApprovalRole,
    Authority,
    Manoeuvre,
    Mitigation,
    Role,
    SceneAmmo,
)


@rule(
    "SCN-1",
    "Scene plan approved",
    "DOMAIN.md §1.6-1.7: consult the property master, 1st AD and safety rep first",
    "Have the armorer and the 1st AD approve the scene plan (`coldcheck scene approve`).",
    (c.IssueItem,),
)
def scene_plan_approved(state: State, cmd: c.IssueItem) -> list[str]:
    scene = state.scenes[cmd.scene_id]
    if scene.approved:
        return []
    have = {r for _, r in scene.approvals}
    missing = names.listing(names.term(r) for r in ApprovalRole if r not in have)
    return [f"scene {scene.id} still needs approval by {missing}"]


@rule(
    "SCN-2",
    "Item and recipient are in the scene plan",
    "DOMAIN.md §1.6: the walk-through covers the intended action",
    "Add the item and the performer to the scene plan (a new plan needs approval).",
    (c.IssueItem,),
)
def issue_matches_plan(state: State, cmd: c.IssueItem) -> list[str]:
    scene = state.scenes[cmd.scene_id]
    problems = []
    if cmd.item_id not in scene.items:
        problems.append(f"{names.item(state, cmd.item_id)} is not in scene {scene.id}'s plan")
    if cmd.recipient_id not in scene.performers:
        problems.append(f"{name_of(state, cmd.recipient_id)} is not in scene {scene.id}'s plan")
    if scene.date != state.local_date(cmd.at):
        problems.append(f"scene {scene.id} is scheduled for {scene.date}, not today")
    return problems


@rule(
    "SCN-3",
    "Safety meeting held today with the recipient present",
    "DOMAIN.md §1.6; Cal. Labor Code §9153: a safety meeting whenever firearms are in a scene",
    "Hold the safety meeting for this scene today with the recipient present "
    "(`coldcheck meeting`).",
    (c.IssueItem,),
)
def safety_meeting_today(state: State, cmd: c.IssueItem) -> list[str]:
    today = state.local_date(cmd.at)
    meetings = [
        m for m in state.meetings.values() if m.scene_id == cmd.scene_id and m.date == today
    ]
    if any(cmd.recipient_id in m.attendees for m in meetings):
        return []
    if meetings:
        return [f"{name_of(state, cmd.recipient_id)} did not attend today's safety meeting"]
    return [f"no safety meeting for scene {cmd.scene_id} today ({today})"]


@rule(
    "SCN-4",
    "Pointing toward a person or the camera needs a mitigation or a non-firing item",
    "Bulletin #1: never point at anyone; if a shot needs it, consult first (DOMAIN.md §1.7); "
    "shields when firing toward a camera (§1.10); Ontario: never at anyone",
    "Use a non-firing replica, or add a mitigation: a shield or remote camera toward the "
    "lens, a cheated angle toward a person (not allowed at all under Ontario's profile).",
    (c.ApproveScenePlan,),
)
def pointing_needs_mitigation(state: State, cmd: c.ApproveScenePlan) -> list[str]:
    scene = state.scenes[cmd.scene_id]
    if not any(state.items[i].kind in DISCHARGING_KINDS for i in scene.items):
        return []
    problems = []
    mit = set(scene.mitigations)
    if Manoeuvre.POINT_AT_CAMERA in scene.manoeuvres and not (
        mit & {Mitigation.SHIELD, Mitigation.REMOTE_CAMERA}
    ):
        problems.append("pointing toward the camera without a shield or remote camera")
    if Manoeuvre.POINT_AT_PERSON in scene.manoeuvres:
        if state.profile.pointing_at_person == "never":
            problems.append(
                f"the {state.profile.name} profile never allows pointing a "
                "discharging item at a person"
            )
        elif not mit & {Mitigation.CHEAT_ANGLE, Mitigation.SHIELD}:
            problems.append("pointing toward a person without a cheated angle or shield")
    return problems


@rule(
    "SCN-5",
    "Blanks inside the stand-off distance need close-quarter loads and shields",
    "DOMAIN.md §1.9-1.10: at least 20 feet from muzzle to any person, except specialty "
    "close-quarter blanks; shields for anyone near blank fire",
    "Increase the distance to the profile's stand-off, or plan close-quarter blanks and shields.",
    (c.ApproveScenePlan,),
)
def blank_standoff(state: State, cmd: c.ApproveScenePlan) -> list[str]:
    scene = state.scenes[cmd.scene_id]
    limit = state.profile.blank_standoff_feet
    if scene.ammo is not SceneAmmo.BLANK or scene.min_distance_feet >= limit:
        return []
    problems = []
    if not scene.close_quarter_blanks:
        problems.append(
            f"blanks at {scene.min_distance_feet} ft (< {limit} ft) without close-quarter blanks"
        )
    if Mitigation.SHIELD not in scene.mitigations:
        problems.append(f"blanks at {scene.min_distance_feet} ft (< {limit} ft) without shields")
    return problems


@rule(
    "SCN-6",
    "Scene plans are approved by the armorer and the 1st AD",
    "DOMAIN.md §1.7: consult the property master / 1st AD / safety rep",
    "Ask the armorer and the 1st AD to approve.",
    (c.ApproveScenePlan, c.HoldSafetyMeeting),
)
def approved_by_armorer_or_ad(
    state: State, cmd: c.ApproveScenePlan | c.HoldSafetyMeeting
) -> list[str]:
    if approval_roles(state.people.get(cmd.actor or "")):
        return []
    return [f"{name_of(state, cmd.actor)} is neither the armorer nor the 1st AD"]


def approval_roles(person: Person | None) -> list[ApprovalRole]:
    """The capacities in which a person may approve a scene plan (or hold its safety
    meeting), in the order an approval takes them."""
    if person is None:
        return []
    held = {
        ApprovalRole.FIREARM_SAFETY: person.has(Authority.FIREARM_SAFETY),
        ApprovalRole.FIRST_AD: Role.FIRST_AD in person.roles,
    }
    return [role for role in ApprovalRole if held[role]]


RULES = (
    scene_plan_approved,
    issue_matches_plan,
    safety_meeting_today,
    pointing_needs_mitigation,
    blank_standoff,
    approved_by_armorer_or_ad,
)
