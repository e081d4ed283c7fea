"""The record's reports in Chromium, at the tablet's and the phone's sizes: verify shows
its progress to the end and what it found, the bound book and a dossier PDF download
under their names, and a correction is recorded and shown beneath its entry."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from support.browser import PHONE, TABLET, Device

SIZES = [pytest.param(TABLET, id="tablet"), pytest.param(PHONE, id="phone")]


def _today() -> str:
    return dt.datetime.now(ZoneInfo("America/Denver")).date().isoformat()


@pytest.mark.parametrize("size", SIZES)
def test_verify_runs_to_the_end_and_says_the_record_is_intact(
    device: type[Device], size: dict[str, int]
) -> None:
    lane = device(size).login("lane")  # any member may check the record
    page = lane.go()
    page.get_by_role("navigation", name="Main").get_by_text("More").click()  # under More
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Reports", exact=True
    ).click()
    page.get_by_role("navigation", name="Reports").get_by_role("link", name="Verify").click()
    bar = page.locator("progress#verify-progress")
    expect(bar).to_have_attribute("value", "0")
    page.get_by_role("button", name="Verify the record").click()
    result = page.locator("#verify-result")
    expect(result).to_contain_text(re.compile(r"Intact: \d+ events, .*signed head [0-9a-f]{16}"))
    done, total = bar.evaluate("b => [b.value, b.max]")
    assert total > 1
    assert done == total  # the bar reached the end
    expect(page.get_by_role("button", name="Verify the record")).to_be_enabled()
    lane.shot(f"records-verify-{'tablet' if size is TABLET else 'phone'}")


@pytest.mark.parametrize("size", SIZES)
def test_the_daily_report_and_the_downloads_are_named(
    device: type[Device], size: dict[str, int]
) -> None:
    which = "tablet" if size is TABLET else "phone"
    rosa = device(size).login("rosa")
    page = rosa.go()
    page.get_by_role("navigation", name="Main").get_by_text("More").click()  # under More
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Reports", exact=True
    ).click()
    expect(page.get_by_role("heading", name=f"Daily safety report: {_today()}")).to_be_visible()
    expect(page.get_by_role("heading", name="Custody at close")).to_be_visible()
    rosa.shot(f"records-daily-{which}")
    with page.expect_download() as got:
        page.get_by_role("link", name="Download PDF").click()
    assert got.value.suggested_filename == f"cold-creek-daily-{_today()}.pdf"
    page.get_by_role("navigation", name="Reports").get_by_role("link", name="Downloads").click()
    with page.expect_download() as got:
        page.get_by_role("link", name="Download the bound book").click()
    assert got.value.suggested_filename == f"cold-creek-bound-book-{_today()}.csv"
    assert (got.value.path().read_text()).startswith("item_id,acquisition_date,")
    incident = page.locator("fieldset", has_text="An incident")
    with page.expect_download() as got:
        incident.get_by_role("button", name="PDF").click()
    assert got.value.suggested_filename == "cold-creek-dossier-incident-1.pdf"
    assert got.value.path().read_bytes().startswith(b"%PDF-")
    rosa.shot(f"records-downloads-{which}")


@pytest.mark.parametrize("size", SIZES)
def test_a_correction_points_at_its_entry_and_shows_beneath_it(
    device: type[Device], size: dict[str, int]
) -> None:
    which = "tablet" if size is TABLET else "phone"
    nora = device(size).login("nora")  # the safety rep
    page = nora.go()
    page.get_by_role("navigation", name="Main").get_by_text("More").click()  # under More
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Record", exact=True
    ).click()
    # Her newest entry: still on the first page once the correction is added after it.
    rosa_entry = page.locator("li.entry", has_text="Rosa Vega").first
    seq = (rosa_entry.get_attribute("id") or "e0")[1:]
    rosa_entry.get_by_role("link", name=f"Correct entry #{seq}").click()
    rosa_saw = page.get_by_label("What the entry got wrong, and what is right")
    rosa_saw.fill("The truck safe was opened by Rosa at 06:40, not 06:55")
    nora.shot(f"records-correct-{which}")
    page.get_by_role("button", name="Record the correction").click()
    expect(page.get_by_role("status")).to_contain_text("corrected an earlier entry")
    page.get_by_role("link", name="Back").click()
    corrected = page.locator(f"li#e{seq}")
    expect(corrected.locator(".correction")).to_contain_text("Corrected by Nora Finch at")
    expect(corrected).to_contain_text("not 06:55")
    corrected.scroll_into_view_if_needed()
    nora.shot(f"records-record-{which}")


def test_crew_reads_the_record_without_a_correction_form(device: type[Device]) -> None:
    lane = device(PHONE).login("lane")
    page = lane.go("/record")
    expect(page.get_by_role("heading", name="The record")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Correct entry"))).to_have_count(0)
