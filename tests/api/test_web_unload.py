"""The Unload page, on SQLite and PostgreSQL: a weapon taken back loaded is opened and
recorded empty (an inspection), its rounds back in their lot's box; only the armorer sees
the page; a chamber or barrel left unset is a 422 naming it with every choice kept and
nothing recorded; a form without its token is refused."""

from __future__ import annotations

from typing import Any

import pytest

from support import web_client
from support.api_client import PID, PIN, Api

UNLOAD = f"/p/{PID}/unload"
DUMMIES = {f"chamber-{i}": "dummy:dum-45" for i in range(1, 7)}
EMPTY = {f"chamber-{i}": "empty" for i in range(1, 7)}


def _client(api: Api, who: str) -> Any:
    client = api.new_client()
    assert web_client.login(client, who).status_code == 303
    return client


@pytest.fixture(scope="module")
def rosa(api: Api) -> Any:
    """The armorer, with colt-1 handed over with six dummies and taken back as issued."""
    client = _client(api, "rosa")
    sent = {"item_id": "colt-1", "barrel": "clear", "recipient_id": "jack", "scene_id": "sc-12"}
    sent["shown_to"] = "dan"
    r = web_client.post(client, f"/p/{PID}/issue", {**sent, **DUMMIES, "pin": PIN})
    assert r.status_code == 200, r.text
    r = web_client.post(client, f"/p/{PID}/return", {"item_id": "colt-1", **DUMMIES})
    assert r.status_code == 200, r.text
    return client


def test_bad_input_names_the_field_and_keeps_every_choice(api: Api, rosa: Any) -> None:
    page = rosa.get(f"{UNLOAD}?item=colt-1")
    assert page.status_code == 200
    assert "checked" not in page.text.split('class="handoff"')[1]  # nothing answered
    before = api.head()
    for data, said in (
        ({**EMPTY, "chamber-4": ""}, "chamber 4: not set"),
        ({**EMPTY, "chamber-2": "confetti"}, "chamber 2: 'confetti' is not a choice here"),
        ({**EMPTY, "barrel": ""}, "barrel: look through it"),
        ({**EMPTY, "item_id": "colt-2"}, "item: choose a loaded weapon"),
    ):
        form = {"item_id": "colt-1", "barrel": "clear", **data}
        r = web_client.post(rosa, UNLOAD, form, page=UNLOAD)
        assert r.status_code in (404, 422), r.text
        assert said in r.text.replace("&#39;", "'"), said
        if form["item_id"] == "colt-1":
            assert 'value="empty" required aria-label="Chamber 1: empty" checked' in r.text
    assert api.head() == before


def test_others_are_refused_and_a_form_needs_its_token(api: Api, rosa: Any) -> None:
    for who in ("dan", "jack"):
        client = _client(api, who)
        assert client.get(UNLOAD).status_code == 403
        assert 'href="/p/cold-creek/unload"' not in client.get(f"/p/{PID}").text
        form = {"item_id": "colt-1", "barrel": "clear", **EMPTY}
        assert web_client.post(client, UNLOAD, form).status_code == 403
    r = rosa.post(UNLOAD, headers={"Origin": web_client.ORIGIN}, data={"item_id": "colt-1"})
    assert r.status_code == 403
    assert "not sent from a ColdCheck page" in r.text


def test_unloaded_the_rounds_are_back_in_their_box(api: Api, rosa: Any) -> None:
    lot = api.service.state(PID).lots["dum-45"]
    assert 'href="?item=colt-1"' in rosa.get(UNLOAD).text
    form = {"item_id": "colt-1", "barrel": "clear", "entered": "all_empty", **EMPTY}
    r = web_client.post(rosa, UNLOAD, form, page=UNLOAD)
    assert r.status_code == 200, r.text
    assert 'data-entries="1"' in r.text
    state = api.service.state(PID)
    assert state.lots["dum-45"].in_box == lot.in_box + 6
    assert all(ch.content == "empty" for ch in state.items["colt-1"].load)
    inspection = state.inspections[state.items["colt-1"].last_inspection or ""]
    assert inspection.inspector == "rosa"
    assert 'href="?item=colt-1"' not in rosa.get(UNLOAD).text  # nothing left to unload
