"""Rehearsals: a stand-in for the line-up, a replica for rehearsal, the hero for filming."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import rule
from coldcheck.domain.state import Scene, State
from coldcheck.domain.values import DISCHARGING_KINDS, NON_FIRING_TIERS, ApprovalRole


def firing_items(state: State, scene: Scene) -> list[str]:
    """The plan's items that can discharge something: in a rehearsal, each needs reasons."""
    return [i for i in scene.items if state.items[i].kind in DISCHARGING_KINDS]


@rule(
    "RHR-1",
    "A stand-in or a rehearsal replica is a non-firing item",
    "DOMAIN.md §6, rehearsal tier: practice is a stand-in for line-up, a rubber gun for "
    "rehearsal, the hero gun for filming only; the fatal shot on Rust was in a rehearsal "
    "with the real gun",
    "List a firing weapon as the hero, or plan a non-firing replica or rubber gun in its "
    "place for the line-up or the rehearsal.",
    (c.PlanScene,),
)
def replica_tier_is_non_firing(state: State, cmd: c.PlanScene) -> list[str]:
    return [
        f"{names.item(state, t.item_id)} can fire and is listed as {names.term(t.tier)}"
        for t in cmd.tiers
        if t.tier in NON_FIRING_TIERS and state.items[t.item_id].kind in DISCHARGING_KINDS
    ]


@rule(
    "RHR-2",
    "A firing weapon in a rehearsal is approved with a reason",
    "DOMAIN.md §6, rehearsal tier: the hero gun is for filming only; a real gun in a "
    "rehearsal is an exception the armorer and the 1st AD each answer for",
    "Plan a rubber gun or non-firing replica for the rehearsal, or give the reason this "
    "rehearsal needs the firing weapon with your approval (`coldcheck scene approve "
    "--firing-rehearsal-reason`).",
    (c.ApproveScenePlan,),
)
def firing_rehearsal_has_a_reason(state: State, cmd: c.ApproveScenePlan) -> list[str]:
    scene = state.scenes[cmd.scene_id]
    firing = firing_items(state, scene)
    if not scene.rehearsal or not firing or cmd.firing_rehearsal_reason.strip():
        return []
    what = names.listing(names.item(state, i) for i in firing)
    return [f"rehearsal {scene.id} uses {what}, which can fire: say why with the approval"]


@rule(
    "RHR-3",
    "A firing weapon goes to a rehearsal only with both approvers' reasons",
    "DOMAIN.md §6, rehearsal tier: the fatal shot on Rust was in a rehearsal with the real gun",
    "Have the armorer and the 1st AD approve the rehearsal again, each saying why it "
    "needs the firing weapon, or issue the rubber gun or replica instead.",
    (c.IssueItem,),
)
def firing_rehearsal_approved_by_both(state: State, cmd: c.IssueItem) -> list[str]:
    scene = state.scenes[cmd.scene_id]
    if not scene.rehearsal or state.items[cmd.item_id].kind not in DISCHARGING_KINDS:
        return []
    given = {role for role, _ in scene.firing_reasons}
    missing = [r for r in ApprovalRole if r not in given]
    if not missing:
        return []
    who = names.listing(names.term(r) for r in missing)
    return [
        f"{names.item(state, cmd.item_id)} can fire and scene {scene.id} is a rehearsal: "
        f"no reason for it from {who}"
    ]


RULES = (
    replica_tier_is_non_firing,
    firing_rehearsal_has_a_reason,
    firing_rehearsal_approved_by_both,
)
