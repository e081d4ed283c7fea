"""Transfers on the tablet: the dispatch form for the sending armorer, and the list of
what is arriving for the receiving one, each checked in with the serials read off what
arrived and the rounds counted, or turned away; both sides type their own PIN.

Nothing safety-related is filled in for anyone: no serial, no count and no item is
ticked in advance (a count typed is a count made). Every error draws the page again with
the reason at the top and the PIN cleared, as the review does.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from coldcheck.access import attest, gateway
from coldcheck.api import problems
from coldcheck.domain import commands as c
from coldcheck.domain.errors import ColdCheckError, InvalidCommand, Refused
from coldcheck.domain.state import State
from coldcheck.domain.transfers import Transfer
from coldcheck.web import advice, forms
from coldcheck.web.site import Site, Viewer


def add_routes(web: APIRouter, site: Site) -> None:
    """Register this area's pages on the web router."""
    service = site.service
    render, base, guarded = site.render, site.base, site.guarded

    def page(request: Request, v: Viewer, pid: str, status: int = 200, **extra: Any) -> Response:
        s = v.state
        ctx: dict[str, Any] = {**base(v, pid), "values": {}, "error": "", "violations": ()}
        ctx.update(extra, by_rule=advice.by_rule)
        mine = [u for u in s.units.values() if u.armorer_id == v.person_id]
        return render(
            request,
            "transfers.html",
            status,
            units=list(s.units.values()),
            mine=mine,
            sendable=_sendable(s, [loc for u in mine for loc in u.location_ids]),
            lots=[lot for lot in s.lots.values() if lot.in_box > 0],
            arriving=[t for t in s.transfers.values() if t.open and t.receiver_id == v.person_id],
            transfers=list(reversed(s.transfers.values())),
            contents=lambda t: _contents(s, t),
            may_dispatch=v.may(c.DispatchTransfer) and bool(mine),
            **ctx,
        )

    @web.get("/p/{pid}/transfers")
    async def transfers_page(request: Request, pid: str) -> Response:
        return await guarded(request, pid, lambda v: page(request, v, pid))

    def signed(request: Request, pid: str, form: Any, build: Any, what: str) -> Any:
        def run(v: Viewer) -> Response:
            values = {k: form.getlist(k) if k in ("item", "serial") else form.get(k) for k in form}
            values.pop("pin", None)
            try:
                cmd: c.Command = build(v)

                def by_pin(cmd: c.Command) -> c.Command:
                    pin = forms.text(form, "pin")
                    return attest.by_pin(site.accounts, v.state, cmd, pin, sender=v.person_id)

                # The gateway asks for the PIN once the sender is permitted: only someone
                # who may send it spends their PIN's tries.
                done = gateway.submit(service, pid, v.person_id, cmd, attest=by_pin, proof=v.proof)
            except ColdCheckError as exc:
                status, _ = problems.classify(exc)
                return page(
                    request,
                    v,
                    pid,
                    status,
                    values=values,
                    error=str(exc),
                    attempt=exc.attempt,
                    violations=exc.violations if isinstance(exc, Refused) else (),
                    failed=what,
                )
            return site.done(request, pid, v, [done], f"/p/{pid}/transfers")

        return run

    @web.post("/p/{pid}/transfers/dispatch")
    async def dispatch(request: Request, pid: str) -> Response:
        form = await request.form()

        def build(v: Viewer) -> c.Command:
            from_location = forms.text(form, "from_location")
            to_location = forms.text(form, "to_location")
            lots = []
            for lot in v.state.lots:
                n = forms.text(form, f"lot-{lot}")
                if n:
                    if not n.isdigit():
                        raise InvalidCommand(f"lot {lot}: give the rounds sent as a number")
                    lots.append((lot, int(n)))
            return c.DispatchTransfer(
                from_unit=_unit_of(v.state, from_location),
                from_location=from_location,
                to_unit=_unit_of(v.state, to_location),
                to_location=to_location,
                carrier=forms.text(form, "carrier"),
                waybill=forms.text(form, "waybill"),
                items=forms.texts(form, "item"),
                lots=tuple(lots),
            )

        return await guarded(request, pid, signed(request, pid, form, build, "dispatch"))

    @web.post("/p/{pid}/transfers/{transfer_id}/receive")
    async def receive(request: Request, pid: str, transfer_id: str) -> Response:
        form = await request.form()

        def build(v: Viewer) -> c.Command:
            t = v.state.transfers.get(transfer_id)
            counts = []
            for lot, _ in t.lots if t else ():
                n = forms.text(form, f"count-{lot}")
                if not n.isdigit():
                    raise InvalidCommand(f"lot {lot}: count the rounds that arrived (0 if none)")
                counts.append((lot, int(n)))
            serials = tuple(x.strip() for x in forms.texts(form, "serial") if x.strip())
            return c.ReceiveTransfer(transfer_id=transfer_id, serials=serials, counts=tuple(counts))

        return await guarded(request, pid, signed(request, pid, form, build, transfer_id))

    @web.post("/p/{pid}/transfers/{transfer_id}/refuse")
    async def refuse(request: Request, pid: str, transfer_id: str) -> Response:
        form = await request.form()

        def build(v: Viewer) -> c.Command:
            return c.RefuseTransfer(transfer_id=transfer_id, reason=forms.text(form, "reason"))

        return await guarded(request, pid, signed(request, pid, form, build, transfer_id))


def _unit_of(state: State, location_id: str) -> str:
    """The unit a location belongs to (the form names places; units follow from them)."""
    for u in state.units.values():
        if location_id in u.location_ids:
            return u.id
    raise InvalidCommand(f"{location_id or 'that place'} belongs to no unit: add the unit first")


def _sendable(state: State, locations: list[str]) -> list[Any]:
    """Items in the sender's units' locations: what the form offers (none ticked)."""
    return [
        i
        for i in state.items.values()
        if i.custodian.kind == "location" and i.custodian.id in locations
    ]


def _contents(state: State, t: Transfer) -> str:
    parts = [f"{state.items[i].description} ({state.items[i].tag})" for i in t.items]
    parts += [f"{n} rounds of lot {lot}" for lot, n in t.lots]
    return ", ".join(parts)
