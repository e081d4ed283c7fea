"""Events: what happened, in the past tense. The ledger stores them; state folds them.

An event holds only its facts. Who did it, when, and where it sits in the log live in
the envelope (`Recorded`), so the same fact hashes the same way whoever reads it.

Why one module over 300 lines: the catalogue of every event type, frozen dataclasses
only, read as one list.
"""

from __future__ import annotations

from dataclasses import dataclass

from coldcheck.domain.outside import Attachment, Channel
from coldcheck.domain.values import (
    AmmoType,
    Authority,
    Barrel,
    Chamber,
    ContactKind,
    Credit,
    Custodian,
    Disposition,
    Entry,
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
    UnitKind,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductionCreated(Event):
    name: str
    profile: str
    timezone: str
    overrides: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonAdded(Event):
    person_id: str
    name: str
    roles: tuple[Role, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RolesChanged(Event):
    person_id: str
    roles: tuple[Role, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorityAssigned(Event):
    person_id: str
    authority: Authority


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorityRevoked(Event):
    person_id: str
    authority: Authority


@dataclass(frozen=True, slots=True, kw_only=True)
class QualificationRecorded(Event):
    person_id: str
    kind: str
    number: str
    expires_on: str
    issuer: str = ""
    evidence_sha256: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ExperienceRecorded(Event):
    person_id: str
    credit: Credit
    production: str
    started_on: str
    ended_on: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactsNamed(Event):
    compliance_contact_id: str
    escalation_contact_id: str
    escalation_kind: ContactKind
    hotline: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PinReset(Event):
    """The person's PIN was cleared, with its lockout (the account row changes after)."""

    person_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessRemoved(Event):
    """The person's account was taken off the production (the membership row goes after)."""

    person_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LocationAdded(Event):
    location_id: str
    name: str
    secure: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemRegistered(Event):
    item_id: str
    kind: ItemKind
    serial: str
    tag: str
    description: str
    location_id: str
    chambers: int
    caliber: str
    manufacturer: str
    model: str
    source: str
    importer: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemDisposed(Event):
    # The fields after reason came with theft and loss: events recorded before them
    # read back as transfers, their bytes unchanged.
    item_id: str
    from_: Custodian
    transferee: str
    reason: str
    disposition: Disposition = Disposition.TRANSFER
    police_report: str = ""
    atf_report: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SupplierRegistered(Event):
    supplier_id: str
    kind: SupplierKind
    name: str
    contact: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LotReceived(Event):
    # The fields after close_quarter came with registered suppliers: events recorded
    # before them lack them and read back with these defaults, their bytes unchanged.
    lot_id: str
    ammo_type: AmmoType
    caliber: str
    count: int
    source: str
    invoice: str
    load: str
    close_quarter: bool
    supplier_id: str | None = None
    last_production: str = ""
    handled: tuple[Handled, ...] = ()
    headstamp: str = ""
    manufacturer: str = ""
    invoice_sha256: str = ""
    packing_list_sha256: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class LotVerified(Event):
    lot_id: str
    method: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LotQuarantined(Event):
    """Nothing from the lot may be loaded until every round is verified one by one."""

    lot_id: str
    reasons: tuple[QuarantineReason, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundsVerified(Event):
    lot_id: str
    first: int
    last: int
    method: RoundCheck
    verified_by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class QuarantineLifted(Event):
    """Every round of the lot was verified one by one."""

    lot_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LotSplit(Event):
    lot_id: str
    into: tuple[str, str]
    rounds: tuple[int, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class LotsMerged(Event):
    lot_ids: tuple[str, str]
    into: str
    rounds: tuple[int, int]  # from each parent's box


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemMoved(Event):
    item_id: str
    from_: Custodian
    to: Custodian


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemInspected(Event):
    inspection_id: str
    item_id: str
    barrel: Barrel
    chambers: tuple[Chamber, ...]
    label: Label
    shown_to: tuple[str, ...]
    entered: Entry | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemIssued(Event):
    item_id: str
    from_: Custodian
    recipient_id: str
    scene_id: str
    inspection_id: str
    recipient_acknowledged: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemReturned(Event):
    item_id: str
    from_person: str
    chambers: tuple[Chamber, ...]
    fired: tuple[tuple[str, int], ...]  # (lot, rounds fired)
    missing: tuple[tuple[str, int], ...]  # (lot, rounds issued that did not come back)
    entered: Entry | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenePlanned(Event):
    scene_id: str
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
    near_firing_line: tuple[str, ...] = ()  # recorded before it existed: nobody named
    tiers: tuple[ItemTier, ...] = ()  # defaults: plans recorded before tiers decode
    public_view: PublicView | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScenePlanApproved(Event):
    scene_id: str
    approver_id: str
    as_role: str  # a values.ApprovalRole
    firing_rehearsal_reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SafetyMeetingHeld(Event):
    meeting_id: str
    scene_id: str
    date: str
    attendees: tuple[str, ...]
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingRecorded(Event):
    person_id: str
    topics: tuple[str, ...]
    minutes: int
    trainer_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingDeclined(Event):
    person_id: str
    topics: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ConcernRaised(Event):
    concern_id: str
    text: str
    scene_id: str | None
    item_id: str | None
    blocking: bool
    anonymous: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ConcernReceivedOutside(Event):
    """Follows the ConcernRaised of a concern raised outside ColdCheck: how and when it was
    said, by whom, and the originals by hash (the files are in the attachment store)."""

    concern_id: str
    channel: Channel
    said_at: int
    author: str
    author_id: str | None
    attachments: tuple[Attachment, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ConcernDelivered(Event):
    concern_id: str
    person_id: str
    level: int  # 0 at raising; 1, 2 … for each escalation


@dataclass(frozen=True, slots=True, kw_only=True)
class ConcernAcknowledged(Event):
    concern_id: str
    person_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ConcernEscalated(Event):
    concern_id: str
    level: int
    overdue: tuple[str, ...]  # who had not acknowledged in time


@dataclass(frozen=True, slots=True, kw_only=True)
class ConcernResolved(Event):
    concern_id: str
    resolution: str


@dataclass(frozen=True, slots=True, kw_only=True)
class IncidentReported(Event):
    incident_id: str
    kind: IncidentKind
    description: str
    item_id: str | None
    lot_id: str | None
    rounds: int
    # Who held the item when it happened (a person id; None: storage, no item, or an
    # event recorded before it was kept): they do not sign its review.
    holder: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceHandedIn(Event):
    handin_id: str
    incident_id: str
    handed_in_by: str
    what: str
    found_where: str
    found_when: str
    rounds: int


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceHandedOver(Event):
    """A piece into evidence custody: from the production (the actor signs as sender)."""

    evidence_id: str
    incident_id: str
    item_id: str | None
    lot_id: str | None
    handin_id: str | None
    rounds: int  # a lot: the rounds in its box, which go with it
    investigator: str
    agency: str
    case_number: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceTransferred(Event):
    evidence_id: str
    investigator: str
    agency: str
    case_number: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class StandDownBegan(Event):
    incident_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewSignedOff(Event):
    incident_id: str
    findings: str
    # Absent (the defaults) on reviews recorded before a review held more than findings.
    cause: str = ""
    corrective_actions: str = ""
    involved: tuple[str, ...] = ()
    signer_confirmed: bool = False  # signed with the signer's own PIN
    # The armorer's countersignature is still needed before the stand-down lifts;
    # decided when signed, so a replay keeps what the rules were then.
    countersign_required: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewCountersigned(Event):
    incident_id: str
    signer_confirmed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class StandDownLifted(Event):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class DayClosed(Event):
    date: str
    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordCorrected(Event):
    refers_to: int
    correction: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AttemptRefused(Event):
    """A safety-critical command the rules (or the door) refused: who and when are in
    the envelope; nothing else of the command is recorded (domain/attempts.py)."""

    command: str  # the command's kind, e.g. "HandOver"
    codes: tuple[str, ...]  # the rules that refused it ("DOOR": the authorization table)
    details: tuple[str, ...]  # what each said, in its words (one per code)
    item_id: str | None = None
    lot_id: str | None = None
    recipient_id: str | None = None
    scene_id: str | None = None
    incident_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SigningKeyRotated(Event):
    """The log's signing key changed here: heads from this event on are signed by
    `new_key`. The statement both keys signed (ledger/rotation.py) covers the production,
    this event's seq, the root before it and both keys (all hex)."""

    old_key: str
    new_key: str
    root: str  # the Merkle root of the log before this event
    old_signature: str
    new_signature: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RentalPickedUp(Event):
    rental_id: str
    supplier_id: str
    agreement: str
    serials: tuple[str, ...]
    item_ids: tuple[str, ...]
    picked_up_by: str
    agreement_sha256: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RentalReturned(Event):
    rental_id: str
    item_id: str
    supplier_id: str
    from_: Custodian
    receiver: str
    reference: str
    signer_confirmed: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitAdded(Event):
    unit_id: str
    name: str
    kind: UnitKind
    location_ids: tuple[str, ...]
    armorer_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferDispatched(Event):
    """Items and rounds into a carrier's hands (custody: "transit"), sender signing."""

    transfer_id: str
    from_unit: str
    from_location: str
    to_unit: str
    to_location: str
    receiver_id: str  # the receiving unit's armorer when it was sent
    carrier: str
    waybill: str
    items: tuple[str, ...]
    lots: tuple[tuple[str, int], ...]
    signer_confirmed: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferReceived(Event):
    """Checked in on arrival: what arrived goes to the receiving location; what did not
    stays with the carrier, on the incident it opened."""

    transfer_id: str
    arrived: tuple[str, ...]  # item ids whose serial was read
    missing: tuple[str, ...]  # item ids sent and not found
    unexpected: tuple[str, ...]  # serials read that the transfer did not carry
    counts: tuple[tuple[str, int], ...]  # (lot, rounds counted)
    short: tuple[tuple[str, int], ...]  # (lot, rounds sent that did not arrive)
    signer_confirmed: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferRefused(Event):
    transfer_id: str
    reason: str
    signer_confirmed: bool


EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        ProductionCreated,
        PersonAdded,
        RolesChanged,
        AuthorityAssigned,
        AuthorityRevoked,
        QualificationRecorded,
        ExperienceRecorded,
        ContactsNamed,
        PinReset,
        AccessRemoved,
        LocationAdded,
        ItemRegistered,
        ItemDisposed,
        SupplierRegistered,
        LotReceived,
        LotVerified,
        LotQuarantined,
        RoundsVerified,
        QuarantineLifted,
        LotSplit,
        LotsMerged,
        ItemMoved,
        ItemInspected,
        ItemIssued,
        ItemReturned,
        ScenePlanned,
        ScenePlanApproved,
        SafetyMeetingHeld,
        TrainingRecorded,
        TrainingDeclined,
        ConcernRaised,
        ConcernReceivedOutside,
        ConcernDelivered,
        ConcernAcknowledged,
        ConcernEscalated,
        ConcernResolved,
        IncidentReported,
        EvidenceHandedIn,
        EvidenceHandedOver,
        EvidenceTransferred,
        StandDownBegan,
        ReviewSignedOff,
        ReviewCountersigned,
        StandDownLifted,
        DayClosed,
        RecordCorrected,
        AttemptRefused,
        SigningKeyRotated,
        RentalPickedUp,
        RentalReturned,
        UnitAdded,
        TransferDispatched,
        TransferReceived,
        TransferRefused,
    )
}


@dataclass(frozen=True, slots=True)
class Recorded:
    """An event as it stands in the log: its place, time, author and warnings."""

    seq: int
    event_id: str
    at: int  # UTC microseconds, server clock
    actor: str | None
    event: Event
    warnings: tuple[str, ...] = ()
    claimed_at: int | None = None  # the device's clock, kept as a claim
    # What the caller's command id was bound to (a fingerprint of the command), on the
    # first event of a command sent with an idempotency key: a reuse for another command
    # is told from a retry.
    request: str | None = None
    # How the actor proved who they are (a password session, a device token, the console);
    # absent on events recorded before it was kept, and on an anonymous concern.
    proof: str | None = None

    @property
    def type(self) -> str:
        return type(self.event).__name__
