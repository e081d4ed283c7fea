"""What a command recorded, in sentences for the people on set: names instead of ids, the
production's local time, rounds counted by kind and lot.

`describe` reads the records one command wrote and the state after them. Each event type
has its sentence in one table (`SENTENCES`); an inspection followed by the issue it
cleared is one handoff sentence, and the deliveries of one concern are one sentence.

Why one module over 300 lines: the sentence of every event type, in one table read as
one list beside the parts it is built from (loads, rounds, quotes).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from coldcheck.domain import events as ev
from coldcheck.domain.attempts import VERBS
from coldcheck.domain.names import (
    holder,
    incident,
    item,
    listing,
    people,
    person,
    plural,
    term,
    topic,
)
from coldcheck.domain.state import State
from coldcheck.domain.values import (
    ApprovalRole,
    Barrel,
    Chamber,
    Content,
    Custodian,
    Label,
    PublicView,
)
from coldcheck.reports import evidence_words, lot_words, rental_words, transfer_words
from coldcheck.reports.text import visible

# A sentence: (state after the command, the record, its event) -> words, no full stop.
Sentence = Callable[[State, ev.Recorded, Any], str]

_ROUND = {
    Content.DUMMY: "dummy round",
    Content.BLANK: "blank round",
    Content.LIVE: "live round",
    Content.SPENT: "spent case",
}
_LABEL = {
    Label.CLEAR: "cold",
    Label.DUMMIES: "cold",
    Label.HOT: "hot",
    Label.UNSAFE: "unsafe: not to be issued",
}
QUOTE_MAX = 100  # characters of a typed text quoted in a sentence; the record keeps all


def describe(state: State, records: Sequence[ev.Recorded]) -> list[str]:
    """One plain sentence per thing the records say happened, in their order."""
    out = []
    for i, rec in enumerate(records):
        e = rec.event
        before, after = (
            records[j].event if 0 <= j < len(records) else None for j in (i - 1, i + 1)
        )
        if isinstance(e, ev.ItemInspected) and _issues(after, e.inspection_id):
            continue  # the issue that follows tells the inspection too
        if isinstance(e, ev.ConcernDelivered):
            if isinstance(before, ev.ConcernDelivered) and before.concern_id == e.concern_id:
                continue  # told with the first delivery of the run
            to = people(state, _delivered_to(records[i:], e.concern_id))
            out.append(
                visible(f"The concern {_concern(state, e.concern_id)} was delivered to {to}.")
            )
            continue
        out.append(sentence(state, rec))
    return out


def sentence(state: State, rec: ev.Recorded) -> str:
    """The sentence for one record; a type without one still gets words, never its name.
    What people typed in it (names, descriptions, a concern) shows its control characters
    spelled out (reports/text.py), so none can reorder or hide the sentence's words."""
    say = SENTENCES.get(type(rec.event))
    if say is None:
        return visible(f"{_who(state, rec)} recorded an entry at {_at(state, rec)}.")
    return visible(say(state, rec, rec.event) + ".")


def _issues(e: ev.Event | None, inspection_id: str) -> bool:
    return isinstance(e, ev.ItemIssued) and e.inspection_id == inspection_id


def _delivered_to(records: Sequence[ev.Recorded], concern_id: str) -> list[str]:
    """Who the run of deliveries of one concern at the start of `records` reached."""
    to = []
    for rec in records:
        e = rec.event
        if not (isinstance(e, ev.ConcernDelivered) and e.concern_id == concern_id):
            break
        to.append(e.person_id)
    return to


# -- the parts of sentences ------------------------------------------------------------


def _who(s: State, rec: ev.Recorded) -> str:
    return person(s, rec.actor) if rec.actor else "Someone"


def _at(s: State, rec: ev.Recorded) -> str:
    return s.local_time(rec.at)


def _quote(text: str) -> str:
    short = text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1].rstrip() + "…"
    return f"“{short}”"


def _concern(s: State, concern_id: str) -> str:
    found = s.concerns.get(concern_id)
    return _quote(found.text) if found else repr(concern_id)


def _rounds(chambers: Iterable[Chamber]) -> list[str]:
    """Rounds counted by what they are and the lot they came from: "6 dummy rounds from
    dum-45"."""
    counted = Counter((ch.content, ch.lot) for ch in chambers if ch.content in _ROUND)
    return [
        plural(n, _ROUND[content]) + (f" from {lot}" if lot else "")
        for (content, lot), n in counted.items()
    ]


def _load(chambers: tuple[Chamber, ...], barrel: Barrel) -> str:
    rounds = _rounds(chambers)
    blocked = ", BARREL OBSTRUCTED" if barrel is Barrel.OBSTRUCTED else ""
    if not rounds:
        return "empty, barrel " + ("obstructed" if blocked else "clear")
    return "loaded with " + listing(rounds) + blocked


def _shown(s: State, shown_to: tuple[str, ...]) -> str:
    return f", shown to {people(s, shown_to)}" if shown_to else ", shown to nobody"


def _lot_rounds(s: State, lot_id: str, n: int) -> str:
    lot = s.lots.get(lot_id)
    kind = f"{lot.ammo_type} round" if lot else "round"
    return f"{plural(n, kind)} from {lot_id}"


# -- one sentence per event type -------------------------------------------------------


def _inspected(s: State, r: ev.Recorded, e: ev.ItemInspected) -> str:
    load = _load(e.chambers, e.barrel)
    return (
        f"{_who(s, r)} inspected {item(s, e.item_id)} at {_at(s, r)}: {load}, "
        f"{_LABEL[e.label]}{_shown(s, e.shown_to) if e.shown_to else ''}"
    )


def _issued(s: State, r: ev.Recorded, e: ev.ItemIssued) -> str:
    said = (
        f"{_who(s, r)} handed {item(s, e.item_id)} to {person(s, e.recipient_id)} "
        f"for {e.scene_id} at {_at(s, r)}"
    )
    # Every door takes the acknowledgement only as the recipient's own PIN (access/attest.py).
    pin = (
        f"; {person(s, e.recipient_id)} confirmed it with their own PIN"
        if e.recipient_acknowledged
        else ""
    )
    insp = s.inspections.get(e.inspection_id)
    if insp is None:
        return said + pin
    return f"{said}, {_load(insp.chambers, insp.barrel)}{_shown(s, insp.shown_to)}{pin}"


def _returned(s: State, r: ev.Recorded, e: ev.ItemReturned) -> str:
    parts = []
    back = _rounds(ch for ch in e.chambers if ch.content is not Content.SPENT)
    if back:
        parts.append(f"{listing(back)} came back")
    parts += [f"{_lot_rounds(s, lot, n)} fired" for lot, n in e.fired]
    parts += [f"{plural(n, 'round')} missing from {lot}" for lot, n in e.missing]
    came = ", ".join(parts) or "it came back empty"
    return (
        f"{_who(s, r)} took back {item(s, e.item_id)} from {person(s, e.from_person)} "
        f"at {_at(s, r)}: {came}"
    )


def _incident(s: State, r: ev.Recorded, e: ev.IncidentReported) -> str:
    about = f" with {item(s, e.item_id)}" if e.item_id else ""
    off = f"; {_lot_rounds(s, e.lot_id, e.rounds)} written off" if e.lot_id and e.rounds else ""
    what = f"{term(e.kind)}{about}, {_quote(e.description)}{off}"
    return f"{_who(s, r)} reported an incident at {_at(s, r)}: {what}"


def _raised(s: State, r: ev.Recorded, e: ev.ConcernRaised) -> str:
    who = "Someone (anonymously)" if e.anonymous else _who(s, r)
    kind = "a blocking concern" if e.blocking else "a concern"
    about = [f"scene {e.scene_id}"] if e.scene_id else []
    about += [item(s, e.item_id)] if e.item_id else []
    on = f" about {listing(about)}" if about else ""
    stops = (
        f"; it stops {'that work' if about else 'every weapon being issued'} until resolved"
        if e.blocking
        else ""
    )
    return f"{who} raised {kind}{on} at {_at(s, r)}: {_quote(e.text)}{stops}"


def _outside(s: State, r: ev.Recorded, e: ev.ConcernReceivedOutside) -> str:
    author = person(s, e.author_id) if e.author_id else (_quote(e.author) if e.author else "")
    by = f" from {author}" if author else ""
    try:
        said = f"{s.local_date(e.said_at)} {s.local_time(e.said_at)}"
    except (ValueError, OverflowError, OSError):  # an instant no calendar holds
        said = f"an instant out of the calendar's range ({e.said_at} µs after 1970)"
    kept = [_quote(a.filename) + f" (SHA-256 {a.sha256[:12]}…)" for a in e.attachments]
    attached = f"; attached: {listing(kept)}" if kept else ""
    return f"It was raised outside ColdCheck{by} by {e.channel} on {said}{attached}"


def _approval(code: str) -> str:
    try:
        return term(ApprovalRole(code))
    except ValueError:
        return code.replace("_", " ")


SENTENCES: dict[type[ev.Event], Sentence] = {
    ev.ProductionCreated: lambda s, r, e: (
        f"{_who(s, r)} created the production {e.name} ({e.profile} rules, times in {e.timezone})"
    ),
    ev.PersonAdded: lambda s, r, e: (
        f"{_who(s, r)} added {e.name} as {listing(map(term, e.roles)) or 'crew'}"
    ),
    ev.RolesChanged: lambda s, r, e: (
        f"{_who(s, r)} made {person(s, e.person_id)} {listing(map(term, e.roles)) or 'crew'}"
    ),
    ev.AuthorityAssigned: lambda s, r, e: (
        f"{_who(s, r)} gave {person(s, e.person_id)} {term(e.authority)}"
    ),
    ev.AuthorityRevoked: lambda s, r, e: (
        f"{_who(s, r)} took {term(e.authority)} from {person(s, e.person_id)}"
    ),
    ev.QualificationRecorded: lambda s, r, e: (
        f"{_who(s, r)} recorded {person(s, e.person_id)}'s {e.kind} {e.number}"
        f"{f', issued by {e.issuer}' if e.issuer else ''}, valid until {e.expires_on}"
        f"{' (the document scanned)' if e.evidence_sha256 else ''}"
    ),
    ev.ExperienceRecorded: lambda s, r, e: (
        f"{_who(s, r)} recorded {person(s, e.person_id)}'s credit as {term(e.credit)} on "
        f"{e.production}, {e.started_on} to {e.ended_on}"
    ),
    ev.ContactsNamed: lambda s, r, e: (
        f"{_who(s, r)} named {person(s, e.compliance_contact_id)} the compliance contact and "
        f"{person(s, e.escalation_contact_id)} ({term(e.escalation_kind)}) the escalation "
        f"contact; safety hotline {e.hotline}"
    ),
    ev.PinReset: lambda s, r, e: (
        f"{_who(s, r)} reset {person(s, e.person_id)}'s PIN: they set a new one before "
        f"a weapon can be handed to them"
    ),
    ev.AccessRemoved: lambda s, r, e: (
        f"{_who(s, r)} removed {person(s, e.person_id)}'s access to this production"
    ),
    ev.LocationAdded: lambda s, r, e: (
        f"{_who(s, r)} added {e.name} as a place to keep items "
        f"({'locked' if e.secure else 'not locked'})"
    ),
    ev.ItemRegistered: lambda s, r, e: (
        f"{_who(s, r)} registered {item(s, e.item_id)}, serial {e.serial}, "
        f"kept in {holder(s, Custodian('location', e.location_id))}"
    ),
    ev.LotVerified: lambda s, r, e: f"{_who(s, r)} verified lot {e.lot_id}: {_quote(e.method)}",
    ev.ItemMoved: lambda s, r, e: (
        f"{_who(s, r)} moved {item(s, e.item_id)} from {holder(s, e.from_)} to "
        f"{holder(s, e.to)} at {_at(s, r)}"
    ),
    ev.ItemInspected: _inspected,
    ev.ItemIssued: _issued,
    ev.ItemReturned: _returned,
    ev.ScenePlanned: lambda s, r, e: (
        f"{_who(s, r)} planned {'the rehearsal' if e.rehearsal else 'scene'} {e.scene_id} "
        f"{_quote(e.title)} for {e.date}: {people(s, e.performers)} with "
        f"{listing(_tiered(s, e, i) for i in e.items) or 'no items'}, {term(e.ammo)}"
        f"{_public_view(e.public_view)}"
    ),
    ev.ScenePlanApproved: lambda s, r, e: (
        f"{person(s, e.approver_id)} approved the plan for scene {e.scene_id} "
        f"as {_approval(e.as_role)}"
        + (
            f", a firing weapon in rehearsal because {_quote(e.firing_rehearsal_reason)}"
            if e.firing_rehearsal_reason
            else ""
        )
    ),
    ev.SafetyMeetingHeld: lambda s, r, e: (
        f"{_who(s, r)} held the safety meeting for scene {e.scene_id} with {people(s, e.attendees)}"
    ),
    ev.TrainingRecorded: lambda s, r, e: (
        f"{person(s, e.trainer_id)} trained {person(s, e.person_id)} in "
        f"{listing(map(topic, e.topics))} ({plural(e.minutes, 'minute')})"
    ),
    ev.TrainingDeclined: lambda s, r, e: (
        f"{person(s, e.person_id)} declined training in {listing(map(topic, e.topics))}: "
        f"{_quote(e.reason)}"
    ),
    ev.ConcernRaised: _raised,
    ev.ConcernReceivedOutside: _outside,
    ev.ConcernDelivered: lambda s, r, e: (
        f"The concern {_concern(s, e.concern_id)} was delivered to {person(s, e.person_id)}"
    ),
    ev.ConcernAcknowledged: lambda s, r, e: (
        f"{person(s, e.person_id)} acknowledged the concern {_concern(s, e.concern_id)}"
    ),
    ev.ConcernEscalated: lambda s, r, e: (
        f"The concern {_concern(s, e.concern_id)} was escalated: "
        f"{people(s, e.overdue)} had not acknowledged it in time"
    ),
    ev.ConcernResolved: lambda s, r, e: (
        f"{_who(s, r)} resolved the concern {_concern(s, e.concern_id)}: {_quote(e.resolution)}"
    ),
    ev.IncidentReported: _incident,
    ev.StandDownBegan: lambda s, r, e: (
        f"Firearms stand down after {incident(s, e.incident_id, r.at)} until its safety "
        "review is signed off"
    ),
    ev.ReviewSignedOff: lambda s, r, e: _review(s, r, e),
    ev.ReviewCountersigned: lambda s, r, e: (
        f"{_who(s, r)} countersigned the safety review of "
        f"{incident(s, e.incident_id, r.at)}{_by_pin(e.signer_confirmed)}"
    ),
    ev.StandDownLifted: lambda s, r, e: "The stand-down is over: firearms may be issued again",
    ev.DayClosed: lambda s, r, e: (
        f"{_who(s, r)} closed the day {e.date}, every item locked away; rounds counted: "
        f"{listing(f'{n} in {lot}' for lot, n in e.counts) or 'none'}"
    ),
    ev.RecordCorrected: lambda s, r, e: (
        f"{_who(s, r)} corrected an earlier entry: {_quote(e.correction)}"
    ),
    **lot_words.SENTENCES,
    **evidence_words.SENTENCES,
    **rental_words.SENTENCES,
    **transfer_words.SENTENCES,
    ev.AttemptRefused: lambda s, r, e: _attempt(s, r, e),
    ev.SigningKeyRotated: lambda s, r, e: (
        "The record's signing key was rotated: everything from here on is signed by the "
        "new key, and the old and the new key both signed the change"
    ),
}


def _by_pin(confirmed: bool) -> str:
    return ", with their own PIN" if confirmed else ""


def _review(s: State, r: ev.Recorded, e: ev.ReviewSignedOff) -> str:
    """A review as signed: its findings, and the rest of it where it was recorded."""
    text = (
        f"{_who(s, r)} signed off the safety review of {incident(s, e.incident_id, r.at)}"
        f"{_by_pin(e.signer_confirmed)}: {_quote(e.findings)}"
    )
    if e.cause:
        text += f"; cause: {_quote(e.cause)}"
    if e.corrective_actions:
        text += f"; corrective actions: {_quote(e.corrective_actions)}"
    if e.involved:
        text += f"; involved: {people(s, e.involved)}"
    if e.countersign_required:
        text += "; the armorer's countersignature is needed before the stand-down lifts"
    return text


def _attempt(s: State, r: ev.Recorded, e: ev.AttemptRefused) -> str:
    """A refused attempt: who tried what, on what, and the rules that refused it."""
    verb = VERBS.get(e.command, f"send {e.command}")
    what = [item(s, e.item_id) if e.item_id in s.items else (e.item_id or "")]
    what += [f"lot {e.lot_id}" if e.lot_id else ""]
    what += [f"to {person(s, e.recipient_id)}" if e.recipient_id else ""]
    what += [f"for scene {e.scene_id}" if e.scene_id else ""]
    what += [f"of {incident(s, e.incident_id, r.at)}" if e.incident_id in s.incidents else ""]
    on = " ".join(w for w in what if w)
    return (
        f"{_who(s, r)} tried to {verb}{' ' + on if on else ''} at {_at(s, r)} and was "
        f"refused by {listing(e.codes)}: nothing of it was done"
    )


def _tiered(s: State, e: ev.ScenePlanned, item_id: str) -> str:
    tier = next((t.tier for t in e.tiers if t.item_id == item_id), None)
    return f"{item(s, item_id)} as {term(tier)}" if tier else item(s, item_id)


def _public_view(view: PublicView | None) -> str:
    """A plan's permit and police notice, in words: "; in public view, permit …"."""
    if view is None:
        return ""
    said = [
        f"permit {visible(view.permit_number) or '(no number)'}"
        + (f" from {visible(view.permit_authority)}" if view.permit_authority else ""),
        f"police notified: {visible(view.police_notified) or '(nobody named)'}"
        + (f" at {visible(view.notified_at)}" if view.notified_at else "")
        + (f", reference {visible(view.police_reference)}" if view.police_reference else ""),
    ]
    if view.officer_required:
        said.append(f"officer present: {visible(view.officer_name) or '(not named)'}")
    return "; in public view, " + ", ".join(said)
