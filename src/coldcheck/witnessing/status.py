"""Each named witness as the production's people see it: where it is, the largest size
it cosigned, and its last answer (a refusal names the first inconsistent size)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coldcheck.service import ColdCheck


@dataclass(frozen=True, slots=True)
class WitnessStatus:
    name: str
    url: str
    vkey: str
    cosigned_size: int | None  # the largest size it cosigned, as the log keeps it
    cosigned_at: int | None  # POSIX seconds, from that cosignature
    outcome: str | None  # its last answer: cosigned, refused, unreachable (None: not asked)
    detail: str | None
    first_inconsistent: int | None
    asked_at: int | None  # POSIX seconds


def status(service: ColdCheck, production_id: str) -> list[WitnessStatus]:
    """Every witness the production names, with what it last did."""
    rows = service.witness_rows()
    answers = rows.answers(production_id)
    out = []
    for w in rows.named(production_id):
        kept = rows.cosignatures(production_id, w.name)
        best = max(kept, key=lambda c: (c.tree_size, c.cosigned_at), default=None)
        a = answers.get(w.name)
        out.append(
            WitnessStatus(
                w.name,
                w.url,
                w.vkey,
                best.tree_size if best else None,
                best.cosigned_at if best else None,
                a.outcome if a else None,
                a.detail if a else None,
                a.first_inconsistent if a else None,
                a.asked_at if a else None,
            )
        )
    return out
