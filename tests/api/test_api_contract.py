"""The document and the server check the same things: each bound the schema gives a
field is the domain's own, the patterns mean in JSON Schema (ECMA-262) what the server's
checks mean in Python, headers are read as the document says, and a 405 names every
method the path takes. (Schemathesis tries every operation: test_api_schemathesis.py.)
"""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated, Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from coldcheck.api.contract import DATE_REGEX, LIMITS, WHITESPACE, Date, NonBlank
from coldcheck.api.schemas import BODIES, COMMANDS
from coldcheck.domain import commands as c
from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.outside import Attachment, Channel
from coldcheck.domain.validate import validate
from coldcheck.domain.values import (
    AmmoType,
    IncidentKind,
    ItemKind,
    Role,
    RoundCheck,
    SceneAmmo,
)
from support.api_client import BASE, PREFIX, TODAY, Api, problem
from support.harness import Harness

SLUGS = {cls: slug for slug, cls in COMMANDS.items()}

# A command of each class with a bound, which the demo's planned day takes as it is.
VALID: dict[type[c.Command], c.Command] = {
    c.AddPerson: c.AddPerson(actor="paula", person_id="new-1", name="N", roles=(Role.CREW,)),
    c.ChangeRoles: c.ChangeRoles(actor="paula", person_id="lane", roles=(Role.CAMERA,)),
    c.RegisterItem: c.RegisterItem(
        actor="rosa",
        item_id="new-1",
        kind=ItemKind.REPLICA,
        serial="s",
        tag="t-new",
        description="d",
        location_id="truck-safe",
    ),
    c.ReceiveLot: c.ReceiveLot(
        actor="rosa",
        lot_id="new-1",
        ammo_type=AmmoType.DUMMY,
        caliber=".45",
        count=1,
        source="s",
        invoice="i",
    ),
    c.VerifyRounds: c.VerifyRounds(
        actor="rosa",
        lot_id="dum-45",
        first=1,
        last=1,
        method=RoundCheck.RATTLE_TEST,
        verified_by="rosa",
    ),
    c.PlanScene: c.PlanScene(
        actor="dan",
        scene_id="new-1",
        title="t",
        date=TODAY,
        items=("colt-1",),
        performers=("jack",),
        ammo=SceneAmmo.NONE,
    ),
    c.RecordTraining: c.RecordTraining(
        actor="rosa", person_id="lane", topics=("firearm",), minutes=1, trainer_id="rosa"
    ),
    c.DeclineTraining: c.DeclineTraining(actor="lane", person_id="lane", topics=("draw",)),
    c.ReportIncident: c.ReportIncident(actor="rosa", kind=IncidentKind.MISFIRE, description="d"),
    c.CorrectRecord: c.CorrectRecord(actor="rosa", refers_to=1, correction="c"),
    c.HandInEvidence: c.HandInEvidence(
        actor="rosa", incident_id="incident-1", handed_in_by="h", what="w", found_where="f"
    ),
    c.RecordOutsideConcern: c.RecordOutsideConcern(
        actor="dan", channel=Channel.EMAIL, said_at=1, text="t", author="the camera crew"
    ),
}
# What the record must hold before a valid command is valid: the incident it names.
BEFORE: dict[type[c.Command], c.Command] = {c.HandInEvidence: VALID[c.ReportIncident]}


def _around(limits: dict[str, Any]) -> list[Any]:
    """Values at and just past each bound: numbers, or list lengths."""
    if "min_length" in limits:
        return [(), ("firearm",)] if limits["min_length"] == 1 else []
    if "max_length" in limits:  # the attachments of an outside concern
        one = Attachment(sha256="a" * 64, filename="f.eml", media_type="message/rfc822")
        return [(one,) * limits["max_length"], (one,) * (limits["max_length"] + 1)]
    values = []
    for bound, step in (("ge", -1), ("le", 1)):
        if bound in limits:
            values += [limits[bound], limits[bound] + step]
    return values


def _field_adapter(slug: str, name: str) -> TypeAdapter[Any]:
    field = BODIES[slug].model_fields[name]
    return TypeAdapter(Annotated[field.annotation, *field.metadata])


def _plain(value: Any) -> Any:
    """A tuple's element as JSON has it: a dataclass as its fields, else its text."""
    return dataclasses.asdict(value) if dataclasses.is_dataclass(value) else str(value)


def _the_api_takes(slug: str, name: str, value: Any) -> bool:
    try:
        _field_adapter(slug, name).validate_json(json.dumps(value))
    except ValidationError:
        return False
    return True


def _the_domain_takes(h: Harness, cmd: c.Command) -> bool:
    try:
        validate(h.state, cmd)
    except InvalidCommand:
        return False
    return True


@pytest.mark.parametrize(("cls", "name"), list(LIMITS), ids=lambda x: getattr(x, "__name__", x))
def test_each_bound_in_the_document_is_the_domains(
    planned: Harness, cls: type[c.Command], name: str
) -> None:
    if cls in BEFORE:
        planned.run(BEFORE[cls])
    assert _the_domain_takes(planned, VALID[cls])
    values = _around(LIMITS[(cls, name)])
    assert values
    for value in values:
        if name in ("roles",):
            value = tuple(Role.CREW for _ in value)
        cmd = dataclasses.replace(VALID[cls], **{name: value})
        plain = [_plain(v) for v in value] if isinstance(value, tuple) else value
        assert _the_domain_takes(planned, cmd) == _the_api_takes(SLUGS[cls], name, plain), (
            name,
            value,
        )


# -- the patterns, read as JSON Schema reads them --------------------------------------


def _schema_of(annotated: Any) -> dict[str, Any]:
    schema: dict[str, Any] = TypeAdapter(annotated).json_schema()
    return schema


def test_blank_is_what_strip_removes() -> None:
    """NonBlank's pattern, in ECMA-262 and in pydantic, is Python's str.isspace()."""
    ecma = jsonschema_rs.validator_for(_schema_of(NonBlank))
    api: TypeAdapter[str] = TypeAdapter(NonBlank)
    # Every whitespace character there is, and every other character of the planes the
    # three engines' classes could differ on.
    for code in [*range(0x3100), *range(0xFEF0, 0x10000), 0x1D7CE, 0x10FFFF]:
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        blank = not ch.strip()
        assert ecma.is_valid(ch) is not blank, hex(code)
        try:
            api.validate_python(ch)
            assert not blank, hex(code)
        except ValidationError:
            assert blank, hex(code)
    assert all(
        not chr(code).isspace()
        for code in range(0x3100, 0x110000)
        if not 0xD800 <= code <= 0xDFFF and code != 0x3000
    ), WHITESPACE


def _dates() -> st.SearchStrategy[str]:
    digits = st.text("0123456789", min_size=1, max_size=5)
    return st.one_of(
        st.dates().map(str),
        st.builds(
            lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}",
            st.integers(0, 9999),
            st.integers(0, 13),
            st.integers(0, 32),
        ),
        st.tuples(digits, digits, digits).map("-".join),
        st.dates().map(lambda d: d.strftime("%Y%m%d")),  # ISO's basic form: not this one
        st.dates().map(lambda d: f"{d}\n"),
        st.text(max_size=12),
    )


@settings(max_examples=300, deadline=None)
@given(_dates())
def test_a_date_is_what_the_document_says(text: str) -> None:
    ecma = jsonschema_rs.validator_for(_schema_of(Date), validate_formats=True)
    api: TypeAdapter[str] = TypeAdapter(Date)
    try:
        api.validate_python(text)
        taken = True
    except ValidationError:
        taken = False
    assert taken == ecma.is_valid(text), text
    assert _schema_of(Date)["pattern"] == DATE_REGEX


# -- over HTTP --------------------------------------------------------------------------


def test_a_whole_number_may_be_written_with_a_zero_fraction(api: Api) -> None:
    """JSON Schema's integer is a number with no fraction, as 2.0 is."""
    r = api.command(
        "receive-lot",
        {
            "lot_id": "dum-2",
            "ammo_type": "dummy",
            "caliber": ".45",
            "count": 2.0,
            "source": "s",
            "invoice": "i",
        },
        "rosa",
    )
    assert r.status_code == 200, r.text
    assert r.json()["events"][0]["data"]["count"] == 2
    problem(
        api.command(
            "receive-lot",
            {
                "lot_id": "dum-3",
                "ammo_type": "dummy",
                "caliber": ".45",
                "count": 2.5,
                "source": "s",
                "invoice": "i",
            },
            "rosa",
        ),
        422,
        "invalid",
    )


@pytest.mark.parametrize(
    "value", ["+5", "5.0", "5_000", "-1", "0x10", "9007199254740992", "null", "\u0665"]
)
def test_the_device_time_is_digits(api: Api, value: str) -> None:
    before = api.head()
    r = api.command(
        "raise-concern", {"text": "x"}, "rosa", headers={"X-Device-Time": value.encode()}
    )  # type: ignore[dict-item]
    assert "x-device-time" in problem(r, 422, "invalid")["detail"]
    assert api.head() == before


def test_a_device_time_of_digits_is_kept(api: Api) -> None:
    r = api.command(
        "raise-concern", {"text": "x"}, "rosa", headers={"X-Device-Time": "1634828400000000"}
    )
    assert r.status_code == 200, r.text


def test_a_405_names_every_method_of_the_path(api: Api) -> None:
    r = api.client.request("PATCH", f"{PREFIX}/auth/tokens", headers=api.auth("rosa"))
    problem(r, 405)
    assert r.headers["allow"] == "GET, POST"
    r = api.client.request("PUT", f"{BASE}/commands/raise-concern", headers=api.auth("rosa"))
    problem(r, 405)
    assert r.headers["allow"] == "POST"


def test_the_last_day_has_no_report(api: Api) -> None:
    """Its report would read to the start of a day after 9999-12-31."""
    r = api.get(f"{BASE}/daily-report", "rosa", date="9999-12-31")
    problem(r, 422, "invalid")
    assert api.get(f"{BASE}/daily-report", "rosa", date="9999-12-30").status_code == 200


@pytest.mark.parametrize("date", ["20211021", "2021-02-30", "0000-01-01", "\u0662021-10-21"])
def test_a_report_day_is_a_calendar_date(api: Api, date: str) -> None:
    problem(api.get(f"{BASE}/daily-report", "rosa", date=date), 422, "invalid")
