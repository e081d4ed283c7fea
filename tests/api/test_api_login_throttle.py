"""Failed logins over HTTP, on the API and the login form: 429 with Retry-After after five
wrong passwords for a username, the same 429 for the right one and for a username no
account has, a budget per client address, and counts that two app instances (two
workers, or a restart) on one database share.

Each test has its own usernames and client addresses, and its own clock (standing still
until the test moves it), so that the module's shared database holds no interference.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from coldcheck.accounts import Accounts, pin_pepper
from coldcheck.api.app import COOKIE, PREFIX
from coldcheck.http.app import create_app
from coldcheck.logins import ACCOUNT_DELAY_US, ACCOUNT_FREE, ADDRESS_FAILURES
from coldcheck.service import ColdCheck
from coldcheck.store import SqlStore
from coldcheck.store.accounts import AccountStore
from support import web_client
from support.api_client import FAST_HASHER, PASSWORD, START_US, Api, document_app, problem

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2")
    from fastapi.testclient import TestClient

LOGIN = f"{PREFIX}/auth/login"
WRONG = "not-the-password"


class Now:
    """A clock that stands still until a test moves it."""

    def __init__(self, at: int = START_US) -> None:
        self.at = at

    def __call__(self) -> int:
        return self.at


Client = Callable[[str], TestClient]


@pytest.fixture
def now() -> Now:
    return Now()


@pytest.fixture
def worker(database_url: str, api: Api, now: Now) -> Iterator[Callable[[], Client]]:
    """Start another worker on the module's database (its own engine, like a process of
    `coldcheck serve --workers N`); each gives clients from a client address."""
    stores: list[SqlStore] = []

    def start() -> Client:
        store = SqlStore(database_url)
        stores.append(store)
        key = api.service.key
        app = create_app(
            ColdCheck(store, key, clock=now),
            Accounts(AccountStore(store), pin_pepper(key), now, FAST_HASHER),
        )
        return lambda address: TestClient(app, client=(address, 50000))

    yield start
    for store in stores:
        store.close()


def _login(client: TestClient, username: str, password: str) -> Any:
    return client.post(LOGIN, json={"username": username, "password": password})


def _wrong(client: TestClient, username: str, times: int = 1) -> None:
    for _ in range(times):
        problem(_login(client, username, WRONG), 401, "unauthenticated")


def _refused(r: Any) -> dict[str, Any]:
    body = problem(r, 429, "login-throttled")
    assert "set-cookie" not in r.headers
    return body


def test_five_wrong_passwords_then_429_even_for_the_right_one(
    api: Api, worker: Callable[[], Client], now: Now
) -> None:
    api.accounts.create("throttled-1", PASSWORD)
    client = worker()("192.0.2.1")
    _wrong(client, "throttled-1", ACCOUNT_FREE)
    wrong = _login(client, "throttled-1", WRONG)
    body = _refused(wrong)
    assert wrong.headers["retry-after"] == str(ACCOUNT_DELAY_US // 1_000_000)
    assert "too many failed logins for this username" in body["detail"]
    # The right password is not checked: the same answer, to the byte.
    right = _login(client, "throttled-1", PASSWORD)
    assert (right.status_code, right.headers, right.content) == (
        wrong.status_code,
        wrong.headers,
        wrong.content,
    )
    # After the delay it is checked again, and it is right.
    now.at += ACCOUNT_DELAY_US
    r = _login(client, "throttled-1", PASSWORD)
    assert r.status_code == 200, r.text
    assert (
        api.client.get(
            f"{PREFIX}/auth/me", headers={"Authorization": f"Bearer {r.json()['token']}"}
        ).json()["username"]
        == "throttled-1"
    )


def test_a_username_no_account_has_gets_the_same_answers(
    api: Api, worker: Callable[[], Client]
) -> None:
    api.accounts.create("throttled-2", PASSWORD)
    start = worker()
    answers = {}
    for username, address in (("throttled-2", "192.0.2.2"), ("nobody-2", "192.0.2.3")):
        client = start(address)
        answers[username] = [
            (r.status_code, r.headers.get("retry-after"), r.content)
            for r in (_login(client, username, WRONG) for _ in range(ACCOUNT_FREE + 2))
        ]
    assert answers["throttled-2"] == answers["nobody-2"]
    assert [a[0] for a in answers["nobody-2"]] == [401] * ACCOUNT_FREE + [429] * 2


def test_an_address_has_a_budget_across_accounts(
    api: Api, worker: Callable[[], Client], now: Now
) -> None:
    api.accounts.create("throttled-3", PASSWORD)
    start = worker()
    guesser = start("192.0.2.4")
    for n in range(ADDRESS_FAILURES):  # one guess per username: none of them locks
        _wrong(guesser, f"stuffed-{n}")
    r = _login(guesser, "throttled-3", PASSWORD)
    assert "from this address" in _refused(r)["detail"]
    assert int(r.headers["retry-after"]) > 0
    # The account itself is not locked: from elsewhere it logs in.
    assert _login(start("192.0.2.5"), "throttled-3", PASSWORD).status_code == 200


def test_two_workers_and_a_restart_share_the_count(api: Api, worker: Callable[[], Client]) -> None:
    api.accounts.create("throttled-4", PASSWORD)
    first, second = worker()("192.0.2.6"), worker()("192.0.2.7")
    _wrong(first, "throttled-4", ACCOUNT_FREE - 2)
    _wrong(second, "throttled-4", 2)
    _refused(_login(first, "throttled-4", PASSWORD))
    _refused(_login(second, "throttled-4", PASSWORD))
    restarted = worker()("192.0.2.8")
    _refused(_login(restarted, "throttled-4", PASSWORD))


def test_the_login_form_is_throttled_too(api: Api, worker: Callable[[], Client], now: Now) -> None:
    api.accounts.create("throttled-5", PASSWORD)
    client = worker()("192.0.2.9")

    def form(password: str) -> Any:  # as the login page's own form posts it
        token = web_client.token_in(client.get("/login").text)
        return client.post(
            "/login",
            data={
                "username": "throttled-5",
                "password": password,
                "next": "/",
                "csrf_token": token,
            },
            headers={"Origin": web_client.ORIGIN},
            follow_redirects=False,
        )

    for _ in range(ACCOUNT_FREE):
        assert form(WRONG).status_code == 401
    for password in (WRONG, PASSWORD):
        r = form(password)
        assert r.status_code == 429, r.text
        assert r.headers["retry-after"] == str(ACCOUNT_DELAY_US // 1_000_000)
        assert "too many failed logins for this username" in r.text
        assert COOKIE not in r.headers.get("set-cookie", "")
    now.at += ACCOUNT_DELAY_US
    r = form(PASSWORD)
    assert r.status_code == 303, r.text
    assert r.headers["set-cookie"].startswith(f"{COOKIE}=")


def test_the_document_describes_the_429() -> None:
    login = document_app().openapi()["paths"][LOGIN]["post"]
    assert "Retry-After" in login["responses"]["429"]["headers"]
