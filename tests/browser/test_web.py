"""The set's web UI in Chromium: issue, refusal, a wrong PIN, concerns, misfire, live
board."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from coldcheck import demo
from support.browser import PHONE, TABLET, Device


def _issue_colt1_to_jack(rosa: Device) -> None:
    page = rosa.go("/issue")
    page.get_by_role("link", name=re.compile("sc-12")).click()
    pair = page.get_by_role("link", name=re.compile("→ Jack Reyes"))
    if pair.count() == 0:  # blocked (someone who may not issue, a stand-down): say why
        return
    pair.click()
    page.get_by_role("button", name=re.compile("all 6 empty")).click()
    page.get_by_label(re.compile("Dan Ortiz")).check()
    page.get_by_label(re.compile("your PIN")).fill(demo.DEMO_PIN)
    page.get_by_role("button", name="Hand over").click()


def test_armorer_inspects_and_issues_a_revolver(device: type[Device]) -> None:
    rosa = device(TABLET).login("rosa")
    rosa.shot("tablet-board")
    page = rosa.go("/issue?q=CC-0001")
    expect(page.get_by_role("link", name=re.compile("sc-12"))).to_be_visible()
    rosa.shot("tablet-issue")
    _issue_colt1_to_jack(rosa)
    # One sentence for the inspection and the issue, in names, as the armorer reads it.
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"Rosa Vega handed .*\(CC-0001\) to Jack Reyes for sc-12 at \d\d:\d\d, empty")
    )
    rosa.shot("tablet-issued")
    board = rosa.go()
    expect(board.get_by_role("row", name=re.compile("colt-1"))).to_contain_text("Jack Reyes")
    expect(board.get_by_role("row", name=re.compile("colt-1"))).to_contain_text("issued for sc-12")


def test_assistant_director_cannot_hand_the_revolver_to_the_actor(
    device: type[Device],
) -> None:
    dan = device(PHONE).login("dan")
    page = dan.go("/issue?scene=sc-12")
    expect(page.get_by_text("Only the armorer").first).to_be_visible()
    # Told before any chamber is touched: the pre-check shows the handoff blocked.
    expect(page.locator("li.pair")).to_contain_text("blocked")
    expect(page.locator("li.pair")).to_contain_text("firearm-safety authority")
    expect(page.get_by_role("button", name="Hand over")).to_have_count(0)
    dan.shot("phone-issue-as-ad")


def test_anonymous_concern_is_acknowledged_by_a_producer(device: type[Device]) -> None:
    lane = device(PHONE).login("lane")
    page = lane.go()
    page.get_by_role("banner").get_by_role("link", name="Raise a safety concern").click()
    page.get_by_label("What is wrong?").fill("Live-looking rounds on the cart by the church.")
    page.get_by_label("Anonymous: record no name").check()
    lane.shot("phone-concern")
    page.get_by_role("button", name="Send concern").click()
    expect(page.get_by_role("status")).to_contain_text("Someone (anonymously) raised a concern")

    paula = device(TABLET).login("paula")
    concerns = paula.go("/concerns")
    # Unacknowledged concerns come first, newest first.
    first = concerns.locator("section").first
    expect(first).to_contain_text("Live-looking rounds")
    expect(first).to_contain_text("Waiting for")
    paula.shot("tablet-concerns")
    first.get_by_role("button", name=re.compile("Acknowledge")).click()
    expect(concerns.get_by_role("status")).to_contain_text("Paula Grant acknowledged the concern")
    concerns = paula.go("/concerns")
    expect(concerns.locator("section", has_text="Live-looking rounds")).to_contain_text(
        "Acknowledged by Paula Grant"
    )
    events = paula.page.request.get(
        f"{paula.server.base}/api/v1/productions/{demo.PRODUCTION}/events?after=70&limit=100"
    )
    raised = [
        e
        for e in events.json()
        if e["type"] == "ConcernRaised" and "Live-looking" in e["data"]["text"]
    ]
    assert raised
    assert raised[0]["actor"] is None


def test_misfire_stands_down_every_page_and_blocks_issue(device: type[Device]) -> None:
    sam = device(PHONE).login("sam")
    page = sam.go()
    page.get_by_role("link", name="Report misfire").click()  # tap one
    page.get_by_role("button", name="Report misfire").click()  # tap two
    expect(page.get_by_role("status")).to_contain_text("Sam Cole reported an incident")
    expect(page.get_by_role("status")).to_contain_text("Firearms stand down")
    for path in (
        "",
        "/issue",
        "/return",
        "/scenes",
        "/training",
        "/concerns",
        "/incidents",
        "/labels",
    ):
        expect(sam.go(path).get_by_role("alert").first).to_contain_text("STAND-DOWN")
    sam.shot("phone-stand-down")
    rosa = device(TABLET).login("rosa")
    _issue_colt1_to_jack(rosa)
    expect(rosa.page.locator("li.pair")).to_contain_text("stand-down")


def test_board_updates_live_when_another_device_returns_an_item(
    device: type[Device],
) -> None:
    rosa = device(TABLET).login("rosa")
    _issue_colt1_to_jack(rosa)
    paula = device(TABLET).login("paula")
    board = paula.go()
    row = board.get_by_role("row", name=re.compile("colt-1"))
    expect(row).to_contain_text("issued for sc-12")
    page = rosa.go("/return?item=colt-1")
    page.get_by_role("button", name="Came back as issued").click()
    page.get_by_role("button", name="Record return").click()
    expect(page.get_by_role("status")).to_contain_text("Rosa Vega took back")
    # No reload on paula's device: the server-sent event refreshes the board.
    expect(row).not_to_contain_text("issued for", timeout=10_000)
    expect(row).to_contain_text("Rosa Vega")
    paula.shot("tablet-board-live")
    phone = device(PHONE).login("paula")
    phone.go()
    phone.shot("phone-board")
