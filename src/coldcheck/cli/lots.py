"""Ammunition on the command line: suppliers, lots received with where they came from,
lots verified (as a whole, or round by round for a lot in quarantine), split and merged."""

from __future__ import annotations

from typing import Annotated

import typer

from coldcheck.cli.context import ctx_of, handled
from coldcheck.domain import commands as c
from coldcheck.domain.values import AmmoType, Handled, Handling, RoundCheck, SupplierKind

supplier = typer.Typer(help="Suppliers of ammunition.", no_args_is_help=True)
lot = typer.Typer(help="Ammunition lots.", no_args_is_help=True)

Opt = typer.Option


@supplier.command("register")
def supplier_register(
    ctx: typer.Context,
    supplier_id: str,
    kind: Annotated[SupplierKind, Opt(help="Who they are.")],
    name: Annotated[str, Opt()],
    contact: Annotated[str, Opt(help="A phone or an address.")],
) -> None:
    """Register a supplier: a rental house, prop supplier, manufacturer or production."""
    with handled():
        ctx_of(ctx).run(
            c.RegisterSupplier(supplier_id=supplier_id, kind=kind, name=name, contact=contact)
        )


@lot.command("receive")
def lot_receive(
    ctx: typer.Context,
    lot_id: str,
    ammo_type: AmmoType,
    caliber: Annotated[str, Opt()],
    count: Annotated[int, Opt()],
    invoice: Annotated[str, Opt()],
    supplier_id: Annotated[
        str | None, Opt("--supplier", help="A registered supplier; none: origin unknown.")
    ] = None,
    source: Annotated[str, Opt(help="How it arrived, in words.")] = "",
    load: Annotated[str, Opt(help="Blanks: quarter, half, full.")] = "",
    close_quarter: Annotated[bool, Opt(help="Close-quarter blanks.")] = False,
    last_production: Annotated[str, Opt(help="The production it last served.")] = "",
    repackaged_by: Annotated[str, Opt(help="Who repackaged the rounds.")] = "",
    cleaned_by: Annotated[str, Opt(help="Who cleaned the rounds.")] = "",
    reloaded_by: Annotated[str, Opt(help="Who reloaded the rounds.")] = "",
    headstamp: Annotated[str, Opt()] = "",
    manufacturer: Annotated[str, Opt()] = "",
    invoice_sha256: Annotated[str, Opt(help="SHA-256 of the scanned invoice.")] = "",
    packing_list_sha256: Annotated[str, Opt(help="SHA-256 of the packing list.")] = "",
) -> None:
    """Receive a lot of dummies or blanks (live ammunition and reloaded dummies are
    refused; a lot of unknown origin, from another production or repackaged is held)."""
    by = {Handling.REPACKAGED: repackaged_by, Handling.CLEANED: cleaned_by}
    by[Handling.RELOADED] = reloaded_by
    with handled():
        ctx_of(ctx).run(
            c.ReceiveLot(
                lot_id=lot_id,
                ammo_type=ammo_type,
                caliber=caliber,
                count=count,
                source=source,
                invoice=invoice,
                load=load,
                close_quarter=close_quarter,
                supplier_id=supplier_id,
                last_production=last_production,
                handled=tuple(Handled(what, who) for what, who in by.items() if who),
                headstamp=headstamp,
                manufacturer=manufacturer,
                invoice_sha256=invoice_sha256,
                packing_list_sha256=packing_list_sha256,
            )
        )


@lot.command("verify")
def lot_verify(
    ctx: typer.Context,
    lot_id: str,
    method: Annotated[str, Opt(help="How every dummy was checked.")],
) -> None:
    """Record how a dummy lot was verified."""
    with handled():
        ctx_of(ctx).run(c.VerifyLot(lot_id=lot_id, method=method))


@lot.command("verify-rounds")
def lot_verify_rounds(
    ctx: typer.Context,
    lot_id: str,
    first: Annotated[int, Opt(help="The first round checked (1 for the first).")],
    method: Annotated[RoundCheck, Opt(help="How each round was checked.")],
    by: Annotated[str, Opt(help="Who checked them (a person id).")],
    last: Annotated[int | None, Opt(help="The last round checked; none: one round.")] = None,
) -> None:
    """Record rounds of a lot checked one by one (a lot in quarantine: until every one)."""
    with handled():
        ctx_of(ctx).run(
            c.VerifyRounds(
                lot_id=lot_id,
                first=first,
                last=first if last is None else last,
                method=method,
                verified_by=by,
            )
        )


@lot.command("split")
def lot_split(
    ctx: typer.Context,
    lot_id: str,
    first: Annotated[str, Opt(help="The first new lot's id.")],
    first_rounds: Annotated[int, Opt(help="Rounds in the first new lot.")],
    second: Annotated[str, Opt(help="The second new lot's id.")],
    second_rounds: Annotated[int, Opt(help="Rounds in the second new lot.")],
) -> None:
    """Split the rounds in a lot's box into two new lots naming it as their parent."""
    with handled():
        ctx_of(ctx).run(
            c.SplitLot(lot_id=lot_id, into=(first, second), rounds=(first_rounds, second_rounds))
        )


@lot.command("merge")
def lot_merge(
    ctx: typer.Context,
    first: str,
    second: str,
    into: Annotated[str, Opt(help="The merged lot's id.")],
) -> None:
    """Merge the rounds in two lots' boxes into one new lot naming both as parents."""
    with handled():
        ctx_of(ctx).run(c.MergeLots(lot_ids=(first, second), into=into))
