"""Pages for the set, composed from one module per area (board, handoff, scenes,
concerns, records, corrections). Every action goes through the same door as the API
(access.gateway)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from coldcheck.accounts import Accounts
from coldcheck.service import ColdCheck
from coldcheck.web import (
    board,
    concerns,
    corrections,
    handoff,
    people,
    pin,
    records,
    scenes,
    session,
    stock,
)
from coldcheck.web.site import Site

STATIC = Path(__file__).parent / "static"


def pages(service: ColdCheck, accounts: Accounts) -> APIRouter:
    """The web UI's routes, an area a module; every state-changing one checks origin and
    form token first (site.router)."""
    site = Site(service, accounts)
    web = site.router()
    session.add_routes(web, site)
    for area in (board, handoff, stock, scenes, concerns, people, pin, records, corrections):
        area.add_routes(web, site)
    return web
