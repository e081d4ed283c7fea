"""The sentences of units and transfers: a unit added, a transfer dispatched into a
carrier's hands, checked in or turned away. (words.py reads these into its table.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coldcheck.domain import events as ev
from coldcheck.domain.names import holder, item, listing, person, plural
from coldcheck.domain.state import State
from coldcheck.domain.values import Custodian

Sentence = Callable[[State, ev.Recorded, Any], str]
QUOTE_MAX = 100  # as words.py: the record keeps the whole text


def _who(s: State, rec: ev.Recorded) -> str:
    return person(s, rec.actor) if rec.actor else "Someone"


def _quote(text: str) -> str:
    short = text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1].rstrip() + "…"
    return f"“{short}”"


def _unit(s: State, unit_id: str) -> str:
    found = s.units.get(unit_id)
    return found.name if found else repr(unit_id)


def _place(s: State, location_id: str) -> str:
    return holder(s, Custodian("location", location_id))


def _signed(confirmed: bool) -> str:
    return ", signed with their own PIN" if confirmed else ""


def _contents(s: State, items: tuple[str, ...], lots: tuple[tuple[str, int], ...]) -> str:
    parts = [item(s, i) for i in items]
    parts += [f"{plural(n, 'round')} of lot {lot}" for lot, n in lots]
    return listing(parts) or "nothing"


def _added(s: State, r: ev.Recorded, e: ev.UnitAdded) -> str:
    return (
        f"{_who(s, r)} added the {e.kind} unit {_quote(e.name)}, keeping weapons in "
        f"{listing(_place(s, i) for i in e.location_ids) or 'no place yet'}, "
        f"with {person(s, e.armorer_id)} as its armorer"
    )


def _dispatched(s: State, r: ev.Recorded, e: ev.TransferDispatched) -> str:
    waybill = f", waybill {_quote(e.waybill)}" if e.waybill else ""
    return (
        f"{_who(s, r)} dispatched {_contents(s, e.items, e.lots)} from {_unit(s, e.from_unit)} "
        f"({_place(s, e.from_location)}) to {_unit(s, e.to_unit)} ({_place(s, e.to_location)})"
        f"{_signed(e.signer_confirmed)}: in transit with {_quote(e.carrier)}{waybill}, for "
        f"{person(s, e.receiver_id)} to check in"
    )


def _received(s: State, r: ev.Recorded, e: ev.TransferReceived) -> str:
    counted = [(lot, n) for lot, n in e.counts if n]
    said = (
        f"{_who(s, r)} checked in {_contents(s, e.arrived, tuple(counted))}"
        f"{_signed(e.signer_confirmed)}"
    )
    wrong = [f"{item(s, i)} did not arrive" for i in e.missing]
    wrong += [f"{plural(n, 'round')} of lot {lot} did not arrive" for lot, n in e.short]
    wrong += [f"serial {_quote(x)} arrived and was not sent" for x in e.unexpected]
    return f"{said}; {'; '.join(wrong)}" if wrong else said


def _refused(s: State, r: ev.Recorded, e: ev.TransferRefused) -> str:
    return (
        f"{_who(s, r)} turned the transfer away on arrival{_signed(e.signer_confirmed)}: "
        f"{_quote(e.reason)}; it is back in the sender's custody"
    )


SENTENCES: dict[type[ev.Event], Sentence] = {
    ev.UnitAdded: _added,
    ev.TransferDispatched: _dispatched,
    ev.TransferReceived: _received,
    ev.TransferRefused: _refused,
}
