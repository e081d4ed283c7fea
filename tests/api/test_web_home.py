"""The board's home panels and the header's search on the tablet, on SQLite and
PostgreSQL: the armorer sees today's scenes and what is out, a performer what they were
shown, crew their own concerns and not others' anonymous ones; the search finds by part
of a tag or a name, opens an item a tag names exactly, and answers any query with a page."""

from __future__ import annotations

import html
from typing import Any

import pytest

from support import web_client
from support.api_client import PID, PIN, Api

BOARD = f"/p/{PID}"
SEARCH = f"/p/{PID}/search"
HAND_OVER = {
    "item_id": "colt-1",
    "barrel": "clear",
    "chambers": [{"content": "dummy", "lot": "dum-45", "checked": True}] * 6,
    "recipient_id": "jack",
    "scene_id": "sc-12",
    "shown_to": ["dan"],
    "entered": "as_planned",
    "recipient_pin": PIN,
}


def _client(api: Api, who: str) -> Any:
    client = api.new_client()
    assert web_client.login(client, who).status_code == 303
    return client


def _page(client: Any, path: str = BOARD, **params: str) -> str:
    r = client.get(path, params=params or None, follow_redirects=False)
    assert r.status_code == 200, r.text
    return html.unescape(r.text)


def _home(page: str) -> str:
    """The home panels alone (the board under them lists open concerns to everyone)."""
    return page.split('id="home"', 1)[1].split('id="board"', 1)[0]


@pytest.fixture(scope="module")
def handed_over(api: Api) -> None:
    """colt-1 out with Jack for sc-12, a concern from Lane and an anonymous one."""
    r = api.command("hand-over", HAND_OVER, "rosa")
    assert r.status_code == 200, r.text
    for body, user in (
        ({"text": "Lane's own: the church steps are icy."}, "lane"),
        ({"text": "Someone else's, unnamed: ear plugs ran out.", "anonymous": True}, "mia"),
    ):
        assert api.command("raise-concern", body, user).status_code == 200


def test_the_armorer_sees_todays_scenes_and_what_is_out(api: Api, handed_over: None) -> None:
    page = _home(_page(_client(api, "rosa")))
    assert "Armorer · today" in page
    assert "sc-12, Church: cross-draw toward the lens" in page
    assert "sc-14, Saloon shoot-out" in page
    out = page.split("Out now", 1)[1]
    assert "(CC-0001)</a> with Jack Reyes for sc-12" in out
    assert f'href="/p/{PID}/return?item=colt-1"' in out
    assert f'href="/p/{PID}/issue?scene=sc-14"' in page  # ready pairs: a way to hand over


def test_a_performer_sees_what_they_hold_and_were_shown(api: Api, handed_over: None) -> None:
    page = _home(_page(_client(api, "jack")))
    shown = page.split("What you were shown", 1)[1]
    assert "Rosa Vega showed you Colt Single Action Army revolver" in shown
    assert "loaded with 6 dummy rounds from dum-45" in shown
    assert "Armorer · today" not in page
    assert "/return?item=" not in page
    assert "/issue?scene=" not in page


def test_crew_see_their_own_concerns_not_anonymous_ones(api: Api, handed_over: None) -> None:
    lane = _home(_page(_client(api, "lane"))).split("Your concerns", 1)[1]
    assert "Lane's own: the church steps are icy." in lane
    assert "ear plugs ran out" not in lane
    mia = _home(_page(_client(api, "mia"))).split("Your concerns", 1)[1]
    assert "ear plugs ran out" not in mia  # raised anonymously: nobody's own
    paula = _home(_page(_client(api, "paula")))  # the producer sees every open concern
    assert "ear plugs ran out" in paula.split("Open concerns and reviews", 1)[1]


def test_the_search_finds_part_of_a_tag_in_any_case(api: Api) -> None:
    page = _page(_client(api, "lane"), SEARCH, q="cc-000")
    for tag in ("CC-0001", "CC-0002", "CC-0003", "CC-0004"):
        assert f"({tag})" in page
    assert f'href="/p/{PID}/items/colt-2"' in page


def test_the_search_finds_a_person_by_name(api: Api) -> None:
    page = _page(_client(api, "rosa"), SEARCH, q="reyes")
    assert "Person:" in page
    assert "Jack Reyes (performer)" in page
    scenes = _page(_client(api, "rosa"), SEARCH, q="SALOON")
    assert "sc-14, Saloon shoot-out" in scenes


def test_one_exact_tag_opens_the_item(api: Api) -> None:
    client = _client(api, "lane")
    for typed in ("CC-0002", "  cc-0002\r", "sa-31902", "COLT-2"):  # a scanner's Enter too
        r = client.get(SEARCH, params={"q": typed}, follow_redirects=False)
        assert r.status_code == 303, (typed, r.status_code)
        assert r.headers["location"] == f"/p/{PID}/items/colt-2"


@pytest.mark.parametrize(
    "typed", ["", "   ", "zzz-nothing", "\x00", "%", "'; drop table", "<script>", "é" * 5000]
)
def test_an_empty_or_odd_query_is_a_plain_page(api: Api, typed: str) -> None:
    r = _client(api, "lane").get(SEARCH, params={"q": typed}, follow_redirects=False)
    assert r.status_code == 200, r.text
    assert "<h1>Search</h1>" in r.text
    assert "<script>" not in r.text.split("<main>", 1)[1]  # escaped, never markup


def test_every_production_page_has_the_search_box(api: Api) -> None:
    client = _client(api, "jack")
    for path in (BOARD, f"{BOARD}/scenes", f"{BOARD}/concerns", SEARCH):
        assert f'action="/p/{PID}/search"' in client.get(path).text, path


def test_the_concerns_page_names_who_was_told_who_acknowledged_and_who_is_awaited(
    api: Api,
) -> None:
    page = _page(_client(api, "lane"), f"/p/{PID}/concerns")
    card = page.split("Crew housing is an hour away", 1)[1].split("</section>", 1)[0]
    assert "Acknowledged by Dan Ortiz, Rosa Vega." in card
    assert "Waiting for Gil Moss, Paula Grant." in card
    assert "Delivered to Dan Ortiz, Gil Moss, Paula Grant, Rosa Vega." in card
    for person_id in ("dan", "rosa", "paula", "gil"):  # names, never ids
        assert f" {person_id}," not in card
        assert f" {person_id}." not in card
