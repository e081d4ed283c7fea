"""Command request bodies, generated from the domain's own dataclasses so the OpenAPI
document and the core cannot disagree, with what the domain checks of each field
(contract.py) in their schemas."""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, create_model

from coldcheck.access.attest import SIGNER, attested, signed
from coldcheck.api.contract import (
    FIELD_SCHEMA,
    KINDS,
    LIMITS,
    MODEL_SCHEMA,
    Id,
    Int,
    Text,
    whole,
)
from coldcheck.domain import commands as c
from coldcheck.domain.codec import to_data
from coldcheck.domain.validate import id_fields
from coldcheck.pins import PIN

SERVER_FIELDS = frozenset({"actor", "at", "claimed_at", "proof"})
PIN_FORM = f"^{PIN.pattern}$"  # a PIN of any other form is no one's: the schema says so

# Every command the API takes, by URL slug (IssueItem → issue-item).
COMMANDS: dict[str, type[c.Command]] = {
    re.sub(r"(?<!^)(?=[A-Z])", "-", cls.__name__).lower(): cls
    for cls in (
        c.AddPerson,
        c.ChangeRoles,
        c.AssignAuthority,
        c.RevokeAuthority,
        c.RecordQualification,
        c.RecordExperience,
        c.NameContacts,
        c.ResetPin,
        c.RemoveAccess,
        c.AddLocation,
        c.RegisterItem,
        c.RegisterSupplier,
        c.ReceiveLot,
        c.VerifyLot,
        c.VerifyRounds,
        c.SplitLot,
        c.MergeLots,
        c.MoveItem,
        c.DisposeItem,
        c.InspectItem,
        c.IssueItem,
        c.HandOver,
        c.ReturnItem,
        c.PlanScene,
        c.ApproveScenePlan,
        c.HoldSafetyMeeting,
        c.RecordTraining,
        c.DeclineTraining,
        c.RaiseConcern,
        c.RecordOutsideConcern,
        c.AcknowledgeConcern,
        c.ResolveConcern,
        c.EscalateConcerns,
        c.ReportIncident,
        c.SignOffReview,
        c.CountersignReview,
        c.HandInEvidence,
        c.HandOverToEvidence,
        c.TransferEvidence,
        c.CloseDay,
        c.CorrectRecord,
        c.PickUpRental,
        c.ReturnRental,
        c.AddUnit,
        c.DispatchTransfer,
        c.ReceiveTransfer,
        c.RefuseTransfer,
    )
}


def edge_type(tp: Any, text: Any = Text) -> Any:
    """The pydantic type for a domain type: scalars strict, enums by value, tuples as JSON
    arrays, nested dataclasses as strict models, so the OpenAPI schema is exact. `text`
    is what its strings are (an Id for a field that holds ids)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [edge_type(a, text) for a in args]
        return typing.Union[tuple(inner)]  # noqa: UP007 - built at runtime
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return list[edge_type(args[0], text)]  # type: ignore[misc]
        return tuple[tuple(edge_type(a, text) for a in args)]  # type: ignore[misc]
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _model(tp, f"{tp.__name__}In", frozenset())
    return {str: text, int: Int, bool: StrictBool, type(None): None}[tp]


def _field_type(cls: type, name: str, tp: Any) -> Any:
    """A field's edge type with what the domain checks of it alone: ids, bounds, dates."""
    edge = edge_type(tp, Id if name in id_fields(cls) else KINDS.get((cls, name), Text))
    limits = LIMITS.get((cls, name))
    if limits and tp is int:
        edge = whole(**limits)
    elif limits:
        edge = Annotated[edge, Field(**limits)]
    extra = FIELD_SCHEMA.get((cls, name))
    if extra:
        edge = Annotated[edge, Field(json_schema_extra=extra)]
    return edge


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
        # Defaults as the JSON the field takes (a tuple default is a list at the edge);
        # an enum's stays the member, which pydantic writes as its value.
        plain = isinstance(f.default, Enum)
        default = ... if required else f.default if plain else to_data(f.default)
        fields[f.name.rstrip("_")] = (_field_type(cls, f.name, hints[f.name]), default)
    if attested(cls):
        # The recipient attests being shown it clear with their own PIN.
        fields["recipient_pin"] = (
            StrictStr,
            Field(pattern=PIN_FORM, description="The recipient's own PIN."),
        )
    if signed(cls):
        # A signature is the signer's own PIN, typed again: not the session's to give.
        fields["signer_pin"] = (
            StrictStr,
            Field(pattern=PIN_FORM, description="The signer's own PIN."),
        )
    # Rules between fields that JSON Schema can state (the domain checks them).
    extra = MODEL_SCHEMA.get(cls)
    model: type[BaseModel] = create_model(
        name,
        __config__=ConfigDict(extra="forbid", json_schema_extra=extra),
        __doc__=doc(cls) or None,
        **fields,
    )
    _MODELS[name] = model
    return model


def body_model(cls: type[c.Command]) -> type[BaseModel]:
    """The request body for a command: its fields minus who and when (the server's)."""
    skip = SERVER_FIELDS | ({"recipient_acknowledged"} if attested(cls) else set())
    skip |= {SIGNER} if signed(cls) else set()
    return _model(cls, f"{cls.__name__}Body", frozenset(skip))


BODIES = {slug: body_model(cls) for slug, cls in COMMANDS.items()}
