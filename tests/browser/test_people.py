"""People and accounts on the tablet and the phone, in Chromium: the producer adds a person
and a qualification; the person sets their PIN on their own device; the producer resets
it; their access removed, the person's next page is the production picker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from coldcheck import demo
from support.browser import PHONE, TABLET, Device
from support.server import Server

PID = demo.PRODUCTION


def _events(server: Server, after: int) -> list[Any]:
    r = httpx.get(
        f"{server.base}/api/v1/productions/{PID}/events?after={after}",
        headers=server.login("paula"),
        timeout=30,
    )
    r.raise_for_status()
    return list(r.json())


def _head(server: Server) -> int:
    r = httpx.get(
        f"{server.base}/api/v1/productions/{PID}/board", headers=server.login("paula"), timeout=30
    )
    return int(r.json()["seq"])


def _account_for(server: Server, username: str) -> None:
    """An administrator creates the account; the producer links it to the person."""
    r = httpx.post(
        f"{server.base}/api/v1/accounts",
        json={"username": username, "password": demo.DEMO_PASSWORD, "is_admin": False},
        headers=server.login("admin"),
        timeout=30,
    )
    assert r.status_code == 201, r.text
    r = httpx.post(
        f"{server.base}/api/v1/productions/{PID}/members",
        json={"username": username, "person_id": username},
        headers=server.login("paula"),
        timeout=30,
    )
    assert r.status_code == 204, r.text


def _open_person(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_text("More").click()  # under More
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def test_a_person_added_sets_their_pin_is_reset_and_removed(
    device: type[Device], server: Server
) -> None:
    paula = device(TABLET).login("paula")
    before = _head(server)
    page = paula.go()
    page.get_by_role("navigation", name="Main").get_by_text("More").click()  # under More
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    # Nothing is ticked for anyone on the page.
    assert page.locator("input:checked").count() == 0
    paula.shot("people-1-list-tablet")
    page.get_by_label("Full name").fill("Ada Stone")
    page.get_by_label("Short id").fill("ada")
    page.get_by_label("crew", exact=True).last.check()
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("status")).to_contain_text("added Ada Stone as crew")
    _open_person(page, "Ada Stone")
    page.get_by_label("Kind").fill("firearms safety card")
    page.get_by_label("Number").fill("FSC-118")
    soon = dt.date.today() + dt.timedelta(days=10)  # the server runs on the real clock
    page.get_by_label("Expires on").fill(soon.isoformat())
    page.get_by_role("button", name="Record qualification").click()
    expect(page.get_by_role("status")).to_contain_text("FSC-118")
    page.get_by_role("link", name="Back").click()
    expect(page.get_by_text("expires in")).to_be_visible()  # within 30 days, in words
    paula.shot("people-2-person-tablet")

    _account_for(server, "ada")
    ada = device(PHONE).login("ada")
    pin = ada.go("/pin")
    expect(pin.get_by_text("You have no PIN yet")).to_be_visible()
    pin.get_by_label("Your password").fill(demo.DEMO_PASSWORD)
    pin.get_by_label("New PIN (4 to 8 digits)").fill("4812")
    pin.get_by_label("New PIN again").fill("4812")
    ada.shot("people-3-my-pin-phone")
    pin.get_by_role("button", name="Set my PIN").click()
    expect(pin.get_by_role("status")).to_contain_text("Your PIN is set")
    assert "4812" not in pin.content()
    ada.shot("people-4-pin-set-phone")

    page = paula.go("/people?person=ada")
    page.get_by_role("button", name="Reset Ada Stone's PIN").click()
    expect(page.get_by_role("status")).to_contain_text("reset Ada Stone's PIN")
    expect(ada.go("/pin").get_by_text("You have no PIN yet")).to_be_visible()

    page = paula.go("/people?person=ada")
    page.get_by_role("button", name="Remove Ada Stone's access").click()
    expect(page.get_by_role("status")).to_contain_text("removed Ada Stone's access")
    paula.shot("people-5-removed-tablet")
    answer = ada.page.reload()
    assert answer is not None
    assert answer.status == 404
    expect(ada.page.get_by_role("heading", name="Your productions")).to_be_visible()
    expect(ada.page.get_by_text("not one of yours")).to_be_visible()
    ada.shot("people-6-picker-after-removal-phone")

    kinds = [(e["type"], e["actor"]) for e in _events(server, before)]
    assert kinds == [
        ("PersonAdded", "paula"),
        ("QualificationRecorded", "paula"),
        ("PinReset", "paula"),
        ("AccessRemoved", "paula"),
    ]


def test_the_people_page_on_a_phone(device: type[Device]) -> None:
    paula = device(PHONE).login("paula")
    paula.go("/people?person=jack")
    paula.shot("people-person-phone")
    paula.go("/people")
    paula.shot("people-list-phone")
