"""The checks the server makes of a request, as JSON Schema, so that /openapi.json says
exactly what the API takes: the edge types (ids, texts, dates, whole numbers), the bounds
the domain puts on single fields (domain/validate.py), the rules between fields that JSON
Schema can state, and, for what it cannot (the record's state, several query parameters
together), the 422s each operation may answer with.

Each pattern here is read by three regex engines: ECMA-262 (what JSON Schema means),
Rust's (pydantic's) and Python's (hypothesis, generating requests). They are written in
the syntax the three share and mean the same in each.

Why one module over 300 lines: every check the document carries, one place to compare
with domain/validate.py (a test does).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Header, Query
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)

from coldcheck.domain import commands as c
from coldcheck.domain.outside import Attachment
from coldcheck.domain.validate import ID_REGEX, MAX_INT, MAX_TEXT, SHA256_REGEX
from coldcheck.domain.values import Chamber, Content, Handled

# Text as the domain takes it (validate.MAX_TEXT); the length check also makes pydantic
# refuse lone surrogates, which cannot be encoded into the record.
Text = Annotated[StrictStr, Field(max_length=MAX_TEXT)]


def _whole(value: object) -> object:
    # JSON Schema's integer is any number with no fraction (1.0 is one); the domain's is
    # a Python int. Strings and booleans stay what they are, for StrictInt to refuse.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def whole(ge: int = -MAX_INT, le: int = MAX_INT) -> Any:
    """A whole number in [ge, le]. (Bounds must be given here: pydantic documents a bound
    put on a type that has a validator as a keyword JSON Schema does not know.)"""
    return Annotated[Annotated[StrictInt, Field(ge=ge, le=le)], BeforeValidator(_whole)]


Int = whole()
Id = Annotated[StrictStr, Field(pattern=ID_REGEX)]
# A scanned document's SHA-256, or nothing (validate.SHA256_RULE).
Sha256 = Annotated[StrictStr, Field(pattern=f"{SHA256_REGEX}|^$")]
# An original's name in the attachment store: never empty.
StoredSha256 = Annotated[StrictStr, Field(pattern=SHA256_REGEX)]

# Python's str.isspace() characters, which the domain's `.strip()` removes: a text made of
# these alone is blank. (ECMA's \s and Rust's \s are each a different set.)
WHITESPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Not blank: somewhere in it, one character that is not whitespace (JSON Schema patterns
# match anywhere in the text).
NonBlank = Annotated[StrictStr, Field(max_length=MAX_TEXT, pattern=f"[^{WHITESPACE}]")]

# A calendar date as YYYY-MM-DD: `format: date` (RFC 3339's full-date) in the document,
# whose pattern also leaves out the year 0000, which RFC 3339 has and Python's calendar
# has not. Checked by calendar_date (pydantic's regex engine has no look-ahead).
DATE_REGEX = r"^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def calendar_date(text: str) -> str:
    """`text` if it is a date like 2021-10-21 (ASCII digits, a day the month has)."""
    try:
        if _DATE.fullmatch(text):
            dt.date.fromisoformat(text)
            return text
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a calendar date like 2021-10-21")


Date = Annotated[
    StrictStr,
    AfterValidator(calendar_date),
    Field(json_schema_extra={"format": "date", "pattern": DATE_REGEX}),
]


def _has_next_day(text: str) -> str:
    # A day's report reads to the start of the next day, which 9999-12-31 lacks.
    if calendar_date(text) == "9999-12-31":
        raise ValueError("a day before 9999-12-31")
    return text


ReportDay = Annotated[
    str,
    AfterValidator(_has_next_day),
    Query(
        json_schema_extra={
            "format": "date",
            "pattern": r"^(?!0000|9999-12-31)[0-9]{4}-[0-9]{2}-[0-9]{2}$",
        }
    ),
]

# Parameters: the things a question or report names. (A production in a path is any
# text: one that is no id is just unknown, 404, as one the caller is not on.)
ItemParam = Annotated[str, Query(pattern=ID_REGEX)]
PersonParam = Annotated[str, Query(pattern=ID_REGEX)]
Named = Annotated[str | None, Query(pattern=ID_REGEX)]


def _digits(value: object) -> object:
    # A header's whole number as its decimal digits alone: pydantic would also read
    # "+5", "5.0" and "5_000", which JSON Schema's integer is not.
    if value is None or (isinstance(value, str) and value.isascii() and value.isdigit()):
        return value
    raise ValueError("a whole number of microseconds, in decimal digits")


# Optional headers: absent is None, but a header is never JSON null, so the document
# gives each the schema of its value alone.
KEY_REGEX = r"^[A-Za-z0-9._:-]{1,128}$"
IdempotencyKey = Annotated[
    str | None,
    WithJsonSchema({"type": "string", "pattern": KEY_REGEX}),
    Header(pattern=KEY_REGEX, description="Retries with the same key get the first answer"),
]
DeviceTime = Annotated[
    Annotated[int, Field(ge=0, le=MAX_INT)] | None,
    BeforeValidator(_digits),
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_INT}),
    Header(
        description="The device's clock, UTC microseconds: kept as a claim; a large "
        "difference from the server's is flagged"
    ),
]

# What the domain checks of one field alone (validate._values), as bounds the schema
# carries: a request the document allows is never refused for any of these.
LIMITS: dict[tuple[type, str], dict[str, Any]] = {
    (c.AddPerson, "roles"): {"min_length": 1},
    (c.ChangeRoles, "roles"): {"min_length": 1},
    (c.RegisterItem, "chambers"): {"ge": 0, "le": 100},
    (c.ReceiveLot, "count"): {"ge": 1, "le": 1_000_000},
    (c.VerifyRounds, "first"): {"ge": 1},
    (c.VerifyRounds, "last"): {"ge": 1},
    (c.PlanScene, "min_distance_feet"): {"ge": 0},
    (c.RecordTraining, "minutes"): {"ge": 1},
    (c.RecordTraining, "topics"): {"min_length": 1},
    (c.DeclineTraining, "topics"): {"min_length": 1},
    (c.ReportIncident, "rounds"): {"ge": 0},
    (c.HandInEvidence, "rounds"): {"ge": 0},
    (c.CorrectRecord, "refers_to"): {"ge": 1},
    (c.RecordOutsideConcern, "said_at"): {"ge": 0},
    (c.RecordOutsideConcern, "attachments"): {"max_length": 20},
}
# Fields whose text the domain reads as something narrower than text.
KINDS: dict[tuple[type, str], Any] = {
    (c.RecordQualification, "expires_on"): Date,
    (c.RecordQualification, "kind"): NonBlank,
    (c.RecordQualification, "number"): NonBlank,
    (c.RecordQualification, "evidence_sha256"): Sha256,
    (c.RecordExperience, "started_on"): Date,
    (c.RecordExperience, "ended_on"): Date,
    (c.RecordExperience, "production"): NonBlank,
    (c.NameContacts, "hotline"): NonBlank,
    (c.PlanScene, "date"): Date,
    (c.CloseDay, "date"): Date,
    (c.RaiseConcern, "text"): NonBlank,
    (c.RecordOutsideConcern, "text"): NonBlank,
    (Attachment, "sha256"): StoredSha256,
    (Attachment, "filename"): NonBlank,
    (Attachment, "media_type"): NonBlank,
    (c.CorrectRecord, "correction"): NonBlank,
    (c.RegisterSupplier, "name"): NonBlank,
    (c.SignOffReview, "findings"): NonBlank,
    (c.SignOffReview, "cause"): NonBlank,
    (c.SignOffReview, "corrective_actions"): NonBlank,
    (c.ReceiveLot, "invoice_sha256"): Sha256,
    (c.ReceiveLot, "packing_list_sha256"): Sha256,
    (c.PickUpRental, "agreement_sha256"): Sha256,
    (c.PickUpRental, "agreement"): NonBlank,
    (c.ReturnRental, "receiver"): NonBlank,
    (Handled, "by"): NonBlank,
    **{(c.HandInEvidence, name): NonBlank for name in ("handed_in_by", "what", "found_where")},
    **{
        (kind, name): NonBlank
        for kind in (c.HandOverToEvidence, c.TransferEvidence)
        for name in ("investigator", "agency", "case_number")
    },
}


def _not_spent(schema: dict[str, Any]) -> None:
    schema["items"] = {
        "allOf": [
            schema["items"],
            {"properties": {"content": {"not": {"const": Content.SPENT.value}}}},
        ]
    }


# Rules between fields (validate._values) that JSON Schema can state, by model or field.
FIELD_SCHEMA: dict[tuple[type, str], Any] = {
    # Spent cases are cleared before a weapon is inspected.
    (c.InspectItem, "chambers"): _not_spent,
    (c.HandOver, "chambers"): _not_spent,
}
EMPTY_HAS_NO_LOT = {  # a chamber's rule
    "if": {"properties": {"content": {"const": Content.EMPTY.value}}, "required": ["content"]},
    "then": {"properties": {"lot": {"type": "null"}}},
}
ROUNDS_NEED_A_LOT = {  # an incident's: rounds written off come from a lot
    "if": {"properties": {"rounds": {"minimum": 1}}, "required": ["rounds"]},
    "then": {"properties": {"lot_id": {"type": "string"}}, "required": ["lot_id"]},
}
TRANSFER_NAMES_A_TRANSFEREE = {  # a disposal's: a theft or loss has nobody to name
    "if": {
        "not": {
            "properties": {"disposition": {"enum": ["theft", "loss"]}},
            "required": ["disposition"],
        }
    },
    "then": {
        "properties": {"transferee": {"pattern": f"[^{WHITESPACE}]"}},
        "required": ["transferee"],
    },
}
ONE_PIECE = {  # a handover to evidence names exactly one piece
    "oneOf": [
        {"properties": {name: {"type": "string"}}, "required": [name]}
        for name in ("item_id", "lot_id", "handin_id")
    ]
}
MODEL_SCHEMA: dict[type, dict[str, Any]] = {
    Chamber: EMPTY_HAS_NO_LOT,
    c.ReportIncident: ROUNDS_NEED_A_LOT,
    c.DisposeItem: TRANSFER_NAMES_A_TRANSFEREE,
    c.HandOverToEvidence: ONE_PIECE,
}


@dataclass(frozen=True, slots=True)
class Beyond:
    """A 422 no schema can rule out: what the document says, and the problem detail it
    comes with (a regular expression)."""

    says: str
    detail: str


EXISTS = Beyond("a new id the production already has", r"^\w+ '.*' already exists$")
# Every command the recipient attests with their PIN (access/attest.py).
WRONG_PIN = Beyond(
    "a recipient_pin that is not the recipient's PIN (problem type wrong-pin; its "
    "tries_left is how many more wrong PINs in a row lock it)",
    r"^wrong PIN for .+: \d+ tr(y|ies) left before the PIN locks",
)
# Every signature: the signer's own PIN.
WRONG_SIGNER_PIN = Beyond(
    "a signer_pin that is not the signer's own PIN (problem type wrong-pin; its "
    "tries_left is how many more wrong PINs in a row lock it)",
    WRONG_PIN.detail,
)

# A proof is of a tree the signed head covers: no size the log has not reached yet.
TREE_SIZE = Beyond(
    "a tree size larger than the signed head's",
    r"^tree_size \d+ must be from 1 to the signed head's size \d+$",
)
SEQ_IN_TREE = Beyond(
    "a seq past the tree size", r"^seq \d+ is not an event of a tree of \d+ events$"
)
OLD_SIZE_IN_TREE = Beyond(
    "an old size larger than the tree size", r"^old_size \d+ must be from 1 to the tree size \d+$"
)

BEYOND_SCHEMA: dict[str, tuple[Beyond, ...]] = {
    "record-outside-concern": (
        Beyond(
            "an attachment the attachment store does not hold (upload it first)",
            r"^(attachment [0-9a-f]{64} \(.*\) is not in the attachment store: upload the "
            r"file first|attachments: this server keeps no attachment store)$",
        ),
        Beyond(
            "an attachment's file name with folders in it",
            r"^attachment \d+: a file name, without folders$",
        ),
    ),
    "add-person": (EXISTS,),
    "add-location": (EXISTS,),
    "register-item": (
        EXISTS,
        Beyond(
            "a tag already on another item", r"^tag (?:'.*'|\".*\") is already on another item$"
        ),
    ),
    "issue-item": (WRONG_PIN,),
    "hand-over": (WRONG_PIN,),
    "sign-off-review": (WRONG_SIGNER_PIN,),
    "countersign-review": (WRONG_SIGNER_PIN,),
    "register-supplier": (EXISTS,),
    "receive-lot": (EXISTS,),
    "verify-rounds": (
        Beyond(
            "rounds the lot does not have, or the last before the first",
            r"^rounds -?\d+ to -?\d+: lot .* has rounds 1 to \d+",
        ),
        Beyond("rounds already verified", r"^rounds \d+ to \d+ of lot .* are already verified"),
    ),
    "split-lot": (
        EXISTS,
        Beyond("the same id for both new lots", r"^into: give the two new lots different ids$"),
        Beyond(
            "rounds that do not add up to the lot's box", r"^rounds: the two new lots share the "
        ),
    ),
    "merge-lots": (
        EXISTS,
        Beyond("the same lot twice", r"^lot ids: name two different lots to merge$"),
        Beyond("a lot with an empty box", r"^lot ids: lot .* has no rounds in its box$"),
    ),
    "record-experience": (
        Beyond(
            "a credit that ends before it started",
            r"^ended_on: a credit ends on or after the day it started$",
        ),
    ),
    "name-contacts": (
        Beyond(
            "the same person as both contacts",
            r"^escalation contact: name someone other than the compliance contact$",
        ),
    ),
    "plan-scene": (EXISTS,),
    "approve-scene-plan": (
        Beyond(
            "a scene that already has every approval the caller can give",
            r"^scene .* already has the approval .* can give$",
        ),
    ),
    "acknowledge-concern": (
        Beyond("a concern the caller already acknowledged", r"^.* already acknowledged .*$"),
    ),
    "report-incident": (
        Beyond(
            "more rounds to write off than the lot has",
            r"^rounds written off need a lot that has that many$",
        ),
    ),
    "close-day": (
        Beyond(
            "a day that has not begun in the production's time zone",
            r"^.* has not begun; a day is closed on or after it$",
        ),
        Beyond("a day already closed", r"^.* is already closed$"),
    ),
    "correct-record": (
        Beyond("an event the record does not have yet", r"^there is no event #\d+ to correct$"),
    ),
    "POST /productions": (
        Beyond(
            "an override looser than the profile's own number",
            r"^\w+=-?\d+ is looser than the \w+ profile's \d+; a production may only "
            r"tighten its profile$",
        ),
    ),
    "POST /productions/{production_id}/witnesses": (
        Beyond("a vkey that is not a witness's cosigning key", r"^witness vkey: "),
        Beyond("a URL with no host urllib can read", r"^witness URL '.*': http\(s\)://host"),
        Beyond(
            "a witness past the most a production names",
            r"^a production names at most \d+ witnesses$",
        ),
    ),
    "GET /productions/{production_id}/proofs/inclusion": (TREE_SIZE, SEQ_IN_TREE),
    "GET /productions/{production_id}/proofs/consistency": (TREE_SIZE, OLD_SIZE_IN_TREE),
    "GET /productions/{production_id}/dossier": (
        Beyond(
            "more than one of incident, item and person", r"^choose one of incident, item or person"
        ),
    ),
}


# Any command may name an Idempotency-Key the caller already used for another request.
REUSED_KEY = Beyond(
    "an Idempotency-Key already used for a different request",
    r"^Idempotency-Key '.*' was already used for a different request",
)


def refusals(operation: str) -> tuple[Beyond, ...]:
    """What an operation (a command's slug, or method and path after the prefix) refuses
    with 422 beyond its schema."""
    command = "/" not in operation
    return BEYOND_SCHEMA.get(operation, ()) + ((REUSED_KEY,) if command else ())


def beyond_schema(operation: str, problem: dict[str, Any]) -> dict[int | str, Any]:
    """The operation's 422 response, naming what it refuses beyond its schema."""
    beyond = refusals(operation)
    if not beyond:
        return {}
    says = "; ".join(b.says for b in beyond)
    return {
        422: {
            **problem,
            "description": f"{problem['description']}: the request does "
            f"not fit the schema, or it names {says}",
        }
    }


# What a command creates, and the commands that act on it next: OpenAPI links from its
# 200 (the new id is in the first event's data), which stateful tests follow.
LINKS: dict[str, tuple[str, tuple[str, ...]]] = {
    "add-person": (
        "person_id",
        (
            "change-roles",
            "assign-authority",
            "record-qualification",
            "record-experience",
        ),
    ),
    "add-location": ("location_id", ("register-item", "move-item")),
    "register-item": ("item_id", ("move-item", "inspect-item", "dispose-item")),
    "register-supplier": ("supplier_id", ("receive-lot",)),
    "receive-lot": ("lot_id", ("verify-lot", "verify-rounds", "split-lot")),
    "plan-scene": ("scene_id", ("approve-scene-plan", "hold-safety-meeting")),
    "raise-concern": ("concern_id", ("acknowledge-concern", "resolve-concern")),
    "report-incident": ("incident_id", ("sign-off-review", "countersign-review")),
}


def links(slug: str) -> dict[int | str, Any]:
    if slug not in LINKS:
        return {}
    field, targets = LINKS[slug]
    return {
        200: {
            "links": {
                target: {
                    "operationId": target,
                    "parameters": {"path.production_id": "$request.path.production_id"},
                    "requestBody": {field: f"$response.body#/events/0/data/{field}"},
                    "description": f"The {field.removesuffix('_id')} this recorded.",
                }
                for target in targets
            }
        }
    }


def command_responses(
    slug: str, problem: dict[str, Any], more: dict[int | str, Any]
) -> dict[int | str, Any]:
    """A command's responses beyond the defaults: its 422s beyond the schema, its links."""
    return {**beyond_schema(slug, problem), **links(slug), **more}
