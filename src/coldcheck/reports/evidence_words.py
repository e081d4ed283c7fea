"""The sentences of evidence and of theft and loss: what was handed in, each piece handed
over to an investigator or passed on, and an item stolen or lost. (words.py holds every
other event's sentence and reads these into its table.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coldcheck.domain import events as ev
from coldcheck.domain.names import incident, item, person, plural
from coldcheck.domain.state import State
from coldcheck.domain.values import Disposition

Sentence = Callable[[State, ev.Recorded, Any], str]
QUOTE_MAX = 100  # as words.py: the record keeps the whole text


def _who(s: State, rec: ev.Recorded) -> str:
    return person(s, rec.actor) if rec.actor else "Someone"


def _quote(text: str) -> str:
    short = text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1].rstrip() + "…"
    return f"“{short}”"


def piece(s: State, item_id: str | None, lot_id: str | None, handin_id: str | None) -> str:
    """A piece of evidence in words: the item, the lot's box, or what was handed in."""
    if item_id:
        return item(s, item_id)
    if lot_id:
        return f"the box of lot {lot_id}"
    handin = s.handins.get(handin_id or "")
    if handin is None:
        return f"hand-in {handin_id}"
    return f"{_quote(handin.what)} handed in by {handin.handed_in_by}"


def _handed_in(s: State, r: ev.Recorded, e: ev.EvidenceHandedIn) -> str:
    rounds = f" ({plural(e.rounds, 'round')})" if e.rounds else ""
    when = f", {_quote(e.found_when)}" if e.found_when else ""
    return (
        f"{_who(s, r)} received from {e.handed_in_by} {_quote(e.what)}{rounds}, found at "
        f"{_quote(e.found_where)}{when}, as evidence of {incident(s, e.incident_id, r.at)}"
    )


def _handed_over(s: State, r: ev.Recorded, e: ev.EvidenceHandedOver) -> str:
    what = piece(s, e.item_id, e.lot_id, e.handin_id)
    rounds = f" ({plural(e.rounds, 'round')})" if e.lot_id else ""
    return (
        f"{_who(s, r)} handed {what}{rounds} over to {e.investigator} of {e.agency}, case "
        f"{e.case_number}, as evidence of {incident(s, e.incident_id, r.at)}"
    )


def _transferred(s: State, r: ev.Recorded, e: ev.EvidenceTransferred) -> str:
    found = s.evidence.get(e.evidence_id)
    what = piece(s, found.item_id, found.lot_id, found.handin_id) if found else e.evidence_id
    why = f": {_quote(e.reason)}" if e.reason else ""
    return (
        f"{_who(s, r)} recorded {what} passed to {e.investigator} of {e.agency}, case "
        f"{e.case_number}{why}"
    )


def disposed(s: State, r: ev.Recorded, e: ev.ItemDisposed) -> str:
    """A disposition: a transfer to whom, or a theft or loss with its reports."""
    if e.disposition is Disposition.TRANSFER:
        return (
            f"{_who(s, r)} disposed of {item(s, e.item_id)} to {e.transferee}: {_quote(e.reason)}"
        )
    return f"{_who(s, r)} recorded {item(s, e.item_id)} {reported(e)}: {_quote(e.reason)}"


def reported(e: ev.ItemDisposed) -> str:
    """A theft or loss and its reports: "stolen (police report 26-4411; ATF 2026-117)"."""
    said = "stolen" if e.disposition is Disposition.THEFT else "lost"
    reports = [f"police report {e.police_report}"] if e.police_report else []
    reports += [f"ATF report {e.atf_report}"] if e.atf_report else []
    return f"{said} ({'; '.join(reports)})" if reports else said


SENTENCES: dict[type[ev.Event], Sentence] = {
    ev.ItemDisposed: disposed,
    ev.EvidenceHandedIn: _handed_in,
    ev.EvidenceHandedOver: _handed_over,
    ev.EvidenceTransferred: _transferred,
}
