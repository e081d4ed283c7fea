"""Rentals on the tablet, under Stock: the production's rentals (the house, the
agreement, the serials it lists, what was picked up, when and by whom, and what is back
or still out: the liability period), the pick-up form, and a return form for each item
still out, signed with the armorer's own PIN.

Only the armorer sees these pages (the gateway checks every command again). Nothing
safety-related is chosen in advance: no house, no item, no collector. On any error the
page is drawn again with the reason at the top and the form as it was sent, the PIN
cleared.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coldcheck.access import attest, gateway
from coldcheck.api import problems
from coldcheck.domain import commands as c
from coldcheck.domain.errors import ColdCheckError, InvalidCommand, Refused
from coldcheck.domain.state import Item, State
from coldcheck.domain.values import SupplierKind
from coldcheck.web import advice, forms
from coldcheck.web.site import Site, Viewer
from coldcheck.web.stock import armorer_only
from coldcheck.web.stock_forms import required

PAGE, PICK_UP, RETURN = "/stock/rentals", "/stock/rentals/pick-up", "/stock/rentals/return"
# Every text field the forms send, to draw a form again as it was sent (never the PIN).
FIELDS = (
    "rental_id",
    "supplier_id",
    "agreement",
    "agreement_sha256",
    "serials",
    "picked_up_by",
    "item_id",
    "receiver",
    "reference",
)


def add_routes(web: APIRouter, site: Site) -> None:
    """Register this area's pages on the web router."""
    service = site.service

    def draw(request: Request, v: Viewer, pid: str, status: int = 200, **extra: Any) -> Response:
        s = v.state
        ctx: dict[str, Any] = {
            **site.base(v, pid),
            "values": {"items": set()},
            "error": "",
            "violations": [],
            "form": "",
            "failed_item": "",
            "houses": houses(s),
            "rentals": sorted(s.rentals.values(), key=lambda r: -r.seq),
            "pickable": pickable(s),
            "out": {i for r in s.rentals.values() for i in r.out()},
            "may_pick_up": v.may(c.PickUpRental),
            "may_return": v.may(c.ReturnRental),
        }
        ctx.update(extra)
        return site.render(request, "stock_rentals.html", status, **ctx)

    @web.get(f"/p/{{pid}}{PAGE}")
    async def rentals_page(request: Request, pid: str) -> Response:
        def body(v: Viewer) -> Response:
            armorer_only(v)
            return draw(request, v, pid)

        return await site.guarded(request, pid, body)

    def accept(path: str, build: Any, *, signed: bool) -> None:
        async def post(request: Request, pid: str) -> Response:
            form = await request.form()

            def run(v: Viewer) -> Response:
                armorer_only(v)
                sent = sent_values(form)
                try:
                    cmd: c.Command = build(form)

                    def by_pin(cmd: c.Command) -> c.Command:
                        pin = forms.text(form, "pin")
                        return attest.by_pin(site.accounts, v.state, cmd, pin, sender=v.person_id)

                    # The gateway asks for the PIN once the sender is permitted: only
                    # someone who may send it spends their PIN's tries.
                    done = gateway.submit(
                        service,
                        pid,
                        v.person_id,
                        cmd,
                        attest=by_pin if signed else None,
                        proof=v.proof,
                    )
                except ColdCheckError as exc:
                    status, _ = problems.classify(exc)
                    broken = exc.violations if isinstance(exc, Refused) else ()
                    return draw(
                        request,
                        v,
                        pid,
                        status,
                        values=sent,
                        error=str(exc),
                        attempt=exc.attempt,
                        violations=advice.by_rule(broken),
                        form=path,
                        failed_item=sent.get("item_id", ""),
                    )
                return site.done(request, pid, v, [done], f"/p/{pid}{PAGE}")

            return await site.guarded(request, pid, run)

        web.add_api_route(f"/p/{{pid}}{path}", post, methods=["POST"])

    accept(PICK_UP, pick_up, signed=False)
    accept(RETURN, give_back, signed=True)


def sent_values(form: Any) -> dict[str, Any]:
    """What was sent, as text (files dropped), and the items ticked."""
    out: dict[str, Any] = {k: v for k in FIELDS if isinstance(v := form.get(k, ""), str)}
    out["items"] = set(forms.texts(form, "item"))
    return out


def serials(text: str) -> tuple[str, ...]:
    """The invoice's serials as typed: one a line, or separated by commas."""
    return tuple(x.strip() for x in re.split(r"[,\n]", text) if x.strip())


def pick_up(form: Any) -> c.PickUpRental:
    listed = serials(forms.text(form, "serials"))
    if not listed:
        raise InvalidCommand("serials: type each serial number the invoice lists")
    items = tuple(forms.texts(form, "item"))
    if not items:
        raise InvalidCommand("item: tick each item picked up (register it first)")
    return c.PickUpRental(
        rental_id=required(form, "rental_id", "give the rental a short id, like wpr-0420"),
        supplier_id=required(form, "supplier_id", "choose the rental house"),
        agreement=required(form, "agreement", "type the rental agreement's or invoice's number"),
        serials=listed,
        item_ids=items,
        picked_up_by=required(form, "picked_up_by", "choose who collected them"),
        agreement_sha256=forms.text(form, "agreement_sha256").strip().lower(),
    )


def give_back(form: Any) -> c.ReturnRental:
    return c.ReturnRental(
        item_id=required(form, "item_id", "choose the item that goes back"),
        supplier_id=required(form, "supplier_id", "the rental house it goes back to"),
        receiver=required(form, "receiver", "type who at the rental house took it back"),
        reference=forms.text(form, "reference").strip(),
    )


def houses(state: State) -> list[Any]:
    """The registered suppliers a rental can come from: rental houses."""
    found = [x for x in state.suppliers.values() if x.kind is SupplierKind.RENTAL_HOUSE]
    return sorted(found, key=lambda x: x.name)


def pickable(state: State) -> list[Item]:
    """Registered items in storage, not out on a rental nor held: what a pick-up offers
    to tick (none ticked)."""
    held = state.held_items()
    return sorted(
        (
            i
            for i in state.items.values()
            if i.custodian.kind == "location" and i.id not in held and state.rental_of(i.id) is None
        ),
        key=lambda i: i.tag,
    )
