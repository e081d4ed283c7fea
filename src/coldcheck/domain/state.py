"""The projection: a production's current state, folded from its events.

Entity values are frozen dataclasses; the maps that hold them belong to one projection
and are updated in place by `evolve`, so applying an event costs O(1) however long the
log is. `decide` and the rules only read state; nothing but `evolve` writes it.

Why one module over 300 lines: `State` and `evolve` are one fold; the event cases of
`evolve` read best beside the maps they update, and splitting them would split the fold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from coldcheck.domain import events as ev
from coldcheck.domain import transfers
from coldcheck.domain.evidence import CustodyStep, Evidence, HandIn
from coldcheck.domain.outside import Origin
from coldcheck.domain.policy import Profile, resolve_profile
from coldcheck.domain.transfers import Transfer, Unit
from coldcheck.domain.values import (
    AmmoType,
    ApprovalRole,
    Authority,
    Barrel,
    Chamber,
    ContactKind,
    Content,
    Credit,
    Custodian,
    Handled,
    IncidentKind,
    ItemKind,
    ItemTier,
    Label,
    Manoeuvre,
    Mitigation,
    PublicView,
    QuarantineReason,
    Role,
    RoundCheck,
    SceneAmmo,
    SupplierKind,
    Tier,
)


@dataclass(frozen=True, slots=True)
class Qualification:
    kind: str
    number: str
    expires_on: str
    seq: int
    issuer: str = ""
    evidence_sha256: str = ""


@dataclass(frozen=True, slots=True)
class Experience:
    credit: Credit
    production: str
    started_on: str
    ended_on: str
    seq: int


@dataclass(frozen=True, slots=True)
class Contacts:
    """Who the production named for safety: its compliance contact, its escalation
    contact outside the set's chain (and what they are), and the hotline."""

    compliance: str
    escalation: str
    kind: ContactKind
    hotline: str
    seq: int

    @property
    def people(self) -> tuple[str, str]:
        return (self.compliance, self.escalation)


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    roles: frozenset[Role]
    authorities: frozenset[Authority] = frozenset()
    qualifications: tuple[Qualification, ...] = ()
    experience: tuple[Experience, ...] = ()

    def has(self, authority: Authority) -> bool:
        return authority in self.authorities


@dataclass(frozen=True, slots=True)
class Location:
    id: str
    name: str
    secure: bool


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    kind: ItemKind
    serial: str
    tag: str
    description: str
    chambers: int
    caliber: str
    manufacturer: str
    model: str
    source: str
    custodian: Custodian
    custody_seq: int  # the event that put it with its current custodian
    load: tuple[Chamber, ...]
    last_inspection: str | None = None
    issued_for: str | None = None  # scene id while issued
    custody_at: int = 0  # when that event was recorded (UTC microseconds)


@dataclass(frozen=True, slots=True)
class Supplier:
    id: str
    kind: SupplierKind
    name: str
    contact: str


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a lot's rounds came from, as received (a split or merged lot: its parents')."""

    supplier_id: str | None = None
    last_production: str = ""
    handled: tuple[Handled, ...] = ()
    headstamp: str = ""
    manufacturer: str = ""
    invoice_sha256: str = ""
    packing_list_sha256: str = ""


@dataclass(frozen=True, slots=True)
class RoundsChecked:
    """Rounds first..last of a lot, verified one by one: how, by whom, in which event."""

    first: int
    last: int
    method: RoundCheck
    verified_by: str
    seq: int

    @property
    def count(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True, slots=True)
class Lot:
    """Rounds of one lot: received = in_box + loaded + fired + missing + written_off
    + moved_out (into the lots it was split or merged into) + in_evidence (its box,
    handed over as evidence) + in_transit (sent, not yet checked in)."""

    id: str
    ammo_type: AmmoType
    caliber: str
    received: int
    source: str
    invoice: str
    load: str
    close_quarter: bool
    verified_by: str | None = None  # method, once verified
    in_box: int = 0
    loaded: int = 0
    fired: int = 0
    missing: int = 0
    written_off: int = 0
    moved_out: int = 0
    in_evidence: int = 0
    provenance: Provenance = Provenance()
    parents: tuple[str, ...] = ()  # the lots it was split or merged from
    quarantine: tuple[QuarantineReason, ...] = ()  # why it was held, if it was
    lifted: bool = False  # every round verified one by one since
    checked: tuple[RoundsChecked, ...] = ()
    in_transit: int = 0  # rounds from its box in a carrier's hands (domain/transfers.py)

    @property
    def quarantined(self) -> bool:
        """Held: nothing from it is loaded until every round is verified one by one."""
        return bool(self.quarantine) and not self.lifted

    @property
    def rounds_checked(self) -> int:
        return sum(r.count for r in self.checked)


@dataclass(frozen=True, slots=True)
class Inspection:
    id: str
    item_id: str
    inspector: str
    at: int
    seq: int
    barrel: Barrel
    chambers: tuple[Chamber, ...]
    label: Label
    shown_to: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Return:
    """An item's last return: when, and the rounds it counted missing (lot, rounds).
    Beside the item's last inspection, it tells which of the two its load rests on."""

    item_id: str
    seq: int
    at: int
    missing: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Scene:
    id: str
    title: str
    date: str
    items: tuple[str, ...]
    performers: tuple[str, ...]
    ammo: SceneAmmo
    manoeuvres: tuple[Manoeuvre, ...]
    min_distance_feet: int
    mitigations: tuple[Mitigation, ...]
    close_quarter_blanks: bool
    rehearsal: bool
    approvals: tuple[tuple[str, str], ...] = ()  # (person, as_role)
    near_firing_line: tuple[str, ...] = ()  # crew near the firing line, not performers
    tiers: tuple[ItemTier, ...] = ()
    public_view: PublicView | None = None
    # (as_role, reason): why a firing weapon is needed in this rehearsal, per approval.
    firing_reasons: tuple[tuple[str, str], ...] = ()

    @property
    def approved(self) -> bool:
        roles = {r for _, r in self.approvals}
        return set(ApprovalRole) <= roles

    def tier(self, item_id: str) -> Tier:
        """The item's tier in this plan: a plan recorded before tiers has only heroes."""
        return next((t.tier for t in self.tiers if t.item_id == item_id), Tier.HERO)


@dataclass(frozen=True, slots=True)
class Meeting:
    id: str
    scene_id: str
    date: str
    attendees: frozenset[str]
    seq: int


@dataclass(frozen=True, slots=True)
class Concern:
    id: str
    text: str
    scene_id: str | None
    item_id: str | None
    blocking: bool
    raised_at: int
    seq: int
    delivered_to: tuple[tuple[str, int, int], ...] = ()  # (person, level, delivered at)
    acknowledged: tuple[tuple[str, int], ...] = ()  # (person, seq)
    level: int = 0
    level_at: int = 0
    resolution: str | None = None
    raised_by: str | None = None  # who raised it; nobody for an anonymous concern
    # Raised outside ColdCheck: how, when and by whom, as its receiver (raised_by) recorded.
    origin: Origin | None = None

    @property
    def open(self) -> bool:
        return self.resolution is None

    def unacknowledged(self) -> tuple[str, ...]:
        acked = {p for p, _ in self.acknowledged}
        return tuple(p for p, _, _ in self.delivered_to if p not in acked)


@dataclass(frozen=True, slots=True)
class Signature:
    """Someone's signature on a review: who, where in the log, and whether their own PIN
    confirmed it."""

    person_id: str | None
    seq: int
    at: int
    pin: bool


@dataclass(frozen=True, slots=True)
class Review:
    """An incident's safety review as signed off, and the armorer's countersignature."""

    signed: Signature
    findings: str
    cause: str
    corrective_actions: str
    involved: tuple[str, ...]
    countersign_required: bool
    countersigned: Signature | None = None

    @property
    def complete(self) -> bool:
        """Every signature it needs is in."""
        return not self.countersign_required or self.countersigned is not None


@dataclass(frozen=True, slots=True)
class Incident:
    id: str
    kind: IncidentKind
    description: str
    item_id: str | None
    at: int
    seq: int
    reporter: str | None = None
    holder: str | None = None  # who held the item when it happened
    review: Review | None = None
    lot_id: str | None = None

    @property
    def reviewed(self) -> str | None:
        """The findings, once the review is signed off (countersigned or not)."""
        return self.review.findings if self.review else None

    @property
    def closed(self) -> bool:
        """Its review carries every signature it needs: it no longer stands anyone down."""
        return self.review is not None and self.review.complete

    def involved(self) -> frozenset[str]:
        """Who may not sign its review: who reported it, who held the item, and everyone
        the review names as involved."""
        named = self.review.involved if self.review else ()
        return frozenset(p for p in (self.reporter, self.holder, *named) if p)


@dataclass(frozen=True, slots=True)
class Attempt:
    """A refused safety-critical command on the record: it changed nothing else."""

    seq: int
    at: int
    actor: str | None
    command: str
    codes: tuple[str, ...]
    targets: tuple[tuple[str, str], ...]  # (field, id): item_id, lot_id, recipient_id …


@dataclass(frozen=True, slots=True)
class Training:
    """Per person: the last seq each topic was trained, and declined (never changed in
    place: evolve replaces the record, so a forked state shares it safely)."""

    trained: dict[str, int] = field(default_factory=dict)
    declined: dict[str, int] = field(default_factory=dict)

    def status(self, topic: str) -> str:
        t, d = self.trained.get(topic, 0), self.declined.get(topic, 0)
        if d > t:
            return "declined"
        return "trained" if t else "untrained"


@dataclass(frozen=True, slots=True)
class RentalReturn:
    """One rented item handed back: when, to whom at the house, under what reference."""

    item_id: str
    seq: int
    at: int
    receiver: str
    reference: str


@dataclass(frozen=True, slots=True)
class Rental:
    """Weapons picked up from a rental house under one agreement. The production is
    liable for each from `picked_up_at` until its return."""

    id: str
    supplier_id: str
    agreement: str
    agreement_sha256: str
    serials: tuple[str, ...]
    item_ids: tuple[str, ...]
    picked_up_by: str
    picked_up_at: int
    seq: int
    returns: tuple[RentalReturn, ...] = ()

    def out(self) -> tuple[str, ...]:
        """The items not yet back at the rental house."""
        back = {r.item_id for r in self.returns}
        return tuple(i for i in self.item_ids if i not in back)

    def liable_until(self) -> int | None:
        """When the liability ended (the last return), or None while any item is out."""
        return None if self.out() else max(r.at for r in self.returns)


@dataclass(slots=True)
class State:
    production_id: str
    seq: int = 0
    name: str = ""
    profile: Profile = field(default_factory=lambda: resolve_profile("bulletin1"))
    timezone: str = "UTC"
    people: dict[str, Person] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    lots: dict[str, Lot] = field(default_factory=dict)
    inspections: dict[str, Inspection] = field(default_factory=dict)
    returns: dict[str, Return] = field(default_factory=dict)  # by item: its last return
    scenes: dict[str, Scene] = field(default_factory=dict)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    training: dict[str, Training] = field(default_factory=dict)
    concerns: dict[str, Concern] = field(default_factory=dict)
    incidents: dict[str, Incident] = field(default_factory=dict)
    closed_days: dict[str, int] = field(default_factory=dict)
    corrections: dict[int, tuple[int, ...]] = field(default_factory=dict)
    suppliers: dict[str, Supplier] = field(default_factory=dict)
    attempts: dict[int, Attempt] = field(default_factory=dict)  # by seq
    handins: dict[str, HandIn] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    rentals: dict[str, Rental] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    transfers: dict[str, Transfer] = field(default_factory=dict)
    contacts: Contacts | None = field(default=None, kw_only=True)  # once named
    created_at: int = field(default=0, kw_only=True)  # when the production was created

    @property
    def created(self) -> bool:
        return bool(self.name)

    def fork(self) -> State:
        """A copy that evolves without changing this one.

        The tables are copied, their values shared: every value is immutable (evolve
        replaces, never changes, an entity), so a published state can be read by any
        thread while the next one is built from its fork.
        """
        return State(
            self.production_id,
            self.seq,
            self.name,
            self.profile,
            self.timezone,
            *(dict(getattr(self, name)) for name in _TABLES),
            contacts=self.contacts,  # a frozen value, shared like the tables' values
            created_at=self.created_at,
        )

    @property
    def stand_down(self) -> tuple[str, ...]:
        """Incidents whose review lacks a signature; while any, firearms stand down."""
        return tuple(i.id for i in self.incidents.values() if not i.closed)

    def local_date(self, at_us: int) -> str:
        """The production's calendar date at a UTC microsecond instant."""
        return self._local(at_us).date().isoformat()

    def local_time(self, at_us: int) -> str:
        """The production's clock time at a UTC microsecond instant, as on set: "10:42"."""
        return self._local(at_us).strftime("%H:%M")

    def _local(self, at_us: int) -> dt.datetime:
        when = dt.datetime.fromtimestamp(at_us / 1_000_000, tz=dt.UTC)
        return when.astimezone(ZoneInfo(self.timezone))

    def held_items(self) -> dict[str, str]:
        """Items that stay as they are, by why: an incident whose review is open names
        them (its id), or they are in evidence custody (the evidence id)."""
        held = {i.item_id: i.id for i in self.incidents.values() if i.item_id and not i.closed}
        return held | {p.item_id: p.id for p in self.evidence.values() if p.item_id}

    def held_lots(self) -> dict[str, str]:
        """Lots that stay as they are, by why (as held_items)."""
        held = {i.lot_id: i.id for i in self.incidents.values() if i.lot_id and not i.closed}
        return held | {p.lot_id: p.id for p in self.evidence.values() if p.lot_id}

    def unattended(self, item: Item) -> bool:
        """Left in a place that is not locked storage (and with no person)."""
        where = item.custodian
        return where.kind == "location" and not self.locations[where.id].secure

    def outside_storage(self, item: Item) -> bool:
        """With a person, or in a place that is not locked storage (not disposed of)."""
        return item.custodian.kind == "person" or self.unattended(item)

    def rental_of(self, item_id: str) -> Rental | None:
        """The rental the item is out on (picked up, not yet returned), if any."""
        for rental in self.rentals.values():
            if item_id in rental.out():
                return rental
        return None

    def holders(self, authority: Authority) -> tuple[str, ...]:
        return tuple(p.id for p in self.people.values() if authority in p.authorities)

    def with_role(self, *roles: Role) -> tuple[str, ...]:
        return tuple(p.id for p in self.people.values() if p.roles & set(roles))

    def next_id(self, prefix: str, table: Mapping[str, object]) -> str:
        return f"{prefix}-{len(table) + 1}"


# State's tables, in field order after the scalars: what fork copies.
_TABLES = (
    "people",
    "locations",
    "items",
    "lots",
    "inspections",
    "returns",
    "scenes",
    "meetings",
    "training",
    "concerns",
    "incidents",
    "closed_days",
    "corrections",
    "suppliers",
    "attempts",
    "handins",
    "evidence",
    "rentals",
    "units",
    "transfers",
)


TARGETS = ("item_id", "lot_id", "recipient_id", "scene_id", "incident_id")


def attempt_targets(e: ev.AttemptRefused) -> tuple[tuple[str, str | None], ...]:
    """An attempt's target ids by field, in one order."""
    return tuple((name, getattr(e, name)) for name in TARGETS)


def _load_delta(lots: dict[str, Lot], chambers: Iterable[Chamber], sign: int) -> None:
    # Rounds put into a weapon leave the box; rounds taken out go back to it.
    for c in chambers:
        if c.content in (Content.DUMMY, Content.BLANK) and c.lot in lots:
            lot = lots[c.lot]
            lots[c.lot] = replace(lot, in_box=lot.in_box - sign, loaded=lot.loaded + sign)


def evolve(state: State, rec: ev.Recorded) -> State:
    """Apply one recorded event to the state (in place) and return it."""
    e = rec.event
    s = state
    match e:
        case ev.ProductionCreated():
            s.name, s.timezone, s.created_at = e.name, e.timezone, rec.at
            s.profile = resolve_profile(e.profile, dict(e.overrides))
        case ev.PersonAdded():
            s.people[e.person_id] = Person(e.person_id, e.name, frozenset(e.roles))
            s.training[e.person_id] = Training()
        case ev.RolesChanged():
            s.people[e.person_id] = replace(s.people[e.person_id], roles=frozenset(e.roles))
        case ev.AuthorityAssigned():
            p = s.people[e.person_id]
            s.people[p.id] = replace(p, authorities=p.authorities | {e.authority})
        case ev.AuthorityRevoked():
            p = s.people[e.person_id]
            s.people[p.id] = replace(p, authorities=p.authorities - {e.authority})
        case ev.QualificationRecorded():
            p = s.people[e.person_id]
            q = Qualification(e.kind, e.number, e.expires_on, rec.seq, e.issuer, e.evidence_sha256)
            s.people[p.id] = replace(p, qualifications=(*p.qualifications, q))
        case ev.ExperienceRecorded():
            p = s.people[e.person_id]
            x = Experience(e.credit, e.production, e.started_on, e.ended_on, rec.seq)
            s.people[p.id] = replace(p, experience=(*p.experience, x))
        case ev.ContactsNamed():
            s.contacts = Contacts(
                e.compliance_contact_id,
                e.escalation_contact_id,
                e.escalation_kind,
                e.hotline,
                rec.seq,
            )
        case ev.LocationAdded():
            s.locations[e.location_id] = Location(e.location_id, e.name, e.secure)
        case ev.ItemRegistered():
            s.items[e.item_id] = Item(
                e.item_id,
                e.kind,
                e.serial,
                e.tag,
                e.description,
                e.chambers,
                e.caliber,
                e.manufacturer,
                e.model,
                e.source,
                Custodian("location", e.location_id),
                rec.seq,
                tuple(Chamber(Content.EMPTY) for _ in range(e.chambers)),
                custody_at=rec.at,
            )
        case ev.ItemDisposed():
            item = s.items[e.item_id]
            s.items[e.item_id] = replace(
                item,
                custodian=Custodian("disposed", e.transferee),
                custody_seq=rec.seq,
                custody_at=rec.at,
            )
        case ev.SupplierRegistered():
            s.suppliers[e.supplier_id] = Supplier(e.supplier_id, e.kind, e.name, e.contact)
        case ev.LotReceived():
            s.lots[e.lot_id] = Lot(
                e.lot_id,
                e.ammo_type,
                e.caliber,
                e.count,
                e.source,
                e.invoice,
                e.load,
                e.close_quarter,
                in_box=e.count,
                provenance=Provenance(
                    e.supplier_id,
                    e.last_production,
                    e.handled,
                    e.headstamp,
                    e.manufacturer,
                    e.invoice_sha256,
                    e.packing_list_sha256,
                ),
            )
        case ev.LotVerified():
            s.lots[e.lot_id] = replace(s.lots[e.lot_id], verified_by=e.method)
        case ev.LotQuarantined():
            s.lots[e.lot_id] = replace(s.lots[e.lot_id], quarantine=e.reasons, lifted=False)
        case ev.RoundsVerified():
            _apply_rounds_verified(s, rec, e)
        case ev.QuarantineLifted():
            s.lots[e.lot_id] = replace(s.lots[e.lot_id], lifted=True)
        case ev.LotSplit():
            parent = s.lots[e.lot_id]
            for lot_id, n in zip(e.into, e.rounds, strict=True):
                s.lots[lot_id] = _child(parent, lot_id, n, (parent.id,))
            _moved_out(s, parent, sum(e.rounds))
        case ev.LotsMerged():
            a, b = (s.lots[i] for i in e.lot_ids)
            s.lots[e.into] = _merged(a, b, e.into, sum(e.rounds))
            for parent, n in zip((a, b), e.rounds, strict=True):
                _moved_out(s, parent, n)
        case ev.ItemMoved():
            item = s.items[e.item_id]
            s.items[e.item_id] = replace(
                item, custodian=e.to, custody_seq=rec.seq, custody_at=rec.at
            )
        case ev.ItemInspected():
            item = s.items[e.item_id]
            _load_delta(s.lots, item.load, -1)
            _load_delta(s.lots, e.chambers, +1)
            s.inspections[e.inspection_id] = Inspection(
                e.inspection_id,
                e.item_id,
                rec.actor or "",
                rec.at,
                rec.seq,
                e.barrel,
                e.chambers,
                e.label,
                e.shown_to,
            )
            s.items[e.item_id] = replace(item, load=e.chambers, last_inspection=e.inspection_id)
        case ev.ItemIssued():
            item = s.items[e.item_id]
            s.items[e.item_id] = replace(
                item,
                custodian=Custodian("person", e.recipient_id),
                custody_seq=rec.seq,
                custody_at=rec.at,
                issued_for=e.scene_id,
            )
        case ev.ItemReturned():
            _apply_return(s, rec, e)
        case ev.ScenePlanned():
            s.scenes[e.scene_id] = Scene(
                e.scene_id,
                e.title,
                e.date,
                e.items,
                e.performers,
                e.ammo,
                e.manoeuvres,
                e.min_distance_feet,
                e.mitigations,
                e.close_quarter_blanks,
                e.rehearsal,
                near_firing_line=e.near_firing_line,
                tiers=e.tiers,
                public_view=e.public_view,
            )
        case ev.ScenePlanApproved():
            sc = s.scenes[e.scene_id]
            reasons = ((e.as_role, e.firing_rehearsal_reason),) if e.firing_rehearsal_reason else ()
            s.scenes[sc.id] = replace(
                sc,
                approvals=(*sc.approvals, (e.approver_id, e.as_role)),
                firing_reasons=(*sc.firing_reasons, *reasons),
            )
        case ev.SafetyMeetingHeld():
            s.meetings[e.meeting_id] = Meeting(
                e.meeting_id, e.scene_id, e.date, frozenset(e.attendees), rec.seq
            )
        case ev.TrainingRecorded():
            t = s.training[e.person_id]
            s.training[e.person_id] = replace(
                t, trained={**t.trained, **dict.fromkeys(e.topics, rec.seq)}
            )
        case ev.TrainingDeclined():
            t = s.training[e.person_id]
            s.training[e.person_id] = replace(
                t, declined={**t.declined, **dict.fromkeys(e.topics, rec.seq)}
            )
        case ev.ConcernRaised():
            s.concerns[e.concern_id] = Concern(
                e.concern_id,
                e.text,
                e.scene_id,
                e.item_id,
                e.blocking,
                rec.at,
                rec.seq,
                level_at=rec.at,
                raised_by=rec.actor,
            )
        case ev.ConcernReceivedOutside():
            c = s.concerns[e.concern_id]
            origin = Origin(e.channel, e.said_at, e.author, e.author_id, c.raised_by, e.attachments)
            s.concerns[c.id] = replace(c, origin=origin)
        case ev.ConcernDelivered():
            c = s.concerns[e.concern_id]
            s.concerns[c.id] = replace(
                c, delivered_to=(*c.delivered_to, (e.person_id, e.level, rec.at))
            )
        case ev.ConcernAcknowledged():
            c = s.concerns[e.concern_id]
            s.concerns[c.id] = replace(c, acknowledged=(*c.acknowledged, (e.person_id, rec.seq)))
        case ev.ConcernEscalated():
            c = s.concerns[e.concern_id]
            s.concerns[c.id] = replace(c, level=e.level, level_at=rec.at)
        case ev.ConcernResolved():
            c = s.concerns[e.concern_id]
            s.concerns[c.id] = replace(c, resolution=e.resolution)
        case ev.IncidentReported():
            s.incidents[e.incident_id] = Incident(
                e.incident_id,
                e.kind,
                e.description,
                e.item_id,
                rec.at,
                rec.seq,
                reporter=rec.actor,
                holder=e.holder,
                lot_id=e.lot_id,
            )
            if e.lot_id and e.rounds:
                lot = s.lots[e.lot_id]
                # Writing off rounds clears what was missing first.
                cleared = min(lot.missing, e.rounds)
                s.lots[lot.id] = replace(
                    lot,
                    missing=lot.missing - cleared,
                    in_box=lot.in_box - (e.rounds - cleared),
                    written_off=lot.written_off + e.rounds,
                )
        case ev.EvidenceHandedIn():
            s.handins[e.handin_id] = HandIn(
                e.handin_id,
                e.incident_id,
                e.handed_in_by,
                e.what,
                e.found_where,
                e.found_when,
                e.rounds,
                rec.actor or "",
                rec.at,
                rec.seq,
            )
        case ev.EvidenceHandedOver():
            _apply_handed_over(s, rec, e)
        case ev.EvidenceTransferred():
            piece = s.evidence[e.evidence_id]
            step = CustodyStep(
                rec.seq, rec.at, rec.actor or "", e.investigator, e.agency, e.case_number, e.reason
            )
            s.evidence[piece.id] = replace(piece, steps=(*piece.steps, step))
        case ev.ReviewSignedOff():
            inc = s.incidents[e.incident_id]
            review = Review(
                Signature(rec.actor, rec.seq, rec.at, e.signer_confirmed),
                e.findings,
                e.cause,
                e.corrective_actions,
                e.involved,
                e.countersign_required,
            )
            s.incidents[inc.id] = replace(inc, review=review)
        case ev.ReviewCountersigned():
            inc = s.incidents[e.incident_id]
            signed = Signature(rec.actor, rec.seq, rec.at, e.signer_confirmed)
            s.incidents[inc.id] = replace(
                inc, review=replace(inc.review, countersigned=signed) if inc.review else None
            )
        case ev.DayClosed():
            s.closed_days[e.date] = rec.seq
        case ev.RecordCorrected():
            s.corrections[e.refers_to] = (*s.corrections.get(e.refers_to, ()), rec.seq)
        case ev.AttemptRefused():
            # Changes no state: only the list dossiers, reports and the flood limit read.
            targets = tuple((k, v) for k, v in attempt_targets(e) if v)
            s.attempts[rec.seq] = Attempt(rec.seq, rec.at, rec.actor, e.command, e.codes, targets)
        case ev.StandDownBegan() | ev.StandDownLifted():
            pass  # derived from incidents; the events make the record readable
        case ev.SigningKeyRotated():
            pass  # the ledger's: verification walks the key history (verification.py)
        case (
            ev.UnitAdded() | ev.TransferDispatched() | ev.TransferReceived() | ev.TransferRefused()
        ):
            transfers.evolve(s, rec)
        case ev.PinReset() | ev.AccessRemoved():
            pass  # credentials are rows beside the log; the events say who changed them
        case ev.RentalPickedUp() | ev.RentalReturned():
            _apply_rental(s, rec, e)
        case _:
            raise TypeError(f"no evolve for {type(e).__name__}")
    s.seq = rec.seq
    return s


def _apply_rental(s: State, rec: ev.Recorded, e: ev.RentalPickedUp | ev.RentalReturned) -> None:
    if isinstance(e, ev.RentalPickedUp):
        s.rentals[e.rental_id] = Rental(
            e.rental_id,
            e.supplier_id,
            e.agreement,
            e.agreement_sha256,
            e.serials,
            e.item_ids,
            e.picked_up_by,
            rec.at,
            rec.seq,
        )
        return
    rental = s.rentals[e.rental_id]
    back = RentalReturn(e.item_id, rec.seq, rec.at, e.receiver, e.reference)
    s.rentals[rental.id] = replace(rental, returns=(*rental.returns, back))
    item = s.items[e.item_id]
    # Gone from the inventory: with the rental house again (names.place says which).
    s.items[item.id] = replace(
        item, custodian=Custodian("returned", e.supplier_id), custody_seq=rec.seq, custody_at=rec.at
    )


def _apply_return(s: State, rec: ev.Recorded, e: ev.ItemReturned) -> None:
    item = s.items[e.item_id]
    for lot_id, n in e.fired:
        lot = s.lots[lot_id]
        s.lots[lot_id] = replace(lot, loaded=lot.loaded - n, fired=lot.fired + n)
    for lot_id, n in e.missing:
        lot = s.lots[lot_id]
        s.lots[lot_id] = replace(lot, loaded=lot.loaded - n, missing=lot.missing + n)
    custodian = Custodian("person", rec.actor or "")
    s.items[e.item_id] = replace(
        item,
        custodian=custodian,
        custody_seq=rec.seq,
        custody_at=rec.at,
        load=e.chambers,
        issued_for=None,
    )
    s.returns[e.item_id] = Return(e.item_id, rec.seq, rec.at, e.missing)


def _apply_handed_over(s: State, rec: ev.Recorded, e: ev.EvidenceHandedOver) -> None:
    step = CustodyStep(rec.seq, rec.at, rec.actor or "", e.investigator, e.agency, e.case_number)
    s.evidence[e.evidence_id] = Evidence(
        e.evidence_id, e.incident_id, e.item_id, e.lot_id, e.handin_id, e.rounds, (step,)
    )
    if e.item_id:
        item = s.items[e.item_id]
        s.items[item.id] = replace(
            item,
            custodian=Custodian("evidence", e.evidence_id),
            custody_seq=rec.seq,
            custody_at=rec.at,
        )
    if e.lot_id:
        lot = s.lots[e.lot_id]
        s.lots[lot.id] = replace(lot, in_box=lot.in_box - e.rounds, in_evidence=e.rounds)


def _apply_rounds_verified(s: State, rec: ev.Recorded, e: ev.RoundsVerified) -> None:
    lot = s.lots[e.lot_id]
    checked = (*lot.checked, RoundsChecked(e.first, e.last, e.method, e.verified_by, rec.seq))
    lot = replace(lot, checked=checked)
    if lot.verified_by is None and lot.rounds_checked >= lot.received:
        # Every round checked one by one verifies the lot, in the lot form's words.
        methods = sorted({str(r.method) for r in checked})
        lot = replace(lot, verified_by=", ".join([*methods, "each round"]))
    s.lots[lot.id] = lot


def _child(parent: Lot, lot_id: str, rounds: int, parents: tuple[str, ...]) -> Lot:
    # A new box of the parent's rounds: the same kind, paperwork and verification. Its
    # quarantine is its own event; its rounds are checked again in the new box.
    return Lot(
        lot_id,
        parent.ammo_type,
        parent.caliber,
        rounds,
        parent.source,
        parent.invoice,
        parent.load,
        parent.close_quarter,
        verified_by=parent.verified_by,
        in_box=rounds,
        provenance=parent.provenance,
        parents=parents,
    )


def _merged(a: Lot, b: Lot, lot_id: str, rounds: int) -> Lot:
    def both(x: str, y: str) -> str:
        return x if x == y else f"{x}; {y}"

    verified = both(a.verified_by, b.verified_by) if a.verified_by and b.verified_by else None
    return replace(
        _child(a, lot_id, rounds, (a.id, b.id)),
        source=both(a.source, b.source),
        invoice=both(a.invoice, b.invoice),
        verified_by=verified,
        provenance=a.provenance if a.provenance == b.provenance else Provenance(),
    )


def _moved_out(s: State, parent: Lot, rounds: int) -> None:
    s.lots[parent.id] = replace(
        parent, in_box=parent.in_box - rounds, moved_out=parent.moved_out + rounds
    )


def replay(production_id: str, records: Iterable[ev.Recorded]) -> State:
    """Fold a log into state from nothing."""
    state = State(production_id)
    for rec in records:
        evolve(state, rec)
    return state
