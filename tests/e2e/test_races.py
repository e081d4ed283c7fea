"""Several API workers on one database stay correct under concurrent clients.

A real `coldcheck serve --workers 2` on loopback; requests are bounded in count and time.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from coldcheck import demo
from support.server import Server, serving
from support.service_db import BACKENDS, databases_for

EMPTY6 = [{"content": "empty"}] * 6


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, race_database_url: str) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("race")
    with serving(race_database_url, folder, workers=2) as s:
        yield s


def _at_once(n: int, call: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """Run n calls released together by a barrier."""
    barrier = threading.Barrier(n)

    def go(i: int) -> httpx.Response:
        barrier.wait(timeout=30)
        return call(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(go, range(n)))


def test_fifty_clients_issue_the_same_revolver_exactly_once(server: Server) -> None:
    rosa = server.login("rosa")
    r = httpx.post(
        server.command("inspect-item"),
        headers=rosa,
        timeout=30,
        json={
            "item_id": "colt-1",
            "barrel": "clear",
            "chambers": EMPTY6,
            "shown_to": ["jack", "dan"],
        },
    )
    assert r.status_code == 200, r.text
    body = {
        "item_id": "colt-1",
        "recipient_id": "jack",
        "scene_id": "sc-12",
        "recipient_pin": demo.DEMO_PIN,
    }
    with httpx.Client(timeout=60) as client:
        answers = _at_once(
            50,
            lambda i: client.post(
                server.command("issue-item"),
                json=body,
                headers={**rosa, "Idempotency-Key": f"race-issue-{i}"},
            ),
        )
    ok = [a for a in answers if a.status_code == 200]
    refused = [a for a in answers if a.status_code == 409]
    assert len(ok) == 1, [a.text for a in answers if a.status_code not in (200, 409)]
    assert len(refused) == 49
    for a in refused:
        assert a.headers["content-type"] == "application/problem+json"
        assert "CUS-2" in {v["code"] for v in a.json()["violations"]}
    issued = _events(server, rosa, "ItemIssued")
    assert [e["data"]["item_id"] for e in issued].count("colt-1") == 2  # demo's + this one


def test_twenty_clients_append_and_every_acknowledged_event_is_there_once(
    server: Server,
) -> None:
    lane = server.login("lane")
    per_client = 5

    def client_run(i: int) -> list[dict[str, Any]]:
        got = []
        with httpx.Client(timeout=60) as client:
            for k in range(per_client):
                r = client.post(
                    server.command("raise-concern"),
                    headers=lane,
                    json={"text": f"race concern {i}/{k}"},
                )
                assert r.status_code == 200, r.text
                got += r.json()["events"]
        return got

    barrier = threading.Barrier(20)

    def start(i: int) -> list[dict[str, Any]]:
        barrier.wait(timeout=30)
        return client_run(i)

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=20) as pool:
        acknowledged = [e for batch in pool.map(start, range(20)) for e in batch]
    elapsed = time.perf_counter() - began
    _note(
        server,
        {
            "appending_clients": 20,
            "commands": 20 * per_client,
            "events": len(acknowledged),
            "seconds": round(elapsed, 3),
            "commands_per_s": round(20 * per_client / elapsed, 1),
        },
    )
    log = _events(server, lane, None)
    seqs = [e["seq"] for e in log]
    assert seqs == list(range(1, len(log) + 1)), "one order, no gaps, no duplicates"
    by_id = {e["event_id"]: e for e in log}
    assert len(by_id) == len(log)
    for e in acknowledged:
        assert by_id[e["event_id"]]["seq"] == e["seq"]
    raised = [
        e
        for e in log
        if e["type"] == "ConcernRaised" and e["data"]["text"].startswith("race concern")
    ]
    assert len(raised) == 20 * per_client
    r = httpx.get(
        f"{server.base}/api/v1/productions/{server.production}/verify", headers=lane, timeout=60
    )
    assert r.json()["ok"] is True, r.json()


def _note(server: Server, figures: dict[str, Any]) -> None:
    """Throughput seen, for the closing note (informational: nothing asserts a time)."""
    out = Path(__file__).resolve().parents[2] / "test-artifacts"
    out.mkdir(exist_ok=True)
    kind = "postgresql" if "postgresql" in server.database_url else "sqlite"
    (out / f"race-{kind}.json").write_text(json.dumps(figures, indent=1))


def _events(server: Server, headers: dict[str, str], type_: str | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    after = 0
    while True:
        r = httpx.get(
            f"{server.base}/api/v1/productions/{server.production}/events",
            params={"after": after, "limit": 1000},
            headers=headers,
            timeout=30,
        )
        page = r.json()
        if not page:
            break
        out += page
        after = page[-1]["seq"]
    return [e for e in out if type_ is None or e["type"] == type_]


@pytest.fixture(scope="module", params=BACKENDS)
def race_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh database on each backend in turn, for one server per backend."""
    with databases_for(request, request.param, tmp_path_factory.mktemp("racedb")) as made:
        yield made.create()
