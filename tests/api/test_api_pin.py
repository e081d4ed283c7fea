"""The issue with the recipient's PIN over HTTP, on SQLite and PostgreSQL: the PIN is the
recipient's own, and each way it can fail says so in its own problem with nothing
recorded: a wrong PIN with the tries left (422 wrong-pin), no PIN to confirm with (409
no-pin, not counted), the lock after five in a row (429 pin-locked, Retry-After, the time
in the production's zone). Only someone who may issue spends the recipient's tries."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from coldcheck.access.attest import attested
from coldcheck.api.contract import WRONG_PIN, refusals
from coldcheck.api.schemas import BODIES, COMMANDS, PREFIX
from support import web_client
from support.api_client import BASE, PASSWORD, PID, PIN, Api, document_app, problem

DUMMY = {"content": "dummy", "lot": "dum-45", "checked": True}
ISSUE = {"item_id": "colt-1", "scene_id": "sc-12"}


def _issue(api: Api, recipient: str, pin: str, **headers: str) -> object:
    return api.command(
        "issue-item",
        {**ISSUE, "recipient_id": recipient, "recipient_pin": pin},
        "rosa",
        headers=headers,
    )


def _failures(api: Api, username: str) -> int:
    row = api.accounts.rows.get(username)
    assert row is not None
    return row.pin_failures


def test_issue_needs_the_recipients_own_pin(api: Api) -> None:
    # jack picks his own PIN; the demo PIN is now someone else's.
    r = api.client.post(f"{PREFIX}/auth/pin", json={"pin": "8642"}, headers=api.auth("jack"))
    assert r.status_code == 204, r.text
    inspect = {
        "item_id": "colt-1",
        "barrel": "clear",
        "chambers": [DUMMY] * 6,
        "shown_to": ["jack", "dan"],
    }
    r = api.command("inspect-item", inspect, "rosa")
    assert r.status_code == 200, r.text
    (inspected,) = r.json()["events"]
    assert inspected["type"] == "ItemInspected"
    assert inspected["data"]["label"] == "dummies"
    assert inspected["data"]["shown_to"] == ["jack", "dan"]

    before = api.head()
    for left, wrong in zip((4, 3, 2), (PIN, "0000", "86420"), strict=True):
        body = problem(
            _issue(api, "jack", wrong, **{"Idempotency-Key": "issue-colt-1"}), 422, "wrong-pin"
        )
        assert body["tries_left"] == left
        assert body["detail"] == (
            f"wrong PIN for Jack Reyes: {left} tries left before the PIN locks for 15 minutes"
        )
        assert not body["violations"]  # not a rule's refusal
        assert re.search(WRONG_PIN.detail, body["detail"])  # as the document says
        assert api.head() == before
    # The refused attempts did not use up the key, and the right PIN clears the count.
    r = _issue(api, "jack", "8642", **{"Idempotency-Key": "issue-colt-1"})
    assert r.status_code == 200, r.text
    assert _failures(api, "jack") == 0
    (issued,) = r.json()["events"]
    assert issued["type"] == "ItemIssued"
    assert issued["actor"] == "rosa"
    assert issued["data"]["recipient_id"] == "jack"
    assert issued["data"]["scene_id"] == "sc-12"
    assert issued["data"]["recipient_acknowledged"] is True
    assert issued["data"]["inspection_id"] == inspected["data"]["inspection_id"]
    assert api.head() == before + 1
    board = api.get(f"{BASE}/board", "dan").json()
    colt = next(i for i in board["items"] if i["item_id"] == "colt-1")
    assert colt["where"] == "person:jack"
    assert colt["issued_for"] == "sc-12"
    assert colt["label"] == "dummies"

    r = api.command("return-item", {"item_id": "colt-1", "chambers": [DUMMY] * 6}, "rosa")
    assert r.status_code == 200, r.text
    # A fresh run of misses starts from the top.
    assert problem(_issue(api, "jack", "0000"), 422, "wrong-pin")["tries_left"] == 4


def test_a_recipient_without_an_account_has_no_pin_to_confirm_with(api: Api) -> None:
    api.add_person("z-extra", ("performer",), account=False)
    before = api.head()
    body = problem(_issue(api, "z-extra", PIN), 409, "no-pin")
    assert body["detail"].startswith("z-extra has no account on this production")
    assert api.head() == before


def test_a_recipient_who_set_no_pin_is_told_so_and_nothing_is_counted(api: Api) -> None:
    who = api.add_person("pin-unset-1", ("performer",), account=False)
    api.accounts.create(who, PASSWORD)
    api.accounts.rows.link(who, PID, who)
    before = api.head()
    for _ in range(6):  # more than the lock allows: none is a guess
        body = problem(_issue(api, who, PIN), 409, "no-pin")
        assert body["detail"] == (
            f"{who} has not set a PIN: they set one from their own account "
            f"(POST {PREFIX}/auth/pin, logged in as themselves)"
        )
        assert "no PIN" in body["title"]
    assert _failures(api, who) == 0
    assert api.head() == before
    # Where the message sends them is where a PIN is set.
    r = api.client.post(f"{PREFIX}/auth/pin", json={"pin": "2468"}, headers=api.auth(who))
    assert r.status_code == 204, r.text
    assert problem(_issue(api, who, "1357"), 422, "wrong-pin")["tries_left"] == 4


def test_an_unknown_recipient_is_not_found_and_no_pin_is_looked_up(api: Api) -> None:
    before = api.head()
    body = problem(_issue(api, "nobody-here", PIN), 404, "not-found")
    assert "nobody-here" in body["detail"]
    assert api.head() == before


def test_five_wrong_pins_lock_the_recipients_pin_and_say_so(api: Api) -> None:
    who = api.add_person("pin-locked-1", ("performer",))
    issue = {**ISSUE, "recipient_id": who}
    before = api.head()
    # Someone who may not issue is refused before the PIN is looked at: it costs the
    # recipient no attempts (the refused attempt is on the record once: a loop of it is
    # one attempt within ten minutes).
    for _ in range(6):
        problem(
            api.command("issue-item", {**issue, "recipient_pin": "0000"}, "jack"), 403, "forbidden"
        )
    assert _failures(api, who) == 0
    left = [problem(_issue(api, who, "0000"), 422, "wrong-pin")["tries_left"] for _ in range(4)]
    assert left == [4, 3, 2, 1]
    # The fifth is answered wrong and locks, in the production's time, not UTC.
    r = _issue(api, who, "0000")
    body = problem(r, 429, "pin-locked")
    row = api.accounts.rows.get(who)
    assert row is not None
    assert body["locked_until"] == row.pin_locked_until
    local = dt.datetime.fromtimestamp(body["locked_until"] / 1e6, dt.UTC)
    local = local.astimezone(ZoneInfo("America/Denver"))
    assert body["detail"].startswith(
        f"wrong PIN for {who}, 5 in a row: the PIN is now locked, until "
        f"{local:%H:%M:%S} MDT: wait until then, or {who} sets a new PIN (which unlocks it)"
    )
    assert "UTC" not in body["detail"]
    assert int(r.headers["Retry-After"]) == 15 * 60
    for pin in (PIN, "0000"):  # now even the right PIN is not checked
        r = _issue(api, who, pin)
        body = problem(r, 429, "pin-locked")
        assert body["detail"].startswith(
            f"{who}'s PIN is locked after 5 wrong PINs in a row, until {local:%H:%M:%S} MDT"
        )
        assert "sets a new PIN" in body["detail"]
        assert "locked" in body["title"]
        assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
    api.only_attempts(before, "IssueItem")  # wrong PINs and locks are not attempts
    before = api.head()

    # The web form says so too, and records nothing (not even the inspection).
    web = api.new_client()
    assert web_client.login(web, "rosa").status_code == 303
    r = web_client.post(
        web,
        f"/p/{PID}/issue",
        {
            "item_id": "colt-1",
            "barrel": "clear",
            "shown_to": who,
            "recipient_id": who,
            "scene_id": "sc-12",
            "pin": PIN,
            **{f"chamber-{i}": "empty" for i in range(1, 7)},
        },
    )
    assert r.status_code == 429
    assert "PIN is locked" in r.text
    assert f"{local:%H:%M:%S} MDT" in r.text
    assert api.head() == before

    # Setting the PIN again lifts the lock.
    r = api.client.post(f"{PREFIX}/auth/pin", json={"pin": "13579"}, headers=api.auth(who))
    assert r.status_code == 204, r.text
    body = problem(_issue(api, who, PIN), 422, "wrong-pin")  # the old PIN is gone
    assert body["tries_left"] == 4


def test_every_command_the_recipient_attests_documents_what_a_pin_check_answers() -> None:
    paths = document_app().openapi()["paths"]
    handovers = [slug for slug, cls in COMMANDS.items() if attested(cls)]
    assert "issue-item" in handovers
    for slug in handovers:
        assert WRONG_PIN in refusals(slug), slug
        op = paths[f"{PREFIX}/productions/{{production_id}}/commands/{slug}"]["post"]
        assert "recipient_pin" in BODIES[slug].model_fields, slug
        assert {"409", "422", "429"} <= set(op["responses"]), slug
        assert "no-pin" in op["responses"]["409"]["description"], slug


def test_the_issue_documents_what_a_pin_check_answers(api: Api) -> None:
    document = api.client.get("/openapi.json").json()
    op = document["paths"][f"{BASE}/commands/issue-item".replace(PID, "{production_id}")]["post"]
    assert "Retry-After" in op["responses"]["429"]["headers"]
    assert WRONG_PIN.says in op["responses"]["422"]["description"]
    assert "no-pin" in op["responses"]["409"]["description"]
    fields = document["components"]["schemas"]["Problem"]["properties"]
    assert {"tries_left", "locked_until"} <= set(fields)
    # A command with no recipient documents none of it.
    other = document["paths"][f"{BASE}/commands/raise-concern".replace(PID, "{production_id}")]
    assert "wrong-pin" not in other["post"]["responses"].get("422", {}).get("description", "")
    assert "429" not in other["post"]["responses"]
