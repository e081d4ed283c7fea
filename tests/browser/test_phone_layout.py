"""A 390x844 phone during a stand-down, in Chromium: the header, the menu and the
stand-down banner together take less than a quarter of the screen (211 px), on the pages
a phone is used for, so the page's own controls show on the first screen; the banner still
says the stand-down and links its incident."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from coldcheck import demo
from support.browser import PHONE, Device
from support.server import Server

QUARTER = PHONE["height"] / 4
BOTTOM = """() => Math.max(...['header', 'nav', '.stand-down'].map(
  s => document.querySelector(s).getBoundingClientRect().bottom))"""


def test_header_menu_and_stand_down_fit_a_quarter_of_a_phone(
    device: type[Device], server: Server
) -> None:
    misfire = {"kind": "misfire", "description": "click, no bang", "item_id": "colt-2"}
    raised = httpx.post(
        f"{server.base}/api/v1/productions/{demo.PRODUCTION}/commands/report-incident",
        json=misfire,
        headers=server.login("sam"),
        timeout=30,
    )
    assert raised.status_code == 200, raised.text
    rosa = device(PHONE).login("rosa")
    for path in ("", "/issue", "/return", "/labels", "/search?q=colt"):
        page = rosa.go(path)
        banner = page.locator(".stand-down")
        expect(banner).to_contain_text("STAND-DOWN")
        expect(banner.get_by_role("link")).to_have_attribute(
            "href", f"/p/{demo.PRODUCTION}/incidents"
        )
        bottom = page.evaluate(BOTTOM)
        print(f"{path or '/'}: header, menu and banner end at {bottom:.1f} px")
        assert bottom < QUARTER, (path, bottom)
    rosa.go()
    rosa.shot("phone-stand-down-top")
