"""The record in words, newest first, and corrections: a correction never edits an entry;
it is a new entry pointing at the one it corrects, shown beneath it from then on."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.errors import NotFound
from coldcheck.domain.names import person
from coldcheck.reports import words
from coldcheck.web import forms
from coldcheck.web.site import Site, Viewer

PAGE = 20  # entries a page shows


def add_routes(web: APIRouter, site: Site) -> None:
    """Register this area's pages on the web router."""
    service = site.service
    render, base, guarded, act = site.render, site.base, site.guarded, site.act

    def entries(v: Viewer, pid: str, seqs: range) -> list[dict[str, Any]]:
        """Each entry in `seqs` (newest first) in words, with the corrections of it."""
        wanted = set(seqs) | {n for s in seqs for n in v.state.corrections.get(s, ())}
        records = {r.seq: r for r in service.records(pid, after=min(wanted) - 1) if r.seq in wanted}
        return [
            {
                "seq": s,
                "at": records[s].at,
                "text": words.sentence(v.state, records[s]),
                "corrections": [_correction(v, records[n]) for n in v.state.corrections.get(s, ())],
            }
            for s in sorted(seqs, reverse=True)
        ]

    @web.get("/p/{pid}/record")
    async def record(request: Request, pid: str, before: int = 0) -> Response:
        def body(v: Viewer) -> Response:
            end = min(before - 1, v.state.seq) if before > 0 else v.state.seq
            seqs = range(max(1, end - PAGE + 1), end + 1)
            return render(
                request,
                "record.html",
                **base(v, pid),
                entries=entries(v, pid, seqs) if seqs else [],
                older=seqs.start if seqs and seqs.start > 1 else 0,
            )

        return await guarded(request, pid, body)

    @web.get("/p/{pid}/record/{seq}")
    async def correct_form(request: Request, pid: str, seq: int) -> Response:
        def body(v: Viewer) -> Response:
            if not 0 < seq <= v.state.seq:
                raise NotFound(f"there is no event #{seq}")
            (entry,) = entries(v, pid, range(seq, seq + 1))
            return render(request, "correct.html", **base(v, pid), entry=entry)

        return await guarded(request, pid, body)

    @web.post("/p/{pid}/record")
    async def correct(request: Request, pid: str) -> Response:
        return await act(
            request,
            pid,
            lambda v, f: [
                c.CorrectRecord(
                    refers_to=forms.number(f, "refers_to", minimum=1),
                    correction=forms.text(f, "correction"),
                )
            ],
            f"/p/{pid}/record",
        )


def _correction(v: Viewer, rec: ev.Recorded) -> dict[str, Any]:
    e = rec.event  # state.corrections lists only RecordCorrected entries
    text = e.correction if isinstance(e, ev.RecordCorrected) else words.sentence(v.state, rec)
    return {"seq": rec.seq, "at": rec.at, "by": person(v.state, rec.actor), "text": text}
