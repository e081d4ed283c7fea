"""One search for every production page: a tag, serial, item, person, lot or scene,
found by any part of it whatever its case. A scanner types a tag and Enter into the
header's box; one item that a tag, serial or id names exactly opens straight away, and so
does the link a QR label carries (a phone's camera or a scanner reads it whole)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from coldcheck.domain import names
from coldcheck.domain.state import State
from coldcheck.web import menu
from coldcheck.web.site import Site, Viewer

MAX_QUERY = 300  # characters kept of what was typed: a label's link is the longest
_ITEM_PATH = re.compile(r"/p/([^/]+)/items/([^/]+)/?")


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str  # "Item", "Person", "Lot", "Scene"
    text: str  # in words
    href: str  # "" when the viewer has no page for it


def cleaned(raw: str) -> str:
    """What was typed, without control characters (a scanner may send some) or the
    surrounding spaces; long input is cut, not refused."""
    return "".join(ch for ch in raw if ch.isprintable()).strip()[:MAX_QUERY]


def linked_item(state: State, query: str) -> str | None:
    """The item a label's link names (…/p/{pid}/items/{id}), if it is this production's;
    any host: the tablet may reach the server by another name than the printer did."""
    try:
        parts = urlsplit(query)
    except ValueError:  # not a link at all ("http://[" and the like): a plain search
        return None
    found = _ITEM_PATH.fullmatch(parts.path) if parts.scheme in ("http", "https") else None
    if found is None or unquote(found.group(1)) != state.production_id:
        return None
    item = unquote(found.group(2))
    return item if item in state.items else None


def exact_item(state: State, query: str) -> str | None:
    """The one item whose tag, serial or id is what was typed (any case), if only one, or
    the item a label's link names."""
    linked = linked_item(state, query)
    if linked is not None:
        return linked
    q = query.casefold()
    found = {
        i.id
        for i in state.items.values()
        if q in (i.tag.casefold(), i.serial.casefold(), i.id.casefold())
    }
    return found.pop() if len(found) == 1 else None


def find(v: Viewer, pid: str, query: str) -> list[Hit]:
    """Everything the query is part of, items first."""
    q, s, base = query.casefold(), v.state, f"/p/{pid}"
    if not q:
        return []

    def has(*fields: str) -> bool:
        return any(q in f.casefold() for f in fields)

    hits = [
        Hit(
            "Item",
            f"{names.item(s, i.id)}, serial {i.serial}, {names.place(s, i.custodian)}",
            f"{base}/items/{i.id}",
        )
        for i in s.items.values()
        if has(i.id, i.tag, i.serial, i.description, i.manufacturer, i.model)
    ]
    people = f"{base}/people" if menu.people_manager(v) else ""
    hits += [
        Hit("Person", f"{p.name} ({names.listing(names.term(r) for r in sorted(p.roles))})", people)
        for p in s.people.values()
        if has(p.id, p.name)
    ]
    lots = f"{base}/stock/lots" if v.armorer else ""
    hits += [
        Hit(
            "Lot",
            f"{lot.id}: {lot.ammo_type} {lot.caliber}, {lot.in_box} in the box, "
            f"invoice {lot.invoice}",
            lots,
        )
        for lot in s.lots.values()
        if has(lot.id, lot.invoice)
    ]
    hits += [
        Hit("Scene", f"{sc.id}, {sc.title} ({sc.date})", f"{base}/scenes")
        for sc in sorted(s.scenes.values(), key=lambda x: (x.date, x.id))
        if has(sc.id, sc.title)
    ]
    return hits


def add_routes(web: APIRouter, site: Site) -> None:
    """Register the search page on the web router."""

    @web.get("/p/{pid}/search")
    async def search(request: Request, pid: str, q: str = "") -> Response:
        query = cleaned(q)

        def body(v: Viewer) -> Response:
            item = exact_item(v.state, query) if query else None
            if item is not None:
                return RedirectResponse(f"/p/{pid}/items/{item}", status_code=303)
            return site.render(
                request, "search.html", **site.base(v, pid), query=query, hits=find(v, pid, query)
            )

        return await site.guarded(request, pid, body)
