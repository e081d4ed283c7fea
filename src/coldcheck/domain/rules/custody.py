"""Custody: who may hand over a weapon, and that an item has one custodian at a time."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import is_armorer, name_of, rule
from coldcheck.domain.state import State
from coldcheck.domain.values import Disposition, ItemKind, Severity

# Kinds the law counts as firearms: a licensee reports their theft or loss to ATF.
LICENSED_KINDS = frozenset({ItemKind.FIREARM, ItemKind.BLANK_ADAPTED})


@rule(
    "CUS-1",
    "Only the armorer issues, takes back and moves weapons",
    "Bulletin #1; Cal. Labor Code §9153: only the armorer hands a firearm to a performer "
    "and only the armorer collects it (DOMAIN.md §1.4, §1.14)",
    "Ask the armorer (a holder of firearm-safety authority) to do it. An assistant director "
    "or anyone else may ask for the weapon to be shown clear and witness it, not hand it over.",
    (
        c.IssueItem,
        c.ReturnItem,
        c.MoveItem,
        c.RegisterItem,
        c.RegisterSupplier,
        c.ReceiveLot,
        c.VerifyLot,
        c.VerifyRounds,
        c.SplitLot,
        c.MergeLots,
        c.CloseDay,
        c.DisposeItem,
        c.PickUpRental,
        c.ReturnRental,
    ),
)
def only_armorer_handles(state: State, cmd: c.Command) -> list[str]:
    if is_armorer(state, cmd.actor):
        return []
    return [f"{name_of(state, cmd.actor)} does not hold firearm-safety authority"]


@rule(
    "CUS-2",
    "An item has one custodian, and only that custodian issues it",
    "DOMAIN.md §1.13, §1.14: firearms not in use are locked up under the armorer's control",
    "Get the item back to the armorer (return it) before it is issued again.",
    (c.IssueItem,),
)
def issued_by_its_custodian(state: State, cmd: c.IssueItem) -> list[str]:
    item = state.items[cmd.item_id]
    holder = item.custodian
    if holder.kind == "location" or holder.id == cmd.actor:
        return []
    return [
        f"{names.item(state, item.id)} is with {name_of(state, holder.id)}, "
        "not with the person issuing it"
    ]


@rule(
    "CUS-3",
    "Custody unbroken since the inspection",
    "DOMAIN.md §1.14: every change of hands is an inspection",
    "Inspect the item again now; it changed hands or place after it was last inspected.",
    (c.IssueItem,),
)
def custody_continuous_since_inspection(state: State, cmd: c.IssueItem) -> list[str]:
    item = state.items[cmd.item_id]
    insp = state.inspections.get(item.last_inspection or "")
    if insp is None or item.custody_seq < insp.seq:
        return []
    changed, inspected = (names.moment(state, t, cmd.at) for t in (item.custody_at, insp.at))
    return [f"custody changed at {changed}, after the last inspection at {inspected}"]


@rule(
    "CUS-4",
    "Only an issued item is taken back",
    "DOMAIN.md §1.14: the armorer collects from the person it was issued to",
    "The item is not issued to anyone; move it with `coldcheck move` instead.",
    (c.ReturnItem,),
)
def returned_from_its_holder(state: State, cmd: c.ReturnItem) -> list[str]:
    item = state.items[cmd.item_id]
    if item.custodian.kind == "person" and item.issued_for is not None:
        return []
    where = names.place(state, item.custodian)
    return [f"{names.item(state, item.id)} is not issued (it is {where})"]


@rule(
    "CUS-5",
    "An issued item comes back to the armorer before it moves",
    "DOMAIN.md §1.14",
    "Take the item back from the person holding it (return) first.",
    (c.MoveItem, c.InspectItem, c.DisposeItem),
)
def not_while_issued(state: State, cmd: c.MoveItem | c.InspectItem | c.DisposeItem) -> list[str]:
    item = state.items[cmd.item_id]
    if item.issued_for is None:
        return []
    return [f"{names.item(state, item.id)} is issued to {name_of(state, item.custodian.id)}"]


@rule(
    "CUS-6",
    "Items are never left unattended",
    "DOMAIN.md §1.13: firearms not in use are unloaded and locked up; on Rust guns sat "
    "on an open cart (DOMAIN.md §3)",
    "Put the item in a secure (locked) storage location, or keep it with the armorer.",
    (c.MoveItem,),
    Severity.WARN,
)
def item_attended(state: State, cmd: c.MoveItem) -> list[str]:
    loc = state.locations[cmd.location_id]
    if loc.secure:
        return []
    return [f"{loc.name} is not a secure location"]


@rule(
    "CUS-7",
    "A theft or loss is reported to the police, and a firearm's to ATF",
    "27 CFR 478.39a: a licensee reports the theft or loss of a firearm within 48 hours of "
    "discovering it, to ATF and to the local police; the bound book's disposition cites both",
    "Report it to the police and, for a firearm, to ATF (Form 3310.11, or 1-888-930-9275), "
    "then record the disposition with both report numbers.",
    (c.DisposeItem,),
)
def theft_and_loss_reported(state: State, cmd: c.DisposeItem) -> list[str]:
    if cmd.disposition is Disposition.TRANSFER:
        return []
    what = names.item(state, cmd.item_id)
    problems = []
    if not cmd.police_report.strip():
        problems.append(f"the {cmd.disposition} of {what} has no police report number")
    if state.items[cmd.item_id].kind in LICENSED_KINDS and not cmd.atf_report.strip():
        problems.append(f"the {cmd.disposition} of {what}, a firearm, has no ATF report number")
    return problems


RULES = (
    only_armorer_handles,
    issued_by_its_custodian,
    custody_continuous_since_inspection,
    returned_from_its_holder,
    not_while_issued,
    item_attended,
    theft_and_loss_reported,
)
