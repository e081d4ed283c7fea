"""The evidence register in Chromium on a tablet: the demo's two pieces with the sheriff,
a hand-in recorded from the form and handed over under another case number, flagged."""

from __future__ import annotations

from playwright.sync_api import expect

from coldcheck import demo
from support.browser import TABLET, Device
from support.server import Server


def test_the_producer_records_a_hand_in_and_hands_it_over(
    device: type[Device], server: Server
) -> None:
    paula = device(TABLET).login("paula")
    page = paula.page
    page.goto(f"{server.base}/p/{demo.PRODUCTION}/evidence")
    expect(page.get_by_role("heading", name="Evidence", exact=True)).to_be_visible()
    expect(page.locator("section.card")).to_have_count(2)
    paula.shot("evidence-register")
    # Nothing is filed under an incident for the person: they choose which.
    expect(page.get_by_label("Of the incident")).to_have_value("")
    page.get_by_label("Of the incident").select_option("incident-1")
    page.get_by_label("Handed in by").fill("Mia Long (costume)")
    page.get_by_label("What was handed in").fill("one .45 round, no crimp")
    page.get_by_label("Rounds, if any").fill("1")
    page.get_by_label("Where it was found").fill("costume trailer, in a gun belt")
    page.get_by_role("button", name="Record the hand-in").click()
    expect(page.locator("main")).to_contain_text("received from Mia Long (costume)")
    page.goto(f"{server.base}/p/{demo.PRODUCTION}/evidence")
    page.get_by_label("The piece").select_option(
        label="“one .45 round, no crimp” handed in by Mia Long (costume)"
    )
    page.get_by_label("As evidence of").select_option("incident-1")
    page.get_by_label("Their investigator").fill("Deputy Ana Cruz")
    page.locator("#ho-agency").fill("Santa Fe County Sheriff's Office")
    page.locator("#ho-case").fill("SFSO-2026-1099")
    page.get_by_role("button", name="Hand over").click()
    expect(page.locator("main")).to_contain_text("over to Deputy Ana Cruz")
    page.goto(f"{server.base}/p/{demo.PRODUCTION}/evidence")
    # Another case number than the sheriff's first: flagged, so it is not forgotten.
    flagged = page.locator("section.card.violation")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("Filed under another case number: SFSO-2026-1099")
    expect(page.locator("section.card")).to_have_count(3)
    paula.shot("evidence-register-after")
