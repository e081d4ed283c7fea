"""The web pages in process, used as a browser on ColdCheck's own pages uses them: every
post says where it comes from (Origin) and carries the form token the page it was read
from gave (csrf_token)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from coldcheck import demo

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

ORIGIN = "http://testserver"  # TestClient's own base URL
_TOKEN = re.compile(r'name="csrf_token" value="([^"]*)"')


def token_in(html: str) -> str:
    """The form token a page carries."""
    found = _TOKEN.search(html)
    assert found, "the page has no form token"
    return found.group(1)


def login(client: TestClient, username: str, password: str = demo.DEMO_PASSWORD) -> Any:
    """Log in through the login form, as a person at the tablet would."""
    page = client.get("/login")
    assert page.status_code == 200, page.text
    return client.post(
        "/login",
        headers={"Origin": ORIGIN},
        data={
            "username": username,
            "password": password,
            "next": "/",
            "csrf_token": token_in(page.text),
        },
        follow_redirects=False,
    )


def post(
    client: TestClient, path: str, data: Mapping[str, Any], page: str = f"/p/{demo.PRODUCTION}"
) -> Any:
    """Post a form with the token of a page read first, as the browser would."""
    token = token_in(client.get(page).text)
    return client.post(
        path, headers={"Origin": ORIGIN}, data={"csrf_token": token, **data}, follow_redirects=False
    )
