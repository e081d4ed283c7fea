"""Input checks before any rule runs: ids well formed, references real, values in range.

These are not safety rules (those live in rules/); they turn bad input into a clear
error that names the problem, before anything is decided.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coldcheck.domain import commands as c
from coldcheck.domain import transfers
from coldcheck.domain.errors import InvalidCommand, NotFound
from coldcheck.domain.state import State
from coldcheck.domain.values import Authority, Chamber, Content, Disposition, ItemTier

# What an id is, once, for every layer: 1-64 ASCII letters, digits, '.', '_' or '-',
# starting with a letter or digit. ID_REGEX is the JSON Schema pattern (ECMA-262, where `$`
# without the m flag is the very end of the text); `is_id` is the same test in Python,
# whose `$` would also match before a final newline (so it uses fullmatch instead).
ID_RULE = "1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
ID_REGEX = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_TEXT = 4000
MAX_INT = 2**53 - 1  # the largest whole number JSON (RFC 8785) holds exactly
# A document's SHA-256 as the record keeps it: 64 lowercase hexadecimal digits.
SHA256_RULE = "64 hexadecimal digits (0-9, a-f), the SHA-256 of the scanned document"
SHA256_REGEX = r"^[0-9a-f]{64}$"
_SHA256 = re.compile(r"[0-9a-f]{64}")

# For each command: field -> the state table a reference must exist in ("new:" = must not).
REFERENCES: dict[type[c.Command], dict[str, str]] = {
    c.AddPerson: {"person_id": "new:people"},
    c.ChangeRoles: {"person_id": "people"},
    c.AssignAuthority: {"person_id": "people"},
    c.RevokeAuthority: {"person_id": "people"},
    c.RecordQualification: {"person_id": "people"},
    c.RecordExperience: {"person_id": "people"},
    c.NameContacts: {"compliance_contact_id": "people", "escalation_contact_id": "people"},
    c.ResetPin: {"person_id": "people"},
    c.RemoveAccess: {"person_id": "people"},
    c.AddLocation: {"location_id": "new:locations"},
    c.RegisterItem: {"item_id": "new:items", "location_id": "locations"},
    c.RegisterSupplier: {"supplier_id": "new:suppliers"},
    c.ReceiveLot: {"lot_id": "new:lots", "supplier_id": "suppliers"},
    c.VerifyLot: {"lot_id": "lots"},
    c.VerifyRounds: {"lot_id": "lots", "verified_by": "people"},
    c.SplitLot: {"lot_id": "lots", "into": "new:lots"},
    c.MergeLots: {"lot_ids": "lots", "into": "new:lots"},
    c.MoveItem: {"item_id": "items", "location_id": "locations"},
    c.DisposeItem: {"item_id": "items"},
    c.InspectItem: {"item_id": "items", "shown_to": "people"},
    c.IssueItem: {"item_id": "items", "recipient_id": "people", "scene_id": "scenes"},
    c.ReturnItem: {"item_id": "items"},
    c.PlanScene: {
        "scene_id": "new:scenes",
        "items": "items",
        "performers": "people",
        "near_firing_line": "people",
    },
    c.ApproveScenePlan: {"scene_id": "scenes"},
    c.HoldSafetyMeeting: {"scene_id": "scenes", "attendees": "people"},
    c.RecordTraining: {"person_id": "people", "trainer_id": "people"},
    c.DeclineTraining: {"person_id": "people"},
    c.RaiseConcern: {"scene_id": "scenes", "item_id": "items"},
    c.RecordOutsideConcern: {"scene_id": "scenes", "item_id": "items", "author_id": "people"},
    c.AcknowledgeConcern: {"concern_id": "concerns"},
    c.ResolveConcern: {"concern_id": "concerns"},
    c.ReportIncident: {"item_id": "items", "lot_id": "lots"},
    c.SignOffReview: {"incident_id": "incidents", "involved": "people"},
    c.CountersignReview: {"incident_id": "incidents"},
    c.HandInEvidence: {"incident_id": "incidents"},
    c.HandOverToEvidence: {
        "incident_id": "incidents",
        "item_id": "items",
        "lot_id": "lots",
        "handin_id": "handins",
    },
    c.TransferEvidence: {"evidence_id": "evidence"},
    c.PickUpRental: {
        "rental_id": "new:rentals",
        "supplier_id": "suppliers",
        "item_ids": "items",
        "picked_up_by": "people",
    },
    c.ReturnRental: {"item_id": "items", "supplier_id": "suppliers"},
    c.AddUnit: {"unit_id": "new:units", "location_ids": "locations", "armorer_id": "people"},
    c.DispatchTransfer: {
        "from_unit": "units",
        "from_location": "locations",
        "to_unit": "units",
        "to_location": "locations",
        "items": "items",
    },
    c.ReceiveTransfer: {"transfer_id": "transfers"},
    c.RefuseTransfer: {"transfer_id": "transfers"},
}

# Ids that are not references checked above: a chamber's lot and a counted lot (the rules
# report unknown ones). The API schema gives every one of these fields the id pattern.
OTHER_IDS: dict[type, frozenset[str]] = {
    Chamber: frozenset({"lot"}),
    ItemTier: frozenset({"item_id"}),
    c.CloseDay: frozenset({"counts"}),
    c.DispatchTransfer: frozenset({"lots"}),
    c.ReceiveTransfer: frozenset({"counts"}),
}

SINGULAR = {
    "people": "person",
    "locations": "location",
    "items": "item",
    "lots": "lot",
    "scenes": "scene",
    "concerns": "concern",
    "incidents": "incident",
    "suppliers": "supplier",
    "handins": "hand-in",
    "evidence": "piece of evidence",
    "rentals": "rental",
    "units": "unit",
    "transfers": "transfer",
}


def is_id(text: object) -> bool:
    """Whether `text` is an id (see ID_RULE)."""
    return isinstance(text, str) and _ID.fullmatch(text) is not None


def id_fields(cls: type) -> frozenset[str]:
    """The fields of a command (or a Chamber) that hold ids."""
    return frozenset(REFERENCES.get(cls, {})) | OTHER_IDS.get(cls, frozenset())


def parse_date(text: str, what: str) -> dt.date:
    """An ISO date, or a clear error naming the field."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidCommand(f"{what} must be a date like 2021-10-21, got {text!r}") from None


def validate(state: State, cmd: c.Command) -> None:
    """Raise InvalidCommand or NotFound if the command cannot even be considered."""
    if isinstance(cmd, c.CreateProduction):
        if state.created:
            raise InvalidCommand(f"production {state.production_id} already exists")
        _production(cmd)
        return
    if not state.created:
        raise NotFound(f"production {state.production_id} does not exist")
    check_actor(state, cmd)
    _texts(cmd)
    _ids(cmd)
    for name, table in REFERENCES.get(type(cmd), {}).items():
        _reference(state, cmd, name, table)
    _values(state, cmd)


def _production(cmd: c.CreateProduction) -> None:
    if not cmd.name.strip():
        raise InvalidCommand("a production needs a name")
    try:
        ZoneInfo(cmd.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidCommand(f"unknown time zone {cmd.timezone!r}") from None


def check_actor(state: State, cmd: c.Command) -> None:
    """The sender is a well-formed id of a person on the production, or the command is one
    that needs nobody."""
    if cmd.actor is None:
        # Until someone holds hiring authority, the production's creator sets up its people.
        bootstrap = not state.holders(Authority.HIRING) and isinstance(
            cmd, c.AddPerson | c.AssignAuthority
        )
        # The escalation timer acts for nobody; an anonymous concern names nobody.
        timer = isinstance(cmd, c.EscalateConcerns)
        if bootstrap or timer or c.is_anonymous(cmd):
            return
        raise InvalidCommand("who is asking? every command needs an actor (a person id)")
    if not is_id(cmd.actor):
        raise InvalidCommand(f"actor {cmd.actor!r} is not a valid id: use {ID_RULE}")
    if cmd.actor not in state.people:
        raise NotFound(f"unknown person {cmd.actor!r} on production {state.production_id}")


def _texts(cmd: c.Command) -> None:
    """Texts and numbers the record can hold: bounded text, valid Unicode (no lone
    surrogates, which UTF-8 cannot encode), whole numbers JSON keeps exactly."""
    for f in dataclasses.fields(cmd):
        pending: list[object] = [getattr(cmd, f.name)]
        while pending:
            v = pending.pop()
            if isinstance(v, tuple):
                pending.extend(v)
            elif isinstance(v, str):
                if len(v) > MAX_TEXT:
                    raise InvalidCommand(f"{f.name} is longer than {MAX_TEXT} characters")
                if not v.isascii() and any("\ud800" <= ch <= "\udfff" for ch in v):
                    raise InvalidCommand(f"{f.name} is not valid Unicode text")
            elif isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_INT:
                raise InvalidCommand(f"{f.name} is out of range (at most {MAX_INT})")


def _ids(value: object, where: str = "") -> None:
    """Every id the command names is well formed, before any is looked up: a malformed
    id is a malformed command (as at the API), not an unknown thing. Walks into tuples
    and nested values (a chamber's lot, the lots of a day's counts)."""
    if not dataclasses.is_dataclass(value):
        return
    ids = id_fields(type(value))
    for f in dataclasses.fields(value):
        name = f"{where}{f.name}"
        pending: list[object] = [getattr(value, f.name)]
        while pending:
            v = pending.pop()
            if isinstance(v, tuple):
                pending.extend(v)
            elif isinstance(v, str) and f.name in ids and not is_id(v):
                raise InvalidCommand(f"{name} {v!r} is not a valid id: use {ID_RULE}")
            else:
                _ids(v, f"{name} ")


def _reference(state: State, cmd: c.Command, name: str, table: str) -> None:
    must_be_new = table.startswith("new:")
    table = table.removeprefix("new:")
    value = getattr(cmd, name)
    rows: dict[str, object] = getattr(state, table)
    for ref in value if isinstance(value, tuple) else (value,):
        if ref is None:
            continue
        what = SINGULAR[table]
        if must_be_new:
            if ref in rows:
                raise InvalidCommand(f"{what} {ref!r} already exists")
        elif ref not in rows:
            raise NotFound(f"unknown {what} {ref!r}")


def _values(state: State, cmd: c.Command) -> None:
    match cmd:
        case c.AddPerson() | c.ChangeRoles() if not cmd.roles:
            raise InvalidCommand("a person needs at least one role")
        case c.RegisterItem() if not 0 <= cmd.chambers <= 100:
            raise InvalidCommand("chambers must be between 0 and 100")
        case c.RegisterItem() if any(i.tag == cmd.tag for i in state.items.values()):
            raise InvalidCommand(f"tag {cmd.tag!r} is already on another item")
        case c.DisposeItem() if cmd.disposition is Disposition.TRANSFER and not (
            cmd.transferee.strip()
        ):
            raise InvalidCommand(
                "transferee: say who receives the item (name and address or licence)"
            )
        case c.HandInEvidence() | c.HandOverToEvidence() | c.TransferEvidence():
            _evidence(state, cmd)
        case c.AddUnit() | c.DispatchTransfer() | c.ReceiveTransfer():
            transfers.validate(state, cmd)
        case c.RefuseTransfer() if not cmd.reason.strip():
            raise InvalidCommand("reason: say why the transfer is turned away")
        case c.ReceiveLot():
            _receipt(cmd)
        case c.PickUpRental() | c.ReturnRental():
            _rental(cmd)
        case c.RegisterSupplier() if not cmd.name.strip():
            raise InvalidCommand("name: say who the supplier is")
        case c.VerifyRounds():
            _rounds(state, cmd)
        case c.SplitLot():
            _split(state, cmd)
        case c.MergeLots():
            if cmd.lot_ids[0] == cmd.lot_ids[1]:
                raise InvalidCommand("lot ids: name two different lots to merge")
            for lot_id in cmd.lot_ids:
                if not state.lots[lot_id].in_box:
                    raise InvalidCommand(f"lot ids: lot {lot_id} has no rounds in its box")
        case c.RecordQualification():
            parse_date(cmd.expires_on, "expires_on")
            for name in ("kind", "number"):
                if not getattr(cmd, name).strip():
                    raise InvalidCommand(f"{name}: say what the qualification's {name} is")
            if cmd.evidence_sha256 and not _SHA256.fullmatch(cmd.evidence_sha256):
                raise InvalidCommand(
                    f"evidence_sha256: {cmd.evidence_sha256[:80]!r} is not {SHA256_RULE}"
                )
        case c.RecordExperience():
            if not cmd.production.strip():
                raise InvalidCommand("production: say which production the credit is on")
            started = parse_date(cmd.started_on, "started_on")
            if parse_date(cmd.ended_on, "ended_on") < started:
                raise InvalidCommand("ended_on: a credit ends on or after the day it started")
        case c.NameContacts():
            if cmd.compliance_contact_id == cmd.escalation_contact_id:
                raise InvalidCommand(
                    "escalation contact: name someone other than the compliance contact"
                )
            if not cmd.hotline.strip():
                raise InvalidCommand("hotline: give the number anyone can call about safety")
        case c.RemoveAccess() if cmd.actor == cmd.person_id:
            # Else the last holder of hiring authority could lock everyone out of hiring.
            raise InvalidCommand(
                "person id: you cannot remove your own access; another holder of hiring "
                "authority or an administrator does"
            )
        case c.PlanScene():
            parse_date(cmd.date, "date")
            if cmd.min_distance_feet < 0:
                raise InvalidCommand("min_distance_feet cannot be negative")
            _plan_extras(cmd)
        case c.RecordTraining() if cmd.minutes <= 0 or not cmd.topics:
            raise InvalidCommand("training needs topics and a positive number of minutes")
        case c.DeclineTraining() if not cmd.topics:
            raise InvalidCommand("say which training topics were declined")
        case c.InspectItem() | c.ReturnItem():
            inspecting = isinstance(cmd, c.InspectItem)
            for i, ch in enumerate(cmd.chambers, 1):
                if inspecting and ch.content is Content.SPENT:
                    raise InvalidCommand(f"chamber {i}: clear spent cases before inspecting")
                if ch.content is Content.EMPTY and ch.lot is not None:
                    raise InvalidCommand(f"chamber {i}: an empty chamber has no lot")
        case c.RaiseConcern() if not cmd.text.strip():
            raise InvalidCommand("describe the concern")
        case c.RecordOutsideConcern():
            _outside(cmd)
        case c.AcknowledgeConcern():
            concern = state.concerns[cmd.concern_id]
            if cmd.actor in {p for p, _ in concern.acknowledged}:
                raise InvalidCommand(f"{cmd.actor} already acknowledged {concern.id}")
        case c.ReportIncident() if cmd.rounds:
            lot = state.lots.get(cmd.lot_id or "")
            if lot is None or not 0 < cmd.rounds <= lot.missing + lot.in_box:
                raise InvalidCommand("rounds written off need a lot that has that many")
        case c.SignOffReview():
            for name in ("findings", "cause", "corrective_actions"):
                if not getattr(cmd, name).strip():
                    raise InvalidCommand(f"{name}: a review says {_REVIEW_TEXT[name]}")
        case c.CloseDay():
            if parse_date(cmd.date, "date").isoformat() > state.local_date(cmd.at):
                raise InvalidCommand(f"{cmd.date} has not begun; a day is closed on or after it")
            if cmd.date in state.closed_days:
                raise InvalidCommand(f"{cmd.date} is already closed")
        case c.CorrectRecord() if not cmd.correction.strip():
            raise InvalidCommand("correction: say what the entry got wrong and what is right")
        case c.CorrectRecord() if not 0 < cmd.refers_to <= state.seq:
            raise InvalidCommand(f"there is no event #{cmd.refers_to} to correct")


_REVIEW_TEXT = {
    "findings": "what was found",
    "cause": "what caused the incident",
    "corrective_actions": "what changes so that it does not happen again",
}


# What a person must say of evidence, by field, in the words the error gives.
_EVIDENCE_TEXTS = {
    "handed_in_by": "who handed it in",
    "what": "what was handed in",
    "found_where": "where it was found",
    "investigator": "the investigator's name",
    "agency": "the agency (sheriff, police, ATF, a lab)",
    "case_number": "their case number",
}


def _evidence(
    state: State, cmd: c.HandInEvidence | c.HandOverToEvidence | c.TransferEvidence
) -> None:
    for name, what in _EVIDENCE_TEXTS.items():
        if not str(getattr(cmd, name, "x")).strip():
            raise InvalidCommand(f"{name}: say {what}")
    if isinstance(cmd, c.HandInEvidence) and cmd.rounds < 0:
        raise InvalidCommand("rounds cannot be negative")
    if isinstance(cmd, c.HandOverToEvidence):
        named = [n for n in ("item_id", "lot_id", "handin_id") if getattr(cmd, n)]
        if len(named) != 1:
            raise InvalidCommand("name one piece to hand over: an item_id, a lot_id or a handin_id")
        handin = state.handins.get(cmd.handin_id or "")
        if handin is not None and handin.incident_id != cmd.incident_id:
            raise InvalidCommand(
                f"handin_id: {handin.id} was handed in for {handin.incident_id}, "
                f"not {cmd.incident_id}"
            )
        item = state.items.get(cmd.item_id or "")
        if item is not None and item.custodian.kind == "disposed":
            raise InvalidCommand(f"item_id: {item.id} is no longer the production's")


MAX_ATTACHMENTS = 20


def _outside(cmd: c.RecordOutsideConcern) -> None:
    if not cmd.text.strip():
        raise InvalidCommand("text: give the concern's words, or a summary of them")
    if cmd.said_at < 0:
        raise InvalidCommand("said_at: a time in UTC microseconds, not negative")
    if len(cmd.attachments) > MAX_ATTACHMENTS:
        raise InvalidCommand(f"attachments: at most {MAX_ATTACHMENTS} originals")
    for i, a in enumerate(cmd.attachments, 1):
        if not _SHA256.fullmatch(a.sha256):
            raise InvalidCommand(f"attachment {i}: {a.sha256[:80]!r} is not {SHA256_RULE}")
        if not a.filename.strip() or "/" in a.filename or "\\" in a.filename:
            raise InvalidCommand(f"attachment {i}: a file name, without folders")
        if not a.media_type.strip():
            raise InvalidCommand(f"attachment {i}: say the file's media type")


def _receipt(cmd: c.ReceiveLot) -> None:
    if not 0 < cmd.count <= 1_000_000:
        raise InvalidCommand("count must be between 1 and 1,000,000")
    for name in ("invoice_sha256", "packing_list_sha256"):
        value = getattr(cmd, name)
        if value and not _SHA256.fullmatch(value):
            raise InvalidCommand(f"{name}: {value[:80]!r} is not {SHA256_RULE}")
    for h in cmd.handled:
        if not h.by.strip():
            raise InvalidCommand(f"handled: say who {h.what} the rounds")


def _rental(cmd: c.PickUpRental | c.ReturnRental) -> None:
    if isinstance(cmd, c.ReturnRental):
        if not cmd.receiver.strip():
            raise InvalidCommand("receiver: say who at the rental house took the item back")
        return
    if not cmd.agreement.strip():
        raise InvalidCommand("agreement: give the rental agreement's or invoice's number")
    if cmd.agreement_sha256 and not _SHA256.fullmatch(cmd.agreement_sha256):
        raise InvalidCommand(
            f"agreement_sha256: {cmd.agreement_sha256[:80]!r} is not {SHA256_RULE}"
        )
    if not any(s.strip() for s in cmd.serials):
        raise InvalidCommand("serials: give the serial numbers the rental invoice lists")
    if not cmd.item_ids:
        raise InvalidCommand("item_ids: name the registered items picked up")
    if len(set(cmd.item_ids)) != len(cmd.item_ids):
        raise InvalidCommand("item_ids: name each item picked up once")


def _rounds(state: State, cmd: c.VerifyRounds) -> None:
    lot = state.lots[cmd.lot_id]
    if not 1 <= cmd.first <= cmd.last <= lot.received:
        raise InvalidCommand(
            f"rounds {cmd.first} to {cmd.last}: lot {lot.id} has rounds 1 to {lot.received}; "
            "give the first and last round checked, first no later than last"
        )
    for r in lot.checked:
        lo, hi = max(cmd.first, r.first), min(cmd.last, r.last)
        if lo <= hi:
            raise InvalidCommand(
                f"rounds {lo} to {hi} of lot {lot.id} are already verified; "
                "give only rounds not yet checked"
            )


def _split(state: State, cmd: c.SplitLot) -> None:
    lot = state.lots[cmd.lot_id]
    if cmd.into[0] == cmd.into[1]:
        raise InvalidCommand("into: give the two new lots different ids")
    if min(cmd.rounds) < 1 or sum(cmd.rounds) != lot.in_box:
        raise InvalidCommand(
            f"rounds: the two new lots share the {lot.in_box} rounds in lot {lot.id}'s box, "
            "at least one each"
        )


def _plan_extras(cmd: c.PlanScene) -> None:
    """A plan's tiers name its own items, once each; its public-view notice is well formed."""
    tiered = [t.item_id for t in cmd.tiers]
    for item_id in tiered:
        if item_id not in cmd.items:
            raise InvalidCommand(f"tiers: {item_id} is not one of the plan's items")
    if len(set(tiered)) < len(tiered):
        raise InvalidCommand("tiers: give each item one tier")
    view = cmd.public_view
    if view is None:
        return
    for f in dataclasses.fields(view):
        value = getattr(view, f.name)
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise InvalidCommand(f"public_view {f.name} is longer than {MAX_TEXT} characters")
    if view.notified_at.strip():
        try:
            dt.datetime.fromisoformat(view.notified_at)
        except ValueError:
            raise InvalidCommand(
                "public_view notified_at must be a date and time like 2021-10-21T07:30, "
                f"got {view.notified_at!r}"
            ) from None
