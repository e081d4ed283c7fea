"""Every page under the Content-Security-Policy in Chromium: nothing refused (no console
message about the policy, no violation event), and the live board still refreshes."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import ConsoleMessage, expect

from coldcheck import demo
from support.browser import TABLET, Device

PAGES = [
    "",
    "/issue",
    "/issue?item=colt-1",
    "/issue?scene=sc-12",
    "/issue?scene=sc-12&item=colt-1&to=jack",
    "/return",
    "/scenes",
    "/training",
    "/concerns",
    "/concerns/new",
    "/incidents",
    "/evidence",
    "/incidents/incident-2/review",
    "/labels",
    "/items/colt-1",
    "/people",
    "/people?person=jack",
    "/pin",
    "/stock",
    "/unload",
    "/stock/register",
    "/stock/dispose",
    "/stock/lots",
    "/stock/suppliers",
    "/stock/rounds",
    "/stock/boxes",
    "/stock/rentals",
    "/stock/close",
    "/reports",
    "/reports?date=2021-10-20",
    "/verify",
    "/downloads",
    "/search?q=colt",
    "/record",
    "/record/5",
]
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_every_page_runs_under_the_policy_without_a_violation(device: type[Device]) -> None:
    rosa = device(TABLET)
    console: list[str] = []
    rosa.page.on("console", lambda m: console.append(_said(m)))
    rosa.page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    rosa.context.add_init_script(WATCH)
    login = rosa.page.goto(f"{rosa.server.base}/login")
    assert login is not None
    assert "frame-ancestors 'none'" in login.headers["content-security-policy"]
    rosa.login("rosa")
    dossier = f"/api/v1/productions/{demo.PRODUCTION}/dossier?item=colt-1"
    for path in [*PAGES, dossier]:
        page = rosa.page
        answer = page.goto(
            f"{rosa.server.base}{path}"
            if path.startswith("/api")
            else f"{rosa.server.base}/p/{demo.PRODUCTION}{path}"
        )
        assert answer is not None
        assert answer.status == 200, path
        assert answer.headers["x-frame-options"] == "DENY"
        page.wait_for_load_state("load")
        assert page.evaluate("window.__violations") == [], path
    # The administrator's page, as the administrator.
    admin = device(TABLET)
    admin.context.add_init_script(WATCH)
    admin.page.goto(f"{admin.server.base}/login")
    admin.page.get_by_label("Username").fill("admin")
    admin.page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    admin.page.get_by_role("button", name="Log in").click()
    admin.page.wait_for_url("**/admin")
    admin.page.wait_for_load_state("load")
    assert admin.page.evaluate("window.__violations") == []
    # The stylesheet still applies (it comes from 'self'): the board's buttons are big.
    board = rosa.go()
    height = board.get_by_role("link", name="Hand over").first.bounding_box()
    assert height is not None
    assert height["height"] >= 48
    rosa.shot("tablet-board-under-policy")
    rosa.go("/labels")
    rosa.shot("tablet-labels-under-policy")
    assert not [m for m in console if "Content Security Policy" in m or "pageerror" in m], console


def test_the_live_board_refreshes_under_the_policy_and_htmx_sends_the_token(
    device: type[Device],
) -> None:
    paula = device(TABLET)
    console: list[str] = []
    paula.page.on("console", lambda m: console.append(_said(m)))
    paula.login("paula")
    board = paula.go()
    token = board.locator("body").get_attribute("hx-headers") or ""
    assert "X-CSRF-Token" in token
    with board.expect_request(re.compile(r"/board$")) as refresh:
        r = httpx.post(
            paula.server.command("raise-concern"),
            json={"text": "Sandbags missing at the church door"},
            headers=paula.server.login("lane"),
            timeout=30,
        )
        assert r.status_code == 200, r.text
    assert refresh.value.headers.get("x-csrf-token") == token.split('"')[3]
    expect(board.locator("#board")).to_contain_text("Sandbags missing", timeout=10_000)
    assert not [m for m in console if "Content Security Policy" in m], console


def _said(message: ConsoleMessage) -> str:
    return f"{message.type}: {message.text}"
