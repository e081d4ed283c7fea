"""Forged requests, in process on SQLite and PostgreSQL: every state-changing web route
needs a same-origin Origin (or Referer) AND the form token of this browser's session (the
login form: of its login cookie); the API, reached by the session cookie, needs a
same-origin Origin; bearer clients are unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from coldcheck.web import routes
from support import web_client
from support.api_client import BASE, PASSWORD, PID, PREFIX, Api, problem
from support.web_client import ORIGIN, token_in

TEMPLATES = Path(routes.__file__).parent / "templates"
IDS = {
    "pid": PID,
    "scene_id": "sc-12",
    "concern_id": "concern-3",
    "incident_id": "incident-1",
    "evidence_id": "evidence-1",
    "transfer_id": "transfer-1",
}
EVIL = "http://127.0.0.1:9999"


def _state_changing(api: Api) -> list[str]:
    """Every web route that changes something, with real ids in its path."""
    paths = []
    for route in routes.pages(api.service, api.accounts).routes:
        assert isinstance(route, APIRoute)
        if route.methods - {"GET", "HEAD"}:
            paths.append(route.path.format(**IDS))
    return paths


def _other(token: str) -> str:
    """The token with its first character changed."""
    return ("B" if token[0] == "A" else "A") + token[1:]


def _rosa(api: Api) -> tuple[Any, str]:
    client = api.new_client()
    assert web_client.login(client, "rosa").status_code == 303
    return client, token_in(client.get(f"/p/{PID}").text)


def test_every_state_changing_route_is_checked(api: Api) -> None:
    paths = _state_changing(api)
    assert len(paths) >= 12  # login, logout and every form of the pages
    client, token = _rosa(api)
    before = api.head()
    for path in paths:
        for headers, data in (
            ({"Origin": ORIGIN}, {}),  # no token
            ({"Origin": ORIGIN}, {"csrf_token": _other(token)}),  # a wrong one
            ({"Origin": EVIL}, {"csrf_token": token}),  # the right one, from elsewhere
            ({}, {"csrf_token": token}),  # says nothing of where it comes from
        ):
            r = client.post(
                path, headers=headers, data={"kind": "misfire", **data}, follow_redirects=False
            )
            assert r.status_code == 403, (path, headers, data, r.status_code)
            assert "not sent from a ColdCheck page" in r.text
            assert "Nothing was recorded" in r.text
    assert api.head() == before
    assert client.get(f"/p/{PID}").status_code == 200  # the forged logout did nothing


def test_the_page_and_htmx_tokens_are_accepted(api: Api) -> None:
    client, token = _rosa(api)
    board = client.get(f"/p/{PID}").text
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in board
    sent = [
        ({"Origin": ORIGIN}, {"csrf_token": token}),  # the form's hidden field
        ({"Origin": ORIGIN, "X-CSRF-Token": token}, {}),  # htmx's header
        ({"Referer": f"{ORIGIN}/p/{PID}/concerns/new"}, {"csrf_token": token}),
    ]
    for n, (headers, data) in enumerate(sent):  # (Referer stands in for Origin)
        before = api.head()
        r = client.post(
            f"/p/{PID}/concerns", headers=headers, data={"text": f"cart left open, {n}", **data}
        )
        assert r.status_code == 200, r.text
        assert "Rosa Vega raised a concern" in r.text
        assert api.head() > before


def test_a_token_from_another_session_is_refused(api: Api) -> None:
    rosa, _ = _rosa(api)
    mia = api.new_client()
    web_client.login(mia, "mia")
    mias = token_in(mia.get(f"/p/{PID}").text)
    before = api.head()
    r = rosa.post(
        f"/p/{PID}/incidents",
        headers={"Origin": ORIGIN},
        data={"kind": "misfire", "csrf_token": mias},
    )
    assert r.status_code == 403
    assert "belongs to another session" in r.text
    assert api.head() == before


def test_a_hidden_or_foreign_origin_is_refused_even_with_the_token(api: Api) -> None:
    client, token = _rosa(api)
    before = api.head()
    for headers in (
        {"Origin": "null"},
        {"Referer": f"{EVIL}/call-sheet"},
        {"Origin": "https://testserver"},
        {"Origin": "http://testserver:8080"},
    ):
        r = client.post(
            f"/p/{PID}/incidents", headers=headers, data={"kind": "misfire", "csrf_token": token}
        )
        assert r.status_code == 403, headers
    assert api.head() == before


def test_login_needs_the_login_pages_cookie_and_token(api: Api) -> None:
    client = api.new_client()
    page = client.get("/login")
    assert "coldcheck_login=" in page.headers["set-cookie"]
    assert "httponly" in page.headers["set-cookie"].lower()
    token = token_in(page.text)
    form = {"username": "mia", "password": PASSWORD, "next": "/"}
    # A second login page in the same browser keeps the first one's token valid.
    assert token_in(client.get("/login").text) == token
    for headers, data in (
        ({"Origin": ORIGIN}, form),
        ({"Origin": ORIGIN}, {**form, "csrf_token": _other(token)}),
        ({"Origin": EVIL}, {**form, "csrf_token": token}),
    ):
        r = client.post("/login", headers=headers, data=data, follow_redirects=False)
        assert r.status_code == 403, (headers, data)
        assert "set-cookie" not in r.headers
    # Without the cookie the page set, its token proves nothing.
    stranger = api.new_client()
    r = stranger.post(
        "/login",
        headers={"Origin": ORIGIN},
        data={**form, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 403
    assert "cookie is missing" in r.text
    ok = client.post(
        "/login",
        headers={"Origin": ORIGIN},
        data={**form, "csrf_token": token},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert "coldcheck_session=" in ok.headers["set-cookie"]


def test_a_wrong_password_shows_the_form_again_with_a_working_token(api: Api) -> None:
    client = api.new_client()
    token = token_in(client.get("/login").text)
    wrong = client.post(
        "/login",
        headers={"Origin": ORIGIN},
        data={"username": "mia", "password": "not-it", "csrf_token": token},
    )
    assert wrong.status_code == 401
    again = client.post(
        "/login",
        headers={"Origin": ORIGIN},
        data={"username": "mia", "password": PASSWORD, "csrf_token": token_in(wrong.text)},
        follow_redirects=False,
    )
    assert again.status_code == 303


def test_logout_needs_the_token(api: Api) -> None:
    client, token = _rosa(api)
    r = client.post(
        "/logout", headers={"Origin": ORIGIN}, data={"csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    assert client.get(f"/p/{PID}", follow_redirects=False).status_code == 303  # to login


def test_every_post_form_in_the_templates_carries_the_token() -> None:
    for page in TEMPLATES.glob("*.html"):
        text = page.read_text()
        forms = text.count('<form method="post"')
        assert text.count("<form") - text.count('method="get"') == forms, page.name
        assert text.count('name="csrf_token" value="{{ csrf }}"') == forms, page.name


# -- the API by cookie ---------------------------------------------------------------------

CONCERN = f"{BASE}/commands/raise-concern"


def test_the_api_by_cookie_needs_its_own_origin(api: Api) -> None:
    client = api.new_client()
    token = client.post(
        f"{PREFIX}/auth/login", json={"username": "lane", "password": PASSWORD}
    ).json()["token"]
    before = api.head()
    for headers in ({"Origin": EVIL}, {"Referer": f"{EVIL}/x"}, {"Origin": "null"}, {}):
        r = client.post(CONCERN, json={"text": "forged"}, headers=headers)
        body = problem(r, 403, "cross-origin")
        assert "Authorization: Bearer" in body["detail"]
    assert api.head() == before
    # Reading by cookie is not a forgery risk (the browser keeps the answer from the page).
    assert client.get(f"{BASE}/board", headers={"Origin": EVIL}).status_code == 200
    r = client.post(CONCERN, json={"text": "from our own page"}, headers={"Origin": ORIGIN})
    assert r.status_code == 200, r.text
    assert api.head() > before
    # A bearer client is unchanged, whatever Origin a script puts on it.
    client.cookies.clear()
    before = api.head()
    r = client.post(
        CONCERN,
        json={"text": "from a device"},
        headers={"Authorization": f"Bearer {token}", "Origin": EVIL},
    )
    assert r.status_code == 200, r.text
    assert api.head() > before


def test_the_api_login_refuses_a_page_elsewhere_but_not_a_script(api: Api) -> None:
    client = api.new_client()
    login = {"username": "lane", "password": PASSWORD}
    problem(
        client.post(f"{PREFIX}/auth/login", json=login, headers={"Origin": EVIL}),
        403,
        "cross-origin",
    )
    assert client.post(f"{PREFIX}/auth/login", json=login).status_code == 200
