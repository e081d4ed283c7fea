"""The evidence register: what was handed in after an incident, each piece handed over
to an investigator (the armorer or a producer signs as sender), and passed on; every case
number a piece was filed under, and a piece filed elsewhere flagged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coldcheck.domain import commands as c
from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.evidence import Evidence, elsewhere, primary_case
from coldcheck.domain.state import State
from coldcheck.reports.evidence_words import piece as piece_words
from coldcheck.web import forms
from coldcheck.web.site import Site, Viewer

PIECE_KINDS = ("item", "lot", "handin")  # a piece's value on the form: "item:colt-2"


@dataclass(frozen=True, slots=True)
class Row:
    """A piece as the register shows it."""

    piece: Evidence
    words: str
    elsewhere: tuple[str, ...]  # case numbers besides its incident's primary one
    primary: str | None


def add_routes(web: APIRouter, site: Site) -> None:
    """Register this area's pages on the web router."""
    render, base, guarded, act = site.render, site.base, site.guarded, site.act

    @web.get("/p/{pid}/evidence")
    async def register(request: Request, pid: str) -> Response:
        def body(v: Viewer) -> Response:
            s = v.state
            return render(
                request,
                "evidence.html",
                **base(v, pid),
                rows=rows(s),
                waiting=[h for h in s.handins.values() if not _in_custody(s, "handin_id", h.id)],
                pieces=pieces(s),
                incidents=list(reversed(s.incidents.values())),
            )

        return await guarded(request, pid, body)

    @web.post("/p/{pid}/evidence/hand-in")
    async def hand_in(request: Request, pid: str) -> Response:
        def build(v: Viewer, f: Any) -> list[c.Command]:
            return [
                c.HandInEvidence(
                    incident_id=forms.text(f, "incident_id"),
                    handed_in_by=forms.text(f, "handed_in_by").strip(),
                    what=forms.text(f, "what").strip(),
                    found_where=forms.text(f, "found_where").strip(),
                    found_when=forms.text(f, "found_when").strip(),
                    rounds=forms.number(f, "rounds"),
                )
            ]

        return await act(request, pid, build, f"/p/{pid}/evidence")

    @web.post("/p/{pid}/evidence/hand-over")
    async def hand_over(request: Request, pid: str) -> Response:
        def build(v: Viewer, f: Any) -> list[c.Command]:
            kind, _, piece_id = forms.text(f, "piece").partition(":")
            if kind not in PIECE_KINDS or not piece_id:
                raise InvalidCommand("piece: choose what you hand over")
            return [
                c.HandOverToEvidence(
                    incident_id=forms.text(f, "incident_id"),
                    item_id=piece_id if kind == "item" else None,
                    lot_id=piece_id if kind == "lot" else None,
                    handin_id=piece_id if kind == "handin" else None,
                    investigator=forms.text(f, "investigator").strip(),
                    agency=forms.text(f, "agency").strip(),
                    case_number=forms.text(f, "case_number").strip(),
                )
            ]

        return await act(request, pid, build, f"/p/{pid}/evidence")

    @web.post("/p/{pid}/evidence/{evidence_id}/transfer")
    async def transfer(request: Request, pid: str, evidence_id: str) -> Response:
        def build(v: Viewer, f: Any) -> list[c.Command]:
            return [
                c.TransferEvidence(
                    evidence_id=evidence_id,
                    investigator=forms.text(f, "investigator").strip(),
                    agency=forms.text(f, "agency").strip(),
                    case_number=forms.text(f, "case_number").strip(),
                    reason=forms.text(f, "reason").strip(),
                )
            ]

        return await act(request, pid, build, f"/p/{pid}/evidence")


def _in_custody(s: State, field: str, piece_id: str) -> bool:
    return any(getattr(p, field) == piece_id for p in s.evidence.values())


def rows(s: State) -> list[Row]:
    """Every piece, newest incident first, a piece filed elsewhere first within it."""
    out = []
    for p in s.evidence.values():
        primary = primary_case([x for x in s.evidence.values() if x.incident_id == p.incident_id])
        words = piece_words(s, p.item_id, p.lot_id, p.handin_id)
        out.append(Row(p, words, elsewhere(p, primary), primary))
    return sorted(out, key=lambda r: (-s.incidents[r.piece.incident_id].seq, not r.elsewhere))


def pieces(s: State) -> list[tuple[str, str]]:
    """What may still be handed over, as (value, words): hand-ins, items and lots the
    production holds that are not yet in evidence custody."""
    out = [
        (f"handin:{h.id}", piece_words(s, None, None, h.id))
        for h in s.handins.values()
        if not _in_custody(s, "handin_id", h.id)
    ]
    out += [
        (f"item:{i.id}", piece_words(s, i.id, None, None))
        for i in s.items.values()
        if i.custodian.kind in ("location", "person") and not i.issued_for
    ]
    out += [
        (f"lot:{lot.id}", piece_words(s, None, lot.id, None))
        for lot in s.lots.values()
        if lot.in_box and not _in_custody(s, "lot_id", lot.id)
    ]
    return out
