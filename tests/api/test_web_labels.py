"""The QR labels and finding things by them, on SQLite and PostgreSQL: an item's label
carries the absolute link to its page (from the server the page was asked of), a lot's
the link to its search; a box of dummies and one of blanks say what they are in words;
the link a label carries, typed or scanned into any search box, opens the item, and a
link to another production's item or to no item opens nothing."""

from __future__ import annotations

import html
import re
from typing import Any

from support import web_client
from support.api_client import PID, Api

BASE = "http://testserver"
LABELS = f"/p/{PID}/labels"


def _client(api: Api, who: str = "rosa") -> Any:
    client = api.new_client()
    assert web_client.login(client, who).status_code == 303
    return client


def _labels(text: str) -> dict[str, str]:
    """Each label's printed tag, by the link its code carries."""
    found = re.findall(
        r'data-link="([^"]+)">.*?<div class="label-tag">([^<]+)</div>', text, re.DOTALL
    )
    return {html.unescape(link): tag for link, tag in found}


def test_every_item_label_links_to_its_page_on_this_server(api: Api) -> None:
    client = _client(api)
    page = client.get(LABELS)
    assert page.status_code == 200, page.text
    links = _labels(page.text)
    items = api.get(f"/api/v1/productions/{PID}/board", "rosa").json()["items"]
    assert items
    for item in items:
        assert links[f"{BASE}/p/{PID}/items/{item['item_id']}"] == item["tag"]
    assert links[f"{BASE}/p/{PID}/search?q=dum-45"] == "dum-45"
    assert links[f"{BASE}/p/{PID}/search?q=blk-45"] == "blk-45"
    assert len(links) == page.text.count('class="label label-'), "one label per tag"
    # The server by another name (a tablet on the set's own network): links to that name.
    other = client.get(LABELS, headers={"Host": "armory.local:8443"})
    assert f"http://armory.local:8443/p/{PID}/items/colt-1" in _labels(other.text)


def test_dummy_and_blank_boxes_say_what_they_are_in_words(api: Api) -> None:
    text = html.unescape(_client(api).get(LABELS).text)
    dummy = text[text.index('class="label label-dummy"') :]
    blank = text[text.index('class="label label-blank"') :]
    tag = '<div class="label-tag">'
    assert dummy.index("DUMMY — INERT") < dummy.index(f"{tag}dum-45")
    assert "BLANK" not in dummy[: dummy.index(tag)]
    assert blank.index("BLANK — HOT") < blank.index("dangerous at close range")
    assert blank.index("dangerous at close range") < blank.index(f"{tag}blk-45")


def test_a_label_link_typed_into_any_search_box_opens_the_item(api: Api) -> None:
    client = _client(api)
    link = f"{BASE}/p/{PID}/items/colt-1"
    for query in (link, f"  {link}\r", "http://another-name:8000" + link[len(BASE) :]):
        r = client.get(f"/p/{PID}/search", params={"q": query}, follow_redirects=False)
        assert r.status_code == 303, (query, r.text)
        assert r.headers["location"] == f"/p/{PID}/items/colt-1"
    # The handoff's own box finds the item by its label's link too.
    issue = client.get(f"/p/{PID}/issue", params={"q": link})
    assert issue.status_code == 200
    assert "Scenes whose plan has" in issue.text
    by_tag = client.get(f"/p/{PID}/issue", params={"q": "colt-1"}).text
    assert _item_query(issue.text) == _item_query(by_tag) != 'value=""'


def _item_query(text: str) -> str:
    """What the handoff's item box holds: the tag of the item it found."""
    found = re.search(r'id="item-query"[^>]*(value="[^"]*")', text)
    assert found, "no item box"
    return found.group(1)


def test_a_link_to_no_item_of_this_production_opens_nothing(api: Api) -> None:
    client = _client(api)
    for query in (
        f"{BASE}/p/another-production/items/colt-1",
        f"{BASE}/p/{PID}/items/no-such-item",
        f"ftp://testserver/p/{PID}/items/colt-1",
        f"{BASE}/p/{PID}/items/colt-1/extra",
        f"http://[::1/p/{PID}/items/colt-1",  # no link at all
    ):
        r = client.get(f"/p/{PID}/search", params={"q": query}, follow_redirects=False)
        assert r.status_code == 200, query
        assert "Nothing on this production matches" in html.unescape(r.text), query
