"""The provenance forms on the tablet, on SQLite and PostgreSQL: a supplier registered; a
lot received with where it came from, held in quarantine when it last served another
production; its rounds verified one by one until the quarantine lifts; a box split and
two merged. A bad value is a 422 naming the field that records nothing and keeps what was
typed; a form without its token is refused; anyone but the armorer is refused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from coldcheck import demo
from support import web_client
from support.api_client import PID, TODAY, Api, build, close

P = f"/p/{PID}"
HELD = {
    "ammo_type": "dummy",
    "lot_id": "dum-hd",
    "caliber": ".45 LC",
    "count": "4",
    "invoice": "HDP-0200",
    "supplier_id": "unknown",
    "last_production": "Dry Wells",
    "handled": "repackaged",
    "repackaged_by": "Starline Props",
    "headstamp": "STARLINE 45 COLT",
    "invoice_sha256": "AB" * 32,
}


@pytest.fixture(scope="module")
def api(database_url: str) -> Iterator[Api]:
    """The demo day, closed, with its evening's lot verified round by round."""
    made = build(database_url)
    demo.seed(lambda cmd: made.service.execute(PID, cmd), TODAY)
    demo.seed_accounts(made.accounts)
    yield made
    close(made)


def _client(api: Api, who: str = "rosa") -> Any:
    client = api.new_client()
    assert web_client.login(client, who).status_code == 303
    return client


def _post(api: Api, path: str, data: dict[str, Any], who: str = "rosa") -> tuple[Any, list[Any]]:
    before = api.head()
    r = web_client.post(_client(api, who), f"{P}{path}", data)
    return r, api.events(after=before)


def _types(events: list[Any]) -> list[str]:
    return [e["type"] for e in events]


def test_a_supplier_is_registered(api: Api) -> None:
    page = _client(api).get(f"{P}/stock/suppliers")
    assert page.status_code == 200
    assert "High Desert Pictures" in page.text
    assert "another production" in page.text
    sent = {"kind": "rental_house", "name": "Western Prop Rentals", "supplier_id": "wpr"}
    r, events = _post(api, "/stock/suppliers", sent)
    assert r.status_code == 422
    assert events == []
    assert "contact: say how to reach them" in r.text
    assert 'value="Western Prop Rentals"' in r.text  # the form kept
    r, events = _post(api, "/stock/suppliers", {**sent, "contact": "+1 505 555 0100"})
    assert r.status_code == 200, r.text
    assert _types(events) == ["SupplierRegistered"]
    assert "registered Western Prop Rentals (rental house) as a supplier" in r.text


def test_a_lot_from_another_production_is_held_until_every_round_is_verified(api: Api) -> None:
    r, events = _post(api, "/stock/lots", HELD)
    assert r.status_code == 200, r.text
    assert _types(events) == ["LotReceived", "LotQuarantined"]
    received = events[0]["data"]
    assert received["supplier_id"] is None
    assert received["handled"] == [{"what": "repackaged", "by": "Starline Props"}]
    assert received["invoice_sha256"] == "ab" * 32  # as typed, in the record's lowercase
    assert "Lot dum-hd is in quarantine (origin unknown (no registered supplier), last " in r.text
    page = _client(api).get(f"{P}/stock/rounds")
    assert "lot dum-hd is in quarantine" in page.text
    assert "0 of 4 rounds verified one by one" in page.text
    assert "checked" not in page.text  # no method, nobody, pre-chosen
    one = {"lot_id": "dum-hd", "first": "1", "round_method": "rattle test", "verified_by": "rosa"}
    r, events = _post(api, "/stock/rounds", one)
    assert r.status_code == 200, r.text
    assert _types(events) == ["RoundsVerified"]
    assert (events[0]["data"]["first"], events[0]["data"]["last"]) == (1, 1)
    assert "verified round 1 of lot dum-hd one by one (rattle test): 1 of 4 rounds" in r.text
    again = {**one, "last": "2"}
    r, events = _post(api, "/stock/rounds", again)
    assert r.status_code == 422
    assert events == []
    assert "rounds 1 to 1 of lot dum-hd are already verified" in r.text
    assert 'value="2"' in r.text  # the form kept
    rest = {**one, "first": "2", "last": "4", "round_method": "inert primer"}
    r, events = _post(api, "/stock/rounds", rest)
    assert r.status_code == 200, r.text
    assert _types(events) == ["RoundsVerified", "QuarantineLifted"]
    assert "its quarantine is lifted" in r.text


@pytest.mark.parametrize(
    ("path", "data", "says"),
    [
        ("/stock/lots", {**HELD, "supplier_id": ""}, "supplier id: choose the supplier"),
        ("/stock/lots", {**HELD, "repackaged_by": ""}, "repackaged by: say who repackaged"),
        (
            "/stock/lots",
            {**HELD, "lot_id": "dum-bad", "invoice_sha256": "abc"},
            "invoice_sha256: 'abc' is not 64",
        ),
        (
            "/stock/lots",
            {**HELD, "lot_id": "dum-rl", "handled": "reloaded", "reloaded_by": "Ace Reloads"},
            "Reloaded dummies are refused",
        ),
        ("/stock/rounds", {"lot_id": "dum-45", "first": "1"}, "round method: choose how"),
        (
            "/stock/rounds",
            {"lot_id": "dum-45", "first": "3", "round_method": "drilled case"},
            "verified by: choose who checked",
        ),
        (
            "/stock/boxes/split",
            {"lot_id": "dum-45", "into_1": "a", "into_2": "b", "rounds_1": "20", "rounds_2": "20"},
            "share the 50 rounds in lot dum-45",
        ),
        ("/stock/boxes/merge", {"lot_1": "dum-45", "lot_2": "blk-45", "into": "mixed"}, "PRV-3"),
    ],
    ids=lambda x: x if isinstance(x, str) and x.startswith("/") else None,
)
def test_a_bad_value_is_refused_naming_the_field_and_keeps_the_form(
    api: Api, path: str, data: dict[str, Any], says: str
) -> None:
    r, events = _post(api, path, data)
    assert r.status_code in (409, 422), r.text
    assert says in r.text.replace("&#39;", "'")
    if path == "/stock/lots" and r.status_code == 409:
        # Receiving a lot is safety-critical: a refusal records its attempt, alone.
        assert [e["type"] for e in events] == ["AttemptRefused"]
    else:
        assert events == []
    for value in data.values():
        if value and value not in ("dummy", "rattle test", "drilled case", "repackaged"):
            assert f'value="{value}"' in r.text, value  # typed, or chosen, as it was


def test_a_box_is_split_and_two_are_merged_with_their_lineage(api: Api) -> None:
    split = {"lot_id": "dum-38", "into_1": "dum-38a", "into_2": "dum-38b"}
    r, events = _post(api, "/stock/boxes/split", {**split, "rounds_1": "10", "rounds_2": "14"})
    assert r.status_code == 200, r.text
    assert _types(events) == ["LotSplit"]  # its quarantine was lifted: none to keep
    assert "split lot dum-38 into dum-38a (10 rounds) and dum-38b (14 rounds)" in r.text
    merge = {"lot_1": "dum-38a", "lot_2": "dum-38b", "into": "dum-38m"}
    r, events = _post(api, "/stock/boxes/merge", merge)
    assert r.status_code == 200, r.text
    assert _types(events) == ["LotsMerged"]
    assert api.service.state(PID).lots["dum-38m"].parents == ("dum-38a", "dum-38b")
    page = _client(api).get(f"{P}/stock/lots")
    assert "from lots dum-38a and dum-38b" in page.text


PATHS = {
    "/stock/suppliers": {"kind": "manufacturer", "name": "X", "supplier_id": "x", "contact": "c"},
    "/stock/rounds": {"lot_id": "dum-45", "first": "1", "round_method": "rattle test"},
    "/stock/boxes/split": {"lot_id": "blk-45"},
    "/stock/boxes/merge": {"lot_1": "blk-45", "lot_2": "dum-45", "into": "m"},
}


@pytest.mark.parametrize("path", list(PATHS))
def test_without_the_form_token_nothing_is_recorded(api: Api, path: str) -> None:
    client = _client(api)
    before = api.head()
    r = client.post(f"{P}{path}", headers={"Origin": web_client.ORIGIN}, data=PATHS[path])
    assert r.status_code == 403
    assert api.head() == before


@pytest.mark.parametrize("who", ["dan", "jack"])
@pytest.mark.parametrize("path", list(PATHS))
def test_anyone_but_the_armorer_is_refused(api: Api, who: str, path: str) -> None:
    client = _client(api, who)
    page = client.get(f"{P}{path}")
    assert page.status_code in (403, 405), page.text
    assert '<form method="post" class="stock"' not in page.text
    r, events = _post(api, path, {**PATHS[path], "verified_by": "rosa"}, who)
    assert r.status_code == 403, r.text
    assert events == []
