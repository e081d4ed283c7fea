"""Transfers: weapons and rounds leave one unit's hands for another's only between the
two armorers, each signing with their own PIN, and nothing in a carrier's hands is
touched until it is checked in."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import names
from coldcheck.domain.rules.base import is_armorer, name_of, rule
from coldcheck.domain.state import State
from coldcheck.domain.transfers import TRANSIT, in_transit

Arrival = c.ReceiveTransfer | c.RefuseTransfer
Touching = c.IssueItem | c.MoveItem | c.InspectItem | c.DisposeItem


@rule(
    "TRF-1",
    "Only the sending unit's armorer dispatches, with their own PIN",
    "Cal. Labor Code §9153: the armorer controls every firearm and its ammunition; a "
    "transfer is a custody record with sender, carrier and receiver (DOMAIN.md §1.14)",
    "Ask the armorer of the unit the weapons are with to dispatch them, typing their own "
    "PIN to sign as sender.",
    (c.DispatchTransfer,),
)
def only_sending_armorer_dispatches(state: State, cmd: c.DispatchTransfer) -> list[str]:
    unit = state.units[cmd.from_unit]
    problems = []
    if cmd.actor != unit.armorer_id or not is_armorer(state, cmd.actor):
        problems.append(f"{name_of(state, cmd.actor)} is not the armorer of {unit.name}")
    if not cmd.signer_confirmed:
        problems.append("the sender has not signed with their own PIN")
    return problems


@rule(
    "TRF-2",
    "Only the receiving unit's armorer checks a transfer in or turns it away, with their own PIN",
    "Two-party transfer: the receiver signs for what arrives, so custody never passes to "
    "someone who did not count it (DOMAIN.md §1.14)",
    "Ask the armorer of the receiving unit to check it in, typing their own PIN.",
    (c.ReceiveTransfer, c.RefuseTransfer),
)
def only_receiving_armorer_receives(state: State, cmd: Arrival) -> list[str]:
    t = state.transfers[cmd.transfer_id]
    problems = []
    if cmd.actor != t.receiver_id or not is_armorer(state, cmd.actor):
        unit = state.units[t.to_unit]
        problems.append(
            f"{name_of(state, cmd.actor)} is not {name_of(state, t.receiver_id)}, "
            f"the armorer of {unit.name} it was sent to"
        )
    if not cmd.signer_confirmed:
        problems.append("the receiver has not signed with their own PIN")
    return problems


@rule(
    "TRF-3",
    "Nothing leaves during a stand-down or an evidence hold",
    "DOMAIN.md §1.11, §6: firearms stand down until the review is signed off; what an "
    "incident involves stays as it was found",
    "Have the safety review signed off first; leave evidence where it is, or hand it over "
    "to the investigator.",
    (c.DispatchTransfer,),
)
def not_during_stand_down_or_hold(state: State, cmd: c.DispatchTransfer) -> list[str]:
    problems = [
        f"firearms stand down after {names.incident(state, i, cmd.at)}" for i in state.stand_down
    ]
    items, lots = state.held_items(), state.held_lots()
    problems += [f"{names.item(state, i)} is held as evidence" for i in cmd.items if i in items]
    problems += [f"lot {lot} is held as evidence" for lot, _ in cmd.lots if lot in lots]
    return problems


@rule(
    "TRF-4",
    "Nothing already in transit is sent again",
    "One custodian at a time (DOMAIN.md §1.13, §1.14): what is in a carrier's hands is "
    "theirs until it is checked in",
    "Wait for the transfer carrying it to be checked in (or turned away), then send it on.",
    (c.DispatchTransfer,),
)
def nothing_already_in_transit(state: State, cmd: c.DispatchTransfer) -> list[str]:
    problems = []
    for item_id in cmd.items:
        t = in_transit(state, item_id)
        if t is not None:
            problems.append(
                f"{names.item(state, item_id)} is already in transit with {t.carrier} ({t.id})"
            )
    return problems


@rule(
    "TRF-5",
    "A transfer is sent from where its items are, from the rounds in the box",
    "DOMAIN.md §1.14: the armorer collects an issued weapon before it goes anywhere; the "
    "rounds counted out are rounds in the box",
    "Take issued weapons back and put them in the sending location first; send no more "
    "rounds than the lot's box holds.",
    (c.DispatchTransfer,),
)
def sent_from_where_it_is(state: State, cmd: c.DispatchTransfer) -> list[str]:
    problems = []
    where = state.locations[cmd.from_location].name
    for item_id in cmd.items:
        item = state.items[item_id]
        at = item.custodian
        if at.kind == TRANSIT or (at.kind, at.id) == ("location", cmd.from_location):
            continue
        problems.append(f"{names.item(state, item_id)} is {names.place(state, at)}, not in {where}")
    for lot_id, n in cmd.lots:
        box = state.lots[lot_id].in_box
        if n > box:
            problems.append(f"lot {lot_id} has {box} rounds in its box, not {n}")
    return problems


@rule(
    "TRF-6",
    "Nothing in transit is issued, loaded, moved or disposed of",
    "One custodian at a time (DOMAIN.md §1.13, §1.14): the carrier holds it, and only "
    "the receiving armorer takes it from them",
    "Check the transfer in first (Transfers, Arriving), then handle the item.",
    (c.IssueItem, c.MoveItem, c.InspectItem, c.DisposeItem),
)
def nothing_in_transit_handled(state: State, cmd: Touching) -> list[str]:
    t = in_transit(state, cmd.item_id)
    if t is None:
        return []
    return [f"{names.item(state, cmd.item_id)} is in transit with {t.carrier} ({t.id})"]


@rule(
    "TRF-7",
    "A transfer is checked in once",
    "A custody record is closed by one signature on arrival; a second would rewrite it",
    "The transfer is already checked in or turned away: send a new one if the items travel again.",
    (c.ReceiveTransfer, c.RefuseTransfer),
)
def checked_in_once(state: State, cmd: Arrival) -> list[str]:
    t = state.transfers[cmd.transfer_id]
    if t.open:
        return []
    return [f"{t.id} was already {t.status.replace('_', ' ')}"]


@rule(
    "TRF-8",
    "A unit's armorer holds firearm-safety authority",
    "Cal. Labor Code §9153: each unit using firearms has a qualified armorer answering for them",
    "Name as the unit's armorer someone holding firearm-safety authority (assign it first).",
    (c.AddUnit,),
)
def unit_has_an_armorer(state: State, cmd: c.AddUnit) -> list[str]:
    if is_armorer(state, cmd.armorer_id):
        return []
    return [f"{name_of(state, cmd.armorer_id)} does not hold firearm-safety authority"]


RULES = (
    only_sending_armorer_dispatches,
    only_receiving_armorer_receives,
    not_during_stand_down_or_hold,
    nothing_already_in_transit,
    sent_from_where_it_is,
    nothing_in_transit_handled,
    checked_in_once,
    unit_has_an_armorer,
)
