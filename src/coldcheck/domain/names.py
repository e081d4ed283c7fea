"""How the record reads to a person on set: names for ids, words for the values' codes.

The rules' details and the record's sentences (reports/words.py) speak these words, so
a refusal on the armorer's tablet says "Rosa Vega", not "rosa", "props assistant", not
"props_assistant", and "the last inspection (10:31)", not an inspection's id. Ids stay
what people type (the CLI's arguments, the API's bodies); these are what people read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from coldcheck.domain.state import Lot, State
from coldcheck.domain.values import (
    ApprovalRole,
    Authority,
    Course,
    Custodian,
    ItemKind,
    Label,
    Manoeuvre,
    QuarantineReason,
    Role,
    SceneAmmo,
    SupplierKind,
    Tier,
)

# Words for the values whose code does not read as a word with its underscores made
# spaces. Kept per enumeration: StrEnum members of different types can share a value
# (Authority.FIREARM_SAFETY and ApprovalRole.FIREARM_SAFETY are both "firearm_safety").
_TERMS: Mapping[type[StrEnum], Mapping[str, str]] = {
    Role: {Role.FIRST_AD: "1st AD", Role.UPM: "UPM", Role.SAFETY_REP: "safety rep"},
    Authority: {
        Authority.FIREARM_SAFETY: "firearm-safety authority",
        Authority.HIRING: "hiring authority",
    },
    ApprovalRole: {ApprovalRole.FIREARM_SAFETY: "the armorer", ApprovalRole.FIRST_AD: "the 1st AD"},
    ItemKind: {
        ItemKind.BLANK_ADAPTED: "blank-adapted firearm",
        ItemKind.REPLICA: "non-firing replica",
        ItemKind.RUBBER: "rubber prop",
    },
    Manoeuvre: {
        Manoeuvre.POINT_AT_CAMERA: "pointing toward the camera",
        Manoeuvre.POINT_AT_PERSON: "pointing toward a person",
        Manoeuvre.FIRE_BLANK: "firing blanks",
    },
    Course: {
        Course.HANDLER: "firearm handler course",
        Course.NEAR_FIREARMS: "working-near-firearms course",
    },
    Label: {Label.DUMMIES: "loaded with checked dummies"},
    QuarantineReason: {
        QuarantineReason.UNKNOWN_ORIGIN: "origin unknown (no registered supplier)",
        QuarantineReason.ANOTHER_PRODUCTION: "last served another production",
        QuarantineReason.REPACKAGED: "repackaged",
    },
    SupplierKind: {SupplierKind.PRODUCTION: "another production"},
    Tier: {
        Tier.STAND_IN: "the stand-in for the line-up",
        Tier.REPLICA: "the replica for rehearsal",
        Tier.HERO: "the hero for filming",
    },
    SceneAmmo: {
        SceneAmmo.NONE: "no ammunition",
        SceneAmmo.DUMMY: "dummy rounds",
        SceneAmmo.BLANK: "blanks",
    },
}


def term(value: StrEnum) -> str:
    """A value's code in words: "props assistant", "the 1st AD", "cross draw"."""
    return _TERMS.get(type(value), {}).get(value, value.replace("_", " "))


def topic(code: str) -> str:
    """A training topic (an item kind, a manoeuvre or a course, stored as its code) in
    words."""
    for kind in (ItemKind, Manoeuvre, Course):
        try:
            return term(kind(code))
        except ValueError:
            continue
    return code.replace("_", " ")


def listing(words: Iterable[str]) -> str:
    """ "A", "A and B", "A, B and C"; empty when there are none."""
    *rest, last = list(words) or [""]
    return f"{', '.join(rest)} and {last}" if rest else last


def plural(count: int, word: str) -> str:
    """ "1 round", "2 rounds"."""
    return f"{count} {word if count == 1 else word + 's'}"


def person(state: State, person_id: str | None) -> str:
    """A person's name; one the production does not know is named as given."""
    found = state.people.get(person_id or "")
    if found is not None:
        return found.name
    return "nobody" if person_id is None else f"someone not on this production ({person_id!r})"


def people(state: State, person_ids: Iterable[str]) -> str:
    """Several people's names, listed; "nobody" for none."""
    return listing(person(state, p) for p in person_ids) or "nobody"


def item(state: State, item_id: str) -> str:
    """An item as its label reads: its description and tag, "Colt .45 #2 (CC-0002)"."""
    found = state.items.get(item_id)
    if found is None:
        return repr(item_id)
    return f"{found.description} ({found.tag})" if found.description else found.tag


def holder(state: State, where: Custodian) -> str:
    """Who or what holds an item: "Jack Reyes", "Prop truck gun safe"."""
    if where.kind == "person":
        return person(state, where.id)
    if where.kind == "location":
        location = state.locations.get(where.id)
        return location.name if location else repr(where.id)
    if where.kind == "evidence":
        piece = state.evidence.get(where.id)
        return piece.holder.agency if piece else repr(where.id)
    if where.kind == "returned":
        house = state.suppliers.get(where.id)
        return house.name if house else repr(where.id)
    if where.kind == "transit":
        t = state.transfers.get(where.id)
        return t.carrier if t else repr(where.id)
    return where.id  # disposed of: to whom


def custody(state: State, evidence_id: str) -> str:
    """Who holds a piece of evidence: "Santa Fe County Sheriff's Office (Det. Cruz), case
    2026-1042"."""
    piece = state.evidence.get(evidence_id)
    if piece is None:
        return repr(evidence_id)
    h = piece.holder
    return f"{h.agency} ({h.investigator}), case {h.case_number}"


def place(state: State, where: Custodian) -> str:
    """Where an item is, after "is": "with Jack Reyes", "in Prop truck gun safe"."""
    if where.kind == "person":
        return f"with {holder(state, where)}"
    if where.kind == "location":
        return f"in {holder(state, where)}"
    if where.kind == "evidence":
        return f"in evidence custody: {custody(state, where.id)}"
    if where.kind == "returned":
        return f"returned to {holder(state, where)}"
    if where.kind == "transit":
        t = state.transfers.get(where.id)
        return f"in transit with {t.carrier} ({t.id})" if t else f"in transit ({where.id})"
    return f"disposed of (to {where.id})"


def moment(state: State, at_us: int, now_us: int) -> str:
    """A time on the production's clock: "10:42" today, "2021-10-20 10:42" another day."""
    if state.local_date(at_us) == state.local_date(now_us):
        return state.local_time(at_us)
    return f"{state.local_date(at_us)} {state.local_time(at_us)}"


def incident(state: State, incident_id: str, now_us: int) -> str:
    """An incident as people remember it: "the incident at 10:12 (misfire)"."""
    found = state.incidents.get(incident_id)
    if found is None:
        return f"incident {incident_id!r}"
    return f"the incident at {moment(state, found.at, now_us)} ({term(found.kind)})"


def quarantine(lot: Lot) -> str:
    """Why a lot is held and how far its rounds are checked: "lot dum-38 is in quarantine
    (last served another production, repackaged): 12 of 24 rounds verified one by one"."""
    why = ", ".join(term(r) for r in lot.quarantine)
    return (
        f"lot {lot.id} is in quarantine ({why}): {lot.rounds_checked} of "
        f"{plural(lot.received, 'round')} verified one by one"
    )
