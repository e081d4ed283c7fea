"""Accounts over HTTP: login, cookie and bearer, logout, device tokens, expiry, PINs,
administrator-only creation, membership, and nothing open without a token."""

from __future__ import annotations

import re
from typing import Any, Literal

import pytest
from argon2 import PasswordHasher
from fastapi.routing import APIRoute

from coldcheck.access import authz
from coldcheck.accounts import DEVICE_US, SESSION_US
from coldcheck.api.app import COOKIE, PREFIX
from coldcheck.api.schemas import COMMANDS
from coldcheck.domain.rules import CATALOGUE
from support.api_client import BASE, PASSWORD, PID, Api, document_app, problem

ME = f"{PREFIX}/auth/me"
TOKENS = f"{PREFIX}/auth/tokens"
PIN_URL = f"{PREFIX}/auth/pin"
OPEN = {("GET", f"{PREFIX}/health"), ("GET", f"{PREFIX}/rules"), ("POST", f"{PREFIX}/auth/login")}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _new_account(api: Api, username: str, *, admin: bool = False) -> str:
    api.accounts.create(username, PASSWORD, is_admin=admin)
    return api.login(username)


# -- login, cookie, bearer, logout ---------------------------------------------------------


def test_login_sets_an_httponly_strict_cookie_and_returns_the_same_token(api: Api) -> None:
    client = api.new_client()
    r = client.post(f"{PREFIX}/auth/login", json={"username": "rosa", "password": PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kind"] == "session"
    assert body["token"]
    assert body["token_id"]
    cookie = r.headers["set-cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert cookie.startswith(f"{COOKIE}={body['token']};")
    assert {"httponly", "samesite"} <= attributes
    assert "samesite=strict" in cookie.lower().replace(" ", "")


def test_a_session_lasts_a_shooting_day(api: Api) -> None:
    r = api.client.post(f"{PREFIX}/auth/login", json={"username": "dan", "password": PASSWORD})
    api.client.cookies.clear()
    issued = r.json()
    mine = api.client.get(TOKENS, headers=_bearer(issued["token"])).json()
    (row,) = [t for t in mine if t["token_id"] == issued["token_id"]]
    assert row["kind"] == "session"
    assert row["revoked_at"] is None
    assert row["expires_at"] == issued["expires_at"] == row["created_at"] + SESSION_US


def test_wrong_password_and_unknown_user_get_the_same_401(api: Api) -> None:
    login = f"{PREFIX}/auth/login"
    wrong = api.client.post(login, json={"username": "rosa", "password": "not-her-password"})
    unknown = api.client.post(login, json={"username": "nobody", "password": PASSWORD})
    malformed = api.client.post(login, json={"username": "no body!", "password": PASSWORD})
    bodies = [problem(r, 401, "unauthenticated") for r in (wrong, unknown, malformed)]
    assert bodies[0] == bodies[1] == bodies[2]
    for r in (wrong, unknown, malformed):
        assert r.headers["www-authenticate"] == "Bearer"
        assert "set-cookie" not in r.headers


def test_an_unknown_username_costs_a_password_check(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Otherwise the time a login takes would tell which usernames exist."""
    checked: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            checked.append(str(password))
            return super().verify(hash, password)

    monkeypatch.setattr(
        api.accounts, "hasher", Counting(time_cost=1, memory_cost=1024, parallelism=1)
    )
    for username in ("rosa", "nobody", "no body!"):
        r = api.client.post(
            f"{PREFIX}/auth/login", json={"username": username, "password": "a-wrong-password"}
        )
        problem(r, 401)
    assert checked == ["a-wrong-password"] * 3


def test_cookie_and_bearer_both_authenticate(api: Api) -> None:
    client = api.new_client()
    r = client.post(f"{PREFIX}/auth/login", json={"username": "jack", "password": PASSWORD})
    token = r.json()["token"]
    by_cookie = client.get(ME)  # the jar sends the cookie the login set
    assert by_cookie.status_code == 200, by_cookie.text
    assert by_cookie.json()["username"] == "jack"
    assert {"production_id": PID, "person_id": "jack"} in by_cookie.json()["productions"]
    client.cookies.clear()
    problem(client.get(ME), 401, "unauthenticated")
    by_bearer = client.get(ME, headers=_bearer(token))
    assert by_bearer.status_code == 200
    assert by_bearer.json()["username"] == "jack"
    # Another scheme, or a bearer with no token, is refused rather than ignored.
    problem(client.get(ME, headers={"Authorization": f"Basic {token}"}), 401)
    problem(client.get(ME, headers={"Authorization": "Bearer"}), 401)
    problem(client.get(ME, headers=_bearer(token + "x")), 401)


def test_logout_revokes_the_token_it_was_called_with(api: Api) -> None:
    token, other = api.login("mia"), api.login("mia")
    r = api.client.post(f"{PREFIX}/auth/logout", headers=_bearer(token))
    assert r.status_code == 204, r.text
    assert f'{COOKIE}=""' in r.headers["set-cookie"] or "max-age=0" in (
        r.headers["set-cookie"].lower()
    )
    problem(api.client.get(ME, headers=_bearer(token)), 401, "unauthenticated")
    problem(api.client.post(f"{PREFIX}/auth/logout", headers=_bearer(token)), 401)
    # Only that token: mia's other session still works.
    assert api.client.get(ME, headers=_bearer(other)).status_code == 200


def test_logout_by_cookie_revokes_the_cookie(api: Api) -> None:
    client = api.new_client()
    token = client.post(
        f"{PREFIX}/auth/login", json={"username": "lane", "password": PASSWORD}
    ).json()["token"]
    # By cookie, a browser says which page sent it (its own, here).
    assert (
        client.post(f"{PREFIX}/auth/logout", headers={"Origin": "http://testserver"}).status_code
        == 204
    )
    problem(client.get(ME, headers=_bearer(token)), 401)


# -- device tokens -----------------------------------------------------------------------


def test_device_tokens_are_created_listed_without_secrets_and_revoked(api: Api) -> None:
    session = api.login("sam")
    r = api.client.post(TOKENS, json={"label": "tablet at the gun cart"}, headers=_bearer(session))
    assert r.status_code == 201, r.text
    device = r.json()
    assert device["kind"] == "device"
    assert device["token"] != session
    assert api.client.get(ME, headers=_bearer(device["token"])).json()["username"] == "sam"

    listing = api.client.get(TOKENS, headers=_bearer(device["token"]))
    assert listing.status_code == 200
    rows = {t["token_id"]: t for t in listing.json()}
    row = rows[device["token_id"]]
    assert row["label"] == "tablet at the gun cart"
    assert row["kind"] == "device"
    assert row["expires_at"] - row["created_at"] == DEVICE_US
    assert row["revoked_at"] is None
    # No secret anywhere in the list: neither this token nor the session's.
    assert all("token" not in t and "token_hash" not in t for t in listing.json())
    assert device["token"] not in listing.text
    assert session not in listing.text

    r = api.client.delete(f"{TOKENS}/{device['token_id']}", headers=_bearer(session))
    assert r.status_code == 204, r.text
    problem(api.client.get(ME, headers=_bearer(device["token"])), 401)
    rows = {t["token_id"]: t for t in api.client.get(TOKENS, headers=_bearer(session)).json()}
    assert rows[device["token_id"]]["revoked_at"] is not None
    # Revoking again, or a token that is not there, is a 404.
    problem(
        api.client.delete(f"{TOKENS}/{device['token_id']}", headers=_bearer(session)),
        404,
        "not-found",
    )
    problem(api.client.delete(f"{TOKENS}/no-such-token", headers=_bearer(session)), 404)


def test_nobody_lists_or_revokes_someone_elses_tokens(api: Api) -> None:
    joel = api.login("joel")
    joel_id = api.client.get(TOKENS, headers=_bearer(joel)).json()[-1]["token_id"]
    intruder = api.login("studio")
    assert joel_id not in api.client.get(TOKENS, headers=_bearer(intruder)).text
    problem(api.client.delete(f"{TOKENS}/{joel_id}", headers=_bearer(intruder)), 404)
    assert api.client.get(ME, headers=_bearer(joel)).status_code == 200


@pytest.mark.parametrize("label", ["", "x" * 201, 7, None, "nul\x00"])
def test_a_device_token_needs_a_label(api: Api, label: Any) -> None:
    before = len(api.get(TOKENS, "gil").json())
    problem(api.client.post(TOKENS, json={"label": label}, headers=api.auth("gil")), 422)
    assert len(api.get(TOKENS, "gil").json()) == before


def test_expired_tokens_are_refused(api: Api) -> None:
    session = api.client.post(
        f"{PREFIX}/auth/login", json={"username": "nora", "password": PASSWORD}
    ).json()
    api.client.cookies.clear()
    device = api.client.post(
        TOKENS, json={"label": "tablet"}, headers=_bearer(session["token"])
    ).json()
    for issued in (session, device):
        expires = issued["expires_at"]
        before, after = api.at(expires - 1), api.at(expires)
        assert before.get(ME, headers=_bearer(issued["token"])).status_code == 200
        problem(after.get(ME, headers=_bearer(issued["token"])), 401, "unauthenticated")
    # The device token outlives the session.
    assert device["expires_at"] - session["expires_at"] > DEVICE_US - SESSION_US - 10**8
    late = api.at(session["expires_at"] + 1)
    assert late.get(ME, headers=_bearer(device["token"])).status_code == 200


# -- PIN ---------------------------------------------------------------------------------


@pytest.mark.parametrize("pin", ["1234", "00000000", "97531"])
def test_a_pin_is_four_to_eight_digits(api: Api, pin: str) -> None:
    token = _new_account(api, f"pin-ok-{pin}")
    r = api.client.post(PIN_URL, json={"pin": pin}, headers=_bearer(token))
    assert r.status_code == 204, r.text
    row = api.accounts.rows.get(f"pin-ok-{pin}")
    assert row is not None
    assert row.pin_hash
    assert pin not in row.pin_hash
    assert row.pin_hash.startswith("hmac-sha256$")


BAD_PINS = ["123", "123456789", "12a4", "", " 1234", "1234\n", "١٢٣٤", 1234, None, ["1234"]]


@pytest.mark.parametrize(("n", "pin"), list(enumerate(BAD_PINS)))
def test_other_pins_are_refused(api: Api, n: int, pin: Any) -> None:
    token = _new_account(api, f"pin-bad-{n}")
    body = problem(
        api.client.post(PIN_URL, json={"pin": pin}, headers=_bearer(token)), 422, "invalid"
    )
    assert "pin" in body["detail"]


def test_passwords_are_argon2id_and_pins_peppered_hmacs(api: Api) -> None:
    row = api.accounts.rows.get("rosa")
    assert row is not None
    assert row.pin_hash is not None
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    assert row.pin_hash.startswith("hmac-sha256$")


# -- administrators ----------------------------------------------------------------------


def test_only_an_administrator_creates_accounts(api: Api) -> None:
    new = {"username": "armorer-2", "password": "a-long-password"}
    refused = problem(
        api.client.post(f"{PREFIX}/accounts", json=new, headers=api.auth("rosa")), 403, "forbidden"
    )
    assert "administrator" in refused["detail"]
    problem(api.client.post(f"{PREFIX}/auth/login", json=new), 401)

    r = api.client.post(f"{PREFIX}/accounts", json=new, headers=api.auth("admin"))
    assert r.status_code == 201, r.text
    assert r.json() == {"username": "armorer-2", "is_admin": False, "productions": []}
    assert api.login("armorer-2", "a-long-password")

    problem(api.client.post(f"{PREFIX}/accounts", json=new, headers=api.auth("admin")), 409)
    for bad in (
        {"username": "short-pw", "password": "123456789"},
        {"username": "bad name", "password": "a-long-password"},
        {"username": "x", "password": "a-long-password", "is_admin": "true"},
    ):
        problem(
            api.client.post(f"{PREFIX}/accounts", json=bad, headers=api.auth("admin")),
            422,
            "invalid",
        )


def _production(
    production_id: str, founder: str, person: str = "pat", **extra: Any
) -> dict[str, Any]:
    return {
        "production_id": production_id,
        "name": "Second Unit",
        "timezone": "America/Denver",
        "founder": {"username": founder, "person_id": person, "name": "Pat Quinn"},
        **extra,
    }


def test_only_an_administrator_creates_productions(api: Api) -> None:
    api.accounts.create("pat", PASSWORD)
    body = _production("second-unit", "pat", overrides=[["inspection_fresh_minutes", 15]])
    problem(
        api.client.post(f"{PREFIX}/productions", json=body, headers=api.auth("rosa")),
        403,
        "forbidden",
    )
    problem(
        api.client.post(f"{PREFIX}/productions", json=body, headers=api.auth("paula")),
        403,
        "forbidden",
    )
    problem(api.client.get(f"{PREFIX}/productions/second-unit/board", headers=api.auth("pat")), 404)

    r = api.client.post(f"{PREFIX}/productions", json=body, headers=api.auth("admin"))
    assert r.status_code == 201, r.text
    assert [e["type"] for e in r.json()["events"]] == [
        "ProductionCreated",
        "PersonAdded",
        "AuthorityAssigned",
    ]
    board = api.get(f"{PREFIX}/productions/second-unit/board", "pat")
    assert board.status_code == 200, board.text
    assert board.json()["profile"] == "bulletin1+custom"
    assert api.get(ME, "pat").json()["productions"] == [
        {"production_id": "second-unit", "person_id": "pat"}
    ]
    # Creating it again is a conflict; nothing is recorded twice.
    again = api.client.post(f"{PREFIX}/productions", json=body, headers=api.auth("admin"))
    assert again.status_code in (409, 422), again.text
    assert api.head("second-unit") == 3


def test_a_production_is_not_left_half_created(api: Api) -> None:
    """A founder the API cannot add is refused before the production is created."""
    api.accounts.create("quinn", PASSWORD)
    admin = api.auth("admin")
    for founder, person, status in (
        ("quinn", "not an id!", 422),
        ("no-such-account", "quinn", 404),
    ):
        body = _production("third-unit", founder, person)
        problem(api.client.post(f"{PREFIX}/productions", json=body, headers=admin), status)
    for bad in (
        {"overrides": [["inspection_fresh_minutes", 90]]},
        {"overrides": [["no_such_setting", 5]]},
        {"profile": "nowhere"},
        {"timezone": "Mars/Olympus_Mons"},
        {"production_id": "not an id!"},
    ):
        body = {**_production("third-unit", "quinn", "quinn"), **bad}
        problem(api.client.post(f"{PREFIX}/productions", json=body, headers=admin), 422)
    r = api.client.post(
        f"{PREFIX}/productions", json=_production("third-unit", "quinn", "quinn"), headers=admin
    )
    assert r.status_code == 201, r.text
    assert api.head("third-unit") == 3


def test_hiring_authority_adds_members(api: Api) -> None:
    api.accounts.create("kim", PASSWORD)
    api.accounts.create("lee", PASSWORD)
    r = api.client.post(
        f"{PREFIX}/productions",
        headers=api.auth("admin"),
        json=_production("pickups", "kim", "kim"),
    )
    assert r.status_code == 201, r.text
    members = f"{PREFIX}/productions/pickups/members"
    add = api.command(
        "add-person",
        {"person_id": "lee", "name": "Lee", "roles": ["armorer"]},
        "kim",
        production="pickups",
    )
    assert add.status_code == 200, add.text
    # lee is not on the production yet: the same 404 as for any production.
    problem(
        api.client.post(
            members, json={"username": "lee", "person_id": "lee"}, headers=api.auth("lee")
        ),
        404,
        "not-found",
    )
    r = api.client.post(
        members, json={"username": "lee", "person_id": "lee"}, headers=api.auth("kim")
    )
    assert r.status_code == 204, r.text
    assert api.get(f"{PREFIX}/productions/pickups/board", "lee").status_code == 200
    # lee is a member without hiring authority: 403 to add anyone.
    problem(
        api.client.post(
            members, json={"username": "rosa", "person_id": "lee"}, headers=api.auth("lee")
        ),
        403,
        "forbidden",
    )
    problem(
        api.client.post(
            members, json={"username": "kim", "person_id": "nobody"}, headers=api.auth("kim")
        ),
        404,
    )


# -- membership ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "route", ["board", "events", "verify", "questions/incidents", "questions/custody?item=colt-1"]
)
def test_a_non_member_cannot_tell_a_production_from_nothing(api: Api, route: str) -> None:
    token = _new_account(api, "outsider-" + re.sub(r"[^a-z0-9]+", "-", route))
    exists = api.client.get(f"{BASE}/{route}", headers=_bearer(token))
    missing = api.client.get(
        f"{PREFIX}/productions/no-such-production/{route}", headers=_bearer(token)
    )
    a, b = problem(exists, 404, "not-found"), problem(missing, 404, "not-found")
    assert a.keys() == b.keys()
    assert a["detail"].replace(PID, "X") == b["detail"].replace("no-such-production", "X")
    assert {k: v for k, v in a.items() if k != "detail"} == {
        k: v for k, v in b.items() if k != "detail"
    }
    # A member sees it.
    assert api.get(f"{BASE}/{route}", "jack").status_code == 200


@pytest.mark.parametrize("production", ["a%00b", "%20", "x" * 65, "..", "a%2Fb"])
def test_an_id_no_production_can_have_is_just_unknown(api: Api, production: str) -> None:
    """Not looked up at all: PostgreSQL would refuse a NUL with a 5xx."""
    for route in ("board", "events", "questions/incidents"):
        r = api.client.get(f"{PREFIX}/productions/{production}/{route}", headers=api.auth("admin"))
        assert r.status_code == 404, r.text
    r = api.client.post(
        f"{PREFIX}/productions/{production}/members",
        headers=api.auth("admin"),
        json={"username": "rosa", "person_id": "rosa"},
    )
    assert r.status_code == 404, r.text
    problem(api.client.delete(f"{TOKENS}/{production}", headers=api.auth("admin")), 404)


def test_a_non_member_cannot_send_commands(api: Api) -> None:
    token = _new_account(api, "outsider-commands")
    before = api.head()
    for production in (PID, "no-such-production"):
        r = api.client.post(
            f"{PREFIX}/productions/{production}/commands/raise-concern",
            json={"text": "let me in"},
            headers=_bearer(token),
        )
        body = problem(r, 404, "not-found")
        assert body["detail"] == f"unknown production {production!r}"
    assert api.head() == before


# -- nothing open by default ----------------------------------------------------------------

ROUTES = sorted(
    (method, route.path)
    for route in document_app().routes
    if isinstance(route, APIRoute) and route.path.startswith(PREFIX)
    for method in route.methods or ()
)


def test_the_route_list_is_the_whole_api(api: Api) -> None:
    served = sorted(
        (method, route.path)
        for route in api.app.routes
        if isinstance(route, APIRoute) and route.path.startswith(PREFIX)
        for method in route.methods or ()
    )
    assert served == ROUTES
    commands = {path.rsplit("/", 1)[1] for _, path in ROUTES if "/commands/" in path}
    assert commands == set(COMMANDS)
    assert {cls.__name__ for cls in COMMANDS.values()} == {cls.__name__ for cls in authz.POLICY}
    assert set(ROUTES) >= OPEN


@pytest.mark.parametrize(
    ("method", "path"),
    [r for r in ROUTES if r not in OPEN],
    ids=[f"{m} {p}" for m, p in ROUTES if (m, p) not in OPEN],
)
def test_nothing_answers_without_a_token(api: Api, method: str, path: str) -> None:
    url = path.replace("{production_id}", PID).replace("{token_id}", "0123456789abcdef")
    client = api.new_client()
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        r = client.request(method, url, headers=headers)
        problem(r, 401, "unauthenticated")
        assert r.headers["www-authenticate"] == "Bearer"


def test_the_open_routes_are_open(api: Api) -> None:
    client = api.new_client()
    assert client.get(f"{PREFIX}/health").json() == {"status": "ok"}
    rules = client.get(f"{PREFIX}/rules")
    assert rules.status_code == 200
    assert [r["code"] for r in rules.json()] == [r.code for r in CATALOGUE]
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/", follow_redirects=False).status_code < 400
    problem(client.post(f"{PREFIX}/auth/login"), 422, "invalid")
