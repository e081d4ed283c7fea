"""The sentences of the provenance events: a supplier registered, a lot received with
where it came from, its quarantine, its rounds verified one by one, splits and merges.
(words.py holds every other event's sentence and reads these into its table.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coldcheck.domain import events as ev
from coldcheck.domain.names import listing, person, plural, term
from coldcheck.domain.state import Lot, State
from coldcheck.domain.values import AmmoType

Sentence = Callable[[State, ev.Recorded, Any], str]


def _who(s: State, rec: ev.Recorded) -> str:
    return person(s, rec.actor) if rec.actor else "Someone"


def provenance(s: State, e: ev.LotReceived) -> list[str]:
    """Where a lot received came from beyond its supplier, in phrases; none for a lot
    recorded before suppliers were registered (it named its source alone)."""
    said = [f"last served {e.last_production}"] if e.last_production else []
    said += [f"{h.what} by {h.by}" for h in e.handled]
    if e.headstamp:
        said.append(f"headstamp “{e.headstamp}”")
    if e.manufacturer:
        said.append(f"made by {e.manufacturer}")
    papers = [
        name
        for name, digest in (("invoice", e.invoice_sha256), ("packing list", e.packing_list_sha256))
        if digest
    ]
    if papers:
        said.append(f"{listing(papers)} scanned (SHA-256 kept)")
    return said


def origin(s: State, supplier_id: str | None, source: str) -> str:
    """Who a lot came from: its registered supplier (and how it arrived, if said
    otherwise), or the source named in words, or that nobody registered can say."""
    found = s.suppliers.get(supplier_id or "")
    if found is None:
        return f"{source}, no registered supplier" if source else "no registered supplier"
    noted = f", {source}" if source and source != found.name else ""
    return f"{found.name} ({term(found.kind)}){noted}"


def _received(s: State, r: ev.Recorded, e: ev.LotReceived) -> str:
    rounds = plural(e.count, f"{e.ammo_type} round")
    quarter = ", close-quarter loads" if e.close_quarter else ""
    live = " (live ammunition)" if e.ammo_type is AmmoType.LIVE else ""
    # A lot recorded before suppliers were registered names its source alone.
    where = origin(s, e.supplier_id, e.source) if e.supplier_id else e.source
    more = provenance(s, e)
    return (
        f"{_who(s, r)} received lot {e.lot_id}: {rounds}{live}, {e.caliber}{quarter}, "
        f"from {where or 'no registered supplier'}" + (f"; {'; '.join(more)}" if more else "")
    )


def _quarantined(s: State, r: ev.Recorded, e: ev.LotQuarantined) -> str:
    lot = s.lots.get(e.lot_id)
    why = listing(term(reason) for reason in e.reasons)
    every = f"each of its {plural(lot.received, 'round')}" if lot else "each of its rounds"
    return (
        f"Lot {e.lot_id} is in quarantine ({why}): nothing from it may be loaded until "
        f"{every} is verified one by one"
    )


def _verified(s: State, r: ev.Recorded, e: ev.RoundsVerified) -> str:
    lot = s.lots.get(e.lot_id)
    which = f"round {e.first}" if e.first == e.last else f"rounds {e.first} to {e.last}"
    said = f"{person(s, e.verified_by)} verified {which} of lot {e.lot_id} one by one ({e.method})"
    if lot is None:
        return said
    # As far as the record had come at this entry, whenever the sentence is read.
    done = sum(x.count for x in lot.checked if x.seq <= r.seq)
    return f"{said}: {done} of {plural(lot.received, 'round')} verified"


def _parts(lot_ids: tuple[str, ...], rounds: tuple[int, ...], prefix: str) -> str:
    pairs = zip(lot_ids, rounds, strict=True)
    return listing(f"{prefix}{lot_id} ({plural(n, 'round')})" for lot_id, n in pairs)


SENTENCES: dict[type[ev.Event], Sentence] = {
    ev.SupplierRegistered: lambda s, r, e: (
        f"{_who(s, r)} registered {e.name} ({term(e.kind)}) as a supplier, "
        f"contact: {e.contact or 'none given'}"
    ),
    ev.LotReceived: _received,
    ev.LotQuarantined: _quarantined,
    ev.RoundsVerified: _verified,
    ev.QuarantineLifted: lambda s, r, e: (
        f"Every round of lot {e.lot_id} is verified one by one: its quarantine is lifted "
        "and its rounds may be loaded"
    ),
    ev.LotSplit: lambda s, r, e: (
        f"{_who(s, r)} split lot {e.lot_id} into {_parts(e.into, e.rounds, '')}"
    ),
    ev.LotsMerged: lambda s, r, e: (
        f"{_who(s, r)} merged {_parts(e.lot_ids, e.rounds, 'lot ')} into lot {e.into}"
    ),
}


def came_from(s: State, lot: Lot) -> str:
    """A lot's provenance in one line: who supplied it, its parents, where it had been."""
    p = lot.provenance
    said = [origin(s, p.supplier_id, lot.source) if p.supplier_id else lot.source or "unknown"]
    if lot.parents:
        said.append(f"from lot{'s' if len(lot.parents) > 1 else ''} {listing(lot.parents)}")
    said += [f"last served {p.last_production}"] if p.last_production else []
    said += [f"{h.what} by {h.by}" for h in p.handled]
    said += [f"headstamp “{p.headstamp}”"] if p.headstamp else []
    return "; ".join(said)


def held(lot: Lot) -> str:
    """A lot's quarantine in words: held and how far checked, lifted, or never held."""
    if lot.quarantined:
        why = listing(term(r) for r in lot.quarantine)
        return f"in quarantine ({why}): {lot.rounds_checked} of {lot.received} rounds verified"
    if lot.quarantine:
        return "quarantine lifted: every round verified one by one"
    return "not held"
