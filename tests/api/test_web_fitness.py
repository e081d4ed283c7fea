"""Fitness and safety contacts on the tablet and the API, on SQLite and PostgreSQL: the
people page records a qualification with its issuer and scanned document, a credit as
head armorer and the production's safety contacts; an escalation contact on the set is
refused with the values kept; an armorer given the authority without what the profile
requires is warned, on the record, on the board and in the daily report, which carries
the safety contacts and hotline."""

from __future__ import annotations

from typing import Any

from support import web_client
from support.api_client import BASE, PID, Api
from support.clock import TODAY

PEOPLE = f"/p/{PID}/people"
SHA = "ab" * 32


def _client(api: Api, who: str) -> Any:
    client = api.new_client()
    assert web_client.login(client, who).status_code == 303
    return client


def _post(client: Any, form: str, data: dict[str, Any]) -> Any:
    return web_client.post(client, f"{PEOPLE}/{form}", data, page=PEOPLE)


def test_the_people_page_records_qualification_experience_and_contacts(api: Api) -> None:
    api.add_person("ivy", ("crew",), account=False)
    paula = _client(api, "paula")
    before = api.head()
    for form, data in (
        (
            "qualification",
            {
                "person_id": "rosa",
                "kind": "industry training",
                "number": "CSATF-S-1",
                "issuer": "CSATF",
                "expires_on": "2028-01-31",
                "evidence_sha256": SHA.upper(),
            },
        ),
        (
            "experience",
            {
                "person_id": "rosa",
                "credit": "assistant_armorer",
                "production": "Red Mesa",
                "started_on": "2019-04-01",
                "ended_on": "2019-06-30",
            },
        ),
        (
            "contacts",
            {
                "compliance_contact_id": "nora",
                "escalation_contact_id": "ivy",
                "escalation_kind": "insurer",
                "hotline": "+1 505 555 0199",
            },
        ),
    ):
        r = _post(paula, form, data)
        assert r.status_code == 200, r.text
        assert "Recorded" in r.text
    added = api.events("paula", before)
    assert [(e["type"], e["actor"]) for e in added] == [
        ("QualificationRecorded", "paula"),
        ("ExperienceRecorded", "paula"),
        ("ContactsNamed", "paula"),
    ]
    assert added[0]["data"]["issuer"] == "CSATF"
    assert added[0]["data"]["evidence_sha256"] == SHA
    page = paula.get(PEOPLE).text
    assert "CSATF-S-1 (CSATF), until 2028-01-31" in page
    assert "assistant armorer on Red Mesa, 2019-04-01 to 2019-06-30" in page
    assert "Escalation contact: ivy (insurer). Safety hotline: +1 505 555 0199." in page
    assert " checked" not in page  # nothing ticked for anyone
    report = paula.get(f"/p/{PID}/reports", params={"date": TODAY}).text
    assert "+1 505 555 0199" in report
    assert "Nora Finch" in report
    assert "ivy (insurer)" in report


def test_an_escalation_contact_on_the_set_is_refused_and_the_form_kept(api: Api) -> None:
    paula = _client(api, "paula")
    before = api.head()
    data = {
        "compliance_contact_id": "nora",
        "escalation_contact_id": "dan",
        "escalation_kind": "union_representative",
        "hotline": "+1 505 555 0123",
    }
    r = _post(paula, "contacts", data)
    assert r.status_code == 409, r.text  # refused by a rule: the API's status
    assert "Dan Ortiz works on the set as 1st AD" in r.text
    assert 'value="+1 505 555 0123"' in r.text
    assert 'value="union_representative" checked' in r.text
    assert api.head() == before
    r = _post(paula, "experience", {"person_id": "rosa", "credit": "head_armorer"})
    assert r.status_code == 422
    assert "started on: give the day the work started" in r.text
    assert api.head() == before


def test_an_armorer_without_training_is_warned_on_the_record_board_and_report(api: Api) -> None:
    api.add_person("tom", ("armorer",), account=False)
    paula = _client(api, "paula")
    r = _post(
        paula, "authority", {"person_id": "tom", "authority": "firearm_safety", "action": "assign"}
    )
    assert r.status_code == 200, r.text
    assert "tom has no industry training on record" in r.text
    (given,) = api.events("paula", api.head() - 1)
    assert "FIT-1" in given["warnings"]
    assert "FIT-2" in given["warnings"]
    board = api.get(f"{BASE}/board", "rosa").json()
    assert board["fitness"] == ["tom has no industry training on record"]
    assert "tom has no industry training on record" in paula.get(f"/p/{PID}/board").text
    report = api.get(f"{BASE}/daily-report", "rosa", date=TODAY).json()
    assert report["fitness"] == ["tom has no industry training on record"]


def test_the_api_takes_the_new_commands(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    paths = schema["paths"]
    for slug in ("record-experience", "name-contacts"):
        assert f"/api/v1/productions/{{production_id}}/commands/{slug}" in paths
    r = api.command(
        "record-experience",
        {
            "person_id": "rosa",
            "credit": "head_armorer",
            "production": "Dust Road",
            "started_on": "2025-05-01",
            "ended_on": "2025-04-01",
        },
        "paula",
    )
    assert r.status_code == 422, r.text
    assert "ended_on: a credit ends on or after the day it started" in r.text
