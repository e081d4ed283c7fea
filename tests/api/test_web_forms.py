"""Bad values posted to the web forms, on SQLite and PostgreSQL: each is a 422 that names
the field, and nothing is recorded; other errors answer with the API's own statuses (one
table, api/problems.py), a full disk included."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

from support import web_client
from support.api_client import PID, PIN, Api, problem
from support.service_db import dialect

ISSUE = {
    "item_id": "colt-1",
    "barrel": "clear",
    "recipient_id": "jack",
    "scene_id": "sc-12",
    "pin": PIN,
    **{f"chamber-{i}": "empty" for i in range(1, 7)},
}
SCENE = {
    "scene_id": "sc-99",
    "title": "The chase",
    "date": "2021-10-22",
    "ammo": "none",
    "min_distance_feet": "20",
}
TRAINING = {"person_id": "jack", "topics": "revolver", "minutes": "30"}

BAD = [
    ("training", {**TRAINING, "minutes": "²"}, "minutes must be a whole number"),
    ("training", {**TRAINING, "minutes": "٣٠"}, "minutes must be a whole number"),
    ("training", {**TRAINING, "minutes": "9" * 5000}, "minutes must be a whole number"),
    ("training", {**TRAINING, "minutes": "3.5"}, "minutes must be a whole number"),
    ("training", {**TRAINING, "minutes": str(2**53)}, "minutes must be from 0 to"),
    ("scenes", {**SCENE, "min_distance_feet": "-4"}, "min distance feet must be from 0"),
    ("scenes", {**SCENE, "min_distance_feet": "1e3"}, "min distance feet must be a whole"),
    ("scenes", {**SCENE, "ammo": "plasma"}, "ammo: 'plasma' is not one of none, "),
    ("scenes", {**SCENE, "manoeuvres": "moonwalk"}, "manoeuvres: 'moonwalk' is not one of"),
    ("scenes", {**SCENE, "mitigations": "hope"}, "mitigations: 'hope' is not one of"),
    ("issue", {**ISSUE, "barrel": "maybe"}, "barrel: 'maybe' is not one of"),
    ("issue", {**ISSUE, "chamber-3": "confetti"}, "chamber 3: 'confetti' is not a choice here"),
    ("issue", {**ISSUE, "chamber-3": ""}, "chamber 3: not set"),
    ("issue", {**ISSUE, "barrel": ""}, "barrel: look through it and choose"),
    ("issue", {**ISSUE, "chamber-2": "dummy"}, "chamber 2: say which lot the dummy came from"),
    ("issue", {**ISSUE, "chamber-2": "live"}, "chamber 2: 'live' is not a choice here"),
    ("return", {"item_id": "colt-1", "chamber-1": "spent"}, "say which lot the spent came"),
    ("incidents", {"kind": "meteor"}, "kind: 'meteor' is not one of"),
]


def _rosa(api: Api) -> Any:
    client = api.new_client()
    assert web_client.login(client, "rosa").status_code == 303
    return client


@pytest.mark.parametrize(
    ("form", "data", "says"), BAD, ids=[f"{f}-{says[:24]}" for f, _, says in BAD]
)
def test_a_bad_value_is_a_422_naming_the_field(
    api: Api, form: str, data: dict[str, str], says: str
) -> None:
    client = _rosa(api)
    before = api.head()
    r = web_client.post(client, f"/p/{PID}/{form}", data)
    assert r.status_code == 422, r.text
    assert says in r.text.replace("&#39;", "'")
    assert "Recorded" not in r.text
    assert api.head() == before


def test_a_file_where_text_belongs_is_a_422(api: Api) -> None:
    client = _rosa(api)
    token = web_client.token_in(client.get(f"/p/{PID}").text)
    before = api.head()
    r = client.post(
        f"/p/{PID}/concerns",
        headers={"Origin": web_client.ORIGIN},
        data={"csrf_token": token},
        files={"text": ("a.txt", b"cart open")},
    )
    assert r.status_code == 422, r.text
    assert "text: send text, not a file" in r.text
    assert api.head() == before


def test_an_id_no_production_can_have_is_not_looked_up(api: Api) -> None:
    client = _rosa(api)
    for path in ("/p/%00", "/p/cold%00creek/issue", "/p/" + "x" * 300):
        r = client.get(path)
        assert r.status_code == 404, (path, r.text)
    before = api.head()
    r = web_client.post(client, f"/p/{PID}/issue", {**ISSUE, "recipient_id": "ja\x00ck"})
    assert r.status_code < 500, r.text
    assert "Rosa Vega handed" not in r.text  # the issue's sentence: nothing was issued
    assert api.head() == before  # not even the inspection


def test_a_wrong_pin_on_the_issue_form_says_the_tries_left_and_records_nothing(
    api: Api,
) -> None:
    client = _rosa(api)
    before = api.head()
    for left in (4, 3):
        r = web_client.post(client, f"/p/{PID}/issue", {**ISSUE, "shown_to": "jack", "pin": "0000"})
        assert r.status_code == 422, r.text  # as the API answers it
        assert f"wrong PIN for Jack Reyes: {left} tries left" in r.text
        assert "INS-5" not in r.text
        assert "Recorded" not in r.text  # not even the inspection
        assert api.head() == before
    # The right PIN clears the count; nothing of the misses is left to lock.
    row = api.accounts.rows.get("jack")
    assert row is not None
    assert row.pin_failures == 2
    api.accounts.confirm_pin(PID, "jack", PIN, name="Jack Reyes")
    row = api.accounts.rows.get("jack")
    assert row is not None
    assert row.pin_failures == 0


# -- one table for the API and the web -----------------------------------------------------


def test_web_and_api_answer_each_error_with_the_same_status(api: Api) -> None:
    dan = api.new_client()
    web_client.login(dan, "dan")
    cases = [  # (web form, web data, API command, API body, expected status)
        (
            "issue",
            ISSUE,
            "issue-item",
            {
                "item_id": "colt-1",
                "recipient_id": "jack",
                "scene_id": "sc-12",
                "recipient_pin": PIN,
            },
            403,
        ),
        ("concerns/concern-404/ack", {}, "acknowledge-concern", {"concern_id": "concern-404"}, 404),
        ("concerns", {"text": "   "}, "raise-concern", {"text": "   "}, 422),
        (
            "scenes",
            {**SCENE, "scene_id": "sc-12"},
            "plan-scene",
            {
                "scene_id": "sc-12",
                "title": "again",
                "date": "2021-10-22",
                "ammo": "none",
                "items": [],
                "performers": [],
                "manoeuvres": [],
                "min_distance_feet": 0,
                "mitigations": [],
            },
            422,
        ),
    ]
    for form, data, slug, body, status in cases:
        before = api.head()
        web = web_client.post(dan, f"/p/{PID}/{form}", data)
        assert web.status_code == status, (form, web.text)
        problem(api.command(slug, body, "dan"), status)
        if status == 403:  # a weapon's handoff refused at the door: its attempts recorded
            api.only_attempts(before, "HandOver", "IssueItem")
        else:
            assert api.head() == before


@contextmanager
def _storage_fails(api: Api, url: str) -> Iterator[None]:
    """The database refuses writes: SQLite's disk is full (its page limit), PostgreSQL
    is read-only (root ignores file permissions; a tiny disk needs privileges)."""
    engine = api.service.store.engine
    if dialect(url) == "sqlite":
        with engine.connect() as conn:
            pages = int(conn.exec_driver_sql("PRAGMA page_count").scalar() or 0)
        statement = f"PRAGMA max_page_count = {pages}"
    else:
        statement = "SET default_transaction_read_only = on"

    def limit(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute(statement)
        cursor.close()
        dbapi_conn.commit()  # a SET rolled back with its transaction would not hold

    sa.event.listen(engine, "connect", limit)
    engine.dispose()
    try:
        yield
    finally:
        sa.event.remove(engine, "connect", limit)
        engine.dispose()


def test_a_full_disk_is_a_503_through_the_web_as_through_the_api(
    api: Api, database_url: str
) -> None:
    client = _rosa(api)
    token = web_client.token_in(client.get(f"/p/{PID}").text)
    api.token("rosa")  # logged in before the disk fills
    before = api.head()
    big = "the cart by the church is unattended " * 100
    with _storage_fails(api, database_url):
        web = None
        for n in range(60):  # SQLite's last free pages may take a few concerns
            web = client.post(
                f"/p/{PID}/concerns",
                headers={"Origin": web_client.ORIGIN},
                data={"csrf_token": token, "text": f"{big} {n}"},
            )
            if web.status_code != 200:
                break
        assert web is not None
        assert web.status_code == 503, web.text
        assert "The database could not complete the request" in web.text
        assert "nothing was recorded" in web.text
        head = api.head()
        problem(api.command("raise-concern", {"text": big}, "rosa"), 503, "storage")
        assert api.head() == head
    assert head >= before
    after = web_client.post(client, f"/p/{PID}/concerns", {"text": "space is back"})
    assert after.status_code == 200, after.text
