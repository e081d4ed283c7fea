"""Pages for the set. Every action goes through the same gateway as the API."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import segno
from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from coldcheck.access import gateway
from coldcheck.accounts import Accounts, Unauthenticated
from coldcheck.domain import commands as c
from coldcheck.domain import queries as q
from coldcheck.domain.errors import NotFound
from coldcheck.domain.state import State
from coldcheck.domain.values import (
    Barrel,
    Content,
    IncidentKind,
    ItemKind,
    Manoeuvre,
    Mitigation,
    SceneAmmo,
)
from coldcheck.reports import board as board_view
from coldcheck.service import ColdCheck
from coldcheck.web import forms, session
from coldcheck.web.site import Site, Viewer

STATIC = Path(__file__).parent / "static"


def pages(service: ColdCheck, accounts: Accounts) -> APIRouter:
    """The web UI's routes; every state-changing one checks origin and form token first."""
    site = Site(service, accounts)
    web = site.router()
    render, base, guarded, act = site.render, site.base, site.guarded, site.act
    session.add_routes(web, site)

    # -- board ------------------------------------------------------------------------------

    @web.get("/p/{pid}")
    async def board(request: Request, pid: str) -> Response:
        return await guarded(
            request,
            pid,
            lambda v: render(
                request, "board.html", **base(v, pid), board=board_view.build(v.state)
            ),
        )

    @web.get("/p/{pid}/board")
    async def board_fragment(request: Request, pid: str) -> Response:
        return await guarded(
            request,
            pid,
            lambda v: render(
                request, "board_table.html", **base(v, pid), board=board_view.build(v.state)
            ),
        )

    @web.get("/p/{pid}/stream")
    async def stream(request: Request, pid: str) -> Response:
        """Server-sent events: the log's head seq whenever it moves (any worker, any device)."""
        try:
            await run_in_threadpool(site.viewer, request, pid)
        except (Unauthenticated, NotFound):
            return Response(status_code=401)

        async def events() -> AsyncIterator[str]:
            last = -1
            yield "retry: 2000\n\n"
            for _ in range(3600):  # an hour, then the browser reconnects
                if await request.is_disconnected():
                    return
                seq = await run_in_threadpool(service.head_seq, pid)
                if seq != last:
                    last = seq
                    yield f"event: changed\ndata: {seq}\n\n"
                await asyncio.sleep(1)

        return StreamingResponse(
            events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
        )

    @web.get("/p/{pid}/items/{item_id}")
    async def item_page(request: Request, pid: str, item_id: str) -> Response:
        def body(v: Viewer) -> Response:
            if item_id not in v.state.items:
                raise NotFound(f"unknown item {item_id!r}")
            records = list(service.records(pid))
            return render(
                request,
                "item.html",
                **base(v, pid),
                item=v.state.items[item_id],
                custody=q.custody(records, item_id),
                declared=q.declarations(records, item_id),
                load=q.chambers(records, pid, item_id),
            )

        return await guarded(request, pid, body)

    # -- issue and return ---------------------------------------------------------------------

    @web.get("/p/{pid}/issue")
    async def issue_page(request: Request, pid: str, item: str = "") -> Response:
        def body(v: Viewer) -> Response:
            found = _find_item(v.state, item)
            return render(
                request,
                "issue.html",
                **base(v, pid),
                query=item,
                item=found,
                contents=[Content.EMPTY, Content.DUMMY, Content.BLANK],
                barrels=list(Barrel),
            )

        return await guarded(request, pid, body)

    @web.post("/p/{pid}/issue")
    async def issue(request: Request, pid: str) -> Response:
        def build(v: Viewer, form: Any) -> list[c.Command]:
            item = v.state.items.get(forms.text(form, "item_id"))
            if item is None:
                raise NotFound("choose an item")
            recipient = forms.text(form, "recipient_id")
            pin = forms.text(form, "pin")
            issue = c.IssueItem(
                item_id=item.id,
                recipient_id=recipient,
                scene_id=forms.text(form, "scene_id"),
                recipient_acknowledged=False,
            )
            inspect = c.InspectItem(
                item_id=item.id,
                barrel=forms.choice(form, "barrel", Barrel, Barrel.CLEAR),
                chambers=forms.chambers(form, item.chambers),
                shown_to=forms.texts(form, "shown_to"),
            )
            # Only someone who may issue spends the recipient's PIN attempts. A locked PIN
            # raises while the form is read, so not even the inspection is recorded.
            gateway.permit(v.state, v.person_id, issue)
            known = recipient in v.state.people  # no one else has a PIN to look up
            return [
                inspect,
                dataclasses.replace(
                    issue,
                    recipient_acknowledged=known and (accounts.pin_matches(pid, recipient, pin)),
                ),
            ]

        return await act(request, pid, build, f"/p/{pid}/issue")

    @web.get("/p/{pid}/return")
    async def return_page(request: Request, pid: str, item: str = "") -> Response:
        def body(v: Viewer) -> Response:
            issued = [i for i in v.state.items.values() if i.issued_for]
            return render(
                request,
                "return.html",
                **base(v, pid),
                issued=issued,
                item=_find_item(v.state, item),
                contents=[Content.EMPTY, Content.DUMMY, Content.BLANK, Content.SPENT, Content.LIVE],
            )

        return await guarded(request, pid, body)

    @web.post("/p/{pid}/return")
    async def take_back(request: Request, pid: str) -> Response:
        def build(v: Viewer, form: Any) -> list[c.Command]:
            item = v.state.items.get(forms.text(form, "item_id"))
            if item is None:
                raise NotFound("choose an item")
            return [c.ReturnItem(item_id=item.id, chambers=forms.chambers(form, item.chambers))]

        return await act(request, pid, build, f"/p/{pid}")

    # -- scenes, training ---------------------------------------------------------------------

    @web.get("/p/{pid}/scenes")
    async def scenes(request: Request, pid: str) -> Response:
        return await guarded(
            request,
            pid,
            lambda v: render(
                request,
                "scenes.html",
                **base(v, pid),
                ammo=list(SceneAmmo),
                manoeuvres=list(Manoeuvre),
                mitigations=list(Mitigation),
                today=v.state.local_date(service.clock()),
            ),
        )

    @web.post("/p/{pid}/scenes")
    async def plan_scene(request: Request, pid: str) -> Response:
        def build(v: Viewer, f: Any) -> list[c.Command]:
            return [
                c.PlanScene(
                    scene_id=forms.text(f, "scene_id"),
                    title=forms.text(f, "title"),
                    date=forms.text(f, "date"),
                    items=forms.texts(f, "items"),
                    performers=forms.texts(f, "performers"),
                    ammo=forms.choice(f, "ammo", SceneAmmo, SceneAmmo.NONE),
                    manoeuvres=forms.choices(f, "manoeuvres", Manoeuvre),
                    min_distance_feet=forms.number(f, "min_distance_feet"),
                    mitigations=forms.choices(f, "mitigations", Mitigation),
                    close_quarter_blanks=forms.flag(f, "close_quarter_blanks"),
                    rehearsal=forms.flag(f, "rehearsal"),
                )
            ]

        return await act(request, pid, build, f"/p/{pid}/scenes")

    @web.post("/p/{pid}/scenes/{scene_id}/approve")
    async def approve(request: Request, pid: str, scene_id: str) -> Response:
        return await act(
            request, pid, lambda v, f: [c.ApproveScenePlan(scene_id=scene_id)], f"/p/{pid}/scenes"
        )

    @web.post("/p/{pid}/scenes/{scene_id}/meeting")
    async def meeting(request: Request, pid: str, scene_id: str) -> Response:
        return await act(
            request,
            pid,
            lambda v, f: [
                c.HoldSafetyMeeting(scene_id=scene_id, attendees=forms.texts(f, "attendees"))
            ],
            f"/p/{pid}/scenes",
        )

    @web.get("/p/{pid}/training")
    async def training(request: Request, pid: str) -> Response:
        topics = [str(k) for k in ItemKind] + [str(m) for m in Manoeuvre]
        return await guarded(
            request, pid, lambda v: render(request, "training.html", **base(v, pid), topics=topics)
        )

    @web.post("/p/{pid}/training")
    async def record_training(request: Request, pid: str) -> Response:
        def build(v: Viewer, f: Any) -> list[c.Command]:
            person, topics = forms.text(f, "person_id"), forms.texts(f, "topics")
            if forms.flag(f, "declined"):
                return [
                    c.DeclineTraining(
                        person_id=person, topics=topics, reason=forms.text(f, "reason")
                    )
                ]
            return [
                c.RecordTraining(
                    person_id=person,
                    topics=topics,
                    minutes=forms.number(f, "minutes"),
                    trainer_id=v.person_id,
                )
            ]

        return await act(request, pid, build, f"/p/{pid}/training")

    # -- concerns and incidents ---------------------------------------------------------------

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
                )
            ],
            f"/p/{pid}/concerns",
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

    @web.post("/p/{pid}/incidents/{incident_id}/review")
    async def review(request: Request, pid: str, incident_id: str) -> Response:
        return await act(
            request,
            pid,
            lambda v, f: [
                c.SignOffReview(incident_id=incident_id, findings=forms.text(f, "findings"))
            ],
            f"/p/{pid}/incidents",
        )

    @web.get("/p/{pid}/labels")
    async def labels(request: Request, pid: str) -> Response:
        def body(v: Viewer) -> Response:
            tags = [(i.tag, f"{i.id} · {i.serial}", _qr(i.tag)) for i in v.state.items.values()]
            tags += [
                (lot.id, f"{lot.ammo_type} {lot.caliber} · {lot.invoice}", _qr(lot.id))
                for lot in v.state.lots.values()
            ]
            return render(request, "labels.html", **base(v, pid), tags=tags)

        return await guarded(request, pid, body)

    return web


def _qr(text: str) -> str:
    return str(segno.make(text, error="m").svg_inline(scale=4))


def _find_item(state: State, query: str) -> Any:
    query = query.strip()
    if not query:
        return None
    for item in state.items.values():
        if query in (item.id, item.tag, item.serial):
            return item
    return None
