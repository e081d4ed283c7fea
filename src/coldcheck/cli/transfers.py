"""Units and transfers on the command line: a unit's locations and armorer; a transfer
dispatched by the sending armorer, checked in or turned away by the receiving one, each
typing their own PIN (prompted, hidden, never an option)."""

from __future__ import annotations

from typing import Annotated

import typer

from coldcheck.cli.context import console, ctx_of, handled
from coldcheck.cli.output import emit, json_mode
from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.values import UnitKind

unit = typer.Typer(
    help="Units: first, second, splinter; their locations and armorer.", no_args_is_help=True
)
transfer = typer.Typer(
    help="Transfers between units and locations: dispatch, receive, refuse.",
    no_args_is_help=True,
)

Opt = typer.Option


def _pairs(specs: list[str] | None, option: str) -> tuple[tuple[str, int], ...]:
    """LOT=N options as (lot, rounds) pairs."""
    out = []
    for spec in specs or []:
        lot_id, _, n = spec.partition("=")
        if not n.isdigit():
            raise InvalidCommand(f"{option} {spec!r}: expected LOT=N")
        out.append((lot_id, int(n)))
    return tuple(out)


@unit.command("add")
def unit_add(
    ctx: typer.Context,
    unit_id: str,
    name: Annotated[str, Opt(help="What the set calls it: 'Second unit (Ghost Ranch)'.")],
    kind: Annotated[UnitKind, Opt(help="first, second or splinter.")],
    location: Annotated[list[str], Opt(help="A location it keeps weapons in (repeat).")],
    armorer: Annotated[str, Opt(help="Its armorer (person id, firearm-safety authority).")],
) -> None:
    """Add a unit of the production, with its locations and its armorer."""
    with handled():
        ctx_of(ctx).run(
            c.AddUnit(
                unit_id=unit_id,
                name=name,
                kind=kind,
                location_ids=tuple(location),
                armorer_id=armorer,
            )
        )


@transfer.command("dispatch")
def dispatch(
    ctx: typer.Context,
    from_unit: Annotated[str, Opt(help="The sending unit (yours).")],
    from_location: Annotated[str, Opt(help="Where the items are now.")],
    to_unit: Annotated[str, Opt(help="The receiving unit.")],
    to_location: Annotated[str, Opt(help="Where they go (one of its locations).")],
    carrier: Annotated[str, Opt(help="Who carries it: a person, or a company and driver.")],
    item: Annotated[list[str] | None, Opt(help="An item sent (repeat).")] = None,
    lot: Annotated[list[str] | None, Opt(help="LOT=N, rounds sent from a lot's box.")] = None,
    waybill: Annotated[str, Opt(help="The carrier's waybill number, if any.")] = "",
) -> None:
    """Dispatch a transfer; you type your own PIN to sign as sender."""
    with handled():
        ctx_of(ctx).run(
            c.DispatchTransfer(
                from_unit=from_unit,
                from_location=from_location,
                to_unit=to_unit,
                to_location=to_location,
                carrier=carrier,
                items=tuple(item or ()),
                lots=_pairs(lot, "--lot"),
                waybill=waybill,
            )
        )


@transfer.command("receive")
def receive(
    ctx: typer.Context,
    transfer_id: str,
    serial: Annotated[
        list[str] | None, Opt(help="A serial read off an item that arrived (repeat).")
    ] = None,
    count: Annotated[
        list[str] | None, Opt(help="LOT=N, the rounds counted on arrival (repeat).")
    ] = None,
) -> None:
    """Check a transfer in on arrival (the receiving armorer; your own PIN): what is
    not read or counted is recorded missing, with its incident."""
    with handled():
        ctx_of(ctx).run(
            c.ReceiveTransfer(
                transfer_id=transfer_id,
                serials=tuple(serial or ()),
                counts=_pairs(count, "--count"),
            )
        )


@transfer.command("refuse")
def refuse(
    ctx: typer.Context,
    transfer_id: str,
    reason: Annotated[str, Opt(help="Why it is turned away.")],
) -> None:
    """Turn a transfer away on arrival (the receiving armorer; your own PIN): it goes
    back to the sender's custody."""
    with handled():
        ctx_of(ctx).run(c.RefuseTransfer(transfer_id=transfer_id, reason=reason))


@transfer.command("list")
def listing(ctx: typer.Context) -> None:
    """Every transfer: from where to where, its carrier, and where it stands."""
    with handled():
        cx = ctx_of(ctx)
        state = cx.app.state(cx.production_id())
        rows = [
            {
                "transfer_id": t.id,
                "status": str(t.status),
                "from": f"{state.units[t.from_unit].name}, {t.from_location}",
                "to": f"{state.units[t.to_unit].name}, {t.to_location}",
                "sender": t.sender_id,
                "receiver": t.receiver_id,
                "carrier": t.carrier,
                "waybill": t.waybill,
                "items": list(t.items),
                "lots": [list(p) for p in t.lots],
                "missing": list(t.missing),
                "short": [list(p) for p in t.short],
            }
            for t in state.transfers.values()
        ]
        if json_mode():
            emit(rows)
            return
        if not rows:
            console.print("no transfers")
        for t in state.transfers.values():
            what = ", ".join(
                [names.item(state, i) for i in t.items]
                + [f"{n} rounds of {lot}" for lot, n in t.lots]
            )
            console.print(
                f"{t.id} [{t.status.replace('_', ' ')}] {what}: "
                f"{state.units[t.from_unit].name} → {state.units[t.to_unit].name}, "
                f"carried by {t.carrier}"
            )
