"""The board, over the API and as a page, with every kind of custodian."""

from __future__ import annotations

from support import web_client
from support.api_client import BASE, Api


def test_board_shows_disposed_and_unattended_items(api: Api) -> None:
    assert api.command("dispose-item", {"item_id": "rubber-1", "transferee": "Western Prop "
                       "Rentals, Albuquerque NM"}, "rosa").status_code == 200
    assert api.command("move-item", {"item_id": "colt-1", "location_id": "gun-cart"},
                       "rosa").status_code == 200
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
