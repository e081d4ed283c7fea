"""Unloading on the tablet: the armorer opens a weapon that came back loaded (a dummy
load taken back as issued), records what is in it now, and the rounds go back to their
lots' boxes, so the day's blind count finds them there and the weapon goes into the safe
empty. An inspection in the record (InspectItem), like the one before every handover.

Nothing is answered for the armorer: the barrel and every chamber start unset (one tap
sets every chamber empty, and the record says it was that tap). Every error draws the
form again as it was sent, with the reason.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coldcheck.access import gateway
from coldcheck.api import problems
from coldcheck.domain import commands as c
from coldcheck.domain.errors import ColdCheckError, NotFound, Refused
from coldcheck.domain.handoff import Preset
from coldcheck.domain.state import Item, State
from coldcheck.domain.values import Barrel, Chamber, Content
from coldcheck.web import advice, forms
from coldcheck.web.handoff import RETURN_CONTENTS, _barrel, _chambers, _entered, _options
from coldcheck.web.site import Site, Viewer
from coldcheck.web.stock import armorer_only

PATH = "/unload"


def add_routes(web: APIRouter, site: Site) -> None:
    """GET and POST /p/{pid}/unload."""
    service = site.service

    def view(
        request: Request, v: Viewer, pid: str, chosen: str, status: int = 200, **sent: Any
    ) -> Response:
        armorer_only(v)
        item = v.state.items.get(chosen)
        if item is not None and item not in loaded(v.state):
            item = None
        return site.render(
            request,
            "unload.html",
            status,
            **site.base(v, pid),
            loaded=loaded(v.state),
            item=item,
            presets=_presets(item) if item else (),
            options=_options(v.state, item, RETURN_CONTENTS) if item else (),
            barrels=list(Barrel),
            draft=f"{v.username}:{pid}:unload:{item.id}" if item else "",
            values=sent.get("values", {}),
            error=sent.get("error", ""),
            violations=sent.get("violations", ()),
            by_rule=advice.by_rule,
        )

    @web.get(f"/p/{{pid}}{PATH}")
    async def page(request: Request, pid: str, item: str = "") -> Response:
        return await site.guarded(request, pid, lambda v: view(request, v, pid, item))

    @web.post(f"/p/{{pid}}{PATH}")
    async def unload(request: Request, pid: str) -> Response:
        form = await request.form()

        def run(v: Viewer) -> Response:
            armorer_only(v)
            values = {k: x for k, x in form.items() if isinstance(x, str) and k != "csrf_token"}
            try:
                item = v.state.items.get(forms.text(form, "item_id"))
                if item is None or item not in loaded(v.state):
                    raise NotFound("item: choose a loaded weapon that is not handed out")
                barrel = _barrel(form)
                chambers = _chambers(form, item.chambers, RETURN_CONTENTS, live=True)
                cmd = c.InspectItem(
                    item_id=item.id,
                    barrel=barrel,
                    chambers=chambers,
                    entered=_entered(form, chambers, _presets(item)),
                )
                done = gateway.submit(service, pid, v.person_id, cmd, proof=v.proof)
            except ColdCheckError as exc:
                status, _ = problems.classify(exc)
                broken = exc.violations if isinstance(exc, Refused) else ()
                return view(
                    request,
                    v,
                    pid,
                    values.get("item_id", ""),
                    status,
                    values=values,
                    error=str(exc),
                    violations=broken,
                )
            return site.done(
                request, pid, v, [done], f"/p/{pid}{PATH}", draft=values.get("draft", "")
            )

        return await site.guarded(request, pid, run)


def loaded(state: State) -> list[Item]:
    """Weapons with a round or a case in them that are not handed out nor gone."""
    return [
        i
        for i in state.items.values()
        if i.issued_for is None
        and i.custodian.kind in ("location", "person")  # not gone, not with an investigator
        and any(ch.content is not Content.EMPTY for ch in i.load)
    ]


def _presets(item: Item) -> tuple[Preset, ...]:
    empty = (Chamber(Content.EMPTY),) * item.chambers
    return (Preset("all_empty", "Every chamber empty", Barrel.CLEAR, empty),)
