"""Commands: what someone on set asks ColdCheck to record. Imperative names.

Every command carries who asks (`actor`, a person id; None only for an anonymous concern,
the escalation timer or the production's creation) and when (`at`, UTC microseconds,
stamped by the service; `claimed_at`, the device's own clock, if it sent one).
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
    Disposition,
    Entry,
    Handled,
    IncidentKind,
    ItemKind,
    ItemTier,
    Manoeuvre,
    Mitigation,
    PublicView,
    Role,
    RoundCheck,
    SceneAmmo,
    SupplierKind,
    UnitKind,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    actor: str | None = None
    at: int = 0
    # When the device says it acted (UTC µs): kept as a claim; the server's `at` and the
    # log's order are what count.
    claimed_at: int | None = None
    # How the sender proved who they are ("session", "device", "console"), stamped at the
    # door (access/gateway.py); recorded with each event, never decided on.
    proof: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateProduction(Command):
    name: str
    profile: str = "bulletin1"
    timezone: str = "UTC"
    overrides: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AddPerson(Command):
    person_id: str
    name: str
    roles: tuple[Role, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeRoles(Command):
    person_id: str
    roles: tuple[Role, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AssignAuthority(Command):
    person_id: str
    authority: Authority


@dataclass(frozen=True, slots=True, kw_only=True)
class RevokeAuthority(Command):
    person_id: str
    authority: Authority


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordQualification(Command):
    """A permit, licence or certificate a person holds: what it is (values.Credential
    for what a profile can require), who issued it, its number and when it expires."""

    person_id: str
    kind: str
    number: str
    expires_on: str  # ISO date
    issuer: str = ""  # e.g. "California DOJ", "ATF", "CSATF"
    evidence_sha256: str = ""  # SHA-256 (hex) of the document as scanned


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordExperience(Command):
    """A credit on another production's firearms team: as head armorer or assistant,
    from when to when (ISO dates)."""

    person_id: str
    credit: Credit
    production: str
    started_on: str
    ended_on: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NameContacts(Command):
    """Who anyone on the production can go to about safety (§9153(a)(5)): the compliance
    contact, and an escalation contact outside the set's chain (studio safety, a union
    representative or the insurer); the hotline goes on the daily report."""

    compliance_contact_id: str
    escalation_contact_id: str
    escalation_kind: ContactKind
    hotline: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ResetPin(Command):
    """Clear the person's PIN and its lockout: they set a new one from their own account,
    and until then no handover to them can be confirmed."""

    person_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveAccess(Command):
    """Take the person's account off the production: it no longer acts as them here. The
    person and everything recorded about them stay in the record."""

    person_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DisposeItem(Command):
    """The item leaves the production's inventory: returned to the rental house, sold
    (a transfer, to a transferee), or stolen or lost (with the reports' numbers)."""

    item_id: str
    transferee: str = ""  # a transfer: name and address, or licence number
    reason: str = ""
    disposition: Disposition = Disposition.TRANSFER
    police_report: str = ""  # a theft or loss: the police report's number
    atf_report: str = ""  # a firearm's theft or loss: ATF's incident number (27 CFR 478.39a)


@dataclass(frozen=True, slots=True, kw_only=True)
class AddLocation(Command):
    location_id: str
    name: str
    secure: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterItem(Command):
    item_id: str
    kind: ItemKind
    serial: str
    tag: str
    description: str
    location_id: str
    chambers: int = 0
    caliber: str = ""
    manufacturer: str = ""
    model: str = ""
    source: str = ""
    importer: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterSupplier(Command):
    """A party rounds come from: a rental house, a prop supplier, a manufacturer or
    another production, with a way to reach them."""

    supplier_id: str
    kind: SupplierKind
    name: str
    contact: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiveLot(Command):
    """Rounds received, with where they came from. A lot naming no registered supplier,
    one that last served another production, or one repackaged is quarantined until
    every round is verified one by one."""

    lot_id: str
    ammo_type: AmmoType
    caliber: str
    count: int
    invoice: str
    source: str = ""  # how it arrived, in words (before suppliers were registered: who)
    load: str = ""  # blanks: quarter, half, full
    close_quarter: bool = False
    supplier_id: str | None = None  # a registered supplier; none: origin unknown
    last_production: str = ""  # the production the rounds last served, if any
    handled: tuple[Handled, ...] = ()  # repackaged, cleaned or reloaded, and by whom
    headstamp: str = ""
    manufacturer: str = ""
    invoice_sha256: str = ""  # SHA-256 (hex) of the invoice as scanned
    packing_list_sha256: str = ""  # SHA-256 (hex) of the packing list as scanned


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyLot(Command):
    lot_id: str
    method: str  # e.g. "rattle test, empty primer pocket, every round"


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyRounds(Command):
    """Rounds of a lot checked one by one: rounds `first` to `last` of it (one round
    when they are the same), how, and who checked them."""

    lot_id: str
    first: int
    last: int
    method: RoundCheck
    verified_by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SplitLot(Command):
    """The rounds in a lot's box divided into two new lots, each naming it as parent."""

    lot_id: str
    into: tuple[str, str]
    rounds: tuple[int, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class MergeLots(Command):
    """The rounds in two lots' boxes put into one new lot naming both as parents."""

    lot_ids: tuple[str, str]
    into: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MoveItem(Command):
    item_id: str
    location_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class InspectItem(Command):
    item_id: str
    barrel: Barrel
    chambers: tuple[Chamber, ...]
    shown_to: tuple[str, ...] = ()
    entered: Entry | None = None  # how the armorer set the chambers (a preset is a tap)


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueItem(Command):
    item_id: str
    recipient_id: str
    scene_id: str
    recipient_acknowledged: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class HandOver(Command):
    """Inspect a weapon in front of its recipient and issue it, as one step: the
    inspection and the issue are recorded together, or neither is. The recipient counts
    as shown (their PIN attests it); a live round found is recorded with its incident
    and nothing is handed over."""

    item_id: str
    barrel: Barrel
    chambers: tuple[Chamber, ...]
    recipient_id: str
    scene_id: str
    recipient_acknowledged: bool
    shown_to: tuple[str, ...] = ()  # who else saw it open (the 1st AD)
    entered: Entry | None = None

    def inspection(self) -> InspectItem:
        shown = (self.recipient_id, *(p for p in self.shown_to if p != self.recipient_id))
        return InspectItem(
            actor=self.actor,
            at=self.at,
            claimed_at=self.claimed_at,
            proof=self.proof,
            item_id=self.item_id,
            barrel=self.barrel,
            chambers=self.chambers,
            shown_to=shown,
            entered=self.entered,
        )

    def issue(self) -> IssueItem:
        return IssueItem(
            actor=self.actor,
            at=self.at,
            claimed_at=self.claimed_at,
            proof=self.proof,
            item_id=self.item_id,
            recipient_id=self.recipient_id,
            scene_id=self.scene_id,
            recipient_acknowledged=self.recipient_acknowledged,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnItem(Command):
    item_id: str
    chambers: tuple[Chamber, ...]
    entered: Entry | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanScene(Command):
    scene_id: str
    title: str
    date: str  # ISO date of shooting
    items: tuple[str, ...]
    performers: tuple[str, ...]
    ammo: SceneAmmo
    manoeuvres: tuple[Manoeuvre, ...] = ()
    min_distance_feet: int = 0
    mitigations: tuple[Mitigation, ...] = ()
    close_quarter_blanks: bool = False
    rehearsal: bool = False
    # Crew working near the firing line besides the performers (camera, sound, the
    # director): each needs the profile's near-firearms training (§9156).
    near_firing_line: tuple[str, ...] = ()
    # Each item's tier; an item without one is the hero (a plan from before tiers).
    tiers: tuple[ItemTier, ...] = ()
    public_view: PublicView | None = None  # filmed where the public can see it


@dataclass(frozen=True, slots=True, kw_only=True)
class ApproveScenePlan(Command):
    scene_id: str
    # Why a firing weapon is needed in this rehearsal: each approver gives one (RHR-2).
    firing_rehearsal_reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldSafetyMeeting(Command):
    scene_id: str
    attendees: tuple[str, ...]
    topics: tuple[str, ...] = ("intended action", "abort plan", "emergency procedures")


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordTraining(Command):
    person_id: str
    topics: tuple[str, ...]  # item kinds and manoeuvres
    minutes: int
    trainer_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DeclineTraining(Command):
    person_id: str
    topics: tuple[str, ...]
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RaiseConcern(Command):
    text: str
    scene_id: str | None = None
    item_id: str | None = None
    blocking: bool = False
    anonymous: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordOutsideConcern(Command):
    """A concern raised outside ColdCheck (an email, a text, a letter, a resignation, a
    walk-off, a remark at a meeting), recorded by whoever received it: when and how it was
    said, by whom, its text or a summary, and the originals by SHA-256 (uploaded first)."""

    channel: Channel
    said_at: int  # UTC µs when it was said or sent: not after now
    text: str  # its words, or a summary of them
    author: str = ""  # who raised it, in words: "the camera crew", a name
    author_id: str | None = None  # or the person on the production who raised it
    attachments: tuple[Attachment, ...] = ()
    scene_id: str | None = None
    item_id: str | None = None
    blocking: bool = False  # a walk-off or a resignation always blocks


def is_anonymous(cmd: Command) -> bool:
    """Whether the command names nobody: an anonymous concern, recorded with no actor so
    that whoever raised it cannot be told from the record."""
    return isinstance(cmd, RaiseConcern) and cmd.anonymous


@dataclass(frozen=True, slots=True, kw_only=True)
class AcknowledgeConcern(Command):
    concern_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolveConcern(Command):
    concern_id: str
    resolution: str


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalateConcerns(Command):
    """Escalate every concern whose acknowledgements are overdue (run on a timer)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportIncident(Command):
    kind: IncidentKind
    description: str
    item_id: str | None = None
    lot_id: str | None = None
    rounds: int = 0  # rounds written off from the lot (unaccounted rounds)


@dataclass(frozen=True, slots=True, kw_only=True)
class HandInEvidence(Command):
    """Something handed in after an incident (rounds found in a truck), linked to it: who
    handed it in (in their own name, crew or not), what, and where and when it was found."""

    incident_id: str
    handed_in_by: str
    what: str
    found_where: str
    found_when: str = ""  # in the finder's words: "this morning, before call"
    rounds: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class HandOverToEvidence(Command):
    """One piece (an item, a lot's box, or something handed in) given into an
    investigator's custody as evidence of an incident; whoever sends it signs as its sender."""

    incident_id: str
    item_id: str | None = None
    lot_id: str | None = None
    handin_id: str | None = None
    investigator: str
    agency: str  # "Santa Fe County Sheriff's Office", "ATF", a crime lab
    case_number: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferEvidence(Command):
    """A piece already in evidence custody passed on (agency to lab), or filed under
    another case number: every holder and case number stays on the record."""

    evidence_id: str
    investigator: str
    agency: str
    case_number: str
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SignOffReview(Command):
    """The safety review of an incident, signed by someone not involved in it: what was
    found, its cause, what changes, and who was involved (person ids)."""

    incident_id: str
    findings: str
    cause: str
    corrective_actions: str
    involved: tuple[str, ...] = ()
    # The signer's own PIN, confirmed at the door (access/attest.py); never the sender's
    # to set.
    signer_confirmed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CountersignReview(Command):
    """The armorer's signature on the review of a discharge or an injury."""

    incident_id: str
    signer_confirmed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CloseDay(Command):
    date: str
    counts: tuple[tuple[str, int], ...] = ()  # (lot id, rounds physically counted)


@dataclass(frozen=True, slots=True, kw_only=True)
class CorrectRecord(Command):
    """A correction never edits: it is a new event pointing at the one it corrects."""

    refers_to: int
    correction: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PickUpRental(Command):
    """Weapons picked up from a rental house under its rental agreement: the invoice's
    number, its scan's SHA-256 and the serials it lists. The production is liable for
    each from the pick-up until it goes back (ReturnRental)."""

    rental_id: str
    supplier_id: str  # the rental house, a registered supplier
    agreement: str  # the rental agreement's or invoice's number
    serials: tuple[str, ...]  # the serial numbers the invoice lists
    item_ids: tuple[str, ...]  # the registered items picked up under it
    picked_up_by: str  # the person who collected them
    agreement_sha256: str = ""  # SHA-256 (hex) of the invoice as scanned


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnRental(Command):
    """A rented item handed back to its rental house: who at the house received it and
    the return's reference, signed with the armorer's own PIN. It leaves the inventory,
    and the production's liability for it ends."""

    item_id: str
    supplier_id: str  # the rental house it goes back to
    receiver: str  # who at the rental house took it back
    reference: str = ""  # the house's return receipt or check-in number
    # The armorer's own PIN, confirmed at the door (access/attest.py).
    signer_confirmed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class AddUnit(Command):
    """A unit of the production (the first unit, a second unit, a splinter unit on
    another location): the locations it keeps weapons in, and the armorer answering for
    them."""

    unit_id: str
    name: str
    kind: UnitKind
    location_ids: tuple[str, ...]
    armorer_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DispatchTransfer(Command):
    """Weapons and rounds sent from one unit's location to another unit's (or to another
    of its own locations: a shipment), in a carrier's hands until the receiving armorer
    checks them in. The sending armorer signs with their own PIN."""

    from_unit: str
    from_location: str
    to_unit: str
    to_location: str
    carrier: str  # a person, or a company and its driver
    items: tuple[str, ...] = ()
    lots: tuple[tuple[str, int], ...] = ()  # (lot id, rounds sent from its box)
    waybill: str = ""
    # The sender's own PIN, confirmed at the door (access/attest.py).
    signer_confirmed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiveTransfer(Command):
    """A transfer checked in on arrival by the receiving unit's armorer, signed with their
    own PIN: the serials read off what arrived, and the rounds counted in each lot sent."""

    transfer_id: str
    serials: tuple[str, ...] = ()
    counts: tuple[tuple[str, int], ...] = ()  # (lot id, rounds counted on arrival)
    signer_confirmed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RefuseTransfer(Command):
    """A transfer turned away on arrival by the receiving unit's armorer (their own PIN):
    everything in it goes back to the sender's custody, where it was sent from."""

    transfer_id: str
    reason: str
    signer_confirmed: bool = False
