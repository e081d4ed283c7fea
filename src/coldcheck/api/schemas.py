"""Request and response models: pydantic at the edge, generated from the domain's own
dataclasses so the OpenAPI document and the core cannot disagree."""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StrictInt,
    StrictStr,
    create_model,
)

from coldcheck.domain import commands as c
from coldcheck.domain.codec import to_data
from coldcheck.domain.events import Recorded
from coldcheck.domain.queries import Answer
from coldcheck.domain.rules import Violation
from coldcheck.domain.validate import ID_REGEX, MAX_TEXT

STRICT = ConfigDict(extra="forbid", strict=True)
SERVER_FIELDS = frozenset({"actor", "at", "claimed_at"})
# The record is canonical JSON (RFC 8785), which holds integers up to 2**53 - 1 exactly.
SAFE_INT = 2**53 - 1
PREFIX = "/api/v1"  # every API route's path starts here
# Text as the domain takes it (validate.MAX_TEXT); the length check also makes pydantic
# refuse lone surrogates, which cannot be encoded into the record.
Text = Annotated[StrictStr, Field(max_length=MAX_TEXT)]
Int = Annotated[StrictInt, Field(ge=-SAFE_INT, le=SAFE_INT)]
Id = Annotated[str, Field(pattern=ID_REGEX)]

# Every command the API takes, by URL slug (IssueItem → issue-item).
COMMANDS: dict[str, type[c.Command]] = {
    re.sub(r"(?<!^)(?=[A-Z])", "-", cls.__name__).lower(): cls
    for cls in (
        c.AddPerson, c.ChangeRoles, c.AssignAuthority, c.RevokeAuthority,
        c.RecordQualification, c.AddLocation, c.RegisterItem, c.ReceiveLot, c.VerifyLot,
        c.MoveItem, c.DisposeItem, c.InspectItem, c.IssueItem, c.ReturnItem, c.PlanScene,
        c.ApproveScenePlan, c.HoldSafetyMeeting, c.RecordTraining, c.DeclineTraining,
        c.RaiseConcern, c.AcknowledgeConcern, c.ResolveConcern, c.EscalateConcerns,
        c.ReportIncident, c.SignOffReview, c.CloseDay, c.CorrectRecord,
    )
}


def edge_type(tp: Any) -> Any:
    """The pydantic type for a domain type: scalars strict, enums by value, tuples as JSON
    arrays, nested dataclasses as strict models, so the OpenAPI schema is exact."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [edge_type(a) for a in args]
        return typing.Union[tuple(inner)]  # noqa: UP007 - built at runtime
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return list[edge_type(args[0])]  # type: ignore[misc]
        return tuple[tuple(edge_type(a) for a in args)]  # type: ignore[misc]
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _model(tp, f"{tp.__name__}In", frozenset())
    return {str: Text, int: Int, bool: StrictBool, type(None): None}[tp]


_MODELS: dict[str, type[BaseModel]] = {}


def doc(cls: type) -> str:
    """A class's own docstring, not the signature dataclasses write in its place (which
    would document `actor` and `at` as if a client sent them)."""
    text = cls.__doc__ or ""
    return "" if text.startswith(f"{cls.__name__}(") else text


def _model(cls: type, name: str, skip: frozenset[str]) -> type[BaseModel]:
    if name in _MODELS:
        return _MODELS[name]
    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in skip:
            continue
        required = f.default is dataclasses.MISSING
        # Defaults as the JSON the field takes (a tuple default is a list at the edge).
        default = ... if required else to_data(f.default)
        fields[f.name.rstrip("_")] = (edge_type(hints[f.name]), default)
    if cls is c.IssueItem:
        # The recipient attests being shown it clear with their own PIN.
        fields["recipient_pin"] = (StrictStr, Field(min_length=4, max_length=8,
                                                    description="The recipient's own PIN."))
    model: type[BaseModel] = create_model(
        name, __config__=ConfigDict(extra="forbid"), __doc__=doc(cls) or None, **fields)
    _MODELS[name] = model
    return model


def body_model(cls: type[c.Command]) -> type[BaseModel]:
    """The request body for a command: its fields minus who and when (the server's)."""
    skip = SERVER_FIELDS | ({"recipient_acknowledged"} if cls is c.IssueItem else set())
    return _model(cls, f"{cls.__name__}Body", frozenset(skip))


BODIES = {slug: body_model(cls) for slug, cls in COMMANDS.items()}


class EventOut(BaseModel):
    seq: int
    event_id: str
    type: str
    at: int = Field(description="UTC microseconds, server clock")
    actor: str | None
    data: dict[str, Any]
    warnings: list[str]

    @classmethod
    def of(cls, rec: Recorded) -> EventOut:
        return cls(seq=rec.seq, event_id=rec.event_id, type=rec.type, at=rec.at,
                   actor=rec.actor, data=to_data(rec.event), warnings=list(rec.warnings))


class ViolationOut(BaseModel):
    code: str
    title: str
    severity: str
    detail: str
    explanation: str
    guideline: str

    @classmethod
    def of(cls, v: Violation) -> ViolationOut:
        return cls(code=v.code, title=v.title, severity=str(v.severity), detail=v.detail,
                   explanation=v.explanation, guideline=v.guideline)


class CommandResult(BaseModel):
    events: list[EventOut]
    warnings: list[ViolationOut]
    replayed: bool = Field(description="True when this retried an already recorded command")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    violations: list[ViolationOut] = []


class StepOut(BaseModel):
    seq: int
    at: int
    actor: str | None
    text: str


class AnswerOut(BaseModel):
    question: str
    summary: str
    steps: list[StepOut]
    seqs: list[int]

    @classmethod
    def of(cls, a: Answer) -> AnswerOut:
        return cls(question=a.question, summary=a.summary,
                   steps=[StepOut(seq=s.seq, at=s.at, actor=s.actor, text=s.text)
                          for s in a.steps],
                   seqs=sorted(set(a.seqs)))


class Login(BaseModel):
    model_config = STRICT
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class TokenOut(BaseModel):
    token: str
    token_id: str
    kind: str
    expires_at: int


class TokenInfo(BaseModel):
    token_id: str
    kind: str
    label: str
    created_at: int
    expires_at: int
    revoked_at: int | None


class NewDeviceToken(BaseModel):
    model_config = STRICT
    label: str = Field(min_length=1, max_length=200)


class NewPin(BaseModel):
    model_config = STRICT
    pin: str = Field(pattern=r"^[0-9]{4,8}$")


class Membership(BaseModel):
    production_id: str
    person_id: str


class Me(BaseModel):
    username: str
    is_admin: bool
    productions: list[Membership]


class NewAccount(BaseModel):
    model_config = STRICT
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=10, max_length=1024)
    is_admin: bool = False


class NewMember(BaseModel):
    model_config = STRICT
    username: Id
    person_id: Id


class Founder(BaseModel):
    model_config = STRICT
    username: Id
    # Checked here, not only by AddPerson: a bad id must not leave a production created
    # without its founder.
    person_id: Id
    name: str = Field(min_length=1, max_length=200)


class NewProduction(BaseModel):
    model_config = STRICT
    production_id: Id
    name: str = Field(min_length=1, max_length=200)
    profile: str = Field(default="bulletin1", max_length=64)
    timezone: str = Field(default="UTC", max_length=64)
    # A JSON array is never a Python tuple, so the pair is validated non-strictly (its
    # parts stay strict).
    overrides: list[Annotated[tuple[Text, Int], Strict(False)]] = []
    founder: Founder = Field(description="The producer who holds hiring authority first.")


class ItemOut(BaseModel):
    item_id: str
    kind: str
    serial: str
    tag: str
    description: str
    where: str
    last_inspection: str | None
    label: str | None
    inspected_at: int | None
    issued_for: str | None
    unattended: bool


class ConcernOut(BaseModel):
    concern_id: str
    text: str
    blocking: bool
    open: bool
    unacknowledged: list[str]
    level: int


class Board(BaseModel):
    production_id: str
    name: str
    profile: str
    seq: int
    stand_down: list[str]
    items: list[ItemOut]
    concerns: list[ConcernOut]


class VerifyOut(BaseModel):
    production_id: str
    ok: bool
    events: int
    checkpoints: int
    root: str
    first_bad_seq: int | None
    problem: str


class RuleOut(BaseModel):
    code: str
    title: str
    severity: str
    guideline: str
    explanation: str
    applies_to: list[str]
