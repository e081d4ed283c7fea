"""The armorer's stock on the tablet: put an item away (and add a storage location),
register an item, dispose of one, register suppliers, receive and verify a lot of rounds
(one by one for a lot in quarantine), split and merge boxes, and close the day with a
blind count.

Only the armorer sees these pages (the gateway checks every command again). Every form
starts unanswered and, on any error, is drawn again as it was sent with the reason at
the top (stock_forms.py reads the fields). The day's count is blind: the page asks what
is in each box and shows what the record expects only once the count is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coldcheck.access import gateway
from coldcheck.accounts import Forbidden
from coldcheck.api import problems
from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.decide import decide
from coldcheck.domain.errors import ColdCheckError, Refused
from coldcheck.domain.state import Item, State
from coldcheck.domain.values import AmmoType, ItemKind
from coldcheck.web import advice, forms, lot_pages
from coldcheck.web import lot_forms as lf
from coldcheck.web import stock_forms as sf
from coldcheck.web.site import Site, Viewer

Build = Callable[[Viewer, Any], c.Command]

# The forms' paths under /p/{pid}, and the page each form is on.
PUT_AWAY, LOCATIONS, REGISTER = "/stock", "/stock/locations", "/stock/register"
DISPOSE, LOTS, VERIFY, CLOSE = "/stock/dispose", "/stock/lots", "/stock/lots/verify", "/stock/close"
SUPPLIERS, ROUNDS, BOXES = "/stock/suppliers", "/stock/rounds", "/stock/boxes"
SPLIT, MERGE = "/stock/boxes/split", "/stock/boxes/merge"
PAGES = {
    PUT_AWAY: "stock_put_away.html",
    REGISTER: "stock_register.html",
    DISPOSE: "stock_dispose.html",
    LOTS: "stock_lots.html",
    SUPPLIERS: "stock_suppliers.html",
    ROUNDS: "stock_rounds.html",
    BOXES: "stock_boxes.html",
    CLOSE: "stock_close.html",
}


def add_routes(web: APIRouter, site: Site) -> None:
    """Register this area's pages on the web router."""
    service = site.service

    def today(state: State) -> str:
        return state.local_date(service.clock())

    def draw(
        request: Request, v: Viewer, pid: str, path: str, status: int = 200, **extra: Any
    ) -> Response:
        s = v.state
        ctx: dict[str, Any] = {
            **site.base(v, pid),
            "values": {"methods": set(), "handled": set()},
            "error": "",
            "violations": [],
            "form": "",
            "movable": movable(s),
            "place": lambda item: names.place(s, item.custodian),
            "kinds": list(ItemKind),
            "methods": sf.METHODS,
            "loads": sf.LOADS,
            "unverified": [x for x in s.lots.values() if x.verified_by is None],
            "lots": sf.counted_lots(s),
            "today": today(s),
            "AmmoType": AmmoType,
            **lot_pages.context(s),
        }
        ctx.update(extra)
        return site.render(request, PAGES[path], status, **ctx)

    def show(path: str) -> None:
        async def get(request: Request, pid: str) -> Response:
            def body(v: Viewer) -> Response:
                armorer_only(v)
                return draw(request, v, pid, path)

            return await site.guarded(request, pid, body)

        web.add_api_route(f"/p/{{pid}}{path}", get, methods=["GET"])

    def accept(path: str, page: str, build: Build, *, confirm: bool = False) -> None:
        """POST `path`: run the form's command; on an error draw `page` again as sent."""

        async def post(request: Request, pid: str) -> Response:
            form = await request.form()

            def run(v: Viewer) -> Response:
                armorer_only(v)
                sent = {**sf.values(form, v.state), **lf.sent(form)}
                cmd: c.Command | None = None
                try:
                    cmd = build(v, form)
                    if confirm and forms.text(form, "confirm") != "yes":
                        gateway.permit(v.state, v.person_id, cmd)
                        # Asked to confirm only what would be recorded: a dry run first.
                        decide(v.state, replace(cmd, actor=v.person_id, at=service.clock()))
                        return draw(request, v, pid, page, values=sent, confirming=cmd)
                    done = gateway.submit(service, pid, v.person_id, cmd, proof=v.proof)
                except ColdCheckError as exc:
                    status, _ = problems.classify(exc)
                    broken = exc.violations if isinstance(exc, Refused) else ()
                    return draw(
                        request,
                        v,
                        pid,
                        page,
                        status,
                        values=sent,
                        error=str(exc),
                        attempt=exc.attempt,
                        violations=advice.by_rule(broken),
                        form=path,
                        reconciliation=reconcile(v.state, cmd) if broken else [],
                    )
                return site.done(
                    request, pid, v, [done], f"/p/{pid}{page}", **after(pid, v.state, cmd)
                )

            return await site.guarded(request, pid, run)

        web.add_api_route(f"/p/{{pid}}{path}", post, methods=["POST"])

    for path in PAGES:
        show(path)
    accept(PUT_AWAY, PUT_AWAY, lambda v, f: sf.move(f))
    accept(LOCATIONS, PUT_AWAY, lambda v, f: sf.add_location(f))
    accept(REGISTER, REGISTER, lambda v, f: sf.register(f))
    accept(DISPOSE, DISPOSE, lambda v, f: sf.dispose(f), confirm=True)
    accept(LOTS, LOTS, lambda v, f: lf.receive(f))
    accept(VERIFY, LOTS, lambda v, f: sf.verify(f))
    accept(SUPPLIERS, SUPPLIERS, lambda v, f: lf.supplier(f))
    accept(ROUNDS, ROUNDS, lambda v, f: lf.rounds(f))
    accept(SPLIT, BOXES, lambda v, f: lf.split(f))
    accept(MERGE, BOXES, lambda v, f: lf.merge(f))
    accept(CLOSE, CLOSE, lambda v, f: sf.close_day(f, v.state, today(v.state)))


def armorer_only(v: Viewer) -> None:
    """These pages are the armorer's: no one else is shown a form they cannot use."""
    if not v.armorer:
        raise Forbidden(
            f"{v.person.name} does not hold firearm-safety authority: the stock pages are "
            "the armorer's"
        )


def movable(state: State) -> list[Item]:
    """Items that can be put away or disposed of: not issued, not gone, not held as
    evidence (EVD-1 would refuse them). Those with a person (taken back, still with the
    armorer) first, then by where they are."""
    held = state.held_items()
    items = [
        i
        for i in state.items.values()
        if i.custodian.kind in ("location", "person") and not i.issued_for and i.id not in held
    ]
    return sorted(items, key=lambda i: (i.custodian.kind != "person", i.custodian.id, i.tag))


def reconcile(state: State, cmd: c.Command | None) -> list[tuple[str, int, int]]:
    """Each lot's count against the record, (lot, counted, in the box): shown only after
    the count was sent."""
    if not isinstance(cmd, c.CloseDay):
        return []
    counted = dict(cmd.counts)
    return [(lot.id, counted.get(lot.id, 0), lot.in_box) for lot in sf.counted_lots(state)]


def after(pid: str, state: State, cmd: c.Command) -> dict[str, Any]:
    """What the result page adds for a form: a registered item's label to print, a
    closed day's reconciliation."""
    if isinstance(cmd, c.RegisterItem):
        return {"links": [(f"/p/{pid}/labels", f"Print the QR label for {cmd.tag}")]}
    if isinstance(cmd, c.CloseDay):
        return {"reconciliation": reconcile(state, cmd)}
    return {}
