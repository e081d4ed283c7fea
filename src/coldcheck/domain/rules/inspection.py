"""Inspections: a weapon is shown clear only by the armorer, chamber by chamber, recently."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import is_armorer, name_of, rule
from coldcheck.domain.state import State
from coldcheck.domain.values import DISCHARGING_KINDS, Label, Role, SceneAmmo

# Who can witness a firearm shown clear at its handoff (DOMAIN.md §1.4, §1.14).
WITNESS_ROLES = (Role.FIRST_AD, Role.SAFETY_REP)


@rule(
    "INS-1",
    "Only the armorer inspects and shows a weapon clear",
    "DOMAIN.md §1.4, §1.14: the 1st AD asks the armorer to show it safe and witnesses",
    "Ask the armorer to open the weapon, check the barrel and every chamber, and show you.",
    (c.InspectItem,),
)
def armorer_inspects(state: State, cmd: c.InspectItem) -> list[str]:
    if is_armorer(state, cmd.actor):
        return []
    return [f"{name_of(state, cmd.actor)} does not hold firearm-safety authority"]


@rule(
    "INS-2",
    "Every chamber is accounted for",
    "DOMAIN.md §2: from outside a loaded revolver you cannot tell a dummy from a live "
    "round; each round must come out and be checked",
    "Record the content of every chamber (empty, dummy, blank) and the barrel.",
    (c.InspectItem, c.ReturnItem),
)
def every_chamber_accounted(state: State, cmd: c.InspectItem | c.ReturnItem) -> list[str]:
    item = state.items[cmd.item_id]
    if len(cmd.chambers) == item.chambers:
        return []
    has = names.plural(item.chambers, "chamber")
    return [f"{names.item(state, item.id)} has {has}; {len(cmd.chambers)} recorded"]


@rule(
    "INS-3",
    "Inspection is fresh",
    "Bulletin #1: inspect before every use (DOMAIN.md §1.12); the profile sets how long "
    "an inspection counts",
    "Inspect the weapon again now, in front of the person who will receive it.",
    (c.IssueItem,),
)
def inspection_is_fresh(state: State, cmd: c.IssueItem) -> list[str]:
    item = state.items[cmd.item_id]
    insp = state.inspections.get(item.last_inspection or "")
    if insp is None:
        return [f"{names.item(state, item.id)} has never been inspected"]
    limit = state.profile.inspection_fresh_minutes
    age_min = (cmd.at - insp.at) / 60_000_000
    if age_min <= limit:
        return []
    return [f"{_last(state, insp.at, cmd.at)} is {age_min:.0f} minutes old; the limit is {limit}"]


@rule(
    "INS-4",
    "The load fits the scene",
    "DOMAIN.md §2: record the exact load and derive the label; cold means no live "
    "round and nothing unchecked",
    "Reload the weapon for what the scene plan calls for and inspect it again; a weapon "
    "with an obstructed barrel, a live round or an unchecked dummy is never issued.",
    (c.IssueItem,),
)
def load_fits_scene(state: State, cmd: c.IssueItem) -> list[str]:
    item = state.items[cmd.item_id]
    insp = state.inspections.get(item.last_inspection or "")
    scene = state.scenes.get(cmd.scene_id)
    if insp is None or scene is None:
        return []
    allowed = {
        SceneAmmo.NONE: {Label.CLEAR},
        SceneAmmo.DUMMY: {Label.CLEAR, Label.DUMMIES},
        SceneAmmo.BLANK: {Label.CLEAR, Label.DUMMIES, Label.HOT},
    }[scene.ammo]
    if insp.label in allowed:
        return []
    return [
        f"as inspected at {names.moment(state, insp.at, cmd.at)} it is "
        f"{names.term(insp.label)}; scene {scene.id} is planned with {names.term(scene.ammo)}"
    ]


@rule(
    "INS-5",
    "The recipient was shown it clear and acknowledged",
    "DOMAIN.md §2 'Showing clear'; Australian practice: the performer answers 'clear'",
    "Show the recipient every chamber and the barrel during the inspection, record them "
    "as shown, and have them acknowledge.",
    (c.IssueItem,),
)
def recipient_shown_clear(state: State, cmd: c.IssueItem) -> list[str]:
    item = state.items[cmd.item_id]
    insp = state.inspections.get(item.last_inspection or "")
    problems = []
    if insp is not None and cmd.recipient_id not in insp.shown_to:
        recipient = name_of(state, cmd.recipient_id)
        problems.append(f"{recipient} was not shown the weapon at {_last(state, insp.at, cmd.at)}")
    if not cmd.recipient_acknowledged:
        problems.append(
            f"{name_of(state, cmd.recipient_id)} has not acknowledged being shown the weapon"
        )
    return problems


@rule(
    "INS-6",
    "The 1st AD or the safety rep witnessed the weapon shown clear",
    "DOMAIN.md §1.14: the 1st AD asks the armorer to show it safe and witnesses; §1.4: "
    "the handler works with the production's safety representative; the profile says "
    "whether a witness is required",
    "Show the weapon open to the 1st AD or the safety rep as well as the recipient, and "
    "record them as shown.",
    (c.IssueItem,),
)
def handoff_witnessed(state: State, cmd: c.IssueItem) -> list[str]:
    item = state.items[cmd.item_id]
    insp = state.inspections.get(item.last_inspection or "")
    if not state.profile.witness_at_handoff or item.kind not in DISCHARGING_KINDS:
        return []
    if insp is None or any(p != cmd.recipient_id for p in insp.shown_to if is_witness(state, p)):
        return []  # never inspected: INS-3 says so
    *rest, last = [
        f"{name_of(state, p)} ({names.term(r)})"
        for r in WITNESS_ROLES
        for p in sorted(state.with_role(r))
        if p not in (cmd.recipient_id, cmd.actor)
    ] or [""]
    shown = f"{names.item(state, item.id)} was not shown to a witness at "
    shown += _last(state, insp.at, cmd.at)
    if not last:
        return [f"{shown}, and the production has no 1st AD or safety rep to witness it"]
    return [
        f"{shown}: show it to {', '.join(rest)} or {last}"
        if rest
        else f"{shown}: show it to {last}"
    ]


def is_witness(state: State, person_id: str) -> bool:
    """Whether the person can witness a handoff: the 1st AD or the safety rep."""
    person = state.people.get(person_id)
    return person is not None and any(r in person.roles for r in WITNESS_ROLES)


def _last(state: State, inspected_at: int, now: int) -> str:
    return f"the last inspection ({names.moment(state, inspected_at, now)})"


RULES = (
    armorer_inspects,
    every_chamber_accounted,
    inspection_is_fresh,
    load_fits_scene,
    recipient_shown_clear,
    handoff_witnessed,
)
