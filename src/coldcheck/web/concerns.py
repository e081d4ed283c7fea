"""Concerns and incidents: raise, acknowledge, resolve; report (the review: reviews.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coldcheck.domain import commands as c
from coldcheck.domain.values import (
    IncidentKind,
)
from coldcheck.web import forms
from coldcheck.web.site import Site, Viewer


def add_routes(web: APIRouter, site: Site) -> None:
    """Register this area's pages on the web router."""
    render, base, guarded, act = site.render, site.base, site.guarded, site.act

    @web.get("/p/{pid}/concerns")
    async def concerns(request: Request, pid: str) -> Response:
        def body(v: Viewer) -> Response:
            mine = {k.id for k in v.state.concerns.values() if v.person_id in k.unacknowledged()}
            ordered = sorted(
                v.state.concerns.values(), key=lambda k: (k.id not in mine, not k.open, -k.seq)
            )
            return render(request, "concerns.html", **base(v, pid), concerns=ordered, mine=mine)

        return await guarded(request, pid, body)

    @web.get("/p/{pid}/concerns/new")
    async def concern_form(request: Request, pid: str) -> Response:
        return await guarded(
            request, pid, lambda v: render(request, "concern_new.html", **base(v, pid))
        )

    @web.post("/p/{pid}/concerns")
    async def raise_concern(request: Request, pid: str) -> Response:
        return await act(
            request,
            pid,
            lambda v, f: [
                c.RaiseConcern(
                    text=forms.text(f, "text"),
                    scene_id=forms.optional(f, "scene_id"),
                    item_id=forms.optional(f, "item_id"),
                    blocking=forms.flag(f, "blocking"),
                    anonymous=forms.flag(f, "anonymous"),
                    claimed_at=forms.device_time(f),
                )
            ],
            f"/p/{pid}/concerns",
            key=_device_key(pid),
        )

    @web.post("/p/{pid}/concerns/{concern_id}/ack")
    async def ack(request: Request, pid: str, concern_id: str) -> Response:
        return await act(
            request,
            pid,
            lambda v, f: [c.AcknowledgeConcern(concern_id=concern_id)],
            f"/p/{pid}/concerns",
        )

    @web.post("/p/{pid}/concerns/{concern_id}/resolve")
    async def resolve(request: Request, pid: str, concern_id: str) -> Response:
        return await act(
            request,
            pid,
            lambda v, f: [
                c.ResolveConcern(concern_id=concern_id, resolution=forms.text(f, "resolution"))
            ],
            f"/p/{pid}/concerns",
        )

    @web.get("/p/{pid}/incidents")
    async def incidents(request: Request, pid: str, kind: str = "") -> Response:
        return await guarded(
            request,
            pid,
            lambda v: render(
                request, "incidents.html", **base(v, pid), kinds=list(IncidentKind), chosen=kind
            ),
        )

    @web.post("/p/{pid}/incidents")
    async def report(request: Request, pid: str) -> Response:
        def build(v: Viewer, f: Any) -> list[c.Command]:
            kind = forms.choice(f, "kind", IncidentKind, IncidentKind.MISFIRE)
            text = forms.text(f, "description") or f"{kind} reported from the set"
            return [
                c.ReportIncident(kind=kind, description=text, item_id=forms.optional(f, "item_id"))
            ]

        return await act(request, pid, build, f"/p/{pid}")


def _device_key(pid: str) -> Callable[[Viewer, Any], str | None]:
    """A kept concern's command id: scoped like the API's Idempotency-Key (production and
    person; an anonymous concern's names no one)."""

    def key(v: Viewer, f: Any) -> str | None:
        sent = forms.device_key(f)
        if sent is None:
            return None
        scope = "" if forms.flag(f, "anonymous") else v.username
        return hashlib.sha256(f"{pid}\n{scope}\nweb:{sent}".encode()).hexdigest()[:40]

    return key
