"""The recipient's PIN on SQLite and PostgreSQL: a peppered HMAC that only the deployment's
signing key can check, old argon2id hashes upgraded on first use, and the lockout after
five wrong PINs in a row (persisted, atomic under concurrent checks, lifted by time, by a
right PIN before the limit, or by setting the PIN)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from coldcheck.accounts import PIN_LOCK_US, PIN_MISSES, Accounts, PinLocked, pin_pepper
from coldcheck.ledger import SigningKey
from coldcheck.store import SqlStore
from coldcheck.store.accounts import AccountRow, AccountStore
from support.service_db import START_US, Databases, open_store

PID = "pin-test"
PIN = "4321"
WRONG = "1111"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class Now:
    """A clock that stands still until a test moves it."""

    def __init__(self, at: int = START_US) -> None:
        self.at = at

    def __call__(self) -> int:
        return self.at


@pytest.fixture
def store(backend: str) -> Iterator[SqlStore]:
    store = open_store(backend)
    yield store
    store.close()


@pytest.fixture
def now() -> Now:
    return Now()


@pytest.fixture
def accounts(store: SqlStore, key: SigningKey, now: Now) -> Accounts:
    """jack, with PIN 4321, acting as person `jack` on the production."""
    accounts = Accounts(AccountStore(store), pin_pepper(key), now, FAST_HASHER)
    _person(accounts, "jack", PIN)
    return accounts


def _person(accounts: Accounts, name: str, pin: str | None) -> None:
    accounts.rows.create(
        AccountRow(name, FAST_HASHER.hash("a-long-password"), None, False, START_US)
    )
    if pin is not None:
        accounts.set_pin(name, pin)
    accounts.rows.link(name, PID, name)


def _row(accounts: Accounts, name: str = "jack") -> AccountRow:
    row = accounts.rows.get(name)
    assert row is not None
    return row


def _hash(accounts: Accounts, name: str = "jack") -> str:
    pin_hash = _row(accounts, name).pin_hash
    assert pin_hash is not None
    return pin_hash


def _miss(accounts: Accounts, times: int = 1) -> None:
    for _ in range(times):
        assert not accounts.pin_matches(PID, "jack", WRONG)


# -- match and mismatch ---------------------------------------------------------------------


def test_the_right_pin_matches_and_a_wrong_one_does_not(accounts: Accounts) -> None:
    assert accounts.pin_matches(PID, "jack", PIN)
    assert not accounts.pin_matches(PID, "jack", WRONG)
    assert not accounts.pin_matches(PID, "jack", PIN + "0")
    assert not accounts.pin_matches(PID, "nobody", PIN)  # no account acts as them
    assert not accounts.pin_matches("other-production", "jack", PIN)


def test_a_pin_is_stored_as_a_salted_peppered_hmac(accounts: Accounts) -> None:
    _person(accounts, "mia", PIN)  # the same PIN as jack
    jack, mia = _hash(accounts, "jack"), _hash(accounts, "mia")
    assert jack.startswith("hmac-sha256$")
    assert PIN not in jack.split("$", 2)[2]
    assert jack != mia  # a salt per account
    assert accounts.pin_matches(PID, "mia", PIN)


def test_someone_without_a_pin_never_matches(accounts: Accounts) -> None:
    _person(accounts, "gil", None)
    assert not accounts.pin_matches(PID, "gil", PIN)
    assert not accounts.pin_matches(PID, "gil", "")


@pytest.mark.parametrize("not_a_pin", ["", "123", "123456789", "12a4", "١٢٣٤", " 4321"])
def test_what_cannot_be_a_pin_is_not_counted_as_a_guess(accounts: Accounts, not_a_pin: str) -> None:
    for _ in range(PIN_MISSES + 1):
        assert not accounts.pin_matches(PID, "jack", not_a_pin)
    assert _row(accounts).pin_failures == 0
    assert accounts.pin_matches(PID, "jack", PIN)


# -- the pepper is not in the database ------------------------------------------------------


def test_a_database_moved_to_another_deployment_cannot_match_pins(
    databases: Databases,
    backend: str,
    store: SqlStore,
    accounts: Accounts,
    key: SigningKey,
    now: Now,
) -> None:
    store.close()  # PostgreSQL copies a database only while nobody is connected to it
    copy = databases.copy(backend)
    moved = open_store(copy)
    try:
        elsewhere = Accounts(
            AccountStore(moved), pin_pepper(SigningKey.generate()), now, FAST_HASHER
        )
        for _ in range(PIN_MISSES + 1):
            assert not elsewhere.pin_matches(PID, "jack", PIN)
        # Not a guess either: nothing counted, nothing locked.
        assert _row(elsewhere).pin_failures == 0
        # The same rows with the deployment's own key still match.
        home = Accounts(AccountStore(moved), pin_pepper(key), now, FAST_HASHER)
        assert home.pin_matches(PID, "jack", PIN)
    finally:
        moved.close()
        databases.drop(copy)


def test_the_pepper_follows_the_key_file(
    tmp_path: Path, store: SqlStore, accounts: Accounts, key: SigningKey, now: Now
) -> None:
    path = tmp_path / "signing.key"
    key.save(path)
    reloaded = Accounts(AccountStore(store), pin_pepper(SigningKey.load(path)), now)
    assert reloaded.pin_matches(PID, "jack", PIN)


# -- argon2id hashes from before ----------------------------------------------------------


def test_an_argon2_pin_still_matches_and_is_rewritten_as_hmac(accounts: Accounts) -> None:
    accounts.rows.update("jack", pin_hash=FAST_HASHER.hash(PIN))
    assert _hash(accounts).startswith("$argon2id$")
    _miss(accounts)
    assert _hash(accounts).startswith("$argon2id$")
    assert _row(accounts).pin_failures == 1  # a wrong PIN counts against old hashes too
    assert accounts.pin_matches(PID, "jack", PIN)
    assert _hash(accounts).startswith("hmac-sha256$")
    assert _row(accounts).pin_failures == 0
    assert accounts.pin_matches(PID, "jack", PIN)
    assert not accounts.pin_matches(PID, "jack", WRONG)


def test_an_argon2_pin_at_library_defaults_still_matches(accounts: Accounts) -> None:
    accounts.rows.update("jack", pin_hash=PasswordHasher().hash(PIN))
    assert accounts.pin_matches(PID, "jack", PIN)
    assert _hash(accounts).startswith("hmac-sha256$")


# -- lockout --------------------------------------------------------------------------------


def test_five_wrong_pins_in_a_row_lock_the_pin(accounts: Accounts, now: Now) -> None:
    _miss(accounts, PIN_MISSES - 1)
    assert _row(accounts).pin_failures == PIN_MISSES - 1
    assert _row(accounts).pin_locked_until is None
    _miss(accounts)  # the fifth is still answered: wrong
    row = _row(accounts)
    assert row.pin_failures == PIN_MISSES
    assert row.pin_locked_until == now.at + PIN_LOCK_US
    for pin in (PIN, WRONG):  # even the right PIN is not checked now
        with pytest.raises(PinLocked) as locked:
            accounts.pin_matches(PID, "jack", pin)
        assert "jack's PIN is locked" in str(locked.value)
        assert locked.value.until == now.at + PIN_LOCK_US
        assert locked.value.retry_after_s == PIN_LOCK_US // 1_000_000
    assert _row(accounts) == row  # refused checks change nothing


def test_a_right_pin_before_the_limit_clears_the_count(accounts: Accounts) -> None:
    _miss(accounts, PIN_MISSES - 1)
    assert accounts.pin_matches(PID, "jack", PIN)
    assert _row(accounts).pin_failures == 0
    _miss(accounts, PIN_MISSES - 1)  # a fresh run of misses
    assert accounts.pin_matches(PID, "jack", PIN)


def test_setting_the_pin_lifts_the_lock(accounts: Accounts) -> None:
    _miss(accounts, PIN_MISSES)
    with pytest.raises(PinLocked):
        accounts.pin_matches(PID, "jack", PIN)
    accounts.set_pin("jack", "97531")
    row = _row(accounts)
    assert (row.pin_failures, row.pin_locked_until) == (0, None)
    assert not accounts.pin_matches(PID, "jack", PIN)  # the old PIN is gone
    assert accounts.pin_matches(PID, "jack", "97531")


def test_the_lock_ends_after_its_period(accounts: Accounts, now: Now) -> None:
    _miss(accounts, PIN_MISSES)
    until = _row(accounts).pin_locked_until
    assert until is not None
    now.at = until - 1
    with pytest.raises(PinLocked) as locked:
        accounts.pin_matches(PID, "jack", PIN)
    assert locked.value.retry_after_s == 1
    now.at = until
    assert accounts.pin_matches(PID, "jack", PIN)
    row = _row(accounts)
    assert (row.pin_failures, row.pin_locked_until) == (0, None)


def test_after_a_lock_ends_one_more_miss_locks_again(accounts: Accounts, now: Now) -> None:
    _miss(accounts, PIN_MISSES)
    now.at += PIN_LOCK_US
    _miss(accounts)
    assert _row(accounts).pin_locked_until == now.at + PIN_LOCK_US
    with pytest.raises(PinLocked):
        accounts.pin_matches(PID, "jack", PIN)


def test_a_lock_is_per_account(accounts: Accounts) -> None:
    _person(accounts, "mia", PIN)
    _miss(accounts, PIN_MISSES)
    with pytest.raises(PinLocked):
        accounts.pin_matches(PID, "jack", PIN)
    assert accounts.pin_matches(PID, "mia", PIN)


def test_the_lock_is_in_the_database(
    store: SqlStore, accounts: Accounts, key: SigningKey, now: Now
) -> None:
    _miss(accounts, PIN_MISSES)
    # Another worker process: its own Accounts, the same rows.
    other = Accounts(AccountStore(SqlStore(store.url)), pin_pepper(key), now)
    try:
        with pytest.raises(PinLocked):
            other.pin_matches(PID, "jack", PIN)
    finally:
        other.rows.store.close()


def test_concurrent_wrong_pins_land_at_most_five_misses(
    store: SqlStore, accounts: Accounts, key: SigningKey, now: Now
) -> None:
    workers = 12
    barrier = threading.Barrier(workers)
    answers: list[object] = []

    def guess(n: int) -> None:
        # Each thread its own engine, like a worker process.
        mine = Accounts(AccountStore(SqlStore(store.url)), pin_pepper(key), now)
        try:
            barrier.wait(timeout=30)
            try:
                answers.append(mine.pin_matches(PID, "jack", f"{9000 + n}"))
            except PinLocked as exc:
                answers.append(exc)
        finally:
            mine.rows.store.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == workers
    # Only a miss that landed before the lock is answered "wrong"; the rest are refused.
    assert answers.count(False) == PIN_MISSES
    assert sum(isinstance(a, PinLocked) for a in answers) == workers - PIN_MISSES
    assert _row(accounts).pin_failures == PIN_MISSES
