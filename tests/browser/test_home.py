"""The board's home panels and the header's search in Chromium: the armorer's day on a
tablet, a performer's on a phone, and a tag a scanner types with Enter into the
header's box opening its item, with the header still one row."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from coldcheck import demo
from support.browser import PHONE, TABLET, Device
from support.server import Server

PID = demo.PRODUCTION


def _hand_over_colt1(server: Server) -> None:
    r = httpx.post(
        f"{server.base}/api/v1/productions/{PID}/commands/hand-over",
        json={
            "item_id": "colt-1",
            "barrel": "clear",
            "chambers": [{"content": "dummy", "lot": "dum-45", "checked": True}] * 6,
            "recipient_id": "jack",
            "scene_id": "sc-12",
            "shown_to": ["dan"],
            "entered": "as_planned",
            "recipient_pin": demo.DEMO_PIN,
        },
        headers=server.login("rosa"),
        timeout=30,
    )
    assert r.status_code == 200, r.text


def _header_rows(device: Device) -> int:
    """How many rows the header's controls take: one starts below the last one's bottom."""
    boxes = device.page.eval_on_selector_all(
        "header > *",
        "els => els.filter(e => e.offsetParent !== null)"
        ".map(e => [e.getBoundingClientRect().top, e.getBoundingClientRect().bottom])",
    )
    rows, bottom = 0, -1.0
    for top, low in sorted(boxes):
        if top >= bottom - 1:
            rows, bottom = rows + 1, low
        else:
            bottom = max(bottom, low)
    return rows


def test_the_armorer_sees_the_day_and_what_is_out_on_a_tablet(
    device: type[Device], server: Server
) -> None:
    _hand_over_colt1(server)
    rosa = device(TABLET).login("rosa")
    home = rosa.page.locator("#home")
    expect(home.get_by_role("heading", name="Armorer · today")).to_be_visible()
    expect(home).to_contain_text("sc-12, Church: cross-draw toward the lens")
    expect(home).to_contain_text("with Jack Reyes for sc-12")
    expect(home.get_by_role("link", name="Take back")).to_be_visible()
    assert _header_rows(rosa) == 1
    rosa.shot("home-armorer-tablet")
    home.get_by_role("link", name="Take back").click()
    expect(rosa.page).to_have_url(f"{server.base}/p/{PID}/return?item=colt-1")


def test_a_performer_sees_what_they_hold_and_were_shown_on_a_phone(
    device: type[Device], server: Server
) -> None:
    _hand_over_colt1(server)
    jack = device(PHONE).login("jack")
    home = jack.page.locator("#home")
    expect(home.locator(".home-shown")).to_contain_text("Rosa Vega showed you Colt")
    expect(home).to_contain_text("What you hold")
    expect(home.get_by_role("link", name="Take back")).to_have_count(0)
    expect(jack.page.get_by_role("link", name="Hand over")).to_have_count(0)
    jack.shot("home-performer-phone")


def _rows_without_search(device: Device) -> int:
    device.page.evaluate("document.querySelector('header form.search').remove()")
    return _header_rows(device)


def test_the_search_adds_no_header_row_on_a_tablet_or_a_phone(
    device: type[Device], server: Server
) -> None:
    for size in (TABLET, PHONE):
        rosa = device(size).login("rosa")
        expect(rosa.page.get_by_role("button", name="Search")).to_be_visible()
        rows = _header_rows(rosa)
        assert rows == _rows_without_search(rosa), size
    assert rows == 2  # the phone: title and search, then the concern button and log out


def test_a_scanned_tag_opens_its_item_and_a_name_lists_hits(
    device: type[Device], server: Server
) -> None:
    lane = device(TABLET).login("lane")
    box = lane.page.get_by_role("searchbox", name="Search tags, items, people, scenes")
    box.click()
    lane.page.keyboard.type("cc-0002")  # as a scanner types it, then Enter
    lane.page.keyboard.press("Enter")
    expect(lane.page).to_have_url(f"{server.base}/p/{PID}/items/colt-2")
    lane.shot("search-tag-tablet")
    box.fill("cole")
    box.press("Enter")
    expect(lane.page.locator(".search-hits")).to_contain_text("Sam Cole")
    lane.shot("search-name-tablet")


def test_on_a_phone_the_search_button_opens_the_search_page(
    device: type[Device], server: Server
) -> None:
    jack = device(PHONE).login("jack")
    jack.page.get_by_role("button", name="Search").click()
    field = jack.page.get_by_label("A tag, serial, item, person, lot or scene")
    expect(field).to_be_focused()
    jack.page.keyboard.type("COLT")
    jack.page.keyboard.press("Enter")
    expect(jack.page.locator(".search-hits")).to_contain_text("(CC-0002)")
    jack.shot("search-colt-phone")
    jack.go("/search?q=%00%25")
    expect(jack.page.get_by_role("heading", name="Search")).to_be_visible()
    expect(jack.page.locator("main")).to_contain_text("Nothing on this production matches")
    jack.shot("search-odd-phone")
