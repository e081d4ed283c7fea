"""Naming a production's witnesses through the API: the armorer or an administrator
names and removes them, a member reads them, anyone else is refused; bad input is a 422
naming the field. An unreachable witness is recorded as such and asked again later."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from coldcheck.http.app import create_app
from coldcheck.ledger import CosignatureVerifier, SigningKey
from coldcheck.witnessing import asking
from support.api_client import BASE, PID, Api

VKEY = CosignatureVerifier("studio.example", SigningKey.generate().public_key_bytes()).vkey()


def _add(api: Api, user: str, name: str, url: str = "http://127.0.0.1:9", vkey: str = VKEY):  # type: ignore[no-untyped-def]
    return api.client.post(
        f"{BASE}/witnesses", json={"name": name, "url": url, "vkey": vkey}, headers=api.auth(user)
    )


def test_only_the_armorer_or_an_administrator_names_witnesses(api: Api) -> None:
    assert _add(api, "dan", "union").status_code == 403  # the first AD
    r = _add(api, "rosa", "studio")
    assert r.status_code == 201, r.text
    assert r.json()["outcome"] is None
    assert _add(api, "admin", "insurer").status_code == 201
    assert _add(api, "rosa", "studio").status_code == 409  # one name, one witness
    names = [w["name"] for w in api.get(f"{BASE}/witnesses", "jack").json()]
    assert names == ["insurer", "studio"]
    delete = api.client.delete(f"{BASE}/witnesses/insurer", headers=api.auth("jack"))
    assert delete.status_code == 403
    delete = api.client.delete(f"{BASE}/witnesses/insurer", headers=api.auth("admin"))
    assert delete.status_code == 204


def test_a_bad_name_url_or_vkey_is_refused_naming_it(api: Api) -> None:
    for args, word in (
        (("Studio!",), '"name: String should match pattern'),  # the document says which
        (("ok", "ftp://x"), '"url: String should match pattern'),
        (("ok", "http://["), "witness URL"),  # a URL urllib cannot even split
        (("ok", "http://:80"), "witness URL"),  # no host
        (("ok", "http://x", "nonsense"), "witness vkey"),
    ):
        r = _add(api, "rosa", *args)
        assert r.status_code == 422, r.text
        assert word in r.text


def test_an_unreachable_witness_is_recorded_and_asked_again(api: Api) -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    answers = asking.ask_production(api.service, PID)
    assert {a.witness: a.outcome for a in answers} == {"studio": "unreachable"}
    shown = api.get(f"{BASE}/witnesses", "jack").json()
    assert shown[0]["outcome"] == "unreachable"
    assert "cannot reach the witness" in shown[0]["detail"]
    again = asking.ask_production(api.service, PID)  # the next tick asks it again
    assert [a.witness for a in again] == ["studio"]


def test_the_server_asks_its_witnesses_by_itself(api: Api) -> None:
    # The timer beside escalation: an app started with an interval asks without anyone
    # calling; the unreachable witness of the test above is asked again on its own.
    before = api.get(f"{BASE}/witnesses", "jack").json()[0]["asked_at"]
    api.clock.now += 5 * 60 * 1_000_000  # past the lease and a second later on its clock
    app = create_app(api.service, api.accounts, witness_every_s=0.2)
    with TestClient(app):
        deadline = time.monotonic() + 20
        while api.get(f"{BASE}/witnesses", "jack").json()[0]["asked_at"] == before:
            assert time.monotonic() < deadline, "the timer never asked"
            time.sleep(0.1)
