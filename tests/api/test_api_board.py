"""The board, over the API and as a page, with every kind of custodian."""

from __future__ import annotations

from html import escape

from coldcheck.reports import board
from support import web_client
from support.api_client import BASE, PID, Api


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
    assert [(i["item_id"], i["where"], i["label"], i["unattended"]) for i in served["items"]] == [
        (i.item_id, i.where, i.label, i.unattended) for i in view.items
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
        assert f">{k.concern_id}</a>" in html
