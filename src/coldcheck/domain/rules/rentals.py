"""Rentals: weapons come from a registered rental house, each on its invoice; they go
back to that house, from storage, with a signed return; once back they are not the
production's to use."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rentals import on_invoice
from coldcheck.domain.rules.base import rule
from coldcheck.domain.state import State
from coldcheck.domain.values import Disposition, SupplierKind

# Every command that does something with an item in the inventory.
Using = c.IssueItem | c.ReturnItem | c.MoveItem | c.InspectItem | c.DisposeItem | c.ReturnRental


@rule(
    "RNT-1",
    "Rented weapons come from, and go back to, a registered rental house",
    "DOMAIN.md §5: the rental invoice listing serials travels with the firearms; the "
    "house holds the production liable from pick-up to return",
    "Register the rental house as a supplier of kind rental house (`coldcheck supplier`), "
    "then record the pick-up or the return under it.",
    (c.PickUpRental, c.ReturnRental),
)
def rental_house_registered(state: State, cmd: c.PickUpRental | c.ReturnRental) -> list[str]:
    supplier = state.suppliers[cmd.supplier_id]
    if supplier.kind is SupplierKind.RENTAL_HOUSE:
        return []
    return [f"{supplier.name} is registered as a {supplier.kind}, not a rental house"]


@rule(
    "RNT-2",
    "Each weapon picked up is on the rental invoice",
    "DOMAIN.md §5: the rental invoice lists the serial numbers of what the production "
    "takes; a weapon not on it is one nobody agreed to rent (27 CFR 478.125(e): the "
    "acquisition records the serial)",
    "Check the serial stamped on the weapon against the invoice. Have the rental house "
    "correct the invoice, or leave the weapon with them.",
    (c.PickUpRental,),
)
def picked_up_as_invoiced(state: State, cmd: c.PickUpRental) -> list[str]:
    problems = []
    for item_id in cmd.item_ids:
        item = state.items[item_id]
        what = names.item(state, item_id)
        if not on_invoice(item.serial, cmd.serials):
            problems.append(f"{what}, serial {item.serial}, is not on invoice {cmd.agreement}")
        rental = state.rental_of(item_id)
        if rental is not None:
            problems.append(f"{what} is already out on rental {rental.agreement}")
        elif item.custodian.kind != "location":
            problems.append(
                f"{what} is not in storage (it is {names.place(state, item.custodian)})"
            )
    return problems


@rule(
    "RNT-3",
    "A rental goes back to the house it came from",
    "DOMAIN.md §5: the production is liable until the rental house has it back",
    "Return the item to the rental house named on its rental agreement; an item the "
    "production owns leaves by a disposition instead (Stock, Dispose).",
    (c.ReturnRental,),
)
def returned_to_its_house(state: State, cmd: c.ReturnRental) -> list[str]:
    what = names.item(state, cmd.item_id)
    rental = state.rental_of(cmd.item_id)
    if rental is None:
        return [f"{what} is not out on rental"]
    if rental.supplier_id != cmd.supplier_id:
        house = state.suppliers[rental.supplier_id].name
        return [f"{what} was rented from {house} (agreement {rental.agreement})"]
    return []


@rule(
    "RNT-4",
    "A rental goes back from storage, with nothing holding it",
    "DOMAIN.md §1.14: the armorer collects a weapon before it moves; DOMAIN.md §6: what "
    "an incident involves stays as it was found, and firearms stand down until the "
    "review is signed",
    "Take the item back from whoever holds it first; wait until the evidence is released "
    "and the stand-down lifted (the incident's review signed off).",
    (c.ReturnRental,),
)
def returned_from_storage(state: State, cmd: c.ReturnRental) -> list[str]:
    item = state.items[cmd.item_id]
    what = names.item(state, item.id)
    problems = []
    if item.custodian.kind == "person" and item.issued_for is not None:
        problems.append(f"{what} is issued to {names.person(state, item.custodian.id)}")
    held = state.held_items().get(item.id)
    if held is not None:
        problems.append(f"{what} is held as evidence ({held})")
    if state.stand_down:
        problems.append(f"firearms stand down ({', '.join(state.stand_down)})")
    return problems


@rule(
    "RNT-5",
    "A return is signed by the armorer",
    "DOMAIN.md §5: the weapon goes back with a signed return; the armorer's own PIN "
    "signs it, as a review is signed",
    "Type your own PIN to sign the return.",
    (c.ReturnRental,),
)
def return_signed(state: State, cmd: c.ReturnRental) -> list[str]:
    if cmd.signer_confirmed:
        return []
    return [f"the return of {names.item(state, cmd.item_id)} is not signed with a PIN"]


@rule(
    "RNT-6",
    "A returned rental is no longer the production's",
    "DOMAIN.md §5: liability ends at the return; what the production no longer holds, "
    "it neither issues, moves, inspects nor disposes of",
    "Nothing more is recorded against this item. If the production rents it again, "
    "register it anew and record the new pick-up.",
    (c.IssueItem, c.ReturnItem, c.MoveItem, c.InspectItem, c.DisposeItem, c.ReturnRental),
)
def returned_rental_gone(state: State, cmd: Using) -> list[str]:
    item = state.items[cmd.item_id]
    if item.custodian.kind != "returned":
        return []
    house = state.suppliers.get(item.custodian.id)
    return [
        f"{names.item(state, item.id)} was returned to {house.name if house else item.custodian.id}"
    ]


@rule(
    "RNT-7",
    "A rented weapon is returned, not transferred",
    "DOMAIN.md §5: the rental house owns it and holds the production liable until it "
    "has it back; the production has no title to pass on",
    "Return it to its rental house (`coldcheck rental return`); a theft or loss is recorded "
    "as a disposition with the police and ATF report numbers.",
    (c.DisposeItem,),
)
def rental_not_transferred(state: State, cmd: c.DisposeItem) -> list[str]:
    rental = state.rental_of(cmd.item_id)
    if rental is None or cmd.disposition is not Disposition.TRANSFER:
        return []
    house = state.suppliers[rental.supplier_id].name
    return [f"{names.item(state, cmd.item_id)} is rented from {house} ({rental.agreement})"]


RULES = (
    rental_house_registered,
    picked_up_as_invoiced,
    returned_to_its_house,
    returned_from_storage,
    return_signed,
    returned_rental_gone,
    rental_not_transferred,
)
