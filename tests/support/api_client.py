"""The HTTP API in process, over a real database seeded with the demo: for tests/api.

`seeded(database_url)` migrates the database, records the demo day through the service
on a clock we control, creates the demo accounts and returns an `Api`: the FastAPI app,
the service and accounts behind it, and helpers that log in and call routes the way a
client on set would.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI

with warnings.catch_warnings():
    # Starlette nudges towards `httpx2` (not installed); TestClient is what we want.
    warnings.filterwarnings("ignore", message=".*httpx2")
    from fastapi.testclient import TestClient

from coldcheck import demo
from coldcheck.accounts import Accounts, pin_pepper
from coldcheck.api.schemas import PREFIX
from coldcheck.http.app import create_app
from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck
from coldcheck.store import SqlStore
from coldcheck.store.accounts import AccountStore
from coldcheck.store.attachments import AttachmentStore
from support.clock import SECOND_US, START_US
from support.clock import TODAY as TODAY
from support.passwords import FAST_HASHER as FAST_HASHER

PID = demo.PRODUCTION
PASSWORD = demo.DEMO_PASSWORD
PIN = demo.DEMO_PIN
PROBLEM = "application/problem+json"
BASE = f"{PREFIX}/productions/{PID}"


class Clock:
    """A wall clock that moves a tenth of a second each time it is read (a long
    schemathesis run stays within the demo's day and its sessions)."""

    def __init__(self, start: int = START_US, step: int = SECOND_US // 10) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> int:
        now = self.now
        self.now += self.step
        return now


@dataclass
class Api:
    """The app over one seeded database, and a client that logs people in."""

    app: FastAPI
    service: ColdCheck
    accounts: Accounts
    clock: Clock
    client: TestClient
    _tokens: dict[str, str] = field(default_factory=dict)

    # -- credentials -----------------------------------------------------------------

    def login(self, username: str, password: str = PASSWORD) -> str:
        """A fresh session token (each call is a new login)."""
        r = self.client.post(
            f"{PREFIX}/auth/login", json={"username": username, "password": password}
        )
        assert r.status_code == 200, r.text
        token: str = r.json()["token"]
        # The cookie the login set must not authenticate later bearer-less calls.
        self.client.cookies.clear()
        return token

    def token(self, username: str) -> str:
        """One session token per user for the module, logged in once."""
        if username not in self._tokens:
            self._tokens[username] = self.login(username)
        return self._tokens[username]

    def auth(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}

    # -- calls -----------------------------------------------------------------------

    def get(self, path: str, user: str, **params: Any) -> Any:
        return self.client.get(path, headers=self.auth(user), params=params or None)

    def command(
        self,
        slug: str,
        body: Mapping[str, Any],
        user: str,
        production: str = PID,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        return self.client.post(
            f"{PREFIX}/productions/{production}/commands/{slug}",
            json=dict(body),
            headers={**self.auth(user), **(headers or {})},
        )

    def events(self, user: str = "rosa", after: int = 0) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while True:
            r = self.get(f"{BASE}/events", user, after=after, limit=1000)
            assert r.status_code == 200, r.text
            page = r.json()
            out += page
            if len(page) < 1000:
                return out
            after = page[-1]["seq"]

    def at(self, now: int) -> TestClient:
        """A client of the same app and database whose accounts read a stopped clock at
        `now` (the service keeps its own): for token expiry."""
        accounts = Accounts(
            self.accounts.rows, pin_pepper(self.service.key), Clock(now, step=0), FAST_HASHER
        )
        return TestClient(create_app(self.service, accounts))

    def new_client(self) -> TestClient:
        """A client with its own cookie jar."""
        return TestClient(self.app)

    def only_attempts(self, before: int, *commands: str) -> None:
        """Since `before`, the record holds only refused attempts, of these commands."""
        added = self.events(after=before)
        assert [
            (e["type"], e["data"]["command"]) for e in added if e["type"] == "AttemptRefused"
        ] == [("AttemptRefused", cmd) for cmd in commands], added
        assert len(added) == len(commands), added

    def head(self, production: str = PID) -> int:
        """The number of events recorded on the production, from the store itself."""
        return self.service.store.head(production).seq

    # -- set-up ----------------------------------------------------------------------

    def add_person(
        self,
        person_id: str,
        roles: tuple[str, ...],
        *,
        authority: str | None = None,
        account: bool = True,
    ) -> str:
        """A person on the demo production (added by paula, who holds hiring authority),
        optionally with an authority and an account linked to them; returns the username."""
        r = self.command(
            "add-person", {"person_id": person_id, "name": person_id, "roles": list(roles)}, "paula"
        )
        assert r.status_code == 200, r.text
        if authority:
            r = self.command(
                "assign-authority", {"person_id": person_id, "authority": authority}, "paula"
            )
            assert r.status_code == 200, r.text
        if account:
            self.accounts.create(person_id, PASSWORD)
            self.accounts.set_pin(person_id, PIN)
            self.accounts.rows.link(person_id, PID, person_id)
        return person_id


def problem(response: Any, status: int, kind: str | None = None) -> dict[str, Any]:
    """Assert an RFC 9457 problem with this status (and kind); return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body: dict[str, Any] = response.json()
    assert {"type", "title", "status", "detail"} <= set(body), body
    assert body["status"] == status
    if kind is not None:
        assert body["type"] == f"/problems/{kind}", body
    return body


def document_app() -> FastAPI:
    """The app over a database it never opens: enough to serve /openapi.json, which
    depends on the routes only (schemathesis reads it when a test module is collected)."""
    store = SqlStore("sqlite://")
    key = SigningKey.generate()
    return create_app(ColdCheck(store, key), Accounts(AccountStore(store), pin_pepper(key)))


def build(database_url: str, clock: Clock | None = None) -> Api:
    """An empty, migrated database behind the app (no production yet)."""
    store = SqlStore(database_url)
    store.migrate()
    clock = clock or Clock()
    key = SigningKey.generate()
    service = ColdCheck(store, key, clock=clock)
    # Each app its own attachment store, as `open_app` gives one beside the database.
    service.attachments = AttachmentStore(Path(tempfile.mkdtemp(prefix="coldcheck-att-")))
    accounts = Accounts(AccountStore(store), pin_pepper(key), clock, FAST_HASHER)
    app = create_app(service, accounts)
    return Api(app, service, accounts, clock, TestClient(app))


def seeded(database_url: str, clock: Clock | None = None) -> Api:
    """The demo day recorded through the service, and the demo accounts."""
    api = build(database_url, clock)
    demo.seed(lambda cmd: api.service.execute(PID, cmd), TODAY)
    demo.seed_accounts(api.accounts)
    return api


def close(api: Api) -> None:
    api.client.close()
    api.service.store.close()
