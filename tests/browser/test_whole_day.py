"""A whole shooting day on the tablet, in Chromium, from a new server: the administrator
creates the production and the accounts, the producer takes the people on, the armorer
sets up the stock, the 1st AD plans the scene, the handover and the return, the safe, the
day's blind count; a concern raised offline arrives and is acknowledged; the report, the
bound book and a dossier are downloaded; `coldcheck verify` passes on the database.

Every step is a person's own browser, on pages only: nothing is sent through the API or
the CLI until the record is read and verified at the end.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Download, Page, expect

from coldcheck import demo
from support.browser import TABLET, Device
from support.server import Server, environment

PID = "dry-gulch"
PASSWORD = demo.DEMO_PASSWORD
PIN = "3579"
CREW = [  # account and id, name, role as the people page words it
    ("rosa", "Rosa Vega", "armorer"),
    ("dan", "Dan Ortiz", "1st AD"),
    ("jack", "Jack Reyes", "performer"),
    ("lane", "Lane Cho", "camera"),
]
SAFE = "Prop truck gun safe"


class Tablet(Device):
    """One person's tablet on the new production."""

    def login_as(self, username: str, lands: str = f"/p/{PID}") -> Tablet:
        self.page.goto(f"{self.server.base}/login")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(f"**{lands}")
        return self

    def go(self, path: str = "") -> Page:
        self.page.goto(f"{self.server.base}/p/{PID}{path}")
        return self.page


@pytest.fixture
def tablet(browser: Browser, empty_server: Server) -> Iterator[type[Tablet]]:
    contexts = []

    class Opened(Tablet):
        def __init__(self) -> None:
            context = browser.new_context(viewport=TABLET, accept_downloads=True)  # type: ignore[arg-type]
            contexts.append(context)
            super().__init__(context, empty_server)

    yield Opened
    for context in contexts:
        context.close()


def _recorded(page: Page) -> None:
    expect(page.get_by_role("status")).to_contain_text("Recorded")


def _told(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def test_a_whole_shooting_day_on_the_tablet_alone(
    tablet: type[Tablet], empty_server: Server, tmp_path: Path
) -> None:
    started = time.monotonic()
    admin = _administrator_sets_up(tablet())
    paula = _producer_takes_people_on(tablet())
    _administrator_links(admin)
    jack = tablet().login_as("jack")
    _sets_pin(jack)
    rosa = tablet().login_as("rosa")
    _armorer_sets_up_stock(rosa)
    dan = tablet().login_as("dan")
    _scene_planned_and_approved(dan, rosa)
    _safety_meeting(dan)
    _hand_over_and_back(rosa)
    lane = tablet().login_as("lane")
    _concern_offline(lane, paula)
    _safe_and_close(rosa)
    _downloads(paula, tmp_path)
    _verify(empty_server, tmp_path)
    print(f"whole day: {time.monotonic() - started:.1f} s")


def _administrator_sets_up(admin: Tablet) -> Tablet:
    page = admin.login_as("admin", "/admin").page
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    expect(page.get_by_role("heading", name="PIN resets")).to_be_visible()
    admin.shot("day-01-admin-home-tablet")
    for username in ["paula", *(who for who, _, _ in CREW)]:
        page.get_by_label("Username").fill(username)
        page.get_by_label(re.compile("First password")).fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        _told(page, f"Account {username} created")
    expect(page.get_by_label(re.compile("First password"))).to_have_value("")
    admin.shot("day-02-admin-accounts-tablet")
    page.get_by_label("Title").fill("Dry Gulch")
    page.get_by_label("Production id").fill(PID)
    page.get_by_label("Safety rules").select_option("bulletin1")
    page.get_by_label("Time zone of the set").fill("Europe/Madrid")
    page.get_by_label("Their account").select_option("paula")
    page.get_by_label("Their full name").fill("Paula Grant")
    page.get_by_label("Their short id").fill("paula")
    page.get_by_role("button", name="Create production").click()
    _told(page, "Dry Gulch created, with Paula Grant as producer")
    admin.shot("day-03-admin-production-tablet")
    return admin


def _producer_takes_people_on(paula: Tablet) -> Tablet:
    page = paula.login_as("paula").go("/people")
    for who, name, role in CREW:
        page.get_by_label("Full name").fill(name)
        page.get_by_label("Short id").fill(who)
        page.get_by_label(role, exact=True).check()
        page.get_by_role("button", name="Add person").click()
        _recorded(page)
        page = paula.go("/people")
    page = paula.go("/people?person=rosa")
    page.get_by_label("firearm-safety authority").check()
    page.get_by_role("button", name="Give it to Rosa Vega").click()
    _recorded(page)
    page = paula.go("/people?person=rosa")
    page.get_by_label("Kind").fill("entertainment firearms permit")
    page.get_by_label("Number").fill("EFP-20931")
    page.get_by_label("Expires on").fill("2030-06-30")
    page.get_by_role("button", name="Record qualification").click()
    _recorded(page)
    paula.go("/people")
    paula.shot("day-04-producer-people-tablet")
    return paula


def _administrator_links(admin: Tablet) -> None:
    page = admin.page
    page.goto(f"{admin.server.base}/admin")
    for who, name, _ in CREW:
        page.get_by_label("Account", exact=True).select_option(who)
        page.get_by_label("Production", exact=True).select_option(PID)
        page.get_by_label("Person's short id").fill(who)
        page.get_by_role("button", name="Link account").click()
        _told(page, f"{who} now acts as {name}")
    expect(page.locator("main")).to_contain_text("everyone has one")
    admin.shot("day-05-admin-linked-tablet")


def _sets_pin(jack: Tablet) -> None:
    page = jack.go("/pin")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("New PIN (4 to 8 digits)").fill(PIN)
    page.get_by_label("New PIN again").fill(PIN)
    page.get_by_role("button", name="Set my PIN").click()
    _told(page, "Your PIN is set.")
    jack.shot("day-06-performer-pin-tablet")


def _armorer_sets_up_stock(rosa: Tablet) -> None:
    page = rosa.go("/stock")
    page.get_by_label(re.compile("Short id")).fill("truck-safe")
    page.get_by_label(re.compile("Name, as people")).fill(SAFE)
    page.get_by_label(re.compile("yes, it locks")).check()
    page.get_by_role("button", name="Add the location").click()
    _recorded(page)
    for item, kind, tag, serial, description, chambers in (
        ("colt-1", "firearm", "DG-0001", "SA-31877", "Colt Single Action Army revolver", "6"),
        ("rifle-1", "blank_adapted", "DG-0002", "WR-11045", "Winchester 1873, blank-adapted", "1"),
    ):
        page = rosa.go("/stock/register")
        page.get_by_label("Kind").select_option(kind)
        page.get_by_label("Short id").fill(item)
        page.get_by_label("Tag on its label").fill(tag)
        page.get_by_label("Serial number").fill(serial)
        page.get_by_label("Description").fill(description)
        page.get_by_label("Kept in").select_option("truck-safe")
        page.get_by_label("Chambers").fill(chambers)
        page.get_by_label("Caliber").fill(".45 LC")
        page.get_by_label("Manufacturer").fill(description.split()[0])
        page.get_by_label("Model").fill("1873" if item == "rifle-1" else "Single Action Army")
        page.get_by_label("Where it came from").fill("Western Prop Rentals, Albuquerque NM")
        page.get_by_role("button", name="Register").click()
        _recorded(page)
    rosa.shot("day-07-armorer-registered-tablet")
    page = rosa.go("/stock/suppliers")  # every lot names who supplied it
    page.get_by_label("Kind").select_option("prop_supplier")
    page.get_by_label("Name").fill("Starline Props")
    page.get_by_label(re.compile("^Short id")).fill("starline")
    page.get_by_label(re.compile("^Contact")).fill("505-555-0142, Albuquerque NM")
    page.get_by_role("button", name="Register the supplier").click()
    _recorded(page)
    for lot, kind, invoice in (("dum-45", "dummies", "INV-7712"), ("blk-45", "blanks", "INV-7713")):
        page = rosa.go("/stock/lots")
        page.get_by_label(kind, exact=True).check()
        page.get_by_label("Short id for the lot").fill(lot)
        page.get_by_label("Caliber").fill(".45 LC")
        page.get_by_label("Rounds received").fill("50")
        page.get_by_label(re.compile("^Supplier")).select_option("starline")
        page.get_by_label("Invoice or delivery note").fill(invoice)
        if kind == "blanks":
            page.get_by_label(re.compile("^Load")).select_option("quarter")
        page.get_by_role("button", name="Receive the lot").click()
        _recorded(page)
    page = rosa.go("/stock/lots")
    page.get_by_label("The lot", exact=True).select_option("dum-45")
    for method in ("rattle test", "drilled case", "each round"):
        page.get_by_label(method, exact=True).check()
    rosa.shot("day-08-armorer-verify-dummies-tablet")
    page.get_by_role("button", name="Record the verification").click()
    _recorded(page)
    expect(page.get_by_role("status")).to_contain_text("rattle test")
    page = rosa.go("/training")
    page.get_by_label("Person", exact=True).select_option("jack")
    for topic in ("firearm", "draw"):
        page.get_by_label(topic, exact=True).check()
    page.get_by_label("Minutes").fill("90")
    page.get_by_role("button", name="Record").click()
    _recorded(page)
    rosa.shot("day-09-armorer-training-tablet")


def _scene_planned_and_approved(dan: Tablet, rosa: Tablet) -> None:
    page = dan.go("/scenes")
    page.get_by_label("Scene id").fill("sc-3")
    page.get_by_label("Title").fill("Street: the draw")
    page.get_by_label("filming", exact=True).check()  # asked, never preset
    page.locator("fieldset", has_text="Items").get_by_label("colt-1").check()
    page.locator('input[name="tier-colt-1"][value="hero"]').check()
    page.locator('input[name="public_view"][value="no"]').check()
    page.locator("fieldset", has_text="Performers").get_by_label("Jack Reyes").check()
    page.get_by_label("dummy", exact=True).check()
    page.get_by_label("draw", exact=True).check()
    page.get_by_label(re.compile("Closest muzzle")).fill("20")
    page.get_by_role("button", name="Save plan").click()
    _recorded(page)
    dan.shot("day-10-first-ad-plan-tablet")
    for who in (dan, rosa):
        page = who.go("/scenes")
        page.get_by_role("button", name="Approve sc-3").click()
        _recorded(page)
    page = rosa.go("/scenes")
    expect(page.locator(".scene")).to_contain_text("approved")
    rosa.shot("day-11-scene-approved-tablet")


def _safety_meeting(dan: Tablet) -> None:
    page = dan.go("/scenes")
    attendance = page.locator("fieldset", has_text="Safety meeting today")
    for name in ("Rosa Vega", "Dan Ortiz", "Jack Reyes", "Lane Cho"):
        box = attendance.get_by_label(name)
        expect(box).not_to_be_checked()  # nobody is marked present for the 1st AD
        box.check()
    dan.shot("day-12-safety-meeting-attendance-tablet")
    page.get_by_role("button", name="Record safety meeting for sc-3").click()
    _recorded(page)


def _hand_over_and_back(rosa: Tablet) -> None:
    page = rosa.go("/issue")
    page.get_by_role("link", name=re.compile("sc-3")).click()
    page.get_by_role("link", name=re.compile("→ Jack Reyes")).click()
    page.get_by_role("button", name=re.compile("6 dummies from dum-45")).click()
    page.get_by_label(re.compile("Dan Ortiz")).check()
    page.get_by_label(re.compile("your PIN")).fill(PIN)
    rosa.shot("day-13-hand-over-form-tablet")
    page.get_by_role("button", name="Hand over").click()
    _recorded(page)
    rosa.shot("day-14-handed-over-tablet")
    page = rosa.go("/return")
    page.get_by_role("link", name=re.compile("from Jack Reyes")).click()
    page.get_by_role("button", name="Came back as issued").click()
    page.get_by_role("button", name="Record return").click()
    _recorded(page)
    rosa.shot("day-15-taken-back-tablet")


def _concern_offline(lane: Tablet, paula: Tablet) -> None:
    page = lane.go()
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page = lane.go("/concerns/new")
    lane.context.set_offline(True)
    page.get_by_label("What is wrong?").fill("The gun cart stood unwatched by the church at lunch")
    page.get_by_role("button", name="Send concern").click()
    expect(page.locator("#queued")).to_contain_text("Waiting to send")
    lane.shot("day-16-crew-concern-offline-tablet")
    lane.context.set_offline(False)
    expect(page.locator("#queued")).to_contain_text(
        re.compile(r"Sent: your concern from \d\d:\d\d"), timeout=15_000
    )
    lane.shot("day-17-crew-concern-sent-tablet")
    page = paula.go("/concerns")
    expect(page.locator("main")).to_contain_text("The gun cart stood unwatched")
    page.get_by_role("button", name="Acknowledge concern-1").click()
    _recorded(page)
    page = paula.go("/concerns")
    expect(page.locator("main")).to_contain_text("Acknowledged by Paula Grant")
    paula.shot("day-18-producer-acknowledged-tablet")


def _safe_and_close(rosa: Tablet) -> None:
    page = rosa.go("/stock")
    page.get_by_role("navigation", name="Stock").get_by_role("link", name="Unload").click()
    page.get_by_role("link", name=re.compile(r"\(DG-0001\)")).click()
    unload = page.get_by_role("button", name="Record unloading")
    expect(unload).to_be_disabled()  # nothing answered for the armorer
    page.get_by_label("clear", exact=True).check()
    page.get_by_role("button", name="Every chamber empty").click()
    rosa.shot("day-19-armorer-unload-tablet")
    unload.click()
    _recorded(page)
    page = rosa.go("/stock")
    page.get_by_label(re.compile(r"\(DG-0001\)")).check()
    page.get_by_role("radio", name=re.compile(f"^{SAFE}")).check()
    page.get_by_role("button", name="Put away", exact=True).click()
    _recorded(page)
    rosa.shot("day-20-armorer-put-away-tablet")
    page = rosa.go("/stock/close")
    main = page.locator("main")
    assert not re.search(r"\b50\b", main.inner_text())  # the count is blind
    page.get_by_label(re.compile("dum-45 · dummy")).fill("50")
    page.get_by_label(re.compile("blk-45 · blank")).fill("50")
    rosa.shot("day-21-armorer-blind-count-tablet")
    page.get_by_role("button", name="Close the day").click()
    _recorded(page)
    expect(page.locator(".reconciliation")).to_contain_text("matches")
    rosa.shot("day-22-armorer-day-closed-tablet")


def _download(page: Page, click: str, name: str = "") -> Download:
    with page.expect_download() as info:
        page.get_by_role("button" if name else "link", name=name or click).click()
    return info.value


def _saved(download: Download, folder: Path, pattern: str, magic: bytes) -> None:
    assert re.fullmatch(pattern, download.suggested_filename), download.suggested_filename
    path = folder / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    assert data.startswith(magic), (download.suggested_filename, data[:40])


def _downloads(paula: Tablet, folder: Path) -> None:
    page = paula.go("/reports")
    paula.shot("day-23-daily-report-tablet")
    with page.expect_download() as report:
        page.get_by_role("link", name="Download PDF").click()
    _saved(report.value, folder, r".*\d{4}-\d\d-\d\d.*\.pdf", b"%PDF")
    page = paula.go("/downloads")
    with page.expect_download() as book:
        page.get_by_role("link", name="Download the bound book").click()
    _saved(book.value, folder, r".*bound.book.*\.csv", b"")
    assert b"SA-31877" in (folder / book.value.suggested_filename).read_bytes()
    item = page.locator("form.dossier", has_text="An item")
    item.get_by_label("Which").select_option("colt-1")
    with page.expect_download() as dossier:
        item.get_by_role("button", name="PDF").click()
    _saved(dossier.value, folder, r".*\.pdf", b"%PDF")
    paula.shot("day-24-downloads-tablet")


def _verify(server: Server, folder: Path) -> None:
    events = httpx.get(
        f"{server.base}/api/v1/productions/{PID}/events",
        params={"limit": 1000},
        headers=_token(server, "paula"),
        timeout=30,
    ).json()
    kinds = [e["type"] for e in events]
    for kind in (
        "ProductionCreated",
        "LotVerified",
        "TrainingRecorded",
        "ScenePlanApproved",
        "SafetyMeetingHeld",
        "ItemIssued",
        "ItemReturned",
        "ItemInspected",
        "ItemMoved",
        "ConcernRaised",
        "ConcernAcknowledged",
        "DayClosed",
    ):
        assert kind in kinds, (kind, kinds)
    key = folder / "signing.key"
    done = subprocess.run(
        [sys.executable, "-m", "coldcheck", "--production", PID, "verify"],
        env=environment(server.database_url, key),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _token(server: Server, who: str) -> dict[str, str]:
    r = httpx.post(
        f"{server.base}/api/v1/auth/login",
        json={"username": who, "password": PASSWORD},
        timeout=30,
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}
