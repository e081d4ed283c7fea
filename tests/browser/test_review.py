"""An accidental discharge's review on the tablet and the phone, in Chromium: the safety
rep signs it off with her own PIN (nobody pre-named as involved; a wrong PIN keeps what
she wrote), the armorer countersigns with hers, and the stand-down lifts."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect

from coldcheck import demo
from support.browser import PHONE, TABLET, Device
from support.server import Server

PID = demo.PRODUCTION
CAUSE = "A cocked revolver holstered under a thumb-break strap."


def _board(server: Server) -> dict[str, object]:
    answer = httpx.get(
        f"{server.base}/api/v1/productions/{PID}/board", headers=server.login("paula"), timeout=30
    )
    answer.raise_for_status()
    board: dict[str, object] = answer.json()
    return board


def test_nora_signs_off_rosa_countersigns_and_the_stand_down_lifts(
    device: type[Device], server: Server
) -> None:
    reported = httpx.post(
        f"{server.base}/api/v1/productions/{PID}/commands/report-incident",
        json={
            "kind": "accidental_discharge",
            "description": "A blank fired as the revolver was holstered; nobody hurt.",
            "item_id": "colt-2",
        },
        headers=server.login("dan"),
        timeout=30,
    )
    assert reported.status_code == 200, reported.text
    incident = reported.json()["events"][0]["data"]["incident_id"]
    assert incident in _board(server)["stand_down"]  # type: ignore[operator]
    review = f"/incidents/{incident}/review"

    nora = device(TABLET).login("nora")
    page = nora.go(review)
    sign = page.get_by_role("button", name="Sign off the review")
    for box in page.locator("input[name=involved]").all():
        expect(box).not_to_be_checked()  # nobody pre-named
    expect(page.get_by_text("Dan Ortiz (reported it)")).to_be_visible()
    nora.shot("review-1-form-tablet")
    page.get_by_label("What was found").fill("The hammer caught on the holster strap.")
    page.get_by_label("Cause").fill(CAUSE)
    page.get_by_label(re.compile("Corrective actions")).fill("Open-top holster from today.")
    page.get_by_label("Sam Cole").check()
    page.get_by_label(re.compile("your PIN")).fill("0000")
    sign.click()
    expect(page.locator("#refusal")).to_contain_text("wrong PIN for Nora")
    expect(page.get_by_label("Cause")).to_have_value(CAUSE)  # what she wrote is kept
    expect(page.get_by_label(re.compile("your PIN"))).to_have_value("")
    # Drawn again by the server with what was sent: no "restored" draft said over it.
    expect(page.locator(".network-note")).to_have_count(0)
    nora.shot("review-2-wrong-pin-tablet")
    page.get_by_label(re.compile("your PIN")).fill(demo.DEMO_PIN)
    page.get_by_role("button", name="Sign off the review").click()
    expect(page.get_by_role("status")).to_contain_text("signed off the safety review")
    assert incident in _board(server)["stand_down"]  # type: ignore[operator]

    rosa = device(PHONE).login("rosa")
    page = rosa.go(review)
    expect(page.locator("#review")).to_contain_text("countersignature is still needed")
    rosa.shot("review-3-countersign-phone")
    page.get_by_label(re.compile("your PIN")).fill(demo.DEMO_PIN)
    page.get_by_role("button", name="Countersign").click()
    expect(page.get_by_role("status")).to_contain_text("countersigned the safety review")
    rosa.shot("review-4-countersigned-phone")
    assert _board(server)["stand_down"] == []
    page = rosa.go(review)
    expect(page.locator("#review")).to_contain_text("Review signed")
    rosa.shot("review-5-signed-phone")
    # On the phone each label sits above its text, which keeps the screen's width.
    label, text = page.locator("#review dt").first, page.locator("#review dd").first
    label_box, text_box = label.bounding_box(), text.bounding_box()
    assert label_box is not None
    assert text_box is not None
    assert text_box["y"] >= label_box["y"] + label_box["height"], (label_box, text_box)
    assert text_box["width"] > PHONE["width"] * 0.7, text_box
