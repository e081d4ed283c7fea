"""Units and transfers: weapons and rounds sent between units (the first unit, a second
unit, a splinter unit on another location) or between one unit's locations, in a
carrier's hands from the sender's signature to the receiver's.

A transfer has two sides, each signing with their own PIN: the sending unit's armorer
dispatches it (custody passes to the carrier: "in transit"), the receiving unit's
armorer checks it in on arrival, serial by serial and round by round, or turns it away
(custody back with the sender). What did not arrive is an incident, as rounds that do
not come back from a performer are: a firearm missing on the road stands the firearms
down until its review is signed off.

Pure, like decide: the state is read (and, in `evolve`, replaced entity by entity) and
nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.errors import InvalidCommand, NotFound
from coldcheck.domain.values import Custodian, TransferStatus, UnitKind

if TYPE_CHECKING:
    from coldcheck.domain.state import State

TRANSIT = "transit"  # Custodian.kind of an item in a carrier's hands (id: the transfer)


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    name: str
    kind: UnitKind
    location_ids: tuple[str, ...]
    armorer_id: str


@dataclass(frozen=True, slots=True)
class Transfer:
    id: str
    from_unit: str
    from_location: str
    to_unit: str
    to_location: str
    sender_id: str
    receiver_id: str
    carrier: str
    waybill: str
    items: tuple[str, ...]
    lots: tuple[tuple[str, int], ...]
    at: int  # when it was dispatched (UTC µs)
    seq: int
    status: TransferStatus = TransferStatus.IN_TRANSIT
    closed_at: int = 0  # received or refused
    missing: tuple[str, ...] = ()
    short: tuple[tuple[str, int], ...] = ()
    unexpected: tuple[str, ...] = ()
    reason: str = ""  # why it was refused

    @property
    def open(self) -> bool:
        return self.status is TransferStatus.IN_TRANSIT


def in_transit(state: State, item_id: str) -> Transfer | None:
    """The transfer carrying the item, if it is in a carrier's hands."""
    item = state.items.get(item_id)
    if item is None or item.custodian.kind != TRANSIT:
        return None
    return state.transfers.get(item.custodian.id)


def validate(state: State, cmd: c.AddUnit | c.DispatchTransfer | c.ReceiveTransfer) -> None:
    """Input a transfer cannot even be considered with (the rules judge the rest)."""
    match cmd:
        case c.AddUnit():
            if not cmd.name.strip():
                raise InvalidCommand("name: say what the unit is called")
            if not cmd.location_ids:
                raise InvalidCommand("location_ids: a unit keeps weapons in at least one place")
            for u in state.units.values():
                shared = [loc for loc in cmd.location_ids if loc in u.location_ids]
                if shared:
                    raise InvalidCommand(f"{', '.join(shared)} already belongs to {u.name}")
        case c.DispatchTransfer():
            if not cmd.items and not cmd.lots:
                raise InvalidCommand("a transfer carries at least one item or lot")
            if not cmd.carrier.strip():
                raise InvalidCommand(
                    "carrier: name who carries it (a person, or a company and its driver)"
                )
            if len(set(cmd.items)) != len(cmd.items):
                raise InvalidCommand("items: each item once")
            if len({lot for lot, _ in cmd.lots}) != len(cmd.lots):
                raise InvalidCommand("lots: each lot once, with the rounds sent")
            for lot_id, n in cmd.lots:
                if lot_id not in state.lots:
                    raise NotFound(f"unknown lot {lot_id!r}")
                if n < 1:
                    raise InvalidCommand(f"lot {lot_id}: send at least one round")
            if (cmd.from_unit, cmd.from_location) == (cmd.to_unit, cmd.to_location):
                raise InvalidCommand("a transfer goes somewhere else than where it starts")
            for unit_id, loc in (
                (cmd.from_unit, cmd.from_location),
                (cmd.to_unit, cmd.to_location),
            ):
                unit = state.units[unit_id]
                if loc not in unit.location_ids:
                    raise InvalidCommand(f"{loc} is not one of {unit.name}'s locations")
        case c.ReceiveTransfer():
            sent = dict(state.transfers[cmd.transfer_id].lots)
            for lot_id, n in cmd.counts:
                if lot_id not in sent:
                    raise InvalidCommand(f"lot {lot_id} is not in {cmd.transfer_id}")
                if not 0 <= n <= sent[lot_id]:
                    raise InvalidCommand(
                        f"lot {lot_id}: count 0 to {sent[lot_id]} rounds (what was sent); "
                        "rounds beyond it are not the lot's: report them as an incident"
                    )
            if len({lot for lot, _ in cmd.counts}) != len(cmd.counts):
                raise InvalidCommand("counts: each lot once")


def dispatched(state: State, cmd: c.DispatchTransfer) -> ev.TransferDispatched:
    return ev.TransferDispatched(
        transfer_id=state.next_id("transfer", state.transfers),
        from_unit=cmd.from_unit,
        from_location=cmd.from_location,
        to_unit=cmd.to_unit,
        to_location=cmd.to_location,
        receiver_id=state.units[cmd.to_unit].armorer_id,
        carrier=cmd.carrier,
        waybill=cmd.waybill,
        items=cmd.items,
        lots=cmd.lots,
        signer_confirmed=cmd.signer_confirmed,
    )


def received(state: State, cmd: c.ReceiveTransfer) -> ev.TransferReceived:
    """What arrived, by the serials read and the rounds counted (a lot not counted:
    none arrived)."""
    t = state.transfers[cmd.transfer_id]
    read = set(cmd.serials)
    arrived = tuple(i for i in t.items if state.items[i].serial in read)
    carried = {state.items[i].serial for i in t.items}
    counted = dict(cmd.counts)
    return ev.TransferReceived(
        transfer_id=t.id,
        arrived=arrived,
        missing=tuple(i for i in t.items if i not in arrived),
        unexpected=tuple(s for s in dict.fromkeys(cmd.serials) if s not in carried),
        counts=tuple((lot, counted.get(lot, 0)) for lot, _ in t.lots),
        short=tuple((lot, n - counted.get(lot, 0)) for lot, n in t.lots if counted.get(lot, 0) < n),
        signer_confirmed=cmd.signer_confirmed,
    )


def evolve(s: State, rec: ev.Recorded) -> None:
    """Apply a unit's or a transfer's event."""
    e = rec.event
    match e:
        case ev.UnitAdded():
            s.units[e.unit_id] = Unit(e.unit_id, e.name, e.kind, e.location_ids, e.armorer_id)
        case ev.TransferDispatched():
            s.transfers[e.transfer_id] = Transfer(
                e.transfer_id,
                e.from_unit,
                e.from_location,
                e.to_unit,
                e.to_location,
                rec.actor or "",
                e.receiver_id,
                e.carrier,
                e.waybill,
                e.items,
                e.lots,
                rec.at,
                rec.seq,
            )
            _custody(s, rec, e.items, Custodian(TRANSIT, e.transfer_id))
            for lot_id, n in e.lots:
                lot = s.lots[lot_id]
                s.lots[lot_id] = replace(lot, in_box=lot.in_box - n, in_transit=lot.in_transit + n)
        case ev.TransferReceived():
            t = s.transfers[e.transfer_id]
            _custody(s, rec, e.arrived, Custodian("location", t.to_location))
            short = dict(e.short)
            for lot_id, n in t.lots:
                lot = s.lots[lot_id]
                lost = short.get(lot_id, 0)
                s.lots[lot_id] = replace(
                    lot,
                    in_transit=lot.in_transit - n,
                    in_box=lot.in_box + n - lost,
                    missing=lot.missing + lost,
                )
            s.transfers[t.id] = replace(
                t,
                status=TransferStatus.RECEIVED,
                closed_at=rec.at,
                missing=e.missing,
                short=e.short,
                unexpected=e.unexpected,
            )
        case ev.TransferRefused():
            t = s.transfers[e.transfer_id]
            _custody(s, rec, t.items, Custodian("location", t.from_location))
            for lot_id, n in t.lots:
                lot = s.lots[lot_id]
                s.lots[lot_id] = replace(lot, in_transit=lot.in_transit - n, in_box=lot.in_box + n)
            s.transfers[t.id] = replace(
                t, status=TransferStatus.REFUSED, closed_at=rec.at, reason=e.reason
            )


def _custody(s: State, rec: ev.Recorded, item_ids: tuple[str, ...], to: Custodian) -> None:
    for item_id in item_ids:
        item = s.items[item_id]
        s.items[item_id] = replace(item, custodian=to, custody_seq=rec.seq, custody_at=rec.at)
