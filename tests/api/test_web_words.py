"""The tablet's result page in the set's words, on SQLite and PostgreSQL: what was recorded
in sentences with names and local times, and a refusal that says what to do on this
tablet, with a link to the page that does it; never an id, a record type or a CLI command.

The tests of this module share one seeded database and run in order: a refused handoff,
then one that goes through, then its return with rounds missing."""

from __future__ import annotations

import re
from typing import Any

from coldcheck.domain.events import EVENT_TYPES
from coldcheck.domain.rules import CATALOGUE
from coldcheck.web.advice import advice
from support import web_client
from support.api_client import PID, PIN, Api

COLT1 = "Colt Single Action Army revolver, 7.5 in barrel (CC-0001)"
DUMMIES = {f"chamber-{i}": "dummy:dum-45" for i in range(1, 7)}
ISSUE = {
    "item_id": "colt-1",
    "barrel": "clear",
    "recipient_id": "jack",
    "scene_id": "sc-12",
    "shown_to": ["jack", "dan"],
    "pin": PIN,
    **DUMMIES,
}
# "#75 ItemInspected": a record's seq and its type, as the page once listed them.
RECORD_TYPE = re.compile(r"#\d+\s*(" + "|".join(EVENT_TYPES) + ")")


def _rosa(api: Api) -> Any:
    client = api.new_client()
    assert web_client.login(client, "rosa").status_code == 303
    return client


def _in_plain_words(html: str) -> None:
    assert "person:" not in html
    assert "location:" not in html
    assert not RECORD_TYPE.search(html), RECORD_TYPE.search(html)
    assert "`coldcheck" not in html
    assert "coldcheck " not in html  # a command line, as the rules' explanations give


def test_a_refused_issue_names_people_and_links_the_page_that_fixes_it(api: Api) -> None:
    # Mia is not in sc-12's plan, was not at its safety meeting, and declined cross-draw
    # training: refused by SCN-2, SCN-3 and TRN-2 (among others).
    r = web_client.post(
        _rosa(api), f"/p/{PID}/issue", {**ISSUE, "recipient_id": "mia", "shown_to": ["mia"]}
    )
    assert r.status_code == 409, r.text
    html = r.text
    _in_plain_words(html)
    assert "Mia Long declined training for cross draw" in html
    assert "Mia Long is not in scene sc-12&#39;s plan" in html
    assert "(mia)" not in html
    assert html.count("The attempt is on the record (#") == 1  # said once
    # The tablet's advice with its page, not the rule's command-line explanation.
    assert advice("TRN-2").text in html
    assert f'href="/p/{PID}/training"' in html
    assert f'href="/p/{PID}/scenes"' in html
    assert "Train the recipient on what is missing (" not in html


def test_an_issue_that_goes_through_is_one_handoff_sentence(api: Api) -> None:
    r = web_client.post(_rosa(api), f"/p/{PID}/issue", ISSUE)
    assert r.status_code == 200, r.text
    _in_plain_words(r.text)
    handed = f"Rosa Vega handed {re.escape(COLT1)} to Jack Reyes for sc-12 at [0-9]{{2}}:[0-9]{{2}}"
    assert re.search(handed, r.text), r.text
    assert (
        "loaded with 6 dummy rounds from dum-45, shown to Jack Reyes and Dan Ortiz; Jack Reyes "
        "confirmed it with their own PIN." in r.text
    )
    assert "Rosa Vega inspected" not in r.text  # told once, with the issue
    assert "Nothing was recorded" not in r.text


def test_a_return_with_rounds_missing_warns_and_links_the_incident_form(api: Api) -> None:
    back = {**DUMMIES, "chamber-5": "empty", "chamber-6": "empty", "item_id": "colt-1"}
    r = web_client.post(_rosa(api), f"/p/{PID}/return", back)
    assert r.status_code == 200, r.text
    _in_plain_words(r.text)
    assert f"Rosa Vega took back {COLT1} from Jack Reyes at" in r.text
    assert "4 dummy rounds from dum-45 came back, 2 rounds missing from dum-45." in r.text
    assert "chamber 5: dummy from lot dum-45 is missing" in r.text  # AMM-5, a warning
    assert advice("AMM-5").text in r.text
    assert f'href="/p/{PID}/incidents?kind=unaccounted_rounds"' in r.text


def test_every_page_the_advice_links_to_opens(api: Api) -> None:
    client = _rosa(api)
    pages = {advice(r.code).href(PID) for r in CATALOGUE} - {None}
    assert pages
    for href in sorted(pages):
        assert href is not None
        r = client.get(href)
        assert r.status_code == 200, (href, r.text)


def test_a_misfire_says_firearms_stand_down_and_every_page_names_the_incident(
    api: Api,
) -> None:
    sam = api.new_client()
    assert web_client.login(sam, "sam").status_code == 303
    r = web_client.post(sam, f"/p/{PID}/incidents", {"kind": "misfire", "item_id": "colt-2"})
    assert r.status_code == 200, r.text
    _in_plain_words(r.text)
    assert "Sam Cole reported an incident at" in r.text
    assert "Firearms stand down after the incident at" in r.text
    board = sam.get(f"/p/{PID}").text
    banner = board.split('class="stand-down"')[1].split("</div>")[0]
    assert "(misfire) is signed off" in re.sub(r"<[^>]+>", "", banner)
    assert "incident-" not in banner
