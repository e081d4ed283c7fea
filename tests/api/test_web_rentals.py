"""Rentals on the tablet, on SQLite and PostgreSQL: a pick-up and a return through the
forms, each recording its one event; a weapon not on the invoice refused in RNT-2's words
with the form kept; a wrong PIN records nothing; a post without its form token, or from
anyone but the armorer, is refused and records nothing; what people typed is printed as
text."""

from __future__ import annotations

from typing import Any

from support import web_client
from support.api_client import PID, PIN, Api

P = f"/p/{PID}"
PAGE = f"{P}/stock/rentals"
PICK_UP = {
    "rental_id": "wpr-0420",
    "supplier_id": "western",
    "agreement": "WPR-2026-0420",
    "serials": "SA-31877\nSA-40001",
    "item": "colt-1",
    "picked_up_by": "rosa",
}
RETURN = {
    "item_id": "colt-2",
    "supplier_id": "western",
    "receiver": "Luis <i>Baca</i>",
    "reference": "WPR-RET-0412-2",
}
WRONG = "1" + PIN[1:] if PIN[0] != "1" else "2" + PIN[1:]


def _client(api: Api, who: str = "rosa") -> Any:
    client = api.new_client()
    assert web_client.login(client, who).status_code == 303
    return client


def _post(api: Api, path: str, data: dict[str, Any], who: str = "rosa") -> tuple[Any, list[Any]]:
    """Post a form; what it answered and the events it recorded."""
    before = api.head()
    r = web_client.post(_client(api, who), f"{P}{path}", data)
    return r, api.events(after=before)


def test_the_page_lists_the_rentals_and_answers_nothing_for_the_armorer(api: Api) -> None:
    page = _client(api).get(PAGE)
    assert page.status_code == 200, page.text
    assert f'href="{PAGE}"' in _client(api).get(f"{P}/stock").text  # linked from Stock
    assert "WPR-2026-0412" in page.text or "wpr-0412" in page.text
    assert "still out" in page.text
    assert 'id="pick-up"' in page.text
    assert 'id="return-colt-2"' in page.text
    assert "checked" not in page.text
    assert "selected" not in page.text
    assert 'name="pin" type="password"' in page.text


def test_a_post_without_its_form_token_is_refused(api: Api) -> None:
    client = _client(api)
    before = api.head()
    r = client.post(
        f"{P}/stock/rentals/pick-up",
        headers={"Origin": web_client.ORIGIN},
        data=PICK_UP,
        follow_redirects=False,
    )
    assert r.status_code == 403, r.text
    assert api.head() == before


def test_only_the_armorer_sees_the_page_or_posts_its_forms(api: Api) -> None:
    assert _client(api, "dan").get(PAGE).status_code == 403
    r, events = _post(api, "/stock/rentals/pick-up", PICK_UP, who="dan")
    assert r.status_code == 403
    assert events == []
    r, events = _post(api, "/stock/rentals/return", {**RETURN, "pin": PIN}, who="dan")
    assert r.status_code == 403
    assert events == []


def test_nothing_is_taken_for_granted_an_unchosen_field_is_named(api: Api) -> None:
    for field, words in (
        ("picked_up_by", "choose who collected them"),
        ("supplier_id", "choose the rental house"),
        ("item", "tick each item picked up"),
        ("serials", "type each serial number the invoice lists"),
    ):
        r, events = _post(api, "/stock/rentals/pick-up", {**PICK_UP, field: ""})
        assert r.status_code == 422, (field, r.text)
        assert words in r.text
        assert events == []
        assert 'value="WPR-2026-0420"' in r.text  # what the form held, kept


def test_a_weapon_not_on_the_invoice_is_refused_in_the_rules_words(api: Api) -> None:
    sent = {**PICK_UP, "serials": "SA-99999", "agreement": "<b>WPR-0420</b>"}
    r, events = _post(api, "/stock/rentals/pick-up", sent)
    assert r.status_code == 409, r.text
    assert {e["type"] for e in events} <= {"AttemptRefused"}
    assert api.service.state(PID).rental_of("colt-1") is None
    assert "RNT-2" in r.text
    assert "is not on invoice &lt;b&gt;WPR-0420&lt;/b&gt;" in r.text
    assert "<b>WPR-0420</b>" not in r.text
    assert 'value="&lt;b&gt;WPR-0420&lt;/b&gt;"' in r.text  # kept as typed, as text
    assert ">SA-99999</textarea>" in r.text
    assert 'value="colt-1" checked' in r.text
    assert 'value="western" selected' in r.text


def test_a_pick_up_through_the_form_is_recorded(api: Api) -> None:
    r, events = _post(api, "/stock/rentals/pick-up", PICK_UP)
    assert r.status_code == 200, r.text
    assert [e["type"] for e in events] == ["RentalPickedUp"]
    data = events[0]["data"]
    assert data["serials"] == ["SA-31877", "SA-40001"]
    assert data["item_ids"] == ["colt-1"]
    assert data["picked_up_by"] == "rosa"
    page = _client(api).get(PAGE).text
    assert "WPR-2026-0420" in page
    assert 'id="return-colt-1"' in page


def test_a_wrong_pin_records_nothing_and_keeps_the_form(api: Api) -> None:
    r, events = _post(api, "/stock/rentals/return", {**RETURN, "pin": WRONG})
    assert r.status_code >= 400, r.text
    assert events == []
    assert api.service.state(PID).rental_of("colt-2") is not None
    assert 'value="Luis &lt;i&gt;Baca&lt;/i&gt;"' in r.text
    assert WRONG not in r.text


def test_a_return_with_the_armorers_pin_ends_the_liability(api: Api) -> None:
    r, events = _post(api, "/stock/rentals/return", {**RETURN, "pin": PIN})
    assert r.status_code == 200, r.text
    assert [e["type"] for e in events] == ["RentalReturned"]
    assert events[0]["data"]["signer_confirmed"] is True
    assert api.service.state(PID).rental_of("colt-2") is None
    page = _client(api).get(PAGE).text
    assert "to Luis &lt;i&gt;Baca&lt;/i&gt;" in page
    assert "<i>Baca</i>" not in page
    assert 'id="return-colt-2"' not in page
    r, events = _post(api, "/stock/rentals/return", {**RETURN, "pin": PIN})
    assert r.status_code == 409, r.text
    assert "RNT-" in r.text
    assert {e["type"] for e in events} <= {"AttemptRefused"}
