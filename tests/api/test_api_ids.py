"""One definition of an id: the domain's `is_id`, the API's pydantic type and the pattern
in /openapi.json (read as JSON Schema reads it, ECMA-262) accept exactly the same
strings; and an id with a trailing newline is refused at every entry of the API.
"""

from __future__ import annotations

import string
from functools import cache
from typing import Any

import jsonschema_rs
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from coldcheck.api.contract import Id
from coldcheck.domain.validate import ID_REGEX, is_id
from support.api_client import BASE, PREFIX, Api, document_app, problem

IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", fullmatch=True)
# What looks like an id and is not: line ends, other digits and letters (Arabic-Indic and
# full-width digits, full-width letters, the Kelvin sign a case fold turns into K, a
# dotless i), spaces, NUL, the characters an id may hold but not start with.
ODD = [
    "\n",
    "\r",
    "\r\n",
    "\x00",
    " ",
    "\t",
    "\u0663",
    "\uff11",
    "\uff43",
    "\u212a",
    "\u0131",
    "\u00e9",
    "/",
    ":",
    ".",
    "-",
    "_",
]


def _near_misses() -> st.SearchStrategy[str]:
    odd = st.sampled_from(ODD)
    return st.one_of(
        st.tuples(IDS, odd).map("".join),  # colt-1\n
        st.tuples(odd, IDS).map("".join),  # \ncolt-1
        st.tuples(IDS, odd, st.integers(0, 64)).map(lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]),
        st.text(string.ascii_letters + string.digits + "._-", min_size=63, max_size=66),
        st.just(""),
        st.text(max_size=8),
    )


ADAPTER: TypeAdapter[str] = TypeAdapter(Id)


@cache
def document_validator() -> Any:
    """The id pattern as /openapi.json states it (a founder's username), by a JSON
    Schema validator with ECMA-262 regular expressions."""
    username = document_app().openapi()["components"]["schemas"]["Founder"]["properties"][
        "username"
    ]
    assert username["pattern"] == ID_REGEX
    return jsonschema_rs.validator_for(username)


def api_accepts(text: str) -> bool:
    try:
        ADAPTER.validate_python(text)
    except ValidationError:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(st.one_of(IDS, _near_misses()))
def test_the_domain_the_api_and_the_document_agree_on_ids(text: str) -> None:
    assert is_id(text) == api_accepts(text) == document_validator().is_valid(text), text


def test_an_id_that_ends_in_a_newline_is_refused_by_each() -> None:
    assert not is_id("colt-1\n")
    assert not api_accepts("colt-1\n")
    assert not document_validator().is_valid("colt-1\n")


# -- at every entry of the API: 422, and nothing recorded -------------------------------


def test_in_a_command_body(api: Api) -> None:
    before = api.head()
    for slug, body in (
        ("move-item", {"item_id": "colt-1\n", "location_id": "truck-safe"}),
        ("add-location", {"location_id": "truck-safe\n", "name": "Shed", "secure": True}),
        ("raise-concern", {"text": "x", "item_id": "colt-1\n"}),
    ):
        detail = problem(api.command(slug, body, "rosa"), 422, "invalid")["detail"]
        assert "colt-1" in detail or "truck-safe" in detail or "pattern" in detail
    assert api.head() == before


def test_in_a_question(api: Api) -> None:
    r = api.get(f"{BASE}/questions/custody", "rosa", item="colt-1\n")
    problem(r, 422, "invalid")


def test_in_accounts(api: Api) -> None:
    r = api.client.post(
        f"{PREFIX}/accounts",
        headers=api.auth("admin"),
        json={"username": "rosa\n", "password": "long enough password"},
    )
    problem(r, 422, "invalid")
    assert api.accounts.rows.get("rosa\n") is None
    # Logging in as it is the 401 of any wrong detail (no one can be "rosa\n").
    problem(
        api.client.post(
            f"{PREFIX}/auth/login", json={"username": "rosa\n", "password": "cold-creek-demo"}
        ),
        401,
    )
    r = api.client.post(
        f"{BASE}/members",
        headers=api.auth("paula"),
        json={"username": "rosa", "person_id": "rosa\n"},
    )
    problem(r, 422, "invalid")
