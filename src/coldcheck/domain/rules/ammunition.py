"""Ammunition: no live rounds, dummies only from verified lots, every round counted."""

from __future__ import annotations

from collections import Counter

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import rule
from coldcheck.domain.state import State
from coldcheck.domain.values import AmmoType, Chamber, Content, Severity


@rule(
    "AMM-1",
    "No live ammunition",
    "Bulletin #1; Cal. Labor Code §9155: no live ammunition on a lot or stage (DOMAIN.md §1.2)",
    "Do not bring it on set. Take it off the production and report how it arrived; if "
    "live rounds were found, report an incident (`coldcheck incident live_round_found`).",
    (c.ReceiveLot,),
)
def no_live_ammunition(state: State, cmd: c.ReceiveLot) -> list[str]:
    if cmd.ammo_type is not AmmoType.LIVE:
        return []
    return [f"lot {cmd.lot_id} is live ammunition"]


@rule(
    "AMM-2",
    "Dummies come from verified lots and are checked one by one",
    "DOMAIN.md §2: if it doesn't rattle, don't trust it; each round comes out and is checked",
    "Verify the lot (`coldcheck lot verify`) and take each dummy out and check it before "
    "loading it.",
    (c.InspectItem,),
)
def dummies_from_verified_lots(state: State, cmd: c.InspectItem) -> list[str]:
    problems = []
    for i, ch in enumerate(cmd.chambers, 1):
        if ch.content is not Content.DUMMY:
            continue
        lot = state.lots.get(ch.lot or "")
        if lot is not None and lot.verified_by is None:
            problems.append(f"chamber {i}: lot {lot.id} is not verified")
        if not ch.checked:
            problems.append(f"chamber {i}: the dummy was not individually checked")
    return problems


@rule(
    "AMM-3",
    "Each round matches its lot and the weapon",
    "DOMAIN.md §2: record the exact load: dummy from lot X, blank from lot Y",
    "Name the lot each round came from; a blank comes from a blank lot, a dummy from a "
    "dummy lot, in the weapon's caliber.",
    (c.InspectItem,),
)
def rounds_match_lot(state: State, cmd: c.InspectItem) -> list[str]:
    item = state.items[cmd.item_id]
    problems = []
    for i, ch in enumerate(cmd.chambers, 1):
        if ch.content not in (Content.DUMMY, Content.BLANK):
            continue
        lot = state.lots.get(ch.lot or "")
        if lot is None:
            problems.append(f"chamber {i}: {ch.content} from unknown lot {ch.lot!r}")
        elif lot.ammo_type.value != ch.content.value:
            problems.append(f"chamber {i}: lot {lot.id} holds {lot.ammo_type} rounds")
        elif item.caliber and lot.caliber and lot.caliber != item.caliber:
            problems.append(
                f"chamber {i}: lot {lot.id} is {lot.caliber}, "
                f"{names.item(state, item.id)} is {item.caliber}"
            )
    return problems


@rule(
    "AMM-4",
    "Rounds are in the box before they are loaded",
    "DOMAIN.md §1.12: count at issue and at the end of each day",
    "Count the lot's box; load only rounds the record shows on hand.",
    (c.InspectItem,),
)
def rounds_available(state: State, cmd: c.InspectItem) -> list[str]:
    item = state.items[cmd.item_id]
    need = _rounds_by_lot(state, cmd.chambers)
    back = _rounds_by_lot(state, item.load)
    problems = []
    for lot_id, n in need.items():
        on_hand = state.lots[lot_id].in_box + back[lot_id]
        if n > on_hand:
            problems.append(f"lot {lot_id}: {n} needed, {on_hand} on hand")
    return problems


def _rounds_by_lot(state: State, chambers: tuple[Chamber, ...]) -> Counter[str]:
    return Counter(
        ch.lot
        for ch in chambers
        if ch.lot is not None
        and ch.lot in state.lots
        and ch.content in (Content.DUMMY, Content.BLANK)
    )


@rule(
    "AMM-5",
    "Every round issued comes back, fired or not",
    "DOMAIN.md §1.11-1.12: unused rounds recovered; counts at the end of each day",
    "Find the missing rounds. If they cannot be found, report an incident "
    "(`coldcheck incident unaccounted_rounds --lot … --rounds …`).",
    (c.ReturnItem,),
    Severity.WARN,
)
def rounds_accounted_on_return(state: State, cmd: c.ReturnItem) -> list[str]:
    item = state.items[cmd.item_id]
    problems = []
    for i, (before, after) in enumerate(zip(item.load, cmd.chambers, strict=False), 1):
        fired = after.content is Content.SPENT and before.content in (Content.DUMMY, Content.BLANK)
        if before.holds_round and after != before and not fired:
            problems.append(f"chamber {i}: {before.content} from lot {before.lot} is missing")
    return problems


RULES = (
    no_live_ammunition,
    dummies_from_verified_lots,
    rounds_match_lot,
    rounds_available,
    rounds_accounted_on_return,
)
