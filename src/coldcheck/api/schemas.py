"""Request and response models: pydantic at the edge. The commands' bodies are generated
from the domain's own dataclasses (bodies.py)."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, Strict

# The commands' bodies, named here too: the API's models are imported from this module.
from coldcheck.api.bodies import BODIES as BODIES
from coldcheck.api.bodies import COMMANDS as COMMANDS
from coldcheck.api.bodies import doc as doc
from coldcheck.api.contract import Id, NonBlank, whole
from coldcheck.domain.codec import to_data
from coldcheck.domain.events import Recorded
from coldcheck.domain.policy import PROFILES, STRICTER_WHEN
from coldcheck.domain.queries import Answer
from coldcheck.domain.rules import Violation
from coldcheck.domain.validate import MAX_INT
from coldcheck.reports.board import LabelFrom
from coldcheck.reports.flags import FlagCode

if TYPE_CHECKING:
    from coldcheck.batches import Outcome
    from coldcheck.domain.rules.base import Rule
    from coldcheck.reports.board import BoardView
    from coldcheck.verification import VerifyReport

STRICT = ConfigDict(extra="forbid", strict=True)
# The record is canonical JSON (RFC 8785), which holds integers up to 2**53 - 1 exactly.
SAFE_INT = MAX_INT
PREFIX = "/api/v1"  # every API route's path starts here
NO_NUL = r"^[^\x00]*$"  # the database keeps no NUL in a label


ProofName = Literal["session", "device", "console"]  # access/identity.py's Proof


class EventOut(BaseModel):
    seq: int
    event_id: str
    type: str
    at: int = Field(description="UTC microseconds, server clock")
    claimed_at: int | None = Field(
        None, description="UTC microseconds, the device's clock (X-Device-Time): a claim"
    )
    actor: str | None
    proof: ProofName | None = Field(
        None,
        description="How the actor proved who they are: a password log-in's session, a "
        "device token, or the server's console (a claim by whoever holds the database). "
        "None on an anonymous concern and on events recorded before it was kept.",
    )
    data: dict[str, Any]
    warnings: list[str]

    @classmethod
    def of(cls, rec: Recorded) -> EventOut:
        return cls(
            seq=rec.seq,
            event_id=rec.event_id,
            type=rec.type,
            at=rec.at,
            claimed_at=rec.claimed_at,
            actor=rec.actor,
            proof=cast("ProofName | None", rec.proof),
            data=to_data(rec.event),
            warnings=list(rec.warnings),
        )


class ViolationOut(BaseModel):
    code: str
    title: str
    severity: str
    detail: str
    explanation: str
    guideline: str

    @classmethod
    def of(cls, v: Violation) -> ViolationOut:
        return cls(
            code=v.code,
            title=v.title,
            severity=str(v.severity),
            detail=v.detail,
            explanation=v.explanation,
            guideline=v.guideline,
        )


class CommandResult(BaseModel):
    events: list[EventOut]
    warnings: list[ViolationOut]
    replayed: bool = Field(description="True when this retried an already recorded command")

    @classmethod
    def of(cls, outcome: Outcome) -> CommandResult:
        return cls(
            events=[EventOut.of(r) for r in outcome.records],
            warnings=[ViolationOut.of(w) for w in outcome.warnings],
            replayed=outcome.replayed,
        )


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    violations: list[ViolationOut] = []
    # Extension members (RFC 9457 §3.2), present only on the problems they belong to.
    tries_left: int | None = Field(
        None, description="wrong-pin: how many more wrong PINs in a row lock the PIN"
    )
    locked_until: int | None = Field(
        None,
        description="pin-locked: when the PIN can be tried again, UTC microseconds "
        "(the detail gives it in the production's time)",
    )
    attempt: int | None = Field(
        None,
        description="refused, forbidden: the seq of the refused attempt on the record (a "
        "safety-critical command; docs/rules.md); absent when nothing was recorded",
    )


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
        return cls(
            question=a.question,
            summary=a.summary,
            steps=[StepOut(seq=s.seq, at=s.at, actor=s.actor, text=s.text) for s in a.steps],
            seqs=sorted(set(a.seqs)),
        )


class Login(BaseModel):
    model_config = STRICT
    # Any text: a username that is no id gets the 401 of any wrong detail.
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
    label: str = Field(min_length=1, max_length=200, pattern=NO_NUL)


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
    username: Id
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


# What a production is created under, as the domain knows them (policy.py, the time zone
# database): named in the document, so a client sees every choice.
if TYPE_CHECKING:  # built from data at run time, which mypy cannot read as types
    ProfileName = str
    TimeZone = str
    Setting = str
    Positive = int
else:
    ProfileName = Literal[tuple(PROFILES)]
    TimeZone = Literal[tuple(sorted(zoneinfo.available_timezones()))]
    Setting = Literal[tuple(STRICTER_WHEN)]
    Positive = whole(ge=1)


class NewProduction(BaseModel):
    model_config = STRICT
    production_id: Id
    name: Annotated[NonBlank, Field(max_length=200)]
    profile: ProfileName = "bulletin1"
    timezone: TimeZone = "UTC"
    # A JSON array is never a Python tuple, so the pair is validated non-strictly (its
    # parts stay strict).
    overrides: list[Annotated[tuple[Setting, Positive], Strict(False)]] = []
    founder: Founder = Field(description="The producer who holds hiring authority first.")


class FlagOut(BaseModel):
    code: FlagCode = Field(description="What is wrong, for programs to match.")
    text: str = Field(description="The same in plain words, for people.")
    danger: bool = Field(description="Someone must act now; otherwise a warning.")


class ItemOut(BaseModel):
    item_id: str
    kind: str
    serial: str
    tag: str
    description: str
    where: str
    last_inspection: str | None
    label: str | None = Field(
        description="The label shown: the last inspection's (clear, dummies, hot, unsafe), "
        "or after a later return what the returned chambers prove (hot, unsafe), else null"
    )
    label_from: LabelFrom | None = Field(description="Which of the two the label rests on.")
    label_text: str = Field(description="The label in plain words, as the board shows it.")
    cold: bool = Field(description="The label is cold: only an inspection can say so.")
    inspected_at: int | None = Field(description="UTC microseconds, server clock")
    returned_at: int | None = Field(description="The last return; UTC microseconds")
    issued_for: str | None
    unattended: bool
    flags: list[FlagOut] = Field(description="What is wrong with the item, most dangerous first.")


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
    fitness: list[str] = Field(
        description="What the armorer or a handler no longer holds today, as the profile "
        "requires it (rule FIT-1), in words."
    )

    @classmethod
    def of(cls, b: BoardView) -> Board:
        items = [
            ItemOut(
                item_id=it.item_id,
                kind=it.kind,
                serial=it.serial,
                tag=it.tag,
                description=it.description,
                where=it.where,
                last_inspection=it.last_inspection,
                label=it.label,
                label_from=it.label_from,
                label_text=it.label_text,
                cold=it.cold,
                inspected_at=it.inspected_at,
                returned_at=it.returned_at,
                issued_for=it.issued_for,
                unattended=it.unattended,
                flags=[FlagOut(code=f.code, text=f.text, danger=f.danger) for f in it.flags],
            )
            for it in b.items
        ]
        concerns = [
            ConcernOut(
                concern_id=k.concern_id,
                text=k.text,
                blocking=k.blocking,
                open=k.open,
                unacknowledged=list(k.unacknowledged),
                level=k.level,
            )
            for k in b.concerns
        ]
        return cls(
            production_id=b.production_id,
            name=b.name,
            profile=b.profile,
            seq=b.seq,
            stand_down=list(b.stand_down),
            items=items,
            concerns=concerns,
            fitness=list(b.fitness),
        )


class VerifyOut(BaseModel):
    production_id: str
    ok: bool
    events: int
    checkpoints: int
    root: str
    first_bad_seq: int | None
    problem: str

    @classmethod
    def of(cls, production_id: str, r: VerifyReport) -> VerifyOut:
        return cls(
            production_id=production_id,
            ok=r.ok,
            events=r.events,
            checkpoints=r.checkpoints,
            root=r.root.hex(),
            first_bad_seq=r.first_bad_seq,
            problem=r.problem,
        )


class RuleOut(BaseModel):
    code: str
    title: str
    severity: str
    guideline: str
    explanation: str
    applies_to: list[str]

    @classmethod
    def of(cls, r: Rule) -> RuleOut:
        return cls(
            code=r.code,
            title=r.title,
            severity=str(r.severity),
            guideline=r.guideline,
            explanation=r.explanation,
            applies_to=[t.__name__ for t in r.applies_to],
        )
