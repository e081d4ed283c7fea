"""Rentals: weapons picked up from a rental house, and returned to it with a signed
return (the armorer types their own PIN)."""

from __future__ import annotations

from typing import Annotated

import typer

from coldcheck.cli.context import ctx_of, handled
from coldcheck.domain import commands as c

rental = typer.Typer(help="Weapons rented from a rental house.", no_args_is_help=True)


@rental.command("pick-up")
def pick_up(
    ctx: typer.Context,
    rental_id: str,
    house: Annotated[str, typer.Option(help="The rental house (a registered supplier id).")],
    agreement: Annotated[str, typer.Option(help="The rental agreement's or invoice's number.")],
    serial: Annotated[list[str], typer.Option(help="Each serial number the invoice lists.")],
    item: Annotated[list[str], typer.Option(help="Each registered item picked up (item id).")],
    by: Annotated[str, typer.Option(help="Who picked them up (person id).")],
    agreement_sha256: Annotated[
        str, typer.Option(help="SHA-256 (hex) of the invoice as scanned.")
    ] = "",
) -> None:
    """Record weapons picked up from a rental house: liable for them from now."""
    with handled():
        ctx_of(ctx).run(
            c.PickUpRental(
                rental_id=rental_id,
                supplier_id=house,
                agreement=agreement,
                serials=tuple(serial),
                item_ids=tuple(item),
                picked_up_by=by,
                agreement_sha256=agreement_sha256,
            )
        )


@rental.command("return")
def give_back(
    ctx: typer.Context,
    item_id: str,
    house: Annotated[str, typer.Option(help="The rental house it goes back to.")],
    receiver: Annotated[str, typer.Option(help="Who at the rental house took it back.")],
    reference: Annotated[str, typer.Option(help="The house's return receipt number.")] = "",
) -> None:
    """Return a rented item to its rental house; you type your own PIN to sign."""
    with handled():
        # signer_confirmed stays False until the armorer's own PIN confirms it.
        ctx_of(ctx).run(
            c.ReturnRental(
                item_id=item_id, supplier_id=house, receiver=receiver, reference=reference
            )
        )
