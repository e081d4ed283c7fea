"""The people page and the account actions on the tablet, on SQLite and PostgreSQL: each
form records its event, with the sender as its actor; a performer is refused; bad input
is a 422 naming the field with the values sent kept and nothing recorded; a reset PIN
no longer confirms until the person sets a new one; a removed account gets 404 on that
production's pages and API at once."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from coldcheck.accounts import NoPin
from support import web_client
from support.api_client import BASE, PASSWORD, PID, PIN, Api, problem

PEOPLE = f"/p/{PID}/people"
_ids = itertools.count(1)


def _client(api: Api, who: str) -> Any:
    client = api.new_client()
    assert web_client.login(client, who).status_code == 303
    return client


def _post(client: Any, form: str, data: dict[str, Any]) -> Any:
    return web_client.post(client, f"{PEOPLE}/{form}", data, page=PEOPLE)


def _newcomer(api: Api, paula: Any) -> str:
    """Someone added through the page, with an account on the production and a PIN."""
    person = f"extra-{next(_ids)}"
    r = _post(paula, "add", {"person_id": person, "name": "Ada Stone", "roles": "crew"})
    assert r.status_code == 200, r.text
    api.accounts.create(person, PASSWORD)
    api.accounts.set_pin(person, PIN)
    api.accounts.rows.link(person, PID, person)
    return person


def _types(api: Api, after: int) -> list[tuple[str, str | None]]:
    return [(e["type"], e["actor"]) for e in api.events("paula", after)]


def _confirm(api: Api, person: str, pin: str = PIN) -> None:
    api.accounts.confirm_pin(PID, person, pin, name=person)


def test_each_form_records_its_event_as_its_sender(api: Api) -> None:
    paula = _client(api, "paula")
    before = api.head()
    person = _newcomer(api, paula)
    for form, data in (
        ("roles", {"person_id": person, "roles": ["crew", "camera"]}),
        ("authority", {"person_id": person, "authority": "hiring", "action": "assign"}),
        ("authority", {"person_id": person, "authority": "hiring", "action": "revoke"}),
        (
            "qualification",
            {"person_id": person, "kind": "licence", "number": "L-7", "expires_on": "2021-11-01"},
        ),
    ):
        r = _post(paula, form, data)
        assert r.status_code == 200, r.text
        assert "Recorded" in r.text
    assert _types(api, before) == [
        ("PersonAdded", "paula"),
        ("RolesChanged", "paula"),
        ("AuthorityAssigned", "paula"),
        ("AuthorityRevoked", "paula"),
        ("QualificationRecorded", "paula"),
    ]
    page = paula.get(PEOPLE, params={"person": person})
    assert "licence L-7, until 2021-11-01" in page.text
    assert "expires in" in page.text  # within 30 days of the demo's day, in words
    assert " checked" not in page.text  # nothing ticked for anyone


def test_an_expired_qualification_is_flagged(api: Api) -> None:
    paula = _client(api, "paula")
    person = _newcomer(api, paula)
    data = {"person_id": person, "kind": "card", "number": "C-1", "expires_on": "2020-01-31"}
    assert _post(paula, "qualification", data).status_code == 200
    assert "EXPIRED on 2020-01-31" in paula.get(PEOPLE).text


FORMS = [
    ("add", {"person_id": "zed", "name": "Zed", "roles": "crew"}),
    ("roles", {"person_id": "mia", "roles": "crew"}),
    ("authority", {"person_id": "mia", "authority": "hiring", "action": "assign"}),
    ("qualification", {"person_id": "mia", "kind": "k", "number": "1", "expires_on": "2030-01-01"}),
    ("reset-pin", {"person_id": "mia"}),
    ("remove-access", {"person_id": "mia"}),
]


@pytest.mark.parametrize(("form", "data"), FORMS, ids=[f for f, _ in FORMS])
def test_a_performer_is_forbidden_and_nothing_changes(
    api: Api, form: str, data: dict[str, str]
) -> None:
    jack = _client(api, "jack")
    before = api.head()
    r = _post(jack, form, data)
    assert r.status_code == 403, r.text
    assert api.head() == before
    assert api.accounts.rows.person("mia", PID) == "mia"  # still on the production
    _confirm(api, "mia")  # the PIN still confirms
    page = jack.get(PEOPLE, params={"person": "mia"})
    assert 'method="post" action="/p/' + PID + "/people" not in page.text  # no form offered


BAD = [
    ("add", {"person_id": "new one", "name": "N", "roles": "crew"}, "person_id 'new one' is not"),
    ("add", {"person_id": "newer", "name": "", "roles": "crew"}, "name: give the person"),
    ("add", {"person_id": "newer", "name": "N"}, "roles: tick at least one role"),
    ("add", {"person_id": "newer", "name": "N", "roles": "wizard"}, "roles: 'wizard' is not"),
    ("roles", {"person_id": "mia"}, "roles: tick at least one role"),
    ("authority", {"person_id": "mia", "action": "assign"}, "authority: choose which"),
    ("authority", {"person_id": "mia", "authority": "hiring"}, "action: give or take away"),
    (
        "qualification",
        {"person_id": "mia", "kind": "licence", "number": "L-9", "expires_on": "31/12/2030"},
        "expires on must be a date like",
    ),
    ("qualification", {"person_id": "mia", "kind": "licence", "number": ""}, "number: give its"),
    ("reset-pin", {"person_id": "nobody"}, "person: choose one of the production"),
]


@pytest.mark.parametrize(("form", "data", "says"), BAD, ids=[f"{f}-{s[:20]}" for f, _, s in BAD])
def test_bad_input_is_a_422_naming_the_field_and_keeps_what_was_sent(
    api: Api, form: str, data: dict[str, str], says: str
) -> None:
    paula = _client(api, "paula")
    before = api.head()
    r = _post(paula, form, data)
    assert r.status_code == 422, r.text
    assert says in r.text.replace("&#39;", "'")
    assert "Nothing was recorded" in r.text
    assert api.head() == before
    for name in ("name", "number", "kind", "expires_on"):
        if data.get(name):
            assert f'value="{data[name]}"' in r.text, name
    if data.get("roles") == "crew":
        assert 'value="crew" checked' in r.text  # ticked as sent, not pre-ticked


def test_a_reset_pin_no_longer_confirms_and_the_person_sets_a_new_one(api: Api) -> None:
    paula = _client(api, "paula")
    person = _newcomer(api, paula)
    _confirm(api, person)
    api.accounts.rows.update(person, pin_failures=5, pin_locked_until=2**50)  # locked out
    before = api.head()
    r = _post(paula, "reset-pin", {"person_id": person})
    assert r.status_code == 200, r.text
    assert "reset Ada Stone's PIN" in r.text.replace("&#39;", "'")
    assert _types(api, before) == [("PinReset", "paula")]
    row = api.accounts.rows.get(person)
    assert row is not None
    assert (row.pin_hash, row.pin_failures, row.pin_locked_until) == (None, 0, None)
    with pytest.raises(NoPin):
        _confirm(api, person)
    # On their own device, with their password: the PIN typed twice, never drawn back.
    own = _client(api, person)
    data = {"password": PASSWORD, "pin": "2468", "pin_again": "2468"}
    r = web_client.post(own, f"/p/{PID}/pin", data, page=f"/p/{PID}/pin")
    assert r.status_code == 200, r.text
    assert "Your PIN is set" in r.text
    assert "2468" not in r.text
    assert PASSWORD not in r.text
    _confirm(api, person, "2468")


PIN_BAD = [
    ({"password": "not the password", "pin": "2468", "pin_again": "2468"}, "current password"),
    ({"password": PASSWORD, "pin": "2468", "pin_again": "2469"}, "new PIN again: the two"),
    ({"password": PASSWORD, "pin": "24", "pin_again": "24"}, "new PIN: a PIN is 4 to 8"),
]


@pytest.mark.parametrize(("data", "says"), PIN_BAD, ids=[s for _, s in PIN_BAD])
def test_my_pin_refuses_bad_input_and_keeps_the_old_pin(
    api: Api, data: dict[str, str], says: str
) -> None:
    paula = _client(api, "paula")
    person = _newcomer(api, paula)
    own = _client(api, person)
    r = web_client.post(own, f"/p/{PID}/pin", data, page=f"/p/{PID}/pin")
    assert r.status_code == 422, r.text
    assert says in r.text
    assert "not changed" in r.text
    # Never drawn back into a field (a bare "24" could be any time on the page).
    assert f'value="{data["pin"]}"' not in r.text
    assert data["password"] not in r.text
    _confirm(api, person)  # the old PIN still confirms


def test_a_removed_account_gets_404_on_that_production_at_once(api: Api) -> None:
    paula = _client(api, "paula")
    person = _newcomer(api, paula)
    own = _client(api, person)
    token = api.login(person)
    bearer = {"Authorization": f"Bearer {token}"}
    assert own.get(f"/p/{PID}").status_code == 200
    assert api.client.get(f"{BASE}/board", headers=bearer).status_code == 200
    before = api.head()
    r = _post(paula, "remove-access", {"person_id": person})
    assert r.status_code == 200, r.text
    assert "removed Ada Stone's access" in r.text.replace("&#39;", "'")
    assert _types(api, before) == [("AccessRemoved", "paula")]
    page = own.get(f"/p/{PID}")
    assert page.status_code == 404
    assert "Your productions" in page.text  # the picker, with none of theirs
    assert own.get(f"/p/{PID}/people").status_code == 404
    problem(api.client.get(f"{BASE}/board", headers=bearer), 404, "not-found")
    assert person in api.service.state(PID).people  # the record of them stays


def test_the_api_routes_record_and_change_the_account_and_refuse_first(api: Api) -> None:
    paula = _client(api, "paula")
    person = _newcomer(api, paula)
    before = api.head()
    # Refused at the door: nothing recorded, the account untouched.
    problem(api.command("remove-access", {"person_id": person}, "jack"), 403, "forbidden")
    problem(api.command("reset-pin", {"person_id": person}, "rosa"), 403, "forbidden")
    problem(api.command("remove-access", {"person_id": "paula"}, "paula"), 422)
    assert api.head() == before
    assert api.accounts.rows.person(person, PID) == person
    _confirm(api, person)
    r = api.command("reset-pin", {"person_id": person}, "paula")
    assert r.status_code == 200, r.text
    with pytest.raises(NoPin):
        _confirm(api, person)
    r = api.command("remove-access", {"person_id": person}, "paula")
    assert r.status_code == 200, r.text
    assert api.accounts.rows.person(person, PID) is None
    assert _types(api, before) == [("PinReset", "paula"), ("AccessRemoved", "paula")]
