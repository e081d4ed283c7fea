"""Property-based bad input over the API, beyond schema fuzzing: take a valid command,
break it one way (drop a field, wrong type, unknown field, oversized text, an id that does
not exist, a command out of order), and the answer is a clear 4xx problem with nothing
recorded."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.api_client import PIN, Api

VALID: dict[str, dict[str, Any]] = {
    "move-item": {"item_id": "colt-1", "location_id": "truck-safe"},
    "issue-item": {
        "item_id": "colt-1",
        "recipient_id": "jack",
        "scene_id": "sc-12",
        "recipient_pin": "2468",
    },
    "return-item": {"item_id": "colt-2", "chambers": [{"content": "empty"}] * 6},
    "raise-concern": {"text": "cart unattended", "blocking": False},
    "receive-lot": {
        "lot_id": "dum-99",
        "ammo_type": "dummy",
        "caliber": ".45 LC",
        "count": 50,
        "source": "Starline",
        "invoice": "INV-1",
    },
    "report-incident": {"kind": "misfire", "description": "no bang", "item_id": "colt-2"},
    "acknowledge-concern": {"concern_id": "concern-1"},
    "sign-off-review": {
        "incident_id": "incident-1",
        "findings": "ok",
        "cause": "a bad primer",
        "corrective_actions": "cast briefed",
        "signer_pin": PIN,
    },
}
REFERENCES = {
    "move-item": ("item_id", "location_id"),
    "issue-item": ("item_id", "recipient_id", "scene_id"),
    "return-item": ("item_id",),
    "report-incident": ("item_id",),
    "acknowledge-concern": ("concern_id",),
    "sign-off-review": ("incident_id",),
}
OPTIONAL = {
    ("raise-concern", "blocking"),
    ("report-incident", "item_id"),
    ("receive-lot", "source"),
}
BREAKS = ("drop", "wrong_type", "unknown_field", "oversized", "unknown_id")
WRONG_VALUES = [123, 1.5, True, None, [], {}, "x" * 5]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    slug=st.sampled_from(sorted(VALID)),
    how=st.sampled_from(BREAKS),
    pick=st.integers(min_value=0, max_value=100),
    wrong=st.sampled_from(WRONG_VALUES),
)
def test_broken_commands_are_refused_clearly_and_record_nothing(
    api: Api, slug: str, how: str, pick: int, wrong: Any
) -> None:
    body = dict(VALID[slug])
    fields = sorted(body)
    field = fields[pick % len(fields)]
    if how == "drop":
        if (slug, field) in OPTIONAL:
            return  # dropping an optional field leaves a valid command
        body.pop(field)
    elif how == "wrong_type":
        if type(body[field]) is type(wrong):  # e.g. True for a flag: not a wrong type
            wrong = {"not": "this"}
        if wrong is None and (slug, field) in OPTIONAL:
            wrong = 123  # None is a valid value for an optional field
        body[field] = wrong
    elif how == "unknown_field":
        body["serial_number_of_the_moon"] = "x"
    elif how == "oversized":
        body[field] = "x" * 5000
    else:
        refs = REFERENCES.get(slug)
        if not refs:
            return  # nothing this command refers to
        field = refs[pick % len(refs)]
        body[field] = "does-not-exist-42"
    before = api.head()
    r = api.command(slug, body, "rosa")
    assert r.status_code in (403, 404, 409, 422), (slug, how, field, r.status_code, r.text)
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["detail"]
    if r.status_code == 422 and how in ("wrong_type", "drop", "oversized"):
        assert field in problem["detail"] or "body" in problem["detail"], problem
    assert api.head() == before, "nothing is recorded for a broken command"


def test_commands_out_of_order_are_refused_and_record_only_their_attempts(api: Api) -> None:
    before = api.head()
    # Return an item that is not issued; sign off an incident twice; acknowledge twice.
    assert api.command("return-item", VALID["return-item"], "rosa").status_code == 409
    assert api.command("sign-off-review", VALID["sign-off-review"], "nora").status_code == 409
    assert (
        api.command("acknowledge-concern", VALID["acknowledge-concern"], "dan").status_code == 422
    )
    # The return and the sign-off are safety-critical: their attempts; the rest nothing.
    api.only_attempts(before, "ReturnItem", "SignOffReview")
