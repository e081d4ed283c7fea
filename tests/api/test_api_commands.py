"""Commands over HTTP: refusals, malformed bodies, size limits, idempotency, and the seven
questions citing seqs that are in the log (the issue with the recipient's PIN:
test_api_pin.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from coldcheck.api.schemas import PREFIX
from coldcheck.http.body_limit import MAX_BODY
from support.api_client import BASE, PIN, Api, problem

DUMMY = {"content": "dummy", "lot": "dum-45", "checked": True}
CODE = re.compile(r"^[A-Z]{3}-[0-9]+$")


def _catalogue(api: Api) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in api.client.get(f"{PREFIX}/rules").json()}


# -- refused ------------------------------------------------------------------------------


def test_a_refused_command_explains_every_violation_and_records_only_its_attempt(
    api: Api,
) -> None:
    before, events = api.head(), len(api.events())
    r = api.command(
        "issue-item",
        {"item_id": "rifle-1", "recipient_id": "jack", "scene_id": "sc-12", "recipient_pin": PIN},
        "rosa",
    )
    body = problem(r, 409, "refused")
    violations = body["violations"]
    codes = [v["code"] for v in violations]
    assert len(codes) >= 2
    assert body["attempt"] == before + 1
    assert body["detail"] == (
        f"refused by {', '.join(codes)}; the attempt is on the record (#{before + 1})"
    )
    catalogue = _catalogue(api)
    for v in violations:
        assert CODE.match(v["code"])
        assert v["severity"] == "block"
        assert v["detail"]
        # Title and what to do instead are the rule's own, as the catalogue has them.
        assert v["title"] == catalogue[v["code"]]["title"]
        assert v["explanation"] == catalogue[v["code"]]["explanation"]
        assert v["guideline"] == catalogue[v["code"]]["guideline"]
    assert api.head() == before + 1
    assert len(api.events()) == events + 1
    api.only_attempts(before, "IssueItem")
    (attempt,) = api.events(after=before)
    assert attempt["actor"] == "rosa"
    assert attempt["data"]["codes"] == codes
    assert (attempt["data"]["item_id"], attempt["data"]["recipient_id"]) == ("rifle-1", "jack")


def test_a_refused_command_retried_under_its_key_records_one_attempt(api: Api) -> None:
    before = api.head()
    # Not the refusal of the test above (that one, again within ten minutes, is cited).
    body = {"item_id": "rifle-1", "recipient_id": "jack", "scene_id": "sc-14", "recipient_pin": PIN}
    key = {"Idempotency-Key": "refused-issue-1"}
    first = problem(api.command("issue-item", body, "rosa", headers=key), 409, "refused")
    again = problem(api.command("issue-item", body, "rosa", headers=key), 409, "refused")
    assert first["attempt"] == again["attempt"] == before + 1
    assert [v["code"] for v in again["violations"]] == [v["code"] for v in first["violations"]]
    api.only_attempts(before, "IssueItem")
    # The key is bound to that command: another under it is refused, and records nothing.
    other = {**body, "item_id": "colt-2"}
    problem(api.command("issue-item", other, "rosa", headers=key), 422, "invalid")
    assert api.head() == before + 1


def test_a_forbidden_hand_over_is_on_the_record(api: Api) -> None:
    before = api.head()
    body = {"item_id": "colt-1", "recipient_id": "jack", "scene_id": "sc-12", "recipient_pin": PIN}
    refused = problem(api.command("issue-item", body, "dan"), 403, "forbidden")
    assert refused["attempt"] == before + 1
    assert "the attempt is on the record (#" in refused["detail"]
    api.only_attempts(before, "IssueItem")
    (attempt,) = api.events(after=before)
    assert attempt["actor"] == "dan"
    assert attempt["data"]["codes"][0] == "DOOR"
    # Unknown ids are invalid input, not an attempt: forbidden all the same, unrecorded.
    ghost = problem(api.command("issue-item", {**body, "item_id": "nope"}, "dan"), 403)
    assert "attempt" not in ghost
    assert api.head() == before + 1


def test_a_live_lot_refused_opens_an_incident(api: Api) -> None:
    before = api.head()
    lot = {
        "lot_id": "live-9",
        "ammo_type": "live",
        "caliber": ".45 Colt",
        "count": 20,
        "source": "a gun shop",
        "invoice": "INV-9",
    }
    refused = problem(api.command("receive-lot", lot, "rosa"), 409, "refused")
    assert refused["attempt"] == before + 1
    types = [e["type"] for e in api.events(after=before)]
    assert types == ["AttemptRefused", "IncidentReported", "StandDownBegan"]


# -- malformed -----------------------------------------------------------------------------

MALFORMED: list[tuple[str, str, Any, str]] = [
    ("number for text", "raise-concern", {"text": 5}, "text"),
    (
        "text for a number",
        "receive-lot",
        {
            "lot_id": "l-1",
            "ammo_type": "dummy",
            "caliber": ".45 LC",
            "count": "50",
            "source": "s",
            "invoice": "i",
        },
        "count",
    ),
    (
        "float for a number",
        "record-training",
        {"person_id": "jack", "topics": ["draw"], "minutes": 1.5, "trainer_id": "rosa"},
        "minutes",
    ),
    (
        "'true' for a bool",
        "add-location",
        {"location_id": "shed", "name": "Shed", "secure": "true"},
        "secure",
    ),
    ("1 for a bool", "raise-concern", {"text": "x", "blocking": 1}, "blocking"),
    ("null for required text", "raise-concern", {"text": None}, "text"),
    ("text for a list", "decline-training", {"person_id": "mia", "topics": "draw"}, "topics"),
    ("unknown field", "raise-concern", {"text": "x", "colour": "red"}, "colour"),
    ("the actor is the server's", "raise-concern", {"text": "x", "actor": "paula"}, "actor"),
    ("the time is the server's", "raise-concern", {"text": "x", "at": 1}, "at"),
    (
        "no acknowledging for the recipient",
        "issue-item",
        {
            "item_id": "colt-1",
            "recipient_id": "jack",
            "scene_id": "sc-12",
            "recipient_pin": PIN,
            "recipient_acknowledged": True,
        },
        "recipient_acknowledged",
    ),
    ("missing field", "raise-concern", {}, "text"),
    (
        "missing PIN",
        "issue-item",
        {"item_id": "colt-1", "recipient_id": "jack", "scene_id": "sc-12"},
        "recipient_pin",
    ),
    (
        "unknown enum value",
        "register-item",
        {
            "item_id": "gun-9",
            "kind": "bazooka",
            "serial": "s",
            "tag": "T-9",
            "description": "d",
            "location_id": "truck-safe",
        },
        "kind",
    ),
    (
        "unknown nested enum value",
        "inspect-item",
        {"item_id": "colt-1", "barrel": "clear", "chambers": [{"content": "plasma"}]},
        "chambers",
    ),
    (
        "unknown nested field",
        "inspect-item",
        {"item_id": "colt-1", "barrel": "clear", "chambers": [{"content": "empty", "x": 1}]},
        "chambers",
    ),
    (
        "a pair with three parts",
        "close-day",
        {"date": "2021-10-21", "counts": [["blk-45", 48, 1]]},
        "counts",
    ),
    (
        "an integer past what the record holds",
        "record-training",
        {"person_id": "jack", "topics": ["draw"], "minutes": 2**53, "trainer_id": "rosa"},
        "minutes",
    ),
    ("text over 4000 characters", "raise-concern", {"text": "x" * 4001}, "text"),
    (
        "a PIN too short",
        "issue-item",
        {"item_id": "colt-1", "recipient_id": "jack", "scene_id": "sc-12", "recipient_pin": "12"},
        "recipient_pin",
    ),
    ("a list for the body", "raise-concern", ["text"], "body"),
]


@pytest.mark.parametrize(
    ("slug", "body", "field"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_a_malformed_body_is_a_422_naming_the_field(
    api: Api, slug: str, body: Any, field: str
) -> None:
    before = api.head()
    r = api.client.post(f"{BASE}/commands/{slug}", json=body, headers=api.auth("rosa"))
    detail = problem(r, 422, "invalid")["detail"]
    assert field in detail
    assert api.head() == before


RAW: list[tuple[str, bytes, str]] = [
    ("not JSON", b'{"text": "x"', "application/json"),
    ("not UTF-8", b'{"text": "\xff\xfe"}', "application/json"),
    ("a lone surrogate", b'{"text": "\\ud800"}', "application/json"),
    ("empty", b"", "application/json"),
    ("not declared as JSON", b'{"text": "x"}', "text/plain"),
]


@pytest.mark.parametrize(("content", "content_type"), [r[1:] for r in RAW], ids=[r[0] for r in RAW])
def test_an_unreadable_body_is_a_422(api: Api, content: bytes, content_type: str) -> None:
    before = api.head()
    r = api.client.post(
        f"{BASE}/commands/raise-concern",
        content=content,
        headers={**api.auth("rosa"), "Content-Type": content_type},
    )
    problem(r, 422, "invalid")
    assert api.head() == before


def test_an_invalid_value_the_domain_checks_is_a_422_too(api: Api) -> None:
    before = api.head()
    for slug, body, words in (
        (
            "record-qualification",
            {"person_id": "rosa", "kind": "permit", "number": "1", "expires_on": "someday"},
            "expires_on",
        ),
        ("add-location", {"location_id": "bad id!", "name": "x", "secure": True}, "location_id"),
        (
            "receive-lot",
            {
                "lot_id": "l-2",
                "ammo_type": "dummy",
                "caliber": ".45 LC",
                "count": 0,
                "source": "s",
                "invoice": "i",
            },
            "count",
        ),
    ):
        assert words in problem(api.command(slug, body, "rosa"), 422, "invalid")["detail"]
    problem(
        api.command("move-item", {"item_id": "no-such-gun", "location_id": "truck-safe"}, "rosa"),
        404,
        "not-found",
    )
    assert api.head() == before


# -- size ----------------------------------------------------------------------------------


def _body_of(size: int) -> bytes:
    base = b'{"text": ""}'
    return base[:-2] + b"x" * (size - len(base)) + base[-2:]


def _chunks(data: bytes, size: int = 4096) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def test_a_body_over_64_kib_is_a_413(api: Api) -> None:
    before = api.head()
    url = f"{BASE}/commands/raise-concern"
    headers = {**api.auth("rosa"), "Content-Type": "application/json"}
    at_limit, over = _body_of(MAX_BODY), _body_of(MAX_BODY + 1)
    assert len(at_limit) == MAX_BODY
    # At the limit the body is read (and refused for its 60 KiB text, as any other).
    problem(api.client.post(url, content=at_limit, headers=headers), 422, "invalid")
    body = problem(api.client.post(url, content=over, headers=headers), 413, "too-large")
    assert str(MAX_BODY) in body["detail"]
    # Sent in chunks without a Content-Length, the same.
    problem(api.client.post(url, content=_chunks(over), headers=headers), 413, "too-large")
    problem(api.client.post(url, content=_chunks(at_limit), headers=headers), 422)
    problem(api.client.post(url, content=_chunks(_body_of(10 * MAX_BODY)), headers=headers), 413)
    assert api.head() == before


def test_a_small_chunked_body_is_read_whole(api: Api) -> None:
    data = json.dumps({"text": "sent in pieces " * 200}).encode()
    r = api.client.post(
        f"{BASE}/commands/raise-concern",
        content=_chunks(data, 100),
        headers={**api.auth("sam"), "Content-Type": "application/json"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["events"][0]["data"]["text"] == "sent in pieces " * 200


# -- idempotency ---------------------------------------------------------------------------


def test_a_retry_with_the_same_key_replays_and_writes_nothing(api: Api) -> None:
    body = {"location_id": "shed-1", "name": "Shed", "secure": True}
    key = {"Idempotency-Key": "add-shed-1"}
    first = api.command("add-location", body, "rosa", headers=key)
    assert first.status_code == 200, first.text
    assert first.json()["replayed"] is False
    before = api.head()
    for _ in range(2):
        again = api.command("add-location", body, "rosa", headers=key)
        assert again.status_code == 200, again.text
        assert again.json()["replayed"] is True
        assert again.json()["events"] == first.json()["events"]
    assert api.head() == before
    # Without the key, the same command is a new one (and refused: it exists).
    problem(api.command("add-location", body, "rosa"), 422)


def test_the_same_key_from_another_user_is_another_command(api: Api) -> None:
    key = {"Idempotency-Key": "worry-1"}
    mine = api.command("raise-concern", {"text": "rosa's worry"}, "rosa", headers=key)
    theirs = api.command("raise-concern", {"text": "dan's worry"}, "dan", headers=key)
    assert mine.status_code == theirs.status_code == 200
    assert theirs.json()["replayed"] is False
    assert theirs.json()["events"][0]["actor"] == "dan"
    assert theirs.json()["events"][0]["data"]["text"] == "dan's worry"
    assert {e["seq"] for e in mine.json()["events"]}.isdisjoint(
        e["seq"] for e in theirs.json()["events"]
    )
    retry = api.command("raise-concern", {"text": "dan's worry"}, "dan", headers=key)
    assert retry.json()["replayed"] is True
    assert retry.json()["events"] == theirs.json()["events"]


def test_an_anonymous_concern_key_names_no_one(api: Api) -> None:
    """Documented: the key of an anonymous concern is not tied to the caller, so a
    retry from another device or account replays it rather than filing it twice."""
    key = {"Idempotency-Key": "anon-1"}
    body = {"text": "nobody checked the blanks", "anonymous": True}
    first = api.command("raise-concern", body, "mia", headers=key)
    second = api.command("raise-concern", body, "lane", headers=key)
    assert first.status_code == second.status_code == 200
    assert second.json()["replayed"] is True
    assert second.json()["events"] == first.json()["events"]
    assert all(e["actor"] is None for e in first.json()["events"])


@pytest.mark.parametrize(
    ("slug", "body"),
    [
        ("raise-concern", {"text": "a different worry"}),
        ("raise-concern", {"text": "the first worry", "blocking": True}),
        ("add-location", {"location_id": "shed-9", "name": "Shed", "secure": True}),
    ],
)
def test_a_key_reused_for_a_different_request_is_refused_naming_it(
    api: Api, slug: str, body: dict[str, object]
) -> None:
    key = {"Idempotency-Key": f"reuse-{slug}-{len(body)}"}
    first = api.command("raise-concern", {"text": "the first worry"}, "rosa", headers=key)
    assert first.status_code == 200, first.text
    before = api.head()
    detail = problem(api.command(slug, body, "rosa", headers=key), 422, "invalid")["detail"]
    assert key["Idempotency-Key"] in detail
    assert "different request" in detail
    assert api.head() == before
    # The first request's retry still replays it.
    again = api.command("raise-concern", {"text": "the first worry"}, "rosa", headers=key)
    assert again.json()["replayed"] is True
    assert again.json()["events"] == first.json()["events"]


def test_an_anonymous_key_reused_for_another_concern_is_refused(api: Api) -> None:
    key = {"Idempotency-Key": "anon-reuse"}
    first = api.command(
        "raise-concern", {"text": "blanks left on the cart", "anonymous": True}, "mia", headers=key
    )
    assert first.status_code == 200, first.text
    before = api.head()
    other = api.command(
        "raise-concern",
        {"text": "a second, different worry", "anonymous": True},
        "lane",
        headers=key,
    )
    assert "anon-reuse" in problem(other, 422, "invalid")["detail"]
    assert api.head() == before
    assert all(e["actor"] is None for e in first.json()["events"])


@pytest.mark.parametrize("key", ["", "has space", "x" * 129, "ünïcode", "a/b"])
def test_a_malformed_key_is_refused(api: Api, key: str) -> None:
    before = api.head()
    headers: dict[str, str | bytes] = {**api.auth("rosa"), "Idempotency-Key": key.encode()}
    r = api.client.post(f"{BASE}/commands/raise-concern", json={"text": "x"}, headers=headers)
    assert "idempotency-key" in problem(r, 422, "invalid")["detail"].lower()
    assert api.head() == before


# -- the seven questions -------------------------------------------------------------------

QUESTIONS: list[tuple[str, dict[str, str], str | None]] = [
    ("custody", {"item": "colt-1"}, "item_id"),
    ("declarations", {"item": "colt-1"}, "item_id"),
    ("chambers", {"item": "colt-2"}, "item_id"),
    ("training", {"person": "mia"}, "person_id"),
    ("concerns", {}, "concern_id"),
    ("authorities", {}, "authority"),
    ("incidents", {}, None),
]


@pytest.mark.parametrize(("question", "params", "key"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_a_question_cites_seqs_that_are_in_the_log(
    api: Api, question: str, params: dict[str, str], key: str | None
) -> None:
    r = api.get(f"{BASE}/questions/{question}", "jack", **params)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["question"]
    assert answer["summary"]
    assert answer["seqs"]
    assert answer["seqs"] == sorted(set(answer["seqs"]))
    log = {e["seq"]: e for e in api.events("jack")}
    assert set(answer["seqs"]) <= set(log)
    assert {s["seq"] for s in answer["steps"]} <= set(answer["seqs"])
    cited = [log[s] for s in answer["seqs"]]
    # A transfer names the items it carries; its later events name the transfer.
    carried = {
        e["data"]["transfer_id"]: e["data"]["items"]
        for e in log.values()
        if e["type"] == "TransferDispatched"
    }
    if key is not None:
        wanted = next(iter(params.values()), None)
        for event in cited:
            if key == "item_id" and event["type"].startswith("Transfer"):
                assert wanted in carried[event["data"]["transfer_id"]], event
                continue
            assert key in event["data"], event
            if wanted is not None:
                assert event["data"][key] == wanted, event
    else:
        assert {e["type"] for e in cited} >= {"IncidentReported", "StandDownBegan"}


@pytest.mark.parametrize(
    ("question", "params", "status"),
    [
        ("custody", {}, 422),
        ("custody", {"item": "no-such-gun"}, 404),
        ("chambers", {"item": "colt-1", "at": "noon"}, 422),
        ("concerns", {"before": "0"}, 422),
        ("training", {}, 422),
    ],
)
def test_a_question_asked_badly(
    api: Api, question: str, params: dict[str, str], status: int
) -> None:
    problem(api.get(f"{BASE}/questions/{question}", "jack", **params), status)


def test_the_record_verifies_and_pages(api: Api) -> None:
    r = api.get(f"{BASE}/verify", "nora")
    assert r.status_code == 200, r.text
    assert r.json()["ok"] is True
    assert r.json()["events"] == api.head()
    page = api.get(f"{BASE}/events", "nora", after=10, limit=5).json()
    assert [e["seq"] for e in page] == [11, 12, 13, 14, 15]
    problem(api.get(f"{BASE}/events", "nora", limit=0), 422)
    problem(api.get(f"{BASE}/events", "nora", after=2**63), 422)
