"""Scene plans, approvals, safety meetings and training."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.rules.rehearsals import firing_items
from coldcheck.domain.values import (
    DISCHARGING_KINDS,
    Course,
    ItemKind,
    ItemTier,
    Manoeuvre,
    Mitigation,
    PublicView,
    SceneAmmo,
    Tier,
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
                tiers=list(Tier),
                tier_words={t: names.term(t) for t in Tier},
                firing={
                    sc.id: bool(sc.rehearsal and firing_items(v.state, sc))
                    for sc in v.state.scenes.values()
                },
                manoeuvres=list(Manoeuvre),
                mitigations=list(Mitigation),
                today=v.state.local_date(service.clock()),
            ),
        )

    @web.post("/p/{pid}/scenes")
    async def plan_scene(request: Request, pid: str) -> Response:
        def build(v: Viewer, f: Any) -> list[c.Command]:
            items = forms.texts(f, "items")
            return [
                c.PlanScene(
                    scene_id=forms.text(f, "scene_id"),
                    title=forms.text(f, "title"),
                    date=forms.text(f, "date"),
                    items=items,
                    performers=forms.texts(f, "performers"),
                    near_firing_line=forms.texts(f, "near_firing_line"),
                    ammo=forms.choice(f, "ammo", SceneAmmo, SceneAmmo.NONE),
                    manoeuvres=forms.choices(f, "manoeuvres", Manoeuvre),
                    min_distance_feet=forms.number(f, "min_distance_feet"),
                    mitigations=forms.choices(f, "mitigations", Mitigation),
                    close_quarter_blanks=forms.flag(f, "close_quarter_blanks"),
                    rehearsal=_asked(f, "purpose", "rehearsal", "filming"),
                    tiers=_tiers(v, f, items),
                    public_view=_public_view(f),
                )
            ]

        return await act(request, pid, build, f"/p/{pid}/scenes")

    @web.post("/p/{pid}/scenes/{scene_id}/approve")
    async def approve(request: Request, pid: str, scene_id: str) -> Response:
        return await act(
            request,
            pid,
            lambda v, f: [
                c.ApproveScenePlan(
                    scene_id=scene_id,
                    firing_rehearsal_reason=forms.text(f, "firing_rehearsal_reason"),
                )
            ],
            f"/p/{pid}/scenes",
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


def _asked(f: Any, name: str, yes: str, no: str) -> bool:
    """A question the form leaves unanswered until someone answers it (a radio pair)."""
    answer = forms.text(f, name)
    if answer not in (yes, no):
        raise InvalidCommand(f"{name.replace('_', ' ')}: choose {yes} or {no}")
    return answer == yes


def _tiers(v: Viewer, f: Any, items: tuple[str, ...]) -> tuple[ItemTier, ...]:
    """Each planned item's tier; a firing weapon's must be chosen (none is preset)."""
    out = []
    for item_id in items:
        item = v.state.items.get(item_id)
        raw = forms.text(f, f"tier-{item_id}")
        if not raw:
            if item is not None and item.kind in DISCHARGING_KINDS:
                raise InvalidCommand(
                    f"tier: choose what {item_id} is there for (stand-in, replica or hero)"
                )
            continue
        out.append(ItemTier(item_id, forms.choice(f, f"tier-{item_id}", Tier, Tier.HERO)))
    return tuple(out)


def _public_view(f: Any) -> PublicView | None:
    """The permit and police notice, when the plan is filmed where the public can see it."""
    if not _asked(f, "public_view", "yes", "no"):
        return None
    return PublicView(
        permit_number=forms.text(f, "permit_number").strip(),
        permit_authority=forms.text(f, "permit_authority").strip(),
        police_notified=forms.text(f, "police_notified").strip(),
        notified_at=forms.text(f, "notified_at").strip(),
        police_reference=forms.text(f, "police_reference").strip(),
        officer_required=_asked(f, "officer_required", "yes", "no"),
        officer_name=forms.text(f, "officer_name").strip(),
    )
