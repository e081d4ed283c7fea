"""The record's reports on the tablet, on SQLite and PostgreSQL: the daily report for a
day, every download with its media type and the name it is saved under (the API's routes
too), the check of the whole record as a stream, corrections that point at an entry and
never edit it, and the incident review's sign-off offered only to who may sign."""

from __future__ import annotations

import json
from typing import Any

import pytest

from coldcheck.verification import VerifyReport
from coldcheck.web import records
from support import web_client
from support.api_client import BASE, PID, PIN, TODAY, Api

WEB = f"/p/{PID}"


def _as(api: Api, username: str) -> Any:
    client = api.new_client()
    assert web_client.login(client, username).status_code == 303
    return client


def test_the_daily_report_for_a_day_in_words(api: Api) -> None:
    page = _as(api, "lane").get(f"{WEB}/reports", params={"date": TODAY})  # any member
    assert page.status_code == 200, page.text
    for words in (
        f"Daily safety report: {TODAY}",
        "Custody at close",
        "Prop truck gun safe",  # where each item is, by name
        "Colt Single Action Army revolver",
        "balanced",
        "cold (dummies)",
        "Rosa Vega",
        "misfire",
        "Training to arrange before tomorrow",
    ):
        assert words in page.text, words
    assert "person:" not in page.text
    assert "location:" not in page.text


def test_the_daily_report_is_for_today_unless_asked(api: Api) -> None:
    client = _as(api, "rosa")
    assert f'value="{TODAY}"' in client.get(f"{WEB}/reports").text
    before = client.get(f"{WEB}/reports", params={"date": "2021-10-20"})
    assert before.status_code == 200
    assert "No inspection that day." in before.text
    assert "No incident that day." in before.text


DOWNLOADS = [
    (f"{WEB}/reports/{TODAY}.pdf", "application/pdf", f"cold-creek-daily-{TODAY}.pdf"),
    (f"{WEB}/reports/{TODAY}.json", "application/json", f"cold-creek-daily-{TODAY}.json"),
    (f"{BASE}/daily-report?date={TODAY}", "application/json", f"cold-creek-daily-{TODAY}.json"),
    (f"{BASE}/bound-book.csv", "text/csv", f"cold-creek-bound-book-{TODAY}.csv"),
    (
        f"{BASE}/dossier?incident=incident-1&format=pdf",
        "application/pdf",
        "cold-creek-dossier-incident-1.pdf",
    ),
    (
        f"{BASE}/dossier?incident=incident-1&format=bundle",
        "application/json",
        "cold-creek-dossier-incident-1-proof.json",
    ),
    (
        f"{BASE}/dossier?item=colt-1&format=pdf",
        "application/pdf",
        "cold-creek-dossier-item-colt-1.pdf",
    ),
    (
        f"{BASE}/dossier?person=jack&format=bundle",
        "application/json",
        "cold-creek-dossier-person-jack-proof.json",
    ),
    (f"{BASE}/dossier?format=pdf", "application/pdf", f"cold-creek-dossier-{TODAY}.pdf"),
]


@pytest.mark.parametrize(("path", "media", "name"), DOWNLOADS, ids=[d[2] for d in DOWNLOADS])
def test_each_download_is_saved_under_its_name(api: Api, path: str, media: str, name: str) -> None:
    r = _as(api, "lane").get(path)  # a member of the crew reads every report
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    assert r.headers["content-disposition"] == f'attachment; filename="{name}"'
    if media == "application/pdf":
        assert r.content.startswith(b"%PDF-")
    if media == "text/csv":
        assert r.text.startswith("item_id,acquisition_date,")


def test_the_dossier_to_read_opens_in_the_browser_under_its_name(api: Api) -> None:
    r = api.get(f"{BASE}/dossier", "rosa", incident="incident-1")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert (
        r.headers["content-disposition"] == 'inline; filename="cold-creek-dossier-incident-1.html"'
    )


def test_the_downloads_page_offers_the_bound_book_and_every_dossier(api: Api) -> None:
    page = _as(api, "lane").get(f"{WEB}/downloads")
    assert page.status_code == 200
    assert f'href="{BASE}/bound-book.csv"' in page.text
    for scope in ("incident", "item", "person"):
        assert f'name="{scope}"' in page.text
    assert 'value="pdf"' in page.text
    assert 'value="bundle"' in page.text


@pytest.mark.parametrize(
    ("path", "says"),
    [
        (f"{WEB}/reports?date=2021-02-30", "date must be a date like 2021-10-21"),
        (f"{WEB}/reports?date=yesterday", "date must be a date like 2021-10-21"),
        (f"{WEB}/reports/9999-12-31.pdf", "date must be a day before 9999-12-31"),
        (f"{WEB}/reports/2021-13-01.json", "date must be a date like 2021-10-21"),
    ],
)
def test_a_bad_day_is_a_422_naming_the_field(api: Api, path: str, says: str) -> None:
    r = _as(api, "rosa").get(path)
    assert r.status_code == 422, r.text
    assert says in r.text.replace("&#39;", "'")


def test_a_daily_report_in_another_format_is_not_found(api: Api) -> None:
    assert _as(api, "rosa").get(f"{WEB}/reports/{TODAY}.docx").status_code == 404


def _stream(text: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out


def test_verify_streams_its_progress_to_the_end_then_what_it_found(api: Api) -> None:
    r = _as(api, "lane").get(f"{WEB}/verify/stream")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    told = _stream(r.text)
    *steps, (last, found) = told
    assert last == "done"
    assert steps[-1] == ("progress", {"done": api.head(), "total": api.head()})
    assert found["ok"] is True
    assert found["text"].startswith(f"Intact: {api.head()} events, ")
    assert "signed head " + found["root"][:16] in found["text"]


def test_verify_names_the_first_bad_entry_in_words() -> None:
    bad = VerifyReport(PID, 40, 1, b"\0" * 32, ok=False, first_bad_seq=17, problem="leaf hash")
    assert "the first bad entry is event #17 (leaf hash)" in records._found(bad, "")["text"]


def test_verify_is_for_members_only(api: Api) -> None:
    assert api.new_client().get(f"{WEB}/verify/stream").status_code == 401


def test_a_correction_is_a_new_entry_pointing_at_the_one_it_corrects(api: Api) -> None:
    nora = _as(api, "nora")  # the safety rep
    before = api.events()[4]  # entry #5
    page = nora.get(f"{WEB}/record/5")
    assert 'name="refers_to" value="5"' in page.text
    r = web_client.post(
        nora,
        f"{WEB}/record",
        {"refers_to": "5", "correction": "Wrong name: it was Sam"},
        f"{WEB}/record/5",
    )
    assert r.status_code == 200, r.text
    assert "corrected an earlier entry" in r.text
    last = api.events()[-1]
    assert last["type"] == "RecordCorrected"
    assert last["data"] == {"refers_to": 5, "correction": "Wrong name: it was Sam"}
    assert last["actor"] == "nora"
    assert api.events()[4] == before  # never an edit
    shown = nora.get(f"{WEB}/record", params={"before": 6}).text
    assert "Corrected</strong> by Nora Finch" in shown
    assert "Wrong name: it was Sam" in shown


def test_crew_may_read_the_record_but_not_correct_it(api: Api) -> None:
    lane = _as(api, "lane")
    page = lane.get(f"{WEB}/record")
    assert page.status_code == 200
    assert "Correct entry #" not in page.text
    assert 'name="correction"' not in lane.get(f"{WEB}/record/5").text
    head = api.head()
    r = web_client.post(lane, f"{WEB}/record", {"refers_to": "5", "correction": "mine"})
    assert r.status_code == 403, r.text
    assert api.head() == head


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"refers_to": "five", "correction": "x"}, "refers to must be a whole number"),
        ({"refers_to": "0", "correction": "x"}, "refers to must be from 1 to"),
        ({"refers_to": "99999", "correction": "x"}, "there is no event #99999"),
        ({"refers_to": "5", "correction": "  "}, "correction: say what the entry got wrong"),
    ],
)
def test_a_bad_correction_is_a_422_naming_the_field(
    api: Api, data: dict[str, str], says: str
) -> None:
    head = api.head()
    r = web_client.post(_as(api, "paula"), f"{WEB}/record", data)
    assert r.status_code == 422, r.text
    assert says in r.text
    assert api.head() == head


def test_the_review_sign_off_is_offered_only_to_who_may_sign(api: Api) -> None:
    r = api.command("report-incident", {"kind": "misfire", "description": "Click, no bang"}, "rosa")
    assert r.status_code == 200, r.text
    incident = r.json()["events"][0]["data"]["incident_id"]
    lane, nora = _as(api, "lane"), _as(api, "nora")
    path = f"{WEB}/incidents/{incident}/review"
    assert "Review it" not in lane.get(f"{WEB}/incidents").text
    assert "Review it" in nora.get(f"{WEB}/incidents").text
    assert f'action="{path}"' not in lane.get(path).text
    assert f'action="{path}"' in nora.get(path).text
    review = {
        "findings": "Worn firing pin",
        "cause": "a firing pin past its service life",
        "corrective_actions": "pin replaced; cast briefed",
        "pin": PIN,
    }
    assert web_client.post(lane, path, review, page=path).status_code == 403
    r = web_client.post(nora, path, review, page=path)
    assert r.status_code == 200, r.text
    assert api.service.state(PID).incidents[incident].reviewed == "Worn firing pin"
