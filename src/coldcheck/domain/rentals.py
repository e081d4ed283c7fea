"""What the rental commands record: weapons picked up from a rental house under its
agreement, and each one handed back to it with a signed return."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.state import State


def events(s: State, cmd: c.PickUpRental | c.ReturnRental) -> list[ev.Event]:
    """The events of one rental command (validated, its rules passed)."""
    if isinstance(cmd, c.PickUpRental):
        return [
            ev.RentalPickedUp(
                rental_id=cmd.rental_id,
                supplier_id=cmd.supplier_id,
                agreement=cmd.agreement,
                serials=cmd.serials,
                item_ids=cmd.item_ids,
                picked_up_by=cmd.picked_up_by,
                agreement_sha256=cmd.agreement_sha256,
            )
        ]
    rental = s.rental_of(cmd.item_id)
    item = s.items[cmd.item_id]
    return [
        ev.RentalReturned(
            rental_id=rental.id if rental else "",
            item_id=item.id,
            supplier_id=cmd.supplier_id,
            from_=item.custodian,
            receiver=cmd.receiver,
            reference=cmd.reference,
            signer_confirmed=cmd.signer_confirmed,
        )
    ]


def on_invoice(serial: str, serials: tuple[str, ...]) -> bool:
    """Whether a serial number is one the invoice lists (as typed: case and spaces aside)."""
    wanted = _plain(serial)
    return any(_plain(s) == wanted for s in serials)


def _plain(serial: str) -> str:
    return "".join(serial.split()).casefold()
