"""The sentences of rentals: weapons picked up from a rental house under its agreement,
and each handed back with a signed return. (words.py reads these into its table.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coldcheck.domain import events as ev
from coldcheck.domain.names import item, person
from coldcheck.domain.state import State

Sentence = Callable[[State, ev.Recorded, Any], str]


def _house(s: State, supplier_id: str) -> str:
    house = s.suppliers.get(supplier_id)
    return house.name if house else repr(supplier_id)


def picked_up(s: State, r: ev.Recorded, e: ev.RentalPickedUp) -> str:
    items = ", ".join(item(s, i) for i in e.item_ids)
    return (
        f"{person(s, e.picked_up_by)} picked up {items} from {_house(s, e.supplier_id)} "
        f"under rental agreement {e.agreement}"
    )


def returned(s: State, r: ev.Recorded, e: ev.RentalReturned) -> str:
    signed = "signed" if e.signer_confirmed else "unsigned"
    ref = f", return {e.reference}" if e.reference else ""
    return (
        f"{person(s, r.actor)} returned {item(s, e.item_id)} to {_house(s, e.supplier_id)} "
        f"({signed}; received by {e.receiver}{ref})"
    )


SENTENCES: dict[type[ev.Event], Sentence] = {
    ev.RentalPickedUp: picked_up,
    ev.RentalReturned: returned,
}
