"""Scene plans, approvals, safety meetings and training."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coldcheck.domain import commands as c
from coldcheck.domain.values import (
    Course,
    ItemKind,
    Manoeuvre,
    Mitigation,
    SceneAmmo,
)
from coldcheck.web import forms
from coldcheck.web.site import Site, Viewer


def add_routes(web: APIRouter, site: Site) -> None:
    """Register this area's pages on the web router."""
    service = site.service
    render, base, guarded, act = site.render, site.base, site.guarded, site.act

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
                    near_firing_line=forms.texts(f, "near_firing_line"),
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
        topics = [str(t) for t in (*ItemKind, *Manoeuvre, *Course)]
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
