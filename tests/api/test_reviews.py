"""Safety reviews at the API and on the tablet, on SQLite and PostgreSQL: signed with the
signer's own PIN by someone accountable and not involved; a discharge countersigned by
the armorer before the stand-down lifts; a producer refused, and the attempt on the
record."""

from __future__ import annotations

from typing import Any

from support import web_client
from support.api_client import PID, PIN, Api, problem

REVIEW = {
    "findings": "The hammer caught on the holster strap.",
    "cause": "A cocked revolver holstered under a thumb-break strap.",
    "corrective_actions": "Open-top holster; the armorer takes the revolver at every cut.",
    "involved": ["sam"],
}


def _report(api: Api, kind: str = "accidental_discharge", by: str = "dan") -> str:
    r = api.command(
        "report-incident",
        {"kind": kind, "description": "a blank fired on holstering", "item_id": "colt-2"},
        by,
    )
    assert r.status_code == 200, r.text
    incident: str = r.json()["events"][0]["data"]["incident_id"]
    return incident


def _client(api: Api, user: str) -> Any:
    client = api.new_client()
    assert web_client.login(client, user).status_code == 303
    return client


def test_a_discharge_needs_the_review_and_the_armorers_countersignature(api: Api) -> None:
    incident = _report(api)
    body = {"incident_id": incident, **REVIEW, "signer_pin": PIN}
    r = api.command("sign-off-review", body, "nora")
    assert r.status_code == 200, r.text
    (signed,) = r.json()["events"]  # no StandDownLifted yet
    assert signed["type"] == "ReviewSignedOff"
    assert signed["data"]["signer_confirmed"] is True
    assert signed["data"]["countersign_required"] is True
    assert signed["data"]["involved"] == ["sam"]
    assert incident in api.service.state(PID).stand_down

    r = api.command("countersign-review", {"incident_id": incident, "signer_pin": PIN}, "rosa")
    assert r.status_code == 200, r.text
    assert [e["type"] for e in r.json()["events"]] == ["ReviewCountersigned", "StandDownLifted"]
    assert not api.service.state(PID).stand_down


def test_a_wrong_pin_signs_nothing_and_is_no_attempt(api: Api) -> None:
    incident = _report(api, "misfire")
    before = api.head()
    r = api.command(
        "sign-off-review", {"incident_id": incident, **REVIEW, "signer_pin": "0000"}, "nora"
    )
    assert problem(r, 422, "wrong-pin")["detail"].startswith("wrong PIN for Nora Finch")
    assert api.head() == before
    r = api.command("sign-off-review", {"incident_id": incident, **REVIEW}, "nora")
    problem(r, 422, "invalid")  # a signature without a PIN is not taken at all
    r = api.command(
        "sign-off-review",
        {"incident_id": incident, **REVIEW, "signer_pin": PIN, "signer_confirmed": True},
        "nora",
    )
    problem(r, 422, "invalid")  # nor is the sender's word that they confirmed it
    assert api.head() == before
    r = api.command(
        "sign-off-review", {"incident_id": incident, **REVIEW, "signer_pin": PIN}, "nora"
    )
    assert r.status_code == 200, r.text


def test_a_producer_cannot_sign_and_the_attempt_is_on_the_record(api: Api) -> None:
    incident = _report(api, "misfire")
    before = api.head()
    r = api.command(
        "sign-off-review", {"incident_id": incident, **REVIEW, "signer_pin": PIN}, "paula"
    )
    body = problem(r, 403, "forbidden")
    assert body["attempt"] == before + 1
    api.only_attempts(before, "SignOffReview")
    assert incident in api.service.state(PID).stand_down
    # The reporter is refused by the rules (INC-2), also on the record.
    r = api.command(
        "sign-off-review", {"incident_id": incident, **REVIEW, "signer_pin": PIN}, "dan"
    )
    problem(r, 403, "forbidden")
    r = api.command(
        "sign-off-review", {"incident_id": incident, **REVIEW, "signer_pin": PIN}, "rosa"
    )
    assert r.status_code == 200, r.text


def test_the_reporter_is_refused_by_the_rules(api: Api) -> None:
    incident = _report(api, "misfire", by="nora")
    before = api.head()
    r = api.command(
        "sign-off-review", {"incident_id": incident, **REVIEW, "signer_pin": PIN}, "nora"
    )
    body = problem(r, 409, "refused")
    assert body["attempt"] == before + 1
    details = [v["detail"] for v in body["violations"]]
    assert any(d.startswith("Nora Finch reported the incident") for d in details), details
    api.only_attempts(before, "SignOffReview")
    api.command("sign-off-review", {"incident_id": incident, **REVIEW, "signer_pin": PIN}, "rosa")


def test_the_review_page_signs_and_countersigns_with_pins(api: Api) -> None:
    incident = _report(api)
    page = f"/p/{PID}/incidents/{incident}/review"
    nora = _client(api, "nora")
    form = nora.get(page)
    assert form.status_code == 200
    assert 'name="pin" type="password"' in form.text
    assert " checked>" not in form.text  # nobody is pre-named as involved
    assert "Dan Ortiz (reported it)" in form.text

    sent = {**REVIEW, "pin": "0000"}
    wrong = web_client.post(nora, f"{page}", sent, page=page)
    assert wrong.status_code == 422
    assert "wrong PIN for Nora Finch" in wrong.text
    assert REVIEW["cause"] in wrong.text  # what was typed comes back
    assert 'value="sam" checked' in wrong.text
    assert 'value="0000"' not in wrong.text  # the PIN never does

    done = web_client.post(nora, page, {**REVIEW, "pin": PIN}, page=page)
    assert done.status_code == 200, done.text
    assert "signed off the safety review" in done.text
    assert incident in api.service.state(PID).stand_down

    signed = nora.get(page).text
    assert "the armorer's countersignature is still needed" in signed
    assert "/countersign" not in signed  # the safety rep cannot countersign

    rosa = _client(api, "rosa")
    assert "Countersign as the armorer" in rosa.get(page).text
    counter = f"/p/{PID}/incidents/{incident}/countersign"
    done = web_client.post(rosa, counter, {"pin": PIN}, page=page)
    assert done.status_code == 200, done.text
    assert "countersigned the safety review" in done.text
    assert not api.service.state(PID).stand_down
    assert "Review signed" in rosa.get(page).text


def test_the_review_page_refuses_a_producer_and_keeps_the_attempt(api: Api) -> None:
    incident = _report(api, "misfire")
    page = f"/p/{PID}/incidents/{incident}/review"
    paula = _client(api, "paula")
    shown = paula.get(page).text
    assert 'action="' + page not in shown  # no form offered to who cannot sign
    before = api.head()
    refused = web_client.post(paula, page, {**REVIEW, "pin": PIN}, page=page)
    assert refused.status_code == 403
    assert f"The attempt is on the record (#{before + 1})" in refused.text
    api.only_attempts(before, "SignOffReview")
    nora = web_client.post(_client(api, "nora"), page, {**REVIEW, "pin": PIN}, page=page)
    assert nora.status_code == 200, nora.text


def test_a_refused_countersignature_names_its_rule_on_the_page(api: Api) -> None:
    # A misfire's review needs no countersignature: the rule that says so is drawn with
    # its advice (a page once failed with a 500 drawing a rule's advice link).
    incident = _report(api, "misfire")
    page = f"/p/{PID}/incidents/{incident}/review"
    assert web_client.post(_client(api, "nora"), page, {**REVIEW, "pin": PIN}, page=page).is_success
    before = api.head()
    counter = f"/p/{PID}/incidents/{incident}/countersign"
    refused = web_client.post(_client(api, "rosa"), counter, {"pin": PIN}, page=page)
    assert refused.status_code == 409, refused.text
    assert "INC-4" in refused.text
    assert f"The attempt is on the record (#{before + 1})" in refused.text
    api.only_attempts(before, "CountersignReview")
