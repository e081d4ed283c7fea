"""Value types of the set: kinds, roles, chamber loads and the label derived from a load."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class ItemKind(StrEnum):
    FIREARM = "firearm"  # live-fire capable
    BLANK_ADAPTED = "blank_adapted"
    REPLICA = "replica"  # non-firing
    RUBBER = "rubber"
    AIRSOFT = "airsoft"


# Kinds that can discharge something. Replicas and rubber props cannot.
DISCHARGING_KINDS = frozenset({ItemKind.FIREARM, ItemKind.BLANK_ADAPTED, ItemKind.AIRSOFT})


class AmmoType(StrEnum):
    DUMMY = "dummy"
    BLANK = "blank"
    LIVE = "live"


class SupplierKind(StrEnum):
    """Who a supplier of rounds is: where a lot came from (DOMAIN.md §6: on Rust rounds
    came from a prop supplier, a private source and the armorer's previous film)."""

    RENTAL_HOUSE = "rental_house"
    PROP_SUPPLIER = "prop_supplier"
    MANUFACTURER = "manufacturer"
    PRODUCTION = "production"  # another production, handing on what it had left


class Handling(StrEnum):
    """What was done to rounds after they were made, before they reached this set."""

    REPACKAGED = "repackaged"
    CLEANED = "cleaned"
    RELOADED = "reloaded"


@dataclass(frozen=True, slots=True)
class Handled:
    """Rounds of a lot were repackaged, cleaned or reloaded, and by whom (as the
    paperwork names them)."""

    what: Handling
    by: str


class RoundCheck(StrEnum):
    """How one dummy was checked when a lot's rounds are verified one by one: the
    verification methods the lot form offers, for a single round."""

    RATTLE_TEST = "rattle test"
    INERT_PRIMER = "inert primer"
    DRILLED_CASE = "drilled case"


class QuarantineReason(StrEnum):
    """Why a lot is held until every round is verified one by one (DOMAIN.md §6: the
    Rust supplier repackaged dummies from another production; live rounds carried the
    dummies' headstamp)."""

    UNKNOWN_ORIGIN = "unknown_origin"
    ANOTHER_PRODUCTION = "another_production"
    REPACKAGED = "repackaged"


class SceneAmmo(StrEnum):
    NONE = "none"
    DUMMY = "dummy"
    BLANK = "blank"


class Role(StrEnum):
    ARMORER = "armorer"
    ASSISTANT_ARMORER = "assistant_armorer"
    PROPERTY_MASTER = "property_master"
    PROPS_ASSISTANT = "props_assistant"
    FIRST_AD = "first_ad"
    PERFORMER = "performer"
    STUNT_COORDINATOR = "stunt_coordinator"
    CAMERA = "camera"
    DIRECTOR = "director"
    SAFETY_REP = "safety_rep"
    PRODUCER = "producer"
    UPM = "upm"
    STUDIO_CONTACT = "studio_contact"
    CREW = "crew"


WEAPONS_ROLES = frozenset({Role.ARMORER, Role.ASSISTANT_ARMORER, Role.PROPERTY_MASTER})


class Authority(StrEnum):
    FIREARM_SAFETY = "firearm_safety"
    HIRING = "hiring"


class Credential(StrEnum):
    """The credentials a policy profile can require of the armorer and of any handler
    (DOMAIN.md §6: California §9153(b); the BBC; Canada). A qualification recorded under
    another kind is kept, and checked for its expiry, but satisfies no requirement."""

    ENTERTAINMENT_FIREARMS_PERMIT = "entertainment_firearms_permit"  # California DOJ
    FEDERAL_FIREARMS_LICENCE = "federal_firearms_licence"  # US FFL
    BUSINESS_FIREARMS_LICENCE = "business_firearms_licence"  # Canada's federal licence
    INDUSTRY_TRAINING = "industry_training"  # e.g. CSATF's firearms safety courses


class Course(StrEnum):
    """The firearm-safety courses a profile can require by tier, recorded as training
    topics (DOMAIN.md §6: California §9156, CSATF courses S and S2)."""

    HANDLER = "handler_course"  # everyone who handles firearms
    NEAR_FIREARMS = "near_firearms_course"  # everyone who works near them


def credential_of(kind: str) -> Credential | None:
    """The required credential a recorded qualification's kind names, if any: typed as
    "Entertainment firearms permit" or "entertainment_firearms_permit" alike."""
    key = "_".join(kind.strip().lower().replace("-", " ").split())
    try:
        return Credential(key)
    except ValueError:
        return None


class Credit(StrEnum):
    """What a person was on another production's firearms team."""

    HEAD_ARMORER = "head_armorer"
    ASSISTANT_ARMORER = "assistant_armorer"


class ContactKind(StrEnum):
    """Who a production's escalation contact is: someone outside the set's own chain of
    command (DOMAIN.md §6: on Rust complaints stayed with the people causing them)."""

    STUDIO_SAFETY = "studio_safety"
    UNION_REPRESENTATIVE = "union_representative"
    INSURER = "insurer"


class ApprovalRole(StrEnum):
    """The capacity in which someone approves a scene plan (`ScenePlanApproved.as_role`):
    as the holder of firearm-safety authority (the armorer), or as the 1st AD. A plan is
    approved once it has every one of them (DOMAIN.md §1.7)."""

    FIREARM_SAFETY = "firearm_safety"
    FIRST_AD = "first_ad"


# Who a concern is delivered to when it is raised, besides everyone holding an authority.
CONCERN_ROLES = frozenset({Role.PRODUCER, Role.UPM, Role.FIRST_AD})
# Who it is delivered to next, level by level, while someone it reached has not
# acknowledged it in time.
ESCALATION_ROLES = MappingProxyType(
    {1: frozenset({Role.SAFETY_REP}), 2: frozenset({Role.STUDIO_CONTACT})}
)
# Accountable for a concern: every role a concern can reach, raised or escalated (with
# everyone holding an authority). Any of them may resolve it.
ACCOUNTABLE_ROLES = CONCERN_ROLES.union(*ESCALATION_ROLES.values())
# Who signs off the safety review that ends a stand-down, besides any holder of
# firearm-safety authority: the safety rep. Producers and the UPM do not: on Rust
# management knew procedures were not followed and did nothing (DOMAIN.md §3).
REVIEW_ROLES = frozenset({Role.SAFETY_REP})


class Manoeuvre(StrEnum):
    DRAW = "draw"
    CROSS_DRAW = "cross_draw"
    TWIRL = "twirl"
    POINT_AT_CAMERA = "point_at_camera"
    POINT_AT_PERSON = "point_at_person"
    DRY_FIRE = "dry_fire"
    FIRE_BLANK = "fire_blank"


POINTING = frozenset({Manoeuvre.POINT_AT_CAMERA, Manoeuvre.POINT_AT_PERSON})


class Mitigation(StrEnum):
    SHIELD = "shield"
    REMOTE_CAMERA = "remote_camera"
    CHEAT_ANGLE = "cheat_angle"
    EYE_PROTECTION = "eye_protection"
    HEARING_PROTECTION = "hearing_protection"


class Barrel(StrEnum):
    CLEAR = "clear"
    OBSTRUCTED = "obstructed"


class Content(StrEnum):
    EMPTY = "empty"
    DUMMY = "dummy"
    BLANK = "blank"
    LIVE = "live"
    SPENT = "spent"  # a fired case, seen only when a weapon comes back


class Label(StrEnum):
    """What an inspection shows. "Cold" is displayed only for CLEAR and DUMMIES."""

    CLEAR = "clear"
    DUMMIES = "dummies"
    HOT = "hot"
    UNSAFE = "unsafe"

    @property
    def is_cold(self) -> bool:
        return self in (Label.CLEAR, Label.DUMMIES)


class IncidentKind(StrEnum):
    MISFIRE = "misfire"
    ACCIDENTAL_DISCHARGE = "accidental_discharge"
    NEGLIGENT_DISCHARGE = "negligent_discharge"
    LIVE_ROUND_FOUND = "live_round_found"
    UNSECURED_ITEM = "unsecured_item"
    UNACCOUNTED_ROUNDS = "unaccounted_rounds"
    INJURY = "injury"


# Incidents whose review the armorer countersigns before the stand-down lifts: a weapon
# went off, or someone was hurt (DOMAIN.md §1.11: the cause found and logged).
COUNTERSIGNED_KINDS = frozenset(
    {IncidentKind.ACCIDENTAL_DISCHARGE, IncidentKind.NEGLIGENT_DISCHARGE, IncidentKind.INJURY}
)


class Disposition(StrEnum):
    """How an item left the production's inventory: handed to a transferee, or stolen or
    lost (27 CFR 478.39a: a licensee reports those to ATF and the police)."""

    TRANSFER = "transfer"
    THEFT = "theft"
    LOSS = "loss"


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"


class Entry(StrEnum):
    """How the armorer set the chambers on the form: one chamber at a time, or one
    deliberate tap that set them all (kept on the record, never a default)."""

    PER_CHAMBER = "per_chamber"
    AS_PLANNED = "as_planned"  # the scene plan's ammunition from one lot, each round checked
    ALL_EMPTY = "all_empty"
    AS_ISSUED = "as_issued"  # on return: what went out came back
    ALL_FIRED = "all_fired"  # on return: every blank issued was fired


@dataclass(frozen=True, slots=True)
class Chamber:
    """One chamber as the armorer saw it: its content, the lot a round came from, and
    whether that round was taken out and checked individually."""

    content: Content
    lot: str | None = None
    checked: bool = False

    @property
    def holds_round(self) -> bool:
        return self.content in (Content.DUMMY, Content.BLANK, Content.LIVE)


def derive_label(barrel: Barrel, chambers: tuple[Chamber, ...]) -> Label:
    """The label follows from the load; nobody types it."""
    contents = {c.content for c in chambers}
    if barrel is Barrel.OBSTRUCTED or Content.LIVE in contents or Content.SPENT in contents:
        return Label.UNSAFE
    # A dummy that was not taken out and checked could be anything (DOMAIN.md §2), even
    # in a weapon that also holds blanks.
    if not all(c.checked for c in chambers if c.content is Content.DUMMY):
        return Label.UNSAFE
    if Content.BLANK in contents:
        return Label.HOT
    if Content.DUMMY in contents:
        return Label.DUMMIES
    return Label.CLEAR


def returned_label(chambers: tuple[Chamber, ...]) -> Label | None:
    """What a return proves about the load: a live round makes it unsafe, blanks make it
    hot. Nothing a return shows makes it cold: nobody looked through the barrel or took
    each round out and checked it, so only an inspection says clear or dummies."""
    contents = {c.content for c in chambers}
    if Content.LIVE in contents:
        return Label.UNSAFE
    if Content.BLANK in contents:
        return Label.HOT
    return None


@dataclass(frozen=True, slots=True)
class Custodian:
    """Where an item is: a storage location, or one named person."""

    # "location" | "person" | "disposed" | "evidence" (id: the evidence id) | "returned"
    # (id: the rental house, a supplier id) | "transit" (id: the transfer id; the carrier holds it)
    kind: str
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


class UnitKind(StrEnum):
    """A unit of the production: the main unit, a second unit (stunts, inserts), or a
    splinter unit shooting at another location at the same time."""

    FIRST = "first"
    SECOND = "second"
    SPLINTER = "splinter"


class TransferStatus(StrEnum):
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    REFUSED = "refused"  # turned away on arrival: back with the sender


class Tier(StrEnum):
    """What an item in a scene plan is there for (DOMAIN.md §6: practice is a stand-in
    for line-up, a rubber gun for rehearsal, the hero gun for filming only)."""

    STAND_IN = "stand_in"  # a stand-in for the line-up: never a firing weapon
    REPLICA = "replica"  # a non-firing replica or rubber gun for rehearsal
    HERO = "hero"  # the hero weapon, for filming


# The tiers a firing weapon may never be listed under.
NON_FIRING_TIERS = frozenset({Tier.STAND_IN, Tier.REPLICA})


@dataclass(frozen=True, slots=True)
class ItemTier:
    """One item of a scene plan and the tier it is planned under."""

    item_id: str
    tier: Tier


@dataclass(frozen=True, slots=True)
class PublicView:
    """A scene filmed where the public can see it: its permit and the police notice
    (DOMAIN.md §6: FilmLA declares the weapons on the permit and notifies the police at
    least 30 minutes before, often with an officer present; British Columbia may require
    an officer; UK police guidance for filming with weapons in public). Blank until known:
    a plan may be saved without them, and its approval asks for them."""

    permit_number: str = ""
    permit_authority: str = ""  # who issued the permit (FilmLA, a city, a council)
    police_notified: str = ""  # who at the police was told (a desk, a unit, an officer)
    notified_at: str = ""  # when, as YYYY-MM-DDTHH:MM
    police_reference: str = ""  # the police's reference for the notice
    officer_required: bool = False  # the permit or the police require an officer present
    officer_name: str = ""

    def missing(self) -> list[str]:
        """What the plan does not yet say, in words."""
        wanted = (
            (self.permit_number, "the permit number"),
            (self.permit_authority, "the permit's issuing authority"),
            (self.police_notified, "who at the police was notified"),
            (self.notified_at, "when the police were notified"),
            (self.police_reference, "the police notification's reference"),
        )
        gaps = [what for value, what in wanted if not value.strip()]
        if self.officer_required and not self.officer_name.strip():
            gaps.append("the name of the officer who must be present")
        return gaps
