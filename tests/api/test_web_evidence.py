"""The evidence register on the tablet and the API, on SQLite and PostgreSQL: a hand-in,
a handover to the sheriff and a transfer to a lab, each recorded with who sent it; a piece
filed under a second case number is flagged; a stolen revolver needs its reports."""

from __future__ import annotations

from typing import Any

from support import web_client
from support.api_client import PID, Api

P = f"/p/{PID}"
SHERIFF = {
    "investigator": "Deputy Ana Cruz",
    "agency": "Santa Fe County Sheriff's Office",
    "case_number": "SFSO-2026-1042",
}


def _client(api: Api, who: str = "rosa") -> Any:
    client = api.new_client()
    assert web_client.login(client, who).status_code == 303
    return client


def _post(api: Api, path: str, data: dict[str, Any], who: str = "rosa") -> tuple[Any, list[Any]]:
    before = api.head()
    r = web_client.post(_client(api, who), f"{P}{path}", data)
    return r, api.events(after=before)


def test_the_register_shows_the_demos_pieces_and_forms_only_to_who_may_send_them(
    api: Api,
) -> None:
    page = _client(api, "paula").get(f"{P}/evidence")
    assert page.status_code == 200, page.text
    assert "the blank that misfired" in page.text
    assert "SFSO-2026-1042" in page.text
    assert "Hand over to an investigator" in page.text
    assert 'href="/p/cold-creek/evidence"' in page.text  # in paula's menu
    lane = _client(api, "lane").get(f"{P}/evidence")
    assert lane.status_code == 200
    assert "Hand over to an investigator" not in lane.text
    assert "Record something handed in" not in lane.text
    assert 'href="/p/cold-creek/evidence"' not in lane.text


def test_hand_in_hand_over_and_transfer_from_the_tablet(api: Api) -> None:
    found = {
        "incident_id": "incident-1",
        "handed_in_by": "Mia Long",
        "what": "one .45 round, no crimp",
        "rounds": "1",
        "found_where": "costume trailer, in a gun belt",
        "found_when": "after lunch",
    }
    r, events = _post(api, "/evidence/hand-in", found)
    assert r.status_code == 200, r.text
    assert [e["type"] for e in events] == ["EvidenceHandedIn"]
    handin = events[0]["data"]["handin_id"]
    assert "Rosa Vega received from Mia Long “one .45 round, no crimp” (1 round)" in r.text

    piece = {"incident_id": "incident-1", "piece": f"handin:{handin}", **SHERIFF}
    r, events = _post(api, "/evidence/hand-over", piece, who="paula")
    assert r.status_code == 200, r.text
    assert [(e["type"], e["actor"]) for e in events] == [("EvidenceHandedOver", "paula")]
    evidence_id = events[0]["data"]["evidence_id"]

    lab = {
        "investigator": "J. Ortega",
        "agency": "New Mexico State Crime Lab",
        "case_number": "NMSCL-77",
        "reason": "sent for analysis",
    }
    r, events = _post(api, f"/evidence/{evidence_id}/transfer", lab)
    assert r.status_code == 200, r.text
    assert [e["type"] for e in events] == ["EvidenceTransferred"]
    page = _client(api).get(f"{P}/evidence").text
    assert "Filed under another case number: NMSCL-77" in page

    # Handed over twice: refused by EVD-3, its attempt on the record, in words.
    r, events = _post(api, "/evidence/hand-over", piece)
    assert r.status_code == 409, r.text
    assert [e["type"] for e in events] == ["AttemptRefused"]
    assert "already with an investigator" in r.text


def test_a_bad_handover_names_the_field_and_records_nothing(api: Api) -> None:
    r, events = _post(api, "/evidence/hand-over", {"incident_id": "incident-1", **SHERIFF})
    assert r.status_code == 422, r.text
    assert "piece: choose what you hand over" in r.text
    blank = {"incident_id": "incident-1", "piece": "item:rubber-1", **SHERIFF, "agency": " "}
    r, events = _post(api, "/evidence/hand-over", blank)
    assert r.status_code == 422, r.text
    assert "agency: say the agency" in r.text
    assert events == []


def test_a_theft_through_the_api_needs_both_reports(api: Api) -> None:
    theft = {"item_id": "colt-2", "disposition": "theft", "reason": "gone overnight"}
    r = api.command("dispose-item", theft, "rosa")
    assert r.status_code == 409, r.text
    assert {v["code"] for v in r.json()["violations"]} == {"CUS-7"}
    r = api.command(
        "dispose-item", {**theft, "police_report": "SFSO-1077", "atf_report": "ATF-117"}, "rosa"
    )
    assert r.status_code == 200, r.text
    book = api.get(f"/api/v1/productions/{PID}/bound-book.csv", "rosa")
    assert "Stolen: ATF incident no. ATF-117, police report no. SFSO-1077" in book.text


def test_a_theft_from_the_dispose_page(api: Api) -> None:
    stolen = {
        "item_id": "rubber-1",
        "disposition": "theft",
        "police_report": "SFSO-1078",
        "reason": "taken from the cart",
    }
    r, events = _post(api, "/stock/dispose", stolen)
    assert r.status_code == 200, r.text
    assert events == []
    assert "stolen (police report SFSO-1078)" in r.text
    r, events = _post(api, "/stock/dispose", {**stolen, "confirm": "yes"})
    assert r.status_code == 200, r.text
    assert [e["data"]["disposition"] for e in events] == ["theft"]
    assert "recorded Rubber Colt for stunts and background (CC-0004) stolen" in r.text


def test_a_weapon_with_an_investigator_is_not_offered_to_put_away(api: Api) -> None:
    stock = _client(api).get(f"{P}/stock").text
    assert 'value="colt-1"' in stock
    piece = {"incident_id": "incident-1", "piece": "item:colt-1", **SHERIFF}
    r, events = _post(api, "/evidence/hand-over", piece)
    assert r.status_code == 200, r.text
    assert [e["type"] for e in events] == ["EvidenceHandedOver"]
    stock = _client(api).get(f"{P}/stock").text
    assert 'value="colt-1"' not in stock
    board = _client(api).get(f"{P}/board").text
    assert "in evidence custody: Santa Fe County Sheriff&#39;s Office (Deputy Ana Cruz)" in board
