"""Before a handoff: which planned item can go to which planned performer, and why not,
told before anyone opens a weapon; and the loads a scene plan calls for.

The pre-check is a dry run of the same decision a hand-over takes (`decide`), with an
inspection that cannot be the problem (barrel clear, every chamber empty, shown to the
recipient and to everyone who can witness it, acknowledged): what still refuses it is what
no inspection will fix, such as missing training, no safety meeting, a stand-down, or no
1st AD or safety rep to witness it where the profile asks for one. Nothing is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from coldcheck.domain import commands as c
from coldcheck.domain.decide import decide
from coldcheck.domain.errors import ColdCheckError, Refused
from coldcheck.domain.rules import Violation
from coldcheck.domain.rules.inspection import WITNESS_ROLES
from coldcheck.domain.state import Item, Lot, Scene, State
from coldcheck.domain.values import AmmoType, Barrel, Chamber, Content, SceneAmmo, Severity

_NOT_DECIDED = "NOT-DECIDED"  # the command could not even be considered (unknown, disposed)


@dataclass(frozen=True, slots=True)
class Pair:
    """One planned item for one planned performer: ready, or what blocks it."""

    item_id: str
    recipient_id: str
    blockers: tuple[Violation, ...]
    warnings: tuple[Violation, ...]

    @property
    def ready(self) -> bool:
        return not self.blockers


@dataclass(frozen=True, slots=True)
class SceneCheck:
    """Every pair of a scene's plan; `common` holds the blockers every pair shares (a
    stand-down, a plan not approved), so they are said once."""

    scene_id: str
    pairs: tuple[Pair, ...]
    common: tuple[Violation, ...]

    @property
    def ready(self) -> tuple[Pair, ...]:
        return tuple(p for p in self.pairs if p.ready)


def check_pair(
    state: State, actor: str, at: int, scene_id: str, item_id: str, recipient_id: str
) -> Pair:
    """The dry run for one item and recipient in one scene (either may be off the plan)."""
    item = state.items.get(item_id)
    probe = c.HandOver(
        actor=actor,
        at=at,
        item_id=item_id,
        barrel=Barrel.CLEAR,
        chambers=(Chamber(Content.EMPTY),) * (item.chambers if item else 0),
        recipient_id=recipient_id,
        scene_id=scene_id,
        recipient_acknowledged=True,
        shown_to=tuple(p for r in WITNESS_ROLES for p in state.with_role(r) if p != actor),
    )
    try:
        decision = decide(state, probe)
    except Refused as exc:
        return Pair(item_id, recipient_id, tuple(exc.violations), ())
    except ColdCheckError as exc:
        return Pair(item_id, recipient_id, (_not_decided(str(exc)),), ())
    return Pair(item_id, recipient_id, (), decision.warnings)


def check_scene(state: State, actor: str, at: int, scene_id: str) -> SceneCheck:
    """The dry run for every item and performer of a scene's plan."""
    scene = state.scenes[scene_id]
    pairs = tuple(
        check_pair(state, actor, at, scene.id, item, person)
        for item in scene.items
        for person in scene.performers
    )
    # Said once when more than one pair shares it.
    shared = set.intersection(*(set(p.blockers) for p in pairs)) if len(pairs) > 1 else set()
    common = tuple(v for v in (pairs[0].blockers if pairs else ()) if v in shared)
    return SceneCheck(
        scene.id,
        tuple(
            Pair(
                p.item_id,
                p.recipient_id,
                tuple(v for v in p.blockers if v not in shared),
                p.warnings,
            )
            for p in pairs
        )
        if shared
        else pairs,
        common,
    )


def check(
    state: State,
    actor: str,
    at: int,
    scene_id: str,
    item_id: str | None = None,
    recipient_id: str | None = None,
) -> SceneCheck:
    """The pre-check as asked: every pair of the scene's plan, or the one item and
    recipient named (either defaulting to the plan's first)."""
    if item_id is None and recipient_id is None:
        return check_scene(state, actor, at, scene_id)
    scene = state.scenes[scene_id]
    pair = check_pair(
        state,
        actor,
        at,
        scene.id,
        item_id or next(iter(scene.items), ""),
        recipient_id or next(iter(scene.performers), ""),
    )
    return SceneCheck(scene.id, (pair,), ())


def fits(item: Item, lot: Lot) -> bool:
    """Whether the lot's rounds are the item's calibre (either unstated: no objection)."""
    return not item.caliber or not lot.caliber or lot.caliber == item.caliber


def _not_decided(detail: str) -> Violation:
    return Violation(_NOT_DECIDED, "Not possible", Severity.BLOCK, detail, detail, "")


@dataclass(frozen=True, slots=True)
class Preset:
    """One tap that sets every chamber: what it loads and from which lot."""

    key: str  # as_planned:<lot>, all_empty
    text: str
    barrel: Barrel
    chambers: tuple[Chamber, ...]


def presets(state: State, scene: Scene, item: Item) -> tuple[Preset, ...]:
    """The loads the scene plan calls for, one per lot that can fill every chamber (of
    the plan's ammunition, the item's calibre, verified, enough rounds in the box), each
    round checked; and all empty. Offered as taps, never chosen for the armorer."""
    n = item.chambers
    out = [
        Preset(
            "all_empty",
            f"Barrel clear · all {n} empty" if n > 1 else "Barrel clear · empty",
            Barrel.CLEAR,
            (Chamber(Content.EMPTY),) * n,
        )
    ]
    kind = {SceneAmmo.DUMMY: AmmoType.DUMMY, SceneAmmo.BLANK: AmmoType.BLANK}.get(scene.ammo)
    if kind is None or n == 0:
        return tuple(out)
    content = Content.DUMMY if kind is AmmoType.DUMMY else Content.BLANK
    for lot in state.lots.values():
        verified = lot.verified_by is not None or kind is AmmoType.BLANK  # AMM-2: dummies
        # What is in the weapon now comes out first (AMM-4 counts it as on hand).
        loaded = sum(1 for ch in item.load if ch.lot == lot.id and ch.holds_round)
        if lot.ammo_type is kind and fits(item, lot) and verified and lot.in_box + loaded >= n:
            out.insert(
                len(out) - 1,
                Preset(
                    f"as_planned:{lot.id}",
                    f"Barrel clear · {_rounds(n, content)} from {lot.id}"
                    + (", each checked" if content is Content.DUMMY else ""),
                    Barrel.CLEAR,
                    (Chamber(content, lot.id, checked=content is Content.DUMMY),) * n,
                ),
            )
    return tuple(out)


def _rounds(n: int, content: Content) -> str:
    word = {Content.DUMMY: ("dummy", "dummies"), Content.BLANK: ("blank", "blanks")}[content]
    return f"{n} {word[n != 1]}"
