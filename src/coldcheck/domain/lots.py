"""What the provenance commands record: a supplier registered, a lot received (and held
in quarantine when its origin calls for it), rounds verified one by one (and the
quarantine lifted once every round is), a lot split or two merged, each new lot naming
its parents and keeping their quarantine."""

from __future__ import annotations

from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.state import State
from coldcheck.domain.values import Handling, QuarantineReason, SupplierKind

ProvenanceCommand = c.RegisterSupplier | c.ReceiveLot | c.VerifyRounds | c.SplitLot | c.MergeLots


def events(s: State, cmd: ProvenanceCommand) -> list[ev.Event]:
    """The events of one provenance command (validated, its rules passed)."""
    match cmd:
        case c.RegisterSupplier():
            return [
                ev.SupplierRegistered(
                    supplier_id=cmd.supplier_id, kind=cmd.kind, name=cmd.name, contact=cmd.contact
                )
            ]
        case c.ReceiveLot():
            return _receive(s, cmd)
        case c.VerifyRounds():
            return _verify(s, cmd)
        case c.SplitLot():
            parent = s.lots[cmd.lot_id]
            out: list[ev.Event] = [ev.LotSplit(lot_id=parent.id, into=cmd.into, rounds=cmd.rounds)]
            if parent.quarantined:
                out += [ev.LotQuarantined(lot_id=i, reasons=parent.quarantine) for i in cmd.into]
            return out
        case c.MergeLots():
            a, b = (s.lots[i] for i in cmd.lot_ids)
            merged: list[ev.Event] = [
                ev.LotsMerged(lot_ids=cmd.lot_ids, into=cmd.into, rounds=(a.in_box, b.in_box))
            ]
            held = [r for lot in (a, b) if lot.quarantined for r in lot.quarantine]
            if held:
                merged.append(
                    ev.LotQuarantined(lot_id=cmd.into, reasons=tuple(dict.fromkeys(held)))
                )
            return merged


def quarantine_reasons(s: State, cmd: c.ReceiveLot) -> tuple[QuarantineReason, ...]:
    """Why a lot received is held: nobody registered can say where it came from, it
    last served another production, or someone repackaged it."""
    reasons = []
    supplier = s.suppliers.get(cmd.supplier_id or "")
    if supplier is None:
        reasons.append(QuarantineReason.UNKNOWN_ORIGIN)
    if cmd.last_production.strip() or (supplier and supplier.kind is SupplierKind.PRODUCTION):
        reasons.append(QuarantineReason.ANOTHER_PRODUCTION)
    if any(h.what is Handling.REPACKAGED for h in cmd.handled):
        reasons.append(QuarantineReason.REPACKAGED)
    return tuple(reasons)


def _receive(s: State, cmd: c.ReceiveLot) -> list[ev.Event]:
    supplier = s.suppliers.get(cmd.supplier_id or "")
    out: list[ev.Event] = [
        ev.LotReceived(
            lot_id=cmd.lot_id,
            ammo_type=cmd.ammo_type,
            caliber=cmd.caliber,
            count=cmd.count,
            # Who supplied it, in words, for every reader that knew only this field.
            source=cmd.source or (supplier.name if supplier else ""),
            invoice=cmd.invoice,
            load=cmd.load,
            close_quarter=cmd.close_quarter,
            supplier_id=cmd.supplier_id,
            last_production=cmd.last_production,
            handled=cmd.handled,
            headstamp=cmd.headstamp,
            manufacturer=cmd.manufacturer,
            invoice_sha256=cmd.invoice_sha256,
            packing_list_sha256=cmd.packing_list_sha256,
        )
    ]
    reasons = quarantine_reasons(s, cmd)
    if reasons:
        out.append(ev.LotQuarantined(lot_id=cmd.lot_id, reasons=reasons))
    return out


def _verify(s: State, cmd: c.VerifyRounds) -> list[ev.Event]:
    lot = s.lots[cmd.lot_id]
    out: list[ev.Event] = [
        ev.RoundsVerified(
            lot_id=lot.id,
            first=cmd.first,
            last=cmd.last,
            method=cmd.method,
            verified_by=cmd.verified_by,
        )
    ]
    if lot.quarantined and lot.rounds_checked + cmd.last - cmd.first + 1 >= lot.received:
        out.append(ev.QuarantineLifted(lot_id=lot.id))
    return out
