"""The tablet on a set's flaky network, in Chromium with the network cut
(`context.set_offline`): the last board is shown with its age, any other page is a plain
offline page, a form that cannot be sent says so and keeps every entry (a hand-over is
never queued), and a concern waits on the device and arrives with its own time."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from coldcheck import demo
from support.browser import PHONE, TABLET, Device
from support.server import Server

PID = demo.PRODUCTION


def _events(server: Server, after: int = 0) -> list[dict[str, Any]]:
    r = httpx.get(
        f"{server.base}/api/v1/productions/{PID}/events",
        params={"after": after, "limit": 1000},
        headers=server.login("rosa"),
        timeout=30,
    )
    r.raise_for_status()
    return list(r.json())


def _head(server: Server) -> int:
    events = _events(server)
    return int(events[-1]["seq"]) if events else 0


def _controlled(who: Device) -> Page:
    """The board, loaded once more under the service worker: it keeps that copy."""
    page = who.go()
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page = who.go()
    page.wait_for_function(
        "caches.open('coldcheck-boards-v1').then(c => c.keys()).then(k => k.length > 0)"
    )
    return page


def test_offline_the_board_is_the_last_one_kept_and_says_how_old_it_is(
    device: type[Device],
) -> None:
    for size, name in ((TABLET, "tablet"), (PHONE, "phone")):
        rosa = device(size).login("rosa")
        page = _controlled(rosa)
        kept = page.evaluate(
            "caches.open('coldcheck-boards-v1').then(c => c.match(location.pathname))"
            ".then(r => r.text())"
        )
        token = page.locator("input[name=csrf_token]").first.get_attribute("value")
        assert token
        assert token not in kept  # nothing kept can be sent again
        assert "hx-headers" not in kept
        # The copy was kept 12 minutes ago, as far as the device's clock says.
        page.evaluate(
            """caches.open('coldcheck-boards-v1').then(async c => {
                 const r = await c.match(location.pathname);
                 const h = new Headers(r.headers);
                 h.set('X-ColdCheck-Kept-At', String(Date.now() - 12 * 60000));
                 await c.put(location.pathname, new Response(await r.text(), {headers: h}));
               })"""
        )
        rosa.context.set_offline(True)
        page = rosa.go()
        banner = page.locator("#offline-banner")
        expect(banner).to_contain_text(
            re.compile(r"Offline: this board is from \d\d:\d\d, 12 minutes ago")
        )
        expect(page.locator("#board")).to_contain_text("colt-1")
        rosa.shot(f"network-board-offline-{name}")
        page = rosa.go("/scenes")
        assert page.url.endswith("/scenes"), page.url
        expect(
            page.get_by_role("heading", name="Offline: no connection to ColdCheck")
        ).to_be_visible()
        rosa.shot(f"network-page-offline-{name}")
        rosa.context.set_offline(False)


def test_a_concern_raised_offline_waits_on_the_device_and_arrives_with_its_time(
    device: type[Device], server: Server
) -> None:
    lane = device(TABLET).login("lane")
    _controlled(lane)
    before = _head(server)
    page = lane.go("/concerns/new")
    lane.context.set_offline(True)
    page.get_by_label("What is wrong?").fill("Blank lot label torn on the cart")
    page.get_by_role("button", name="Send concern").click()
    expect(page.locator("form .network-note.queued")).to_contain_text(
        "No connection to ColdCheck: your concern is kept on this device, waiting to send."
    )
    expect(page.locator("#queued")).to_contain_text(
        re.compile(r"Waiting to send: your concern from \d\d:\d\d \(.Blank lot label torn")
    )
    lane.shot("network-concern-waiting-tablet")
    # Still offline: any other page says how many wait; the kept board shows it waiting.
    page = lane.go("/concerns")
    expect(page.locator("#offline-waiting")).to_contain_text("1 concern is waiting on this device")
    page = lane.go()
    expect(page.locator("#offline-banner")).to_be_visible()
    expect(page.locator("#queued")).to_contain_text("Waiting to send")
    queued_at = page.evaluate("JSON.parse(localStorage.getItem('coldcheck-queue'))[0].at")
    assert _head(server) == before  # nothing reached the server
    page.wait_for_timeout(1500)  # the server's time will be later than the device's claim
    lane.context.set_offline(False)  # back online: the board is live again, the concern sent
    expect(page.locator("#offline-banner")).to_have_count(0, timeout=15_000)
    expect(page.locator("#queued")).to_contain_text(
        re.compile(r"Sent: your concern from \d\d:\d\d")
    )
    expect(page.locator("#queued")).not_to_contain_text("Waiting to send")
    lane.shot("network-concern-sent-tablet")
    raised = [e for e in _events(server, before) if e["type"] == "ConcernRaised"]
    assert [e["data"]["text"] for e in raised] == ["Blank lot label torn on the cart"]
    assert raised[0]["claimed_at"] == queued_at * 1000
    assert raised[0]["claimed_at"] < raised[0]["at"]
    assert page.evaluate("JSON.parse(localStorage.getItem('coldcheck-queue'))") == []


def test_a_hand_over_with_the_network_down_is_not_sent_and_keeps_every_choice(
    device: type[Device], server: Server
) -> None:
    for size, name in ((PHONE, "phone"), (TABLET, "tablet")):  # the tablet sends it last
        rosa = device(size).login("rosa")
        _controlled(rosa)
        page = rosa.go("/issue")
        page.get_by_role("link", name=re.compile("sc-12")).click()
        page.get_by_role("link", name=re.compile("→ Jack Reyes")).click()
        page.get_by_role("button", name=re.compile("6 dummies from dum-45")).click()
        page.get_by_label(re.compile("Dan Ortiz")).check()
        page.get_by_label(re.compile("your PIN")).fill(demo.DEMO_PIN)
        before = _head(server)
        rosa.context.set_offline(True)
        page.get_by_role("button", name="Hand over").click()
        alert = page.locator(".network-note.not-sent")
        expect(alert).to_have_text(
            "Not sent: no connection to ColdCheck. Nothing was recorded. Your entries are "
            "kept; send again when the network is back."
        )
        rosa.shot(f"network-handover-not-sent-{name}")
        for i in range(1, 7):  # every chamber as chosen, nothing queued
            expect(page.get_by_label(f"Chamber {i}: dummy")).to_be_checked()
        expect(page.get_by_label(re.compile("Dan Ortiz"))).to_be_checked()
        assert page.evaluate("localStorage.getItem('coldcheck-queue')") is None
        page.wait_for_timeout(1000)
        assert _head(server) == before
        rosa.context.set_offline(False)
        if name == "tablet":  # back online, the same form goes as it is
            page.get_by_role("button", name="Hand over").click()
            expect(page.get_by_role("status")).to_contain_text("Recorded")
            assert _head(server) == before + 2


def test_an_unknown_item_page_has_the_layout_and_a_way_back(device: type[Device]) -> None:
    rosa = device(PHONE).login("rosa")
    page = rosa.go("/items/no-such-gun")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(
        page.get_by_role("banner").get_by_role("link", name="Raise a safety concern")
    ).to_be_visible()
    page.get_by_role("link", name="Back to the board").click()
    expect(page.get_by_role("heading", name="Board")).to_be_visible()
    rosa.shot("network-unknown-item-phone")


def test_a_form_sent_after_the_session_ended_keeps_its_entries_through_the_login(
    device: type[Device], server: Server
) -> None:
    lane = device(TABLET).login("lane")
    before = _head(server)
    page = lane.go("/concerns/new")
    page.get_by_label("What is wrong?").fill("Dolly track crosses the cable run")
    page.get_by_label(re.compile("Stop work on this scene")).check()
    lane.context.clear_cookies()  # the session ended (a restart, a day's end)
    page.get_by_role("button", name="Send concern").click()
    expect(page.locator("form .network-note.not-sent")).to_contain_text(
        "Not sent: your session had ended, so nothing was recorded. Log in again"
    )
    lane.shot("network-session-ended-tablet")
    assert _head(server) == before
    page.get_by_label("Username").fill("lane")
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**/p/{PID}/concerns/new")
    expect(page.get_by_label("What is wrong?")).to_have_value("Dolly track crosses the cable run")
    expect(page.get_by_label(re.compile("Stop work on this scene"))).to_be_checked()
    expect(page.locator("form .network-note.restored")).to_contain_text("Restored what you entered")
    page.get_by_role("button", name="Send concern").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded")
    page = lane.go("/concerns/new")  # recorded: the draft is forgotten
    expect(page.get_by_label("What is wrong?")).to_have_value("")
    drafts = "Object.keys(localStorage).filter(k => k.startsWith('coldcheck-draft:'))"
    assert page.evaluate(drafts) == []
