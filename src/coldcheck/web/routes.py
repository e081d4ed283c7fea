"""Pages for the set, composed from one module per area (board, handoff, scenes,
concerns, records, corrections). Every action goes through the same door as the API
(access.gateway)."""

from __future__ import annotations

import inspect

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from coldcheck.accounts import Accounts
from coldcheck.service import ColdCheck
from coldcheck.web import (
    admin,
    board,
    concerns,
    corrections,
    evidence,
    handoff,
    outside,
    people,
    pin,
    records,
    rentals,
    reviews,
    scenes,
    search,
    session,
    shell,
    stock,
    transfers,
    unload,
)
from coldcheck.web.site import Site

STATIC = shell.STATIC


def pages(service: ColdCheck, accounts: Accounts) -> APIRouter:
    """The web UI's routes, an area a module; every state-changing one checks origin and
    form token first (site.router)."""
    site = Site(service, accounts)
    web = site.router()
    session.add_routes(web, site)
    for area in (
        shell,
        board,
        handoff,
        stock,
        rentals,
        scenes,
        concerns,
        outside,
        reviews,
        evidence,
        people,
        pin,
        records,
        corrections,
        search,
        admin,
        unload,
        transfers,
    ):
        area.add_routes(web, site)
    return web


def error_pages(app: FastAPI, service: ColdCheck, accounts: Accounts) -> None:
    """An address with no page is a page (the layout, a way home), not the API's JSON;
    the API and static files answer as before."""
    site = Site(service, accounts)
    api_answer = app.exception_handlers[HTTPException]

    async def answer(request: Request, exc: Exception) -> Response:
        path = request.url.path
        if (
            isinstance(exc, HTTPException)
            and exc.status_code == 404
            and request.method == "GET"
            and not path.startswith(("/api/", "/static/"))  # the API answers its own
        ):
            text = "There is no page at this address."
            parts = path.split("/")
            if len(parts) > 2 and parts[1] == "p":  # in its production's layout
                pid = parts[2]
                return await site.guarded(
                    request,
                    pid,
                    lambda v: site.render(
                        request,
                        "message.html",
                        404,
                        title="Not found",
                        text=text,
                        **site.base(v, pid),
                    ),
                )
            return site.render(request, "message.html", 404, title="Not found", text=text)
        answered = api_answer(request, exc)
        return await answered if inspect.isawaitable(answered) else answered

    app.add_exception_handler(HTTPException, answer)
