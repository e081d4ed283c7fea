"""What the provenance pages are drawn with: the suppliers, the lots in quarantine and
how far their rounds are checked, each lot's provenance in words, the boxes to split
or merge."""

from __future__ import annotations

from typing import Any

from coldcheck.domain import names
from coldcheck.domain.state import Lot, State
from coldcheck.domain.values import Handling, RoundCheck, SupplierKind
from coldcheck.reports.lot_words import came_from, held
from coldcheck.web.lot_forms import UNKNOWN


def context(s: State) -> dict[str, Any]:
    """The provenance pages' part of every stock page's context."""
    lots = sorted(s.lots.values(), key=lambda lot: lot.id)
    return {
        "suppliers": sorted(s.suppliers.values(), key=lambda x: x.name),
        "supplier_kinds": list(SupplierKind),
        "handlings": list(Handling),
        "round_methods": list(RoundCheck),
        "unknown": UNKNOWN,
        "held": [lot for lot in lots if lot.quarantined],
        "to_check": [lot for lot in lots if lot.rounds_checked < lot.received],
        "boxes": [lot for lot in lots if lot.in_box],
        "people_by_name": sorted(s.people.values(), key=lambda p: p.name),
        "term": names.term,
        "held_words": names.quarantine,
        "lot_words": lambda lot: lot_line(s, lot),
    }


def lot_line(s: State, lot: Lot) -> str:
    """A lot in one line: what, from whom, its parents, where it had been, its quarantine."""
    return f"{lot.ammo_type} {lot.caliber} · {came_from(s, lot)} · {held(lot)}"
