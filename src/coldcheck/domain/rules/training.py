"""Training: nobody receives a weapon, or performs a manoeuvre, untrained."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import is_armorer, name_of, rule
from coldcheck.domain.state import State
from coldcheck.domain.values import DISCHARGING_KINDS, Course


def _topics(state: State, cmd: c.IssueItem) -> list[str]:
    item = state.items[cmd.item_id]
    scene = state.scenes.get(cmd.scene_id)
    return [str(item.kind), *(str(m) for m in (scene.manoeuvres if scene else ()))]


@rule(
    "TRN-1",
    "Recipient trained for the item and every planned manoeuvre",
    "DOMAIN.md §1.5: nobody receives a firearm until trained in safe handling and the "
    "firing procedure for it",
    "Train the recipient on what is missing (`coldcheck training record`) before issuing.",
    (c.IssueItem,),
)
def recipient_trained(state: State, cmd: c.IssueItem) -> list[str]:
    record = state.training[cmd.recipient_id]
    missing = [t for t in _topics(state, cmd) if record.status(t) == "untrained"]
    if not missing:
        return []
    topics = names.listing(map(names.topic, missing))
    return [f"{name_of(state, cmd.recipient_id)} has no training for {topics}"]


@rule(
    "TRN-2",
    "Declined training blocks the manoeuvre",
    "DOMAIN.md §1.5; Rust findings: weapons specialists could not decide on more training",
    "The recipient declined training for this; they may not perform it until trained. "
    "Change the plan or train them.",
    (c.IssueItem,),
)
def declined_training_blocks(state: State, cmd: c.IssueItem) -> list[str]:
    record = state.training[cmd.recipient_id]
    declined = [t for t in _topics(state, cmd) if record.status(t) == "declined"]
    if not declined:
        return []
    topics = names.listing(map(names.topic, declined))
    return [f"{name_of(state, cmd.recipient_id)} declined training for {topics}"]


@rule(
    "TRN-3",
    "Training is given by the armorer",
    "DOMAIN.md §1.4-1.5: the responsible weapons handler trains",
    "Record the training with the armorer (a holder of firearm-safety authority) as trainer.",
    (c.RecordTraining,),
)
def trained_by_armorer(state: State, cmd: c.RecordTraining) -> list[str]:
    if is_armorer(state, cmd.trainer_id):
        return []
    return [f"trainer {name_of(state, cmd.trainer_id)} does not hold firearm-safety authority"]


@rule(
    "TRN-4",
    "Everyone on a firearm scene's plan has their tier's training",
    "Cal. Labor Code §9156 (DOMAIN.md §6): everyone who handles firearms takes the handler "
    "course, everyone who works near them the near-firearm course; the profile names the "
    "courses",
    "Record each missing course for the person (`coldcheck training record --topic "
    "handler_course` or `near_firearms_course`) before approving, or take them off the plan.",
    (c.ApproveScenePlan,),
)
def plan_trained_by_tier(state: State, cmd: c.ApproveScenePlan) -> list[str]:
    scene = state.scenes[cmd.scene_id]
    if not any(state.items[i].kind in DISCHARGING_KINDS for i in scene.items):
        return []
    profile = state.profile
    tiers = [(p, "handling firearms", profile.handler_courses) for p in scene.performers]
    tiers += [
        (p, "near the firing line", profile.near_firearms_courses)
        for p in scene.near_firing_line
        if p not in scene.performers
    ]
    problems = []
    for person, tier, courses in tiers:
        missing = _untaken(state, person, courses)
        if missing:
            problems.append(f"{name_of(state, person)} ({tier}) has not taken the {missing}")
    return problems


def _untaken(state: State, person_id: str, courses: tuple[Course, ...]) -> str:
    """The courses the person has not taken (or declined after taking), in words."""
    record = state.training[person_id]
    return names.listing(names.topic(k) for k in courses if record.status(k) != "trained")


RULES = (recipient_trained, declined_training_blocks, trained_by_armorer, plan_trained_by_tier)
