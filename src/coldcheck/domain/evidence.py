"""Evidence after an incident: what was handed in, and each piece's chain of custody.

DOMAIN.md §6: the case against the actor on Rust was dismissed because rounds a third
party handed in were filed under another case number and never disclosed. So every piece
keeps every holder and every case number it was filed under, in order, and a piece filed
under a case number other than its incident's first is easy to find (`elsewhere`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HandIn:
    """Something handed in after an incident, as whoever received it recorded it."""

    id: str
    incident_id: str
    handed_in_by: str
    what: str
    found_where: str
    found_when: str
    rounds: int
    received_by: str  # the person who recorded it (the armorer or a producer)
    at: int
    seq: int


@dataclass(frozen=True, slots=True)
class CustodyStep:
    """One step of a piece's custody: to whom, under which case number, sent by whom."""

    seq: int
    at: int
    sent_by: str  # the production's person who handed it over or recorded the transfer
    investigator: str
    agency: str
    case_number: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece in evidence custody: an item, a lot's box, or a hand-in."""

    id: str
    incident_id: str
    item_id: str | None
    lot_id: str | None
    handin_id: str | None
    rounds: int
    steps: tuple[CustodyStep, ...]

    @property
    def holder(self) -> CustodyStep:
        return self.steps[-1]

    @property
    def case_numbers(self) -> tuple[str, ...]:
        """Every case number it was filed under, first first."""
        return tuple(dict.fromkeys(s.case_number for s in self.steps))


def primary_case(pieces: list[Evidence]) -> str | None:
    """An incident's primary case number: the one its first piece was handed over under."""
    first = min(pieces, key=lambda p: p.steps[0].seq, default=None)
    return first.steps[0].case_number if first else None


def elsewhere(piece: Evidence, primary: str | None) -> tuple[str, ...]:
    """The case numbers the piece was filed under other than the incident's primary one."""
    return tuple(n for n in piece.case_numbers if n != primary)
