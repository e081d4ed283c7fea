"""The board, over the API and as a page, with every kind of custodian and its flags."""

from __future__ import annotations

from html import escape
from typing import Any

from markupsafe import escape as markup_escape

from coldcheck.reports import board
from support import web_client
from support.api_client import BASE, PID, PIN, Api


def test_board_shows_disposed_and_unattended_items(api: Api) -> None:
    assert (
        api.command(
            "dispose-item",
            {"item_id": "rubber-1", "transferee": "Western Prop Rentals, Albuquerque NM"},
            "rosa",
        ).status_code
        == 200
    )
    assert (
        api.command(
            "move-item", {"item_id": "colt-1", "location_id": "gun-cart"}, "rosa"
        ).status_code
        == 200
    )
    board = api.get(f"{BASE}/board", "rosa").json()
    items = {i["item_id"]: i for i in board["items"]}
    assert items["rubber-1"]["where"].startswith("disposed:")
    assert items["rubber-1"]["unattended"] is False
    assert items["colt-1"]["unattended"] is True
    page = api.new_client()
    assert web_client.login(page, "paula").status_code == 303
    html = page.get("/p/cold-creek").text
    assert "disposed of to Western Prop Rentals" in html
    assert "UNATTENDED" in html


def test_the_api_and_the_page_show_the_one_board_view(api: Api) -> None:
    view = board.build(api.service.state(PID), api.clock())
    served = api.get(f"{BASE}/board", "rosa").json()
    assert served["seq"] == view.seq
    assert served["stand_down"] == list(view.stand_down)
    assert [
        (i["item_id"], i["where"], i["label"], i["label_text"], i["unattended"], i["flags"])
        for i in served["items"]
    ] == [
        (
            i.item_id,
            i.where,
            i.label,
            i.label_text,
            i.unattended,
            [{"code": f.code, "text": f.text, "danger": f.danger} for f in i.flags],
        )
        for i in view.items
    ]
    assert [k["concern_id"] for k in served["concerns"]] == [k.concern_id for k in view.concerns]
    page = api.new_client()
    assert web_client.login(page, "rosa").status_code == 303
    html = page.get(f"/p/{PID}/board").text
    assert f"Record at event #{view.seq}" in html
    for item in view.items:
        assert f"<strong>{item.item_id}</strong>" in html
        assert escape(item.where_name) in html
        if item.inspector:
            assert escape(item.inspector) in html
    for k in view.open_concerns:
        assert str(markup_escape(k.text)) in html  # each open concern, by its words


def _ok(api: Api, slug: str, body: dict[str, Any]) -> None:
    r = api.command(slug, body, "rosa")
    assert r.status_code == 200, r.text


def _served(api: Api) -> dict[str, dict[str, Any]]:
    r = api.get(f"{BASE}/board", "rosa")
    assert r.status_code == 200, r.text
    return {i["item_id"]: i for i in r.json()["items"]}


def test_the_board_flags_rounds_missing_on_return_and_blanks_in_hand(api: Api) -> None:
    dummy = {"content": "dummy", "lot": "dum-45", "checked": True}
    blank = {"content": "blank", "lot": "blk-45"}
    _ok(
        api,
        "inspect-item",
        {
            "item_id": "colt-1",
            "barrel": "clear",
            "shown_to": ["jack", "dan"],
            "chambers": [dummy] * 6,
        },
    )
    _ok(
        api,
        "issue-item",
        {"item_id": "colt-1", "recipient_id": "jack", "scene_id": "sc-12", "recipient_pin": PIN},
    )
    _ok(api, "return-item", {"item_id": "colt-1", "chambers": [{"content": "empty"}] * 6})
    _ok(
        api,
        "inspect-item",
        {
            "item_id": "colt-2",
            "barrel": "clear",
            "shown_to": ["sam", "dan"],
            "chambers": [blank] * 6,
        },
    )
    _ok(
        api,
        "issue-item",
        {"item_id": "colt-2", "recipient_id": "sam", "scene_id": "sc-14", "recipient_pin": PIN},
    )
    _ok(api, "return-item", {"item_id": "colt-2", "chambers": [blank] * 6})

    items = _served(api)
    colt1, colt2, rifle = items["colt-1"], items["colt-2"], items["rifle-1"]
    assert (colt1["label"], colt1["label_from"], colt1["cold"]) == (None, "return", False)
    assert colt1["label_text"] == "not inspected since it came back empty"
    assert colt1["returned_at"] is not None
    [missing] = colt1["flags"]
    assert missing["code"] == "missing-rounds"
    assert missing["danger"] is True
    assert missing["text"].startswith("6 rounds of lot dum-45 did not come back")
    assert (colt2["label"], colt2["where"]) == ("hot", "person:rosa")
    assert [f["code"] for f in colt2["flags"]] == ["hot-outside-storage"]
    assert "with Rosa Vega" in colt2["flags"][0]["text"]
    assert rifle["flags"] == []
    assert rifle["label_text"] == "never inspected"

    # The page draws the same flags, each in words on its item's row.
    page = api.new_client()
    assert web_client.login(page, "rosa").status_code == 303
    html = page.get(f"/p/{PID}/board").text
    assert 'data-flag="missing-rounds"' in html
    assert "<strong>MISSING ROUNDS</strong> 6 rounds of lot dum-45" in html
    assert "<strong>HOT OUTSIDE STORAGE</strong>" in html
    assert "dummies (cold)" not in html

    # Half an hour later, the inspection colt-2's label rests on is stale.
    api.clock.now += 31 * 60 * 1_000_000
    stale = _served(api)["colt-2"]
    assert [f["code"] for f in stale["flags"]] == ["hot-outside-storage"]  # from the return
    _ok(
        api,
        "inspect-item",
        {"item_id": "colt-2", "barrel": "clear", "chambers": [{"content": "empty"}] * 6},
    )
    api.clock.now += 31 * 60 * 1_000_000
    stale = _served(api)["colt-2"]
    assert [(f["code"], f["danger"]) for f in stale["flags"]] == [("stale-inspection", False)]


def test_the_schema_names_every_flag(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()["components"]["schemas"]
    assert "flags" in schema["ItemOut"]["required"]
    assert set(schema["FlagOut"]["properties"]["code"]["enum"]) == {
        "missing-rounds",
        "hot-outside-storage",
        "unattended",
        "past-its-scene",
        "stale-inspection",
    }
