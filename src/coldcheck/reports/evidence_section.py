"""The dossier's evidence: every piece, its whole chain (from its arrival on the
production to each step of custody), every case number it was filed under, and a flag on
any piece filed under a case number other than its incident's primary one.

Read from the whole record, not the incident's moment: the pieces are handed over after.
"""

from __future__ import annotations

from collections.abc import Sequence

from coldcheck.domain import events as ev
from coldcheck.domain import names
from coldcheck.domain import queries as q
from coldcheck.domain.evidence import Evidence, elsewhere, primary_case
from coldcheck.domain.state import State
from coldcheck.reports.evidence_words import piece as piece_words

TITLE = "Evidence: each piece, its chain of custody and every case number it was filed under"


def answers(
    records: Sequence[ev.Recorded], state: State, incident_id: str | None, item_id: str | None
) -> tuple[q.Answer, ...]:
    """One answer per piece of the scope (an incident's, an item's, or every piece)."""
    pieces = [
        p
        for p in state.evidence.values()
        if (incident_id is None or p.incident_id == incident_id)
        and (item_id is None or p.item_id == item_id)
    ]
    return tuple(_answer(records, state, p) for p in pieces)


def _answer(records: Sequence[ev.Recorded], state: State, p: Evidence) -> q.Answer:
    primary = primary_case([x for x in state.evidence.values() if x.incident_id == p.incident_id])
    other = elsewhere(p, primary)
    cases = ", ".join(p.case_numbers)
    summary = f"Filed under case {cases}; now with {p.holder.agency} ({p.holder.investigator})."
    if other:
        summary = (
            f"FILED UNDER ANOTHER CASE NUMBER: {', '.join(other)}, not only {p.incident_id}'s "
            f"primary case {primary}. " + summary
        )
    what = piece_words(state, p.item_id, p.lot_id, p.handin_id)
    return q.Answer(
        f"{p.id} ({p.incident_id}): {what}",
        summary,
        tuple(_chain(records, state, p)),
        flagged=bool(other),
    )


def _chain(records: Sequence[ev.Recorded], state: State, p: Evidence) -> list[q.Step]:
    """The piece's steps, first to last: how it arrived, then each hand it passed to."""
    steps = []
    for rec in records:
        e = rec.event
        text = _text(state, p, e)
        if text and isinstance(e, ev.EvidenceHandedOver):
            text += f"; signed for by {names.person(state, rec.actor)} as sender"
        elif text and isinstance(e, ev.EvidenceTransferred):
            text += f"; recorded by {names.person(state, rec.actor)}"
        if text:
            steps.append(q.Step(rec.seq, rec.at, rec.actor, text, rec.proof))
    return steps


def _text(state: State, p: Evidence, e: ev.Event) -> str:
    match e:
        case ev.ItemRegistered() if e.item_id == p.item_id:
            source = e.source or "an unnamed source"
            return f"arrived on the production from {source}: serial {e.serial}, tag {e.tag}"
        case ev.ItemMoved() if e.item_id == p.item_id:
            return f"moved from {e.from_} to {e.to}"
        case ev.ItemIssued() if e.item_id == p.item_id:
            return f"issued to person:{e.recipient_id} for scene {e.scene_id}"
        case ev.ItemReturned() if e.item_id == p.item_id:
            return f"taken back from person:{e.from_person}"
        case ev.ItemInspected() if e.item_id == p.item_id:
            return f"{e.inspection_id}: barrel {e.barrel}, label {e.label}"
        case ev.LotReceived() if e.lot_id == p.lot_id:
            return (
                f"arrived on the production: {e.count} rounds of {e.caliber} {e.ammo_type}, "
                f"invoice {e.invoice}, from {e.source or e.supplier_id or 'an unnamed source'}"
            )
        case ev.EvidenceHandedIn() if e.handin_id == p.handin_id:
            return f"handed in by {e.handed_in_by}: {e.what}; found at {e.found_where}" + (
                f", {e.found_when}" if e.found_when else ""
            )
        case ev.IncidentReported() if e.incident_id == p.incident_id:
            return f"{e.incident_id} reported ({e.kind}): {e.description}"
        case ev.EvidenceHandedOver() if e.evidence_id == p.id:
            return f"handed over as {p.id} to {e.investigator} of {e.agency}, case {e.case_number}"
        case ev.EvidenceTransferred() if e.evidence_id == p.id:
            why = f": {e.reason}" if e.reason else ""
            return f"passed to {e.investigator} of {e.agency}, case {e.case_number}{why}"
    return ""
