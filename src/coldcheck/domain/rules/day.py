"""Closing the day: every item locked away, every round counted."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import rule
from coldcheck.domain.state import State


@rule(
    "DAY-1",
    "Counts reconcile before the day closes",
    "DOMAIN.md §1.12: inventory at issue and at the end of each day; on Rust about 500 "
    "rounds were found and no one could say where six live ones came from",
    "Count every lot's box and give each count; find missing rounds or report them as an "
    "incident before closing.",
    (c.CloseDay,),
)
def counts_reconcile(state: State, cmd: c.CloseDay) -> list[str]:
    counts = dict(cmd.counts)
    problems = [f"lot {k}: unknown lot" for k in counts if k not in state.lots]
    for lot in state.lots.values():
        if lot.missing:
            missing = names.plural(lot.missing, "round")
            problems.append(f"lot {lot.id}: {missing} missing since a return")
        if lot.id not in counts:
            problems.append(f"lot {lot.id}: no count given (record shows {lot.in_box})")
        elif counts[lot.id] != lot.in_box:
            problems.append(f"lot {lot.id}: counted {counts[lot.id]}, record shows {lot.in_box}")
    return problems


@rule(
    "DAY-2",
    "Every item is locked away before the day closes",
    "DOMAIN.md §1.13: firearms not in use are unloaded and locked up",
    "Take every item back and put it in a secure location.",
    (c.CloseDay,),
)
def items_secured(state: State, cmd: c.CloseDay) -> list[str]:
    problems = []
    for item in state.items.values():
        if state.outside_storage(item):
            problems.append(
                f"{names.item(state, item.id)} is {names.place(state, item.custodian)}, "
                "not in secure storage"
            )
    return problems


RULES = (counts_reconcile, items_secured)
