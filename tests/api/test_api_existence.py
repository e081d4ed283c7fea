"""No route tells someone who is not on a production whether it exists.

Every API route under /api/v1/productions/{production_id}/ and every web page under
/p/{pid}/, as the app serves them (a new route is audited as soon as it is added), is
asked by an account on no production, about a production id before that production
exists and again after it is created: status, headers and body must be the same bytes.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from test_api_authz import BODIES

from coldcheck.accounts import Accounts, pin_pepper
from coldcheck.api.app import COOKIE, PREFIX
from coldcheck.api.schemas import COMMANDS
from coldcheck.domain import commands as c
from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck
from coldcheck.store import SqlStore
from coldcheck.store.accounts import AccountStore
from coldcheck.web import routes as web
from support import web_client
from support.api_client import PASSWORD, PID, TODAY, Api, document_app

OUTSIDER = "outsider-existence"
# Well-formed values for the parameters routes require, so that the door is what answers
# (a route ignores those it does not take).
QUERY = {
    "item": "colt-1",
    "person": "jack",
    "date": TODAY,
    "scene": "sc-12",
    "seq": "1",
    "old_size": "1",
    "tree_size": "2",
}
PATH = {
    "item_id": "colt-1",
    "name": "studio",
    "scene_id": "sc-12",
    "concern_id": "concern-1",
    "incident_id": "incident-1",
    "evidence_id": "evidence-1",
    "seq": "1",
    "day": TODAY,
    "fmt": "pdf",
    "transfer_id": "transfer-1",
    "sha256": "0" * 64,
}
SLUG = {slug: cls.__name__ for slug, cls in COMMANDS.items()}


def _routes() -> list[tuple[str, str]]:
    """(method, path) of every route about one production: the API's, and the pages'."""
    found = []
    store = SqlStore("sqlite://")  # never opened: routes only
    key = SigningKey.generate()
    pages = web.pages(ColdCheck(store, key), Accounts(AccountStore(store), pin_pepper(key)))
    for route in [*document_app().routes, *pages.routes]:
        if not isinstance(route, APIRoute):
            continue
        if "{production_id}" not in route.path and not route.path.startswith("/p/{pid}"):
            continue
        found += [(method, route.path) for method in sorted(route.methods or ())]
    return sorted(found)


ROUTES = _routes()
_ids = itertools.count(1)
GHOSTS = {route: f"ghost-{next(_ids):03d}" for route in ROUTES}


def _body(path: str) -> dict[str, Any] | None:
    if path.endswith("/members"):
        return {"username": "rosa", "person_id": "rosa"}
    if path.endswith("/witnesses"):
        return {"name": "studio", "url": "http://127.0.0.1:9", "vkey": "x"}
    if "/commands/" in path:  # the bodies of the authorization table's test
        action = SLUG[path.rsplit("/", 1)[1]]
        extra = {"person_id": OUTSIDER} if action == "DeclineTraining" else {}
        return {**BODIES[action], **extra}
    return None


Answer = tuple[int, list[tuple[str, str]], bytes]  # status, headers, body


def _ask(api: Api, method: str, path: str, production: str) -> Answer:
    url = path.replace("{production_id}", production).replace("{pid}", production)
    url = re.sub(r"\{(\w+)\}", lambda m: PATH[m.group(1)], url)
    client = api.new_client()
    if url.startswith(PREFIX):
        r = client.request(method, url, params=QUERY, json=_body(path), headers=api.auth(OUTSIDER))
    else:  # a page: the session cookie, and a redirect would be an answer too
        client.cookies.set(COOKIE, api.token(OUTSIDER))
        data, headers = None, None
        if method == "POST":  # as from ColdCheck's own pages: the origin and form token
            token = web_client.token_in(client.get("/").text)
            data, headers = {"csrf_token": token}, {"Origin": web_client.ORIGIN}
        r = client.request(
            method, url, params=QUERY, data=data, headers=headers, follow_redirects=False
        )
    return r.status_code, sorted(r.headers.multi_items()), r.content


@pytest.fixture(scope="module")
def outsider(api: Api) -> str:
    api.accounts.create(OUTSIDER, PASSWORD)
    return OUTSIDER


def test_every_production_route_is_audited() -> None:
    paths = {path for _, path in ROUTES}
    assert f"{PREFIX}/productions/{{production_id}}/members" in paths
    assert f"{PREFIX}/productions/{{production_id}}/board" in paths
    assert any("/commands/" in p for p in paths)
    assert "/p/{pid}" in paths
    assert "/p/{pid}/issue" in paths


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_a_non_member_gets_the_same_answer_whether_the_production_exists(
    api: Api, outsider: str, method: str, path: str
) -> None:
    ghost = GHOSTS[(method, path)]
    before = _ask(api, method, path, ghost)
    api.service.execute(ghost, c.CreateProduction(name="Second Unit", timezone="America/Denver"))
    after = _ask(api, method, path, ghost)
    assert before[0] in (401, 404), before
    assert after == before
    # And the demo production, which has a whole day on it, answers the same words.
    demo = _ask(api, method, path, PID)
    assert demo[0] == before[0]
    assert demo[2].replace(PID.encode(), b"X") == before[2].replace(ghost.encode(), b"X")
