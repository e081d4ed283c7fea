"""The handoff: inspect and issue, take back."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coldcheck.access import attest, gateway
from coldcheck.domain import commands as c
from coldcheck.domain.errors import NotFound
from coldcheck.domain.state import State
from coldcheck.domain.values import (
    Barrel,
    Content,
)
from coldcheck.web import forms
from coldcheck.web.site import Site, Viewer


def add_routes(web: APIRouter, site: Site) -> None:
    """Register this area's pages on the web router."""
    accounts = site.accounts
    render, base, guarded, act = site.render, site.base, site.guarded, site.act

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
            # Only someone who may issue spends the recipient's PIN tries. A wrong or
            # locked PIN raises while the form is read, so not even the inspection is
            # recorded.
            gateway.permit(v.state, v.person_id, issue)
            return [inspect, attest.by_pin(accounts, v.state, issue, pin)]

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


def _find_item(state: State, query: str) -> Any:
    query = query.strip()
    if not query:
        return None
    for item in state.items.values():
        if query in (item.id, item.tag, item.serial):
            return item
    return None
