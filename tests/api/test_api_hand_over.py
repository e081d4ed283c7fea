"""The hand-over and its pre-check at the API, on SQLite and PostgreSQL: the inspection
and the issue in one command, recorded together or not at all; the dry run that names
the blockers first; both in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from support.api_client import BASE, PIN, Api, problem

HAND_OVER = {
    "item_id": "colt-1",
    "barrel": "clear",
    "chambers": [{"content": "dummy", "lot": "dum-45", "checked": True}] * 6,
    "recipient_id": "jack",
    "scene_id": "sc-12",
    "shown_to": ["dan"],
    "entered": "as_planned",
    "recipient_pin": PIN,
}


def _state(api: Api) -> tuple[int, Any]:
    """The head and the board: what "changes no state" compares."""
    board = api.get(f"{BASE}/board", "paula")
    assert board.status_code == 200, board.text
    return api.head(), {k: v for k, v in board.json().items() if k != "seq"}


def test_a_hand_over_records_the_inspection_and_the_issue_as_one(api: Api) -> None:
    r = api.command("hand-over", HAND_OVER, "rosa")
    assert r.status_code == 200, r.text
    events = r.json()["events"]
    assert [e["type"] for e in events] == ["ItemInspected", "ItemIssued"]
    assert events[0]["data"]["shown_to"] == ["jack", "dan"]
    assert events[0]["data"]["entered"] == "as_planned"
    assert events[1]["data"]["inspection_id"] == events[0]["data"]["inspection_id"]
    assert events[1]["data"]["recipient_acknowledged"] is True
    back = {
        "item_id": "colt-1",
        "chambers": HAND_OVER["chambers"],
        "entered": "as_issued",
    }
    r = api.command("return-item", back, "rosa")
    assert r.status_code == 200, r.text
    assert r.json()["events"][0]["data"]["entered"] == "as_issued"


def test_a_refused_hand_over_records_only_its_attempt_and_changes_nothing(api: Api) -> None:
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"recipient_pin": "1357"}, 422, "wrong-pin"),  # wrong PIN
        ({"scene_id": "sc-14"}, 409, "refused"),  # not in that scene's plan
        ({"chambers": [{"content": "blank", "lot": "blk-45"}] * 6}, 409, "refused"),  # hot
        ({"chambers": [{"content": "empty"}] * 5}, 409, "refused"),  # a chamber missing
        ({"recipient_id": "lane"}, 409, "refused"),  # camera crew, not on the plan
    ]
    for change, status, kind in cases:
        (head, board) = _state(api)
        body = problem(api.command("hand-over", {**HAND_OVER, **change}, "rosa"), status, kind)
        if kind == "refused":  # the attempt is recorded, nothing else: the board is as it was
            assert body["attempt"] == head + 1
            api.only_attempts(head, "HandOver")
            assert _state(api) == (head + 1, board), change
        else:  # a wrong PIN is not an attempt
            assert "attempt" not in body
            assert _state(api) == (head, board), change
    # Someone who may not hand over spends none of the recipient's tries; the attempt is
    # recorded.
    (head, board) = _state(api)
    problem(api.command("hand-over", HAND_OVER, "dan"), 403, "forbidden")
    api.only_attempts(head, "HandOver")
    assert _state(api) == (head + 1, board)


def test_the_pre_check_is_a_dry_run(api: Api) -> None:
    before = api.head()
    r = api.get(f"{BASE}/pre-check", "rosa", scene="sc-12")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["scene_id"] == "sc-12"
    assert [(p["item_id"], p["recipient_id"]) for p in body["pairs"]] == [("colt-1", "jack")]
    keys = [p["key"] for p in body["presets"]]
    assert keys == ["as_planned:dum-45", "all_empty"]
    off_plan = api.get(f"{BASE}/pre-check", "rosa", scene="sc-12", item="colt-2", recipient="jack")
    (pair,) = off_plan.json()["pairs"]
    assert pair["ready"] is False
    assert [b["code"] for b in pair["blockers"]] == ["SCN-2"]
    assert api.head() == before
    problem(api.get(f"{BASE}/pre-check", "rosa", scene="sc-99"), 404, "not-found")
    problem(api.get(f"{BASE}/pre-check", "rosa", scene="no such id!"), 422)
    assert api.get(f"{BASE}/pre-check", "rosa").status_code == 422  # the scene is required


def test_both_are_in_the_api_document(api: Api) -> None:
    doc = api.client.get("/openapi.json").json()
    post = doc["paths"][
        f"{BASE}/commands/hand-over".replace(BASE, "/api/v1/productions/{production_id}")
    ]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    fields = doc["components"]["schemas"][body]["properties"]
    assert "recipient_pin" in fields
    assert "recipient_acknowledged" not in fields  # the PIN's to say, not the sender's
    assert "422" in post["responses"]
    assert "/api/v1/productions/{production_id}/pre-check" in doc["paths"]


# Last: it leaves the production stood down.
def test_a_stand_down_refuses_the_hand_over_whole(api: Api) -> None:
    misfire = {"kind": "misfire", "description": "click", "item_id": "colt-2"}
    assert api.command("report-incident", misfire, "sam").status_code == 200
    (head, board) = _state(api)
    body = problem(api.command("hand-over", HAND_OVER, "rosa"), 409, "refused")
    assert "INC-1" in [v["code"] for v in body["violations"]]
    assert _state(api) == (head + 1, board)
    check = api.get(f"{BASE}/pre-check", "rosa", scene="sc-14")
    assert check.status_code == 200, check.text
    assert check.json()["ready"] is False
    assert [v["code"] for v in check.json()["common"]] == ["INC-1"]
