"""The handoff on the tablet and the phone, in Chromium: nothing pre-answered, nothing
half-recorded, every error keeps what was typed, the pre-check tells the blockers first,
and the taps a planned handoff takes, counted."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from coldcheck import demo
from support.browser import PHONE, TABLET, Device
from support.server import Server

PID = demo.PRODUCTION
# Every tap (click) on every page of this browser context, kept across navigations.
COUNT_TAPS = """
document.addEventListener("click", function () {
  sessionStorage.setItem("taps", String(Number(sessionStorage.getItem("taps") || 0) + 1));
}, true);
"""


def _api(server: Server, who: str, slug: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        f"{server.base}/api/v1/productions/{PID}/commands/{slug}",
        json=body,
        headers=server.login(who),
        timeout=30,
    )


def _record(server: Server) -> tuple[int, Any]:
    """The head seq and the whole board: what "changes no state" compares."""
    board = httpx.get(
        f"{server.base}/api/v1/productions/{PID}/board", headers=server.login("paula"), timeout=30
    )
    board.raise_for_status()
    return int(board.json()["seq"]), board.json()


def _taps(page: Page) -> int:
    return int(page.evaluate("Number(sessionStorage.getItem('taps') || 0)"))


def _open_form(rosa: Device, scene: str = "sc-12", pair: str = "→ Jack Reyes") -> Page:
    page = rosa.go("/issue")
    page.get_by_role("link", name=re.compile(scene)).click()
    page.get_by_role("link", name=re.compile(pair)).click()
    expect(page.get_by_role("button", name="Hand over")).to_be_visible()
    return page


def _fill_planned(page: Page, pin: str = demo.DEMO_PIN) -> None:
    page.get_by_role("button", name=re.compile("6 dummies from dum-45")).click()
    page.get_by_label(re.compile("Dan Ortiz")).check()
    page.get_by_label(re.compile("your PIN")).click()
    page.keyboard.type(pin)


def test_a_planned_handoff_takes_six_taps_and_a_pin_on_one_tablet_screen(
    device: type[Device], server: Server
) -> None:
    rosa = device(TABLET).login("rosa")
    rosa.context.add_init_script(COUNT_TAPS)
    before, _ = _record(server)
    page = rosa.go("/issue")
    page.evaluate("sessionStorage.setItem('taps', '0')")
    rosa.shot("handoff-1-scene-tablet")
    page.get_by_role("link", name=re.compile("sc-12")).click()  # 1: the scene
    rosa.shot("handoff-2-pre-check-tablet")
    page.get_by_role("link", name=re.compile("→ Jack Reyes")).click()  # 2: item and performer
    hand_over = page.get_by_role("button", name="Hand over")
    # Nothing is answered for the armorer, and the untouched form cannot be sent.
    expect(hand_over).to_be_disabled()
    for i in range(1, 7):
        expect(page.get_by_label(f"Chamber {i}: empty")).not_to_be_checked()
    expect(page.get_by_label("clear", exact=True)).not_to_be_checked()
    expect(page.get_by_label(re.compile("Dan Ortiz"))).not_to_be_checked()
    rosa.shot("handoff-3-form-untouched-tablet")
    # The whole handoff on one 1024x768 screen: the last control is in view unscrolled.
    box = hand_over.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= TABLET["height"], box
    _fill_planned(page)  # 3: the plan's load; 4: shown to the 1st AD; 5: the PIN
    expect(hand_over).to_be_enabled()
    rosa.shot("handoff-4-form-ready-tablet")
    hand_over.click()  # 6
    status = page.get_by_role("status")
    expect(status).to_contain_text("Recorded")
    rosa.shot("handoff-5-handed-over-tablet")
    taps = _taps(page)
    assert taps == 6, taps
    seq, board = _record(server)
    assert seq == before + 2  # the inspection and the issue, together
    (colt,) = [i for i in board["items"] if i["item_id"] == "colt-1"]
    assert colt["issued_for"] == "sc-12"
    events = httpx.get(
        f"{server.base}/api/v1/productions/{PID}/events?after={before}",
        headers=server.login("paula"),
        timeout=30,
    ).json()
    inspected = events[0]["data"]
    assert [e["type"] for e in events] == ["ItemInspected", "ItemIssued"]
    assert inspected["shown_to"] == ["jack", "dan"]
    assert inspected["entered"] == "as_planned"


def test_came_back_as_issued_takes_four_taps(device: type[Device], server: Server) -> None:
    rosa = device(TABLET).login("rosa")
    page = _open_form(rosa)
    _fill_planned(page)
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded")
    rosa.context.add_init_script(COUNT_TAPS)
    page = rosa.go()
    page.evaluate("sessionStorage.setItem('taps', '0')")
    before, _ = _record(server)
    page.get_by_role("navigation").get_by_role("link", name="Take back").click()  # 1
    page.get_by_role("link", name=re.compile("from Jack Reyes")).click()  # 2
    take_back = page.get_by_role("button", name="Record return")
    expect(take_back).to_be_disabled()  # nothing counted for the armorer
    rosa.shot("return-untouched-tablet")
    page.get_by_role("button", name="Came back as issued").click()  # 3
    rosa.shot("return-as-issued-tablet")
    take_back.click()  # 4
    expect(page.get_by_role("status")).to_contain_text("Recorded")
    assert _taps(page) == 4
    seq, board = _record(server)
    assert seq == before + 1
    (colt,) = [i for i in board["items"] if i["item_id"] == "colt-1"]
    assert colt["issued_for"] is None


def test_on_a_phone_the_inspection_is_on_the_first_screen(device: type[Device]) -> None:
    rosa = device(PHONE).login("rosa")
    page = _open_form(rosa)
    rosa.shot("handoff-form-phone")
    for control in (
        page.get_by_role("button", name=re.compile("6 dummies from dum-45")),
        page.get_by_label("clear", exact=True),
        page.get_by_label("Chamber 1: empty"),
    ):
        box = control.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= PHONE["height"], box


def test_a_wrong_pin_records_nothing_and_keeps_what_was_typed(
    device: type[Device], server: Server
) -> None:
    rosa = device(PHONE).login("rosa")
    page = _open_form(rosa)
    _fill_planned(page, pin="1111")
    before = _record(server)
    page.get_by_role("button", name="Hand over").click()
    alert = page.locator("#refusal")
    expect(alert).to_contain_text("Nothing was recorded")
    expect(alert).to_contain_text(re.compile("wrong PIN", re.IGNORECASE))
    rosa.shot("handoff-wrong-pin-phone")
    assert _record(server) == before
    # What was typed is all still there but the PIN; one try later it goes through.
    for i in range(1, 7):
        expect(page.get_by_label(f"Chamber {i}: dummy · dum-45")).to_be_checked()
    expect(page.get_by_label("clear", exact=True)).to_be_checked()
    expect(page.get_by_label(re.compile("Dan Ortiz"))).to_be_checked()
    expect(page.get_by_label(re.compile("your PIN"))).to_have_value("")
    page.get_by_label(re.compile("your PIN")).fill(demo.DEMO_PIN)
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded")
    assert _record(server)[0] == before[0] + 2


def test_a_rule_refuses_the_whole_handoff_and_says_so_once(
    device: type[Device], server: Server
) -> None:
    rosa = device(TABLET).login("rosa")
    page = _open_form(rosa)
    page.get_by_label("clear", exact=True).check()
    for i in range(1, 7):  # blanks in a dummy scene: hot, refused (INS-4)
        page.get_by_label(f"Chamber {i}: blank · blk-45").check()
    page.get_by_label(re.compile("your PIN")).fill(demo.DEMO_PIN)
    before = _record(server)
    page.get_by_role("button", name="Hand over").click()
    alert = page.locator("#refusal")
    # Only the attempt is recorded: no stray inspection, the board is as it was.
    attempt = before[0] + 1
    expect(alert).to_contain_text(f"Not handed over. The attempt is on the record (#{attempt}).")
    expect(alert).to_contain_text("The load fits the scene")
    assert page.content().count("The attempt is on the record") == 1
    rosa.shot("handoff-refused-rule-tablet")
    seq, board = _record(server)
    assert seq == attempt
    assert {**board, "seq": before[0]} == before[1]
    for i in range(1, 7):
        expect(page.get_by_label(f"Chamber {i}: blank · blk-45")).to_be_checked()


def test_a_stand_down_between_opening_and_sending_refuses_whole(
    device: type[Device], server: Server
) -> None:
    rosa = device(TABLET).login("rosa")
    page = _open_form(rosa)
    _fill_planned(page)
    misfire = {"kind": "misfire", "description": "click, no bang", "item_id": "colt-2"}
    assert _api(server, "sam", "report-incident", misfire).status_code == 200
    before = _record(server)
    page.get_by_role("button", name="Hand over").click()
    expect(page.locator("#refusal")).to_contain_text("No issue during a stand-down")
    expect(page.locator("#refusal")).to_contain_text("The attempt is on the record")
    rosa.shot("handoff-refused-stand-down-tablet")
    seq, board = _record(server)  # the attempt alone: the board is as it was
    assert seq == before[0] + 1
    assert {**board, "seq": before[0]} == before[1]
    for i in range(1, 7):  # what was entered is still there
        expect(page.get_by_label(f"Chamber {i}: dummy · dum-45")).to_be_checked()
    # The pre-check now says so before anyone opens a weapon.
    check = rosa.go("/issue?scene=sc-14")
    expect(check.get_by_role("alert").last).to_contain_text("stand-down")
    expect(check.get_by_text("blocked").first).to_be_visible()
    rosa.shot("pre-check-stand-down-tablet")


def test_a_form_sent_without_its_answers_is_refused_by_the_server(
    device: type[Device], server: Server
) -> None:
    rosa = device(TABLET).login("rosa")
    page = _open_form(rosa)
    before = _record(server)
    # Past the browser's checks: the server itself refuses chambers nobody set.
    page.evaluate(
        "document.getElementById('hand-over').disabled = false;"
        "document.querySelector('form.handoff').noValidate = true;"
    )
    page.get_by_role("button", name="Hand over").click()
    expect(page.locator("#refusal")).to_contain_text("barrel")
    assert _record(server) == before
    page.get_by_label("clear", exact=True).check()
    page.evaluate(
        "document.getElementById('hand-over').disabled = false;"
        "document.querySelector('form.handoff').noValidate = true;"
    )
    page.get_by_role("button", name="Hand over").click()
    expect(page.locator("#refusal")).to_contain_text("chamber 1, 2, 3, 4, 5, 6: not set")
    assert _record(server) == before
    # Nobody attested being shown it: no PIN, past the browser's check, records nothing.
    page.get_by_role("button", name=re.compile("6 dummies from dum-45")).click()
    page.evaluate("document.getElementById('pin').required = false")
    page.get_by_role("button", name="Hand over").click()
    expect(page.locator("#refusal")).to_contain_text("PIN")
    assert _record(server) == before
    rosa.shot("handoff-refused-no-pin-tablet")


def test_an_expired_session_keeps_the_form(device: type[Device], server: Server) -> None:
    rosa = device(TABLET).login("rosa")
    page = _open_form(rosa)
    page.get_by_role("button", name=re.compile("6 dummies from dum-45")).click()
    page.get_by_label(re.compile("Dan Ortiz")).check()
    page.get_by_label(re.compile("your PIN")).fill(demo.DEMO_PIN)
    rosa.context.clear_cookies()  # the session ends while the form is open
    page.get_by_role("button", name="Hand over").click()
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(re.compile("Restored what you entered"))).to_be_visible()
    for i in range(1, 7):
        expect(page.get_by_label(f"Chamber {i}: dummy · dum-45")).to_be_checked()
    expect(page.get_by_label(re.compile("Dan Ortiz"))).to_be_checked()
    expect(page.get_by_label(re.compile("your PIN"))).to_have_value("")
    rosa.shot("handoff-restored-after-login-tablet")


def test_the_pre_check_lists_each_blocker_first(device: type[Device], server: Server) -> None:
    hire = {"person_id": "zoe", "name": "Zoe Park", "roles": ["performer"]}
    assert _api(server, "paula", "add-person", hire).status_code == 200
    today = _record(server)[1]
    del today
    day = httpx.get(
        f"{server.base}/api/v1/productions/{PID}/events?after=0&limit=40",
        headers=server.login("paula"),
        timeout=30,
    ).json()
    date = next(e["data"]["date"] for e in day if e["type"] == "ScenePlanned")
    plan = {
        "scene_id": "sc-30",
        "title": "Barn: the draw",
        "date": date,
        "items": ["colt-1"],
        "performers": ["zoe", "mia", "jack"],
        "ammo": "dummy",
        "manoeuvres": ["cross_draw"],
    }
    assert _api(server, "dan", "plan-scene", plan).status_code == 200
    for who in ("rosa", "dan"):
        assert _api(server, who, "approve-scene-plan", {"scene_id": "sc-30"}).status_code == 200
    rosa = device(TABLET).login("rosa")
    page = rosa.go("/issue?scene=sc-30")
    rows = page.locator("li.pair")
    expect(rows.filter(has_text="Zoe Park")).to_contain_text("no training for")
    expect(rows.filter(has_text="Mia Long")).to_contain_text("declined training")
    expect(page.get_by_text("no safety meeting for scene sc-30").first).to_be_visible()
    rosa.shot("pre-check-blockers-tablet")
    # An item that is not in the plan, found by its tag: blocked, and why.
    page = rosa.go("/issue?scene=sc-12&item=colt-2&to=jack")
    expect(page.get_by_role("alert").last).to_contain_text("not in scene sc-12")
    expect(page.get_by_role("button", name="Hand over")).to_have_count(0)
    # The API has the same pre-check.
    answer = httpx.get(
        f"{server.base}/api/v1/productions/{PID}/pre-check?scene=sc-30",
        headers=server.login("rosa"),
        timeout=30,
    ).json()
    blocked = {p["recipient_id"]: [b["code"] for b in p["blockers"]] for p in answer["pairs"]}
    assert "TRN-1" in blocked["zoe"]
    assert "TRN-2" in blocked["mia"]
    assert "SCN-3" in [v["code"] for v in answer["common"]]
