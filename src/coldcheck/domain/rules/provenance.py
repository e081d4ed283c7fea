"""Provenance: rounds of doubtful origin are held until each one is checked; reloaded
dummies never come in; only rounds of one kind share a box."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import rule
from coldcheck.domain.state import State
from coldcheck.domain.values import AmmoType, Chamber, Handling


@rule(
    "PRV-1",
    "Reloaded dummies are refused",
    "DOMAIN.md §2, §6: a dummy has no powder and no live primer; a reloaded case may "
    "hold both, and on Rust live rounds carried the dummies' headstamp",
    "Do not receive them. Send the lot back to its supplier and get factory-made dummies "
    "that were never loaded.",
    (c.ReceiveLot,),
)
def reloaded_dummies_refused(state: State, cmd: c.ReceiveLot) -> list[str]:
    if cmd.ammo_type is not AmmoType.DUMMY:
        return []
    return [
        f"lot {cmd.lot_id}: dummies reloaded by {h.by}"
        for h in cmd.handled
        if h.what is Handling.RELOADED
    ]


@rule(
    "PRV-2",
    "Nothing is loaded from a lot in quarantine",
    "DOMAIN.md §6: on Rust the supplier repackaged dummies from another production and "
    "rounds came from sources nobody wrote down; each round must come out and be checked",
    "Verify every round of the lot one by one (Stock, Lots: verify rounds), with the "
    "method and who checked each; the quarantine lifts when the last one is checked. "
    "Until then load rounds from another lot.",
    (c.InspectItem, c.IssueItem),
)
def nothing_loaded_from_quarantine(state: State, cmd: c.InspectItem | c.IssueItem) -> list[str]:
    chambers: tuple[Chamber, ...] = (
        cmd.chambers if isinstance(cmd, c.InspectItem) else state.items[cmd.item_id].load
    )
    held = dict.fromkeys(
        ch.lot for ch in chambers if ch.lot in state.lots and state.lots[ch.lot].quarantined
    )
    return [names.quarantine(state.lots[lot_id]) for lot_id in held if lot_id]


@rule(
    "PRV-3",
    "Only rounds of one kind and caliber share a box",
    "DOMAIN.md §3: on Rust live rounds were found in a box labelled dummies",
    "Merge only two lots of the same kind (dummies with dummies, blanks of one load with "
    "blanks of that load) and the same caliber; keep the others in their own boxes.",
    (c.MergeLots,),
)
def one_kind_per_box(state: State, cmd: c.MergeLots) -> list[str]:
    a, b = (state.lots[i] for i in cmd.lot_ids)
    problems = []
    if a.ammo_type is not b.ammo_type:
        problems.append(f"lot {a.id} holds {a.ammo_type} rounds, lot {b.id} {b.ammo_type}")
    elif a.load != b.load:
        problems.append(f"lot {a.id} is {a.load} load, lot {b.id} {b.load} load")
    if a.caliber != b.caliber:
        problems.append(f"lot {a.id} is {a.caliber}, lot {b.id} is {b.caliber}")
    return problems


RULES = (reloaded_dummies_refused, nothing_loaded_from_quarantine, one_kind_per_box)
