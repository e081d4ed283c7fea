"""Over HTTP, a record changed in the database is never served: every reading route of a
freshly started server and of one that was running answers 503 `integrity`, naming the
first bad event, and no command is accepted.

Each test has a database of its own (it is damaged on purpose), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from coldcheck import envelope
from coldcheck.accounts import Accounts, pin_pepper
from coldcheck.domain import events as ev
from coldcheck.http.app import create_app
from coldcheck.ledger import leaf_hash
from coldcheck.service import ColdCheck
from coldcheck.store import SqlStore
from coldcheck.store.accounts import AccountStore
from coldcheck.web.site import COOKIE
from support.api_client import BASE, FAST_HASHER, PID, Api, TestClient, close, problem, seeded
from support.service_db import BACKENDS, databases_for, drop_append_only_triggers, raw

READS = [
    f"{BASE}/events",
    f"{BASE}/events?after=5&limit=10",
    f"{BASE}/board",
    f"{BASE}/questions/custody?item=colt-1",
    f"{BASE}/questions/declarations?item=colt-1",
    f"{BASE}/questions/chambers?item=colt-1",
    f"{BASE}/questions/training?person=jack",
    f"{BASE}/questions/concerns",
    f"{BASE}/questions/authorities",
    f"{BASE}/questions/incidents",
    f"{BASE}/bound-book.csv",
    f"{BASE}/dossier?item=colt-1&format=bundle",
]


@pytest.fixture(params=BACKENDS)
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with databases_for(request, request.param, tmp_path_factory.mktemp("tampered")) as made:
        made_api = seeded(made.create())
        yield made_api
        close(made_api)


def _forge_first_issue(api: Api) -> int:
    """Rewrite the first handover's recipient and that row's leaf hash; its seq."""
    rec = next(r for r in api.service.records(PID) if isinstance(r.event, ev.ItemIssued))
    assert isinstance(rec.event, ev.ItemIssued)
    body = envelope.encode(PID, replace(rec, event=replace(rec.event, recipient_id="mia")))
    with raw(api.service.store.url) as conn:
        drop_append_only_triggers(conn)
        conn.execute(
            "UPDATE events SET body = ?, leaf_hash = ? WHERE production_id = ? AND seq = ?",
            (body, leaf_hash(body), PID, rec.seq),
        )
    return rec.seq


def _fresh_server(api: Api) -> tuple[TestClient, SqlStore]:
    """Another server process on the same database and key, started after the change."""
    store = SqlStore(api.service.store.url)
    key = api.service.key
    app = create_app(
        ColdCheck(store, key, clock=api.clock),
        Accounts(AccountStore(store), pin_pepper(key), api.clock, FAST_HASHER),
    )
    return TestClient(app), store


def _assert_refused(client: TestClient, api: Api, seq: int) -> None:
    headers = api.auth("rosa")
    for path in READS:
        body = problem(client.get(path, headers=headers), 503, "integrity")
        assert f"#{seq}" in body["detail"], (path, body)
    r = client.post(
        f"{BASE}/commands/raise-concern", headers=headers, json={"text": "onto a changed record"}
    )
    problem(r, 503, "integrity")


def test_a_fresh_server_serves_no_read_of_a_forged_record(api: Api) -> None:
    api.token("rosa")  # logged in before the change
    seq = _forge_first_issue(api)
    client, store = _fresh_server(api)
    try:
        _assert_refused(client, api, seq)
    finally:
        store.close()


def test_a_running_server_stops_serving_once_the_record_changed_underneath(api: Api) -> None:
    headers = api.auth("rosa")
    assert (
        api.client.get(f"{BASE}/questions/custody?item=colt-1", headers=headers).status_code == 200
    )
    seq = _forge_first_issue(api)
    _assert_refused(api.client, api, seq)


PAGES = [
    "/p/cold-creek/items/colt-1",
    "/p/cold-creek",
    "/p/cold-creek/concerns",
    "/p/cold-creek/incidents",
]


def test_the_web_pages_of_a_fresh_server_refuse_a_forged_record(api: Api) -> None:
    seq = _forge_first_issue(api)
    client, store = _fresh_server(api)
    try:
        client.cookies.set(COOKIE, api.token("rosa"))
        for path in PAGES:
            r = client.get(path)
            assert r.status_code == 503, (path, r.status_code)
            assert f"#{seq}" in r.text, path
    finally:
        store.close()
