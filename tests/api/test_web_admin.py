"""The administrator's pages, on SQLite and PostgreSQL: the administrator lands on them,
creates an account, a production with its founding producer, and links an account to a
person; nobody else sees or uses them; bad input names the field and keeps what was
typed (never the password), with nothing created; a form without its token is refused."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from coldcheck.api.schemas import PREFIX
from coldcheck.domain.values import Authority
from support import web_client
from support.api_client import PASSWORD, PID, Api

ADMIN = "/admin"
_n = itertools.count(1)


def _client(api: Api, who: str, password: str = PASSWORD) -> Any:
    client = api.new_client()
    assert web_client.login(client, who, password).status_code == 303
    return client


def _post(client: Any, form: str, data: dict[str, Any]) -> Any:
    return web_client.post(client, f"{ADMIN}/{form}", data, page=ADMIN)


def _production(**change: str) -> dict[str, str]:
    n = next(_n)
    return {
        "production_id": f"new-{n}",
        "name": f"Dry Gulch {n}",
        "profile": "california",
        "timezone": "America/Los_Angeles",
        "founder": "paula",
        "founder_id": "paula",
        "founder_name": "Paula Grant",
        **change,
    }


def _alert(html: str) -> str:
    found = re.search(r'role="alert" id="refusal">(.*?)</div>', html, re.S)
    assert found, "no refusal on the page"
    return found.group(1)


def test_the_administrator_lands_on_the_administration_page(api: Api) -> None:
    client = api.new_client()
    r = web_client.login(client, "admin")
    assert r.status_code == 303
    home = client.get("/", follow_redirects=False)
    assert home.headers["location"] == ADMIN
    page = client.get(ADMIN)
    assert page.status_code == 200
    for panel in ("Productions", "Accounts", "PIN resets"):
        assert f">{panel}</h2>" in page.text
    assert "Cold Creek" in page.text
    assert page.text.count('<form method="post"') == 4  # three forms and Log out


@pytest.mark.parametrize("who", ["paula", "rosa", "jack"])
def test_nobody_else_sees_or_uses_it(api: Api, who: str) -> None:
    client = _client(api, who)
    assert client.get("/", follow_redirects=False).headers["location"] == f"/p/{PID}"
    assert client.get(ADMIN).status_code == 403
    assert 'href="/admin' not in client.get(f"/p/{PID}").text
    token = web_client.token_in(client.get(f"/p/{PID}").text)
    for form, data in (
        ("accounts", {"username": f"sneak-{who}", "password": PASSWORD}),
        ("productions", _production()),
        ("links", {"username": who, "production_id": PID, "person_id": "gil"}),
    ):
        r = client.post(
            f"{ADMIN}/{form}",
            headers={"Origin": web_client.ORIGIN},
            data={"csrf_token": token, **data},
        )
        assert r.status_code == 403, (form, r.text)
    assert api.accounts.rows.get(f"sneak-{who}") is None
    assert api.accounts.rows.person(who, PID) == who


def test_logged_out_goes_to_log_in(api: Api) -> None:
    r = api.new_client().get(ADMIN, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/admin"


def test_create_an_account_a_production_and_link_them(api: Api) -> None:
    client = _client(api, "admin")
    name = f"casey-{next(_n)}"
    r = _post(client, "accounts", {"username": name, "password": "a long first password"})
    assert r.status_code == 200, r.text
    assert f"Account {name} created" in r.text
    assert "a long first password" not in r.text
    assert api.accounts.verify_password(name, "a long first password")
    assert not api.accounts.rows.get(name).is_admin  # type: ignore[union-attr]

    sent = _production(founder=name, founder_id="casey", founder_name="Casey Dunn")
    r = _post(client, "productions", sent)
    assert r.status_code == 200, r.text
    pid = sent["production_id"]
    state = api.service.state(pid)
    assert (state.name, state.profile.name, state.timezone) == (
        sent["name"],
        "california",
        "America/Los_Angeles",
    )
    assert state.people["casey"].has(Authority.HIRING)
    assert api.accounts.rows.person(name, pid) == "casey"
    # The founder, on their own, adds a person on the People page; the administrator
    # links an account to them.
    founder = _client(api, name, "a long first password")
    add = {"person_id": "rory", "name": "Rory Vance", "roles": "armorer"}
    r = web_client.post(founder, f"/p/{pid}/people/add", add, page=f"/p/{pid}/people")
    assert r.status_code == 200, r.text
    _post(client, "accounts", {"username": f"{name}-rory", "password": PASSWORD})
    link = {"username": f"{name}-rory", "production_id": pid, "person_id": "rory"}
    r = _post(client, "links", link)
    assert r.status_code == 200, r.text
    assert "now acts as Rory Vance" in r.text
    assert api.accounts.rows.person(f"{name}-rory", pid) == "rory"
    # The API's view of the same production.
    token = api.login(name, "a long first password")
    me = api.client.get(f"{PREFIX}/auth/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert {"production_id": pid, "person_id": "casey"} in me["productions"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"production_id": PID}, "production id: production cold-creek already exists"),
        ({"production_id": "has space"}, "production id: 1-64 letters"),
        ({"profile": "texas"}, "profile: 'texas' is not known; choose one of bulletin1"),
        ({"profile": ""}, "profile: '' is not known"),
        ({"timezone": "Mars/Olympus"}, "timezone: 'Mars/Olympus' is not known"),
        ({"name": " "}, "name: give the production's title"),
        ({"founder": "nobody-here"}, "unknown account 'nobody-here'"),
        ({"founder_id": "a b"}, "founder's person id: 1-64 letters"),
        ({"founder_name": ""}, "founder's name: give the producer's full name"),
    ],
)
def test_a_bad_production_names_the_field_and_keeps_what_was_typed(
    api: Api, change: dict[str, str], field: str
) -> None:
    client = _client(api, "admin")
    sent = _production(**change)
    before = set(api.service.production_ids())
    r = _post(client, "productions", sent)
    assert r.status_code in (404, 409, 422), r.text
    assert field in _alert(r.text).replace("&#39;", "'")
    assert set(api.service.production_ids()) == before
    assert f'value="{sent["name"]}"' in r.text
    assert f'value="{sent["founder_name"]}"' in r.text
    if sent["profile"] == "california":
        assert '<option value="california" selected>' in r.text


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"username": "rosa", "password": PASSWORD}, 409, "username: account 'rosa' already"),
        ({"username": "shorty", "password": "sh0rt!"}, 422, "password: a password has at least 10"),
        ({"username": "two words", "password": PASSWORD}, 422, "username: 1-64 letters"),
    ],
)
def test_a_bad_account_names_the_field_and_never_shows_the_password(
    api: Api, data: dict[str, str], status: int, field: str
) -> None:
    client = _client(api, "admin")
    r = _post(client, "accounts", data)
    assert r.status_code == status, r.text
    assert field in _alert(r.text).replace("&#39;", "'")
    assert f'value="{data["username"]}"' in r.text
    assert data["password"] not in r.text
    if data["username"] != "rosa":
        assert api.accounts.rows.get(data["username"]) is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"username": "admin", "production_id": PID, "person_id": "nobody"}, "unknown person"),
        ({"username": "ghost", "production_id": PID, "person_id": "gil"}, "unknown account"),
        ({"username": "admin", "production_id": "nowhere", "person_id": "gil"}, "nowhere"),
        ({"username": "admin", "production_id": PID, "person_id": "rosa"}, "person: person rosa"),
    ],
)
def test_a_bad_link_names_what_is_wrong(api: Api, data: dict[str, str], field: str) -> None:
    client = _client(api, "admin")
    r = _post(client, "links", data)
    assert r.status_code in (404, 409), r.text
    assert field in _alert(r.text)
    assert f'value="{data["person_id"]}"' in r.text
    assert api.accounts.rows.person("admin", PID) is None


def test_a_form_without_its_token_is_refused(api: Api) -> None:
    client = _client(api, "admin")
    for form, data in (
        ("accounts", {"username": "forged", "password": PASSWORD}),
        ("productions", _production(production_id="forged")),
        ("links", {"username": "admin", "production_id": PID, "person_id": "gil"}),
    ):
        r = client.post(f"{ADMIN}/{form}", headers={"Origin": web_client.ORIGIN}, data=data)
        assert r.status_code == 403, form
        assert "not sent from a ColdCheck page" in r.text
    assert api.accounts.rows.get("forged") is None
    assert "forged" not in api.service.production_ids()
