"""Failed logins on SQLite and PostgreSQL: a stepped back-off per username, a budget per
client address, both in the database (every worker and every restart sees them), and
nothing during a lock that tells a right password, or an existing account, apart."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Literal

import pytest
from argon2 import PasswordHasher

from coldcheck.accounts import Accounts, Unauthenticated, pin_pepper
from coldcheck.ledger import SigningKey
from coldcheck.logins import (
    ACCOUNT_DELAY_MAX_US,
    ACCOUNT_DELAY_US,
    ACCOUNT_FREE,
    ADDRESS_FAILURES,
    ADDRESS_WINDOW_US,
    FORGET_US,
    LoginThrottled,
    account_delay,
    address_of,
)
from coldcheck.store import SqlStore
from coldcheck.store.accounts import AccountStore
from support.service_db import START_US, open_store, raw

PASSWORD = "a-long-password"
WRONG = "not-the-password"
HOME = "192.0.2.10"
ELSEWHERE = "198.51.100.20"


class Now:
    """A clock that stands still until a test moves it."""

    def __init__(self, at: int = START_US) -> None:
        self.at = at

    def __call__(self) -> int:
        return self.at


class Counting(PasswordHasher):
    """argon2id at small costs, counting the passwords it checks."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.checked = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.checked += 1
        return super().verify(hash, password)


@pytest.fixture
def store(backend: str) -> Iterator[SqlStore]:
    store = open_store(backend)
    yield store
    store.close()


@pytest.fixture
def now() -> Now:
    return Now()


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def accounts(store: SqlStore, key: SigningKey, now: Now) -> Accounts:
    """rosa and dan, both with PASSWORD."""
    accounts = Accounts(AccountStore(store), pin_pepper(key), now, Counting())
    for name in ("rosa", "dan"):
        accounts.create(name, PASSWORD)
    return accounts


def _fail(accounts: Accounts, username: str = "rosa", times: int = 1, address: str = HOME) -> None:
    for _ in range(times):
        with pytest.raises(Unauthenticated):
            accounts.login(username, WRONG, address=address)


def _throttled(
    accounts: Accounts, username: str = "rosa", password: str = PASSWORD, address: str = HOME
) -> LoginThrottled:
    with pytest.raises(LoginThrottled) as refused:
        accounts.login(username, password, address=address)
    return refused.value


# -- per username -----------------------------------------------------------------------


def test_five_failures_lock_the_username_even_for_the_right_password(
    accounts: Accounts, now: Now
) -> None:
    _fail(accounts, times=ACCOUNT_FREE)  # each one still answered: wrong
    for password in (WRONG, PASSWORD):
        refused = _throttled(accounts, password=password)
        assert refused.until == now.at + ACCOUNT_DELAY_US
        assert refused.retry_after_s == ACCOUNT_DELAY_US // 1_000_000
        assert "too many failed logins for this username" in str(refused)
    # From another address too: the lock is the username's.
    _throttled(accounts, address=ELSEWHERE)
    # Another username is not affected.
    assert accounts.login("dan", PASSWORD, address=HOME)


def test_during_a_lock_no_password_is_checked(accounts: Accounts) -> None:
    hasher = accounts.hasher
    assert isinstance(hasher, Counting)
    _fail(accounts, times=ACCOUNT_FREE)
    before = hasher.checked
    for password in (WRONG, PASSWORD):
        _throttled(accounts, password=password)
    assert hasher.checked == before


def test_the_lock_ends_after_its_delay_and_a_right_password_ends_the_run(
    accounts: Accounts, now: Now
) -> None:
    _fail(accounts, times=ACCOUNT_FREE)
    until = _throttled(accounts).until
    now.at = until - 1
    assert _throttled(accounts).retry_after_s == 1
    now.at = until
    assert accounts.login("rosa", PASSWORD, address=HOME)
    # A fresh run: the next few failures are only "wrong" again.
    _fail(accounts, times=ACCOUNT_FREE - 1)
    assert accounts.login("rosa", PASSWORD, address=HOME)


def test_each_further_failure_doubles_the_delay_up_to_a_cap(accounts: Accounts, now: Now) -> None:
    _fail(accounts, times=ACCOUNT_FREE)
    delays = []
    for _ in range(8):
        refused = _throttled(accounts)
        delays.append(refused.until - now.at)
        now.at = refused.until
        _fail(accounts)  # the first guess after the lock locks it again, for longer
    assert delays == [account_delay(ACCOUNT_FREE + n) for n in range(8)]
    assert delays[:4] == [ACCOUNT_DELAY_US * 2**n for n in range(4)]
    assert delays[-1] == ACCOUNT_DELAY_MAX_US
    # A guesser gets at most one guess per cap once it is reached: under 100 a day.
    assert 24 * 3600 * 1_000_000 // ACCOUNT_DELAY_MAX_US < 100


def test_a_run_is_forgotten_after_a_quiet_day(accounts: Accounts, now: Now) -> None:
    _fail(accounts, times=ACCOUNT_FREE - 1)
    now.at += FORGET_US
    _fail(accounts, times=ACCOUNT_FREE - 1)
    assert accounts.login("rosa", PASSWORD, address=ELSEWHERE)


def test_an_unknown_username_is_answered_exactly_like_a_real_one(
    accounts: Accounts, now: Now
) -> None:
    hasher = accounts.hasher
    assert isinstance(hasher, Counting)
    answers: dict[str, list[tuple[str, str, int, int]]] = {}
    for username, address in (("rosa", HOME), ("nobody", ELSEWHERE)):
        before = hasher.checked
        seen = []
        for _ in range(ACCOUNT_FREE + 2):
            try:
                accounts.login(
                    username, PASSWORD if username == "nobody" else WRONG, address=address
                )
            except (Unauthenticated, LoginThrottled) as exc:
                retry = exc.retry_after_s if isinstance(exc, LoginThrottled) else 0
                seen.append((type(exc).__name__, str(exc), retry, hasher.checked - before))
        answers[username] = seen
    assert answers["rosa"] == answers["nobody"]
    assert [a[0] for a in answers["rosa"]] == (
        ["Unauthenticated"] * ACCOUNT_FREE + ["LoginThrottled"] * 2
    )


# -- per address ----------------------------------------------------------------------


def test_an_address_has_a_budget_across_usernames(accounts: Accounts, now: Now) -> None:
    for n in range(ADDRESS_FAILURES):  # one guess each: no username is locked
        _fail(accounts, f"guess-{n}")
    refused = _throttled(accounts, "dan")  # a different account, the right password
    assert "from this address" in str(refused)
    assert refused.until == now.at + ADDRESS_WINDOW_US
    assert accounts.login("dan", PASSWORD, address=ELSEWHERE)  # dan is not locked
    # A right password from the address does not refill it; the window's end does.
    now.at += ADDRESS_WINDOW_US - 1
    _throttled(accounts, "rosa")
    now.at += 1
    assert accounts.login("dan", PASSWORD, address=HOME)


def test_the_addresses_of_one_ipv6_network_share_a_budget(accounts: Accounts) -> None:
    for n in range(ADDRESS_FAILURES):
        _fail(accounts, f"guess-{n}", address=f"2001:db8:1:2::{n:x}")
    _throttled(accounts, "dan", address="2001:db8:1:2:ffff:ffff:ffff:ffff")
    assert accounts.login("dan", PASSWORD, address="2001:db8:1:3::1")


@pytest.mark.parametrize(
    ("host", "budget"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("2001:db8::1", "2001:db8::/64"),
        ("2001:DB8:0:0:abcd::9", "2001:db8::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("testclient", "testclient"),
        ("", None),
        (None, None),
    ],
)
def test_the_address_a_budget_is_kept_for(host: str | None, budget: str | None) -> None:
    assert address_of(host) == budget


def test_without_an_address_only_the_username_is_counted(accounts: Accounts) -> None:
    for n in range(ADDRESS_FAILURES + 1):
        with pytest.raises(Unauthenticated):
            accounts.login(f"guess-{n}", WRONG)
    assert accounts.login("dan", PASSWORD)


# -- in the database ------------------------------------------------------------------


def test_workers_and_restarts_share_the_counts(
    store: SqlStore, accounts: Accounts, key: SigningKey, now: Now
) -> None:
    def worker() -> Accounts:  # another process: its own engine on the same database
        return Accounts(AccountStore(SqlStore(store.url)), pin_pepper(key), now, Counting())

    first, second = worker(), worker()
    try:
        _fail(first, times=ACCOUNT_FREE - 2)
        _fail(second, times=2)
        _throttled(first)
        _throttled(second)
    finally:
        first.rows.store.close()
        second.rows.store.close()
    restarted = worker()
    try:
        _throttled(restarted)
    finally:
        restarted.rows.store.close()


def test_the_table_names_no_username_and_no_address(store: SqlStore, accounts: Accounts) -> None:
    _fail(accounts, "rosa")
    _fail(accounts, "hunter2-typed-in-the-wrong-box")
    with raw(store.url) as conn:
        rows = conn.all("SELECT * FROM login_throttle")
    assert len(rows) == 3  # two usernames, one address
    text = repr(rows)
    for secret in ("rosa", "hunter2", HOME, "192.0.2"):
        assert secret not in text


def test_stale_runs_are_dropped(store: SqlStore, accounts: Accounts, now: Now) -> None:
    _fail(accounts, "rosa")
    now.at += FORGET_US + 1
    _fail(accounts, "dan", address=ELSEWHERE)  # new rows: the table is trimmed
    with raw(store.url) as conn:
        assert conn.one("SELECT count(*) FROM login_throttle") == (2,)


def test_concurrent_failures_are_answered_wrong_at_most_five_times(
    store: SqlStore, accounts: Accounts, key: SigningKey, now: Now
) -> None:
    workers = 12
    barrier = threading.Barrier(workers)
    answers: list[object] = []

    def guess(n: int) -> None:
        mine = Accounts(AccountStore(SqlStore(store.url)), pin_pepper(key), now, Counting())
        try:
            barrier.wait(timeout=30)
            try:
                mine.login("rosa", f"{WRONG}-{n}", address=f"203.0.113.{n}")
            except (Unauthenticated, LoginThrottled) as exc:
                answers.append(type(exc))
        finally:
            mine.rows.store.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == workers
    # Only a failure that landed before the lock is answered "wrong"; the rest are not.
    assert answers.count(Unauthenticated) == ACCOUNT_FREE
    assert answers.count(LoginThrottled) == workers - ACCOUNT_FREE
