"""The board's flags in Chromium, as the armorer makes them happen: six dummies out and
back as empty chambers, a blank-loaded rifle taken back still loaded, a revolver left on
the open cart. Each flag is on its item's row in words, red for danger, on a tablet and
on a phone."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Locator, Page, expect

from coldcheck import demo
from support.browser import PHONE, TABLET, Device

RED = "rgb(176, 0, 0)"  # --red in style.css


def _hand_over(rosa: Device, scene: str, item: str, to: str, load: str) -> None:
    """Open the handoff for one item and performer, tap the plan's load, hand it over."""
    page = rosa.go(f"/issue?scene={scene}&item={item}&to={to}")
    page.get_by_role("button", name=re.compile(load)).click()
    page.get_by_label(re.compile("Dan Ortiz")).check()
    page.get_by_label(re.compile("your PIN")).fill(demo.DEMO_PIN)
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded")


def _take_back(rosa: Device, item: str, chambers: list[str] | None = None) -> None:
    """Take the item back: each chamber as counted, or as it was issued."""
    page = rosa.go(f"/return?item={item}")
    if chambers is None:
        page.get_by_role("button", name="Came back as issued").click()
    for i, content in enumerate(chambers or [], 1):
        page.get_by_label(f"Chamber {i}: {content}").check()
    page.get_by_role("button", name="Record return").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded")


def _row(page: Page, item_id: str) -> Locator:
    return page.get_by_role("row", name=re.compile(rf"^{item_id}\b"))


def _fits(page: Page) -> None:
    """Nothing runs off the side: the page never scrolls sideways."""
    size = page.viewport_size
    assert size is not None
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= size["width"], wide


def test_the_board_shows_each_flag_in_words_on_tablet_and_phone(device: type[Device]) -> None:
    rosa = device(TABLET).login("rosa")
    _hand_over(rosa, "sc-12", "colt-1", "jack", "6 dummies from dum-45")
    _take_back(rosa, "colt-1", ["empty"] * 6)  # six dummies out, none back
    _hand_over(rosa, "sc-14", "rifle-1", "sam", "1 blank from blk-45")
    _take_back(rosa, "rifle-1")  # the blank still in it
    server = rosa.server
    moved = httpx.post(
        server.command("move-item"),
        json={"item_id": "colt-2", "location_id": "gun-cart"},
        headers=server.login("rosa"),
        timeout=30,
    )
    assert moved.status_code == 200, moved.text

    board = rosa.go()
    colt1 = _row(board, "colt-1")
    expect(colt1).to_contain_text("not inspected since it came back empty")
    expect(colt1).not_to_contain_text("(cold)")
    missing = colt1.locator('[data-flag="missing-rounds"]')
    expect(missing).to_have_text(
        re.compile(r"^MISSING ROUNDS 6 rounds of lot dum-45 did not come back when it was taken")
    )
    expect(missing).to_have_css("background-color", RED)
    rifle = _row(board, "rifle-1")
    hot = rifle.locator('[data-flag="hot-outside-storage"]')
    expect(hot).to_contain_text("blanks are loaded and it is with Rosa Vega")
    expect(hot).to_have_css("background-color", RED)
    expect(rifle).to_contain_text("hot: not inspected since it came back with 1 blank")
    colt2 = _row(board, "colt-2")
    expect(colt2.locator('[data-flag="unattended"]')).to_contain_text("Gun cart by the church")
    expect(_row(board, "rubber-1").locator(".flag")).to_have_count(0)
    _fits(board)
    rosa.shot("board-flags-tablet")

    phone = device(PHONE).login("rosa")
    board = phone.go()
    missing = _row(board, "colt-1").locator('[data-flag="missing-rounds"]')
    expect(missing).to_be_visible()
    box = missing.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"], box
    _fits(board)
    phone.shot("board-flags-phone")
