"""The recipient's PIN on SQLite and PostgreSQL: a peppered HMAC that only the deployment's
signing key can check, old argon2id hashes upgraded on first use, and the lockout after
five wrong PINs in a row (persisted, atomic under concurrent checks, lifted by time, by a
right PIN before the limit, or by setting the PIN). Each answer says which: a wrong PIN
with the tries left, no PIN to check, or a lock until a time in the production's zone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from coldcheck.accounts import (
    PIN_LOCK_US,
    PIN_MISSES,
    Accounts,
    NoPin,
    PinLocked,
    WrongPin,
    pin_pepper,
)
from coldcheck.domain.errors import InvalidCommand
from coldcheck.ledger import SigningKey
from coldcheck.store import SqlStore
from coldcheck.store.accounts import AccountRow, AccountStore
from support.service_db import START_US, Databases, open_store

PID = "pin-test"
PIN = "4321"
WRONG = "1111"
ZONE = "America/Denver"  # START_US is 09:00 there, 15:00 UTC
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


def _confirm(accounts: Accounts, pin: str, who: str = "jack") -> None:
    accounts.confirm_pin(PID, who, pin, name=f"{who.title()} Reyes", timezone=ZONE)


def _wrong(accounts: Accounts, pin: str = WRONG, who: str = "jack") -> int:
    """A wrong PIN answered as such: the tries it says are left."""
    with pytest.raises(WrongPin) as wrong:
        _confirm(accounts, pin, who)
    return wrong.value.tries_left


def _locked(accounts: Accounts, pin: str = PIN) -> PinLocked:
    with pytest.raises(PinLocked) as locked:
        _confirm(accounts, pin)
    return locked.value


def _miss(accounts: Accounts, times: int = 1) -> None:
    """`times` wrong PINs, the one that reaches the limit answered with the lock."""
    for _ in range(times):
        if _row(accounts).pin_failures + 1 < PIN_MISSES:
            _wrong(accounts)
        else:
            _locked(accounts, WRONG)


# -- match and mismatch ---------------------------------------------------------------------


def test_the_right_pin_is_confirmed_and_a_wrong_one_says_the_tries_left(
    accounts: Accounts,
) -> None:
    _confirm(accounts, PIN)
    with pytest.raises(WrongPin) as wrong:
        _confirm(accounts, WRONG)
    assert wrong.value.tries_left == PIN_MISSES - 1
    assert str(wrong.value) == (
        "wrong PIN for Jack Reyes: 4 tries left before the PIN locks for 15 minutes"
    )
    assert _wrong(accounts, PIN + "0") == PIN_MISSES - 2


def test_no_account_is_no_pin_and_no_guess(accounts: Accounts) -> None:
    for production, person in ((PID, "nobody"), ("other-production", "jack")):
        with pytest.raises(NoPin, match="has no account on this production"):
            accounts.confirm_pin(production, person, PIN, name="Nobody")
    assert _row(accounts).pin_failures == 0


def test_a_pin_is_stored_as_a_salted_peppered_hmac(accounts: Accounts) -> None:
    _person(accounts, "mia", PIN)  # the same PIN as jack
    jack, mia = _hash(accounts, "jack"), _hash(accounts, "mia")
    assert jack.startswith("hmac-sha256$")
    assert PIN not in jack.split("$", 2)[2]
    assert jack != mia  # a salt per account
    _confirm(accounts, PIN, "mia")


def test_someone_without_a_pin_is_told_to_set_one_not_counted(accounts: Accounts) -> None:
    _person(accounts, "gil", None)
    for _ in range(PIN_MISSES + 1):
        with pytest.raises(NoPin) as none:
            _confirm(accounts, PIN, "gil")
    assert str(none.value).startswith("Gil Reyes has not set a PIN: they set one from their own")
    assert "POST /api/v1/auth/pin" in str(none.value)
    assert _row(accounts, "gil").pin_failures == 0


@pytest.mark.parametrize("not_a_pin", ["", "123", "123456789", "12a4", "١٢٣٤", " 4321"])
def test_what_cannot_be_a_pin_is_not_counted_as_a_guess(accounts: Accounts, not_a_pin: str) -> None:
    for _ in range(PIN_MISSES + 1):
        with pytest.raises(InvalidCommand, match=r"^a PIN is 4 to 8 digits$"):
            _confirm(accounts, not_a_pin)
    assert _row(accounts).pin_failures == 0
    _confirm(accounts, PIN)


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
            with pytest.raises(NoPin, match="another deployment's signing key"):
                elsewhere.confirm_pin(PID, "jack", PIN, name="Jack Reyes")
        # Not a guess either: nothing counted, nothing locked.
        assert _row(elsewhere).pin_failures == 0
        # The same rows with the deployment's own key still match.
        home = Accounts(AccountStore(moved), pin_pepper(key), now, FAST_HASHER)
        _confirm(home, PIN)
    finally:
        moved.close()
        databases.drop(copy)


def test_the_pepper_follows_the_key_file(
    tmp_path: Path, store: SqlStore, accounts: Accounts, key: SigningKey, now: Now
) -> None:
    path = tmp_path / "signing.key"
    key.save(path)
    reloaded = Accounts(AccountStore(store), pin_pepper(SigningKey.load(path)), now)
    _confirm(reloaded, PIN)


# -- argon2id hashes from before ----------------------------------------------------------


def test_an_argon2_pin_still_matches_and_is_rewritten_as_hmac(accounts: Accounts) -> None:
    accounts.rows.update("jack", pin_hash=FAST_HASHER.hash(PIN))
    assert _hash(accounts).startswith("$argon2id$")
    _miss(accounts)
    assert _hash(accounts).startswith("$argon2id$")
    assert _row(accounts).pin_failures == 1  # a wrong PIN counts against old hashes too
    _confirm(accounts, PIN)
    assert _hash(accounts).startswith("hmac-sha256$")
    assert _row(accounts).pin_failures == 0
    _confirm(accounts, PIN)
    assert _wrong(accounts) == PIN_MISSES - 1


def test_an_argon2_pin_at_library_defaults_still_matches(accounts: Accounts) -> None:
    accounts.rows.update("jack", pin_hash=PasswordHasher().hash(PIN))
    _confirm(accounts, PIN)
    assert _hash(accounts).startswith("hmac-sha256$")


# -- lockout --------------------------------------------------------------------------------


def test_five_wrong_pins_in_a_row_lock_the_pin(accounts: Accounts, now: Now) -> None:
    assert [_wrong(accounts) for _ in range(PIN_MISSES - 1)] == [4, 3, 2, 1]
    assert _row(accounts).pin_failures == PIN_MISSES - 1
    assert _row(accounts).pin_locked_until is None
    fifth = _locked(accounts, WRONG)  # the fifth is answered: wrong, and now locked
    row = _row(accounts)
    assert row.pin_failures == PIN_MISSES
    assert row.pin_locked_until == now.at + PIN_LOCK_US
    assert fifth.until == now.at + PIN_LOCK_US
    # In the production's time (START_US is 09:00 in Denver, 15:00 UTC), naming the person.
    assert str(fifth).startswith(
        "wrong PIN for Jack Reyes, 5 in a row: the PIN is now locked, until 09:15:00 MDT: "
        "wait until then, or Jack Reyes sets a new PIN (which unlocks it)"
    )
    assert "UTC" not in str(fifth)
    for pin in (PIN, WRONG):  # even the right PIN is not checked now
        locked = _locked(accounts, pin)
        assert str(locked).startswith(
            "Jack Reyes's PIN is locked after 5 wrong PINs in a row, until 09:15:00 MDT"
        )
        assert locked.until == now.at + PIN_LOCK_US
        assert locked.retry_after_s == PIN_LOCK_US // 1_000_000
    assert _row(accounts) == row  # refused checks change nothing


def test_a_lock_into_another_day_gives_its_date(accounts: Accounts, now: Now) -> None:
    now.at += 14 * 3600 * 1_000_000 + 50 * 60 * 1_000_000  # 23:50 in Denver
    _miss(accounts, PIN_MISSES - 1)
    assert "until 2021-10-22 00:05:00 MDT" in str(_locked(accounts, WRONG))


def test_a_right_pin_before_the_limit_clears_the_count(accounts: Accounts) -> None:
    _miss(accounts, PIN_MISSES - 1)
    _confirm(accounts, PIN)
    assert _row(accounts).pin_failures == 0
    assert _wrong(accounts) == PIN_MISSES - 1  # a fresh run of misses
    _miss(accounts, PIN_MISSES - 2)
    _confirm(accounts, PIN)


def test_setting_the_pin_lifts_the_lock(accounts: Accounts) -> None:
    _miss(accounts, PIN_MISSES)
    _locked(accounts)
    accounts.set_pin("jack", "97531")
    row = _row(accounts)
    assert (row.pin_failures, row.pin_locked_until) == (0, None)
    assert _wrong(accounts, PIN) == PIN_MISSES - 1  # the old PIN is gone
    _confirm(accounts, "97531")


def test_the_lock_ends_after_its_period(accounts: Accounts, now: Now) -> None:
    _miss(accounts, PIN_MISSES)
    until = _row(accounts).pin_locked_until
    assert until is not None
    now.at = until - 1
    assert _locked(accounts).retry_after_s == 1
    now.at = until
    _confirm(accounts, PIN)
    row = _row(accounts)
    assert (row.pin_failures, row.pin_locked_until) == (0, None)


def test_after_a_lock_ends_one_more_miss_locks_again_and_says_so(
    accounts: Accounts, now: Now
) -> None:
    _miss(accounts, PIN_MISSES)
    now.at += PIN_LOCK_US
    again = _locked(accounts, WRONG)
    assert str(again).startswith(
        "wrong PIN for Jack Reyes: after 5 in a row each one locks the PIN again, until 09:30:00"
    )
    assert _row(accounts).pin_locked_until == now.at + PIN_LOCK_US == again.until
    _locked(accounts)


def test_a_lock_is_per_account(accounts: Accounts) -> None:
    _person(accounts, "mia", PIN)
    _miss(accounts, PIN_MISSES)
    _locked(accounts)
    _confirm(accounts, PIN, "mia")


def test_the_lock_is_in_the_database(
    store: SqlStore, accounts: Accounts, key: SigningKey, now: Now
) -> None:
    _miss(accounts, PIN_MISSES)
    # Another worker process: its own Accounts, the same rows.
    other = Accounts(AccountStore(SqlStore(store.url)), pin_pepper(key), now)
    try:
        _locked(other)
    finally:
        other.rows.store.close()


def test_concurrent_wrong_pins_land_at_most_five_misses(
    store: SqlStore, accounts: Accounts, key: SigningKey, now: Now
) -> None:
    workers = 12
    barrier = threading.Barrier(workers)
    answers: list[Exception] = []

    def guess(n: int) -> None:
        # Each thread its own engine, like a worker process.
        mine = Accounts(AccountStore(SqlStore(store.url)), pin_pepper(key), now)
        try:
            barrier.wait(timeout=30)
            try:
                _confirm(mine, f"{9000 + n}")
            except (WrongPin, PinLocked) as exc:
                answers.append(exc)
        finally:
            mine.rows.store.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == workers
    # Each miss that landed before the lock is told its own place in the run: the tries
    # left count down without a repeat or a gap, however the checks interleaved.
    left = sorted(a.tries_left for a in answers if isinstance(a, WrongPin))
    assert left == list(range(1, PIN_MISSES))
    # The fifth miss locks; the rest are refused.
    assert sum(isinstance(a, PinLocked) for a in answers) == workers - (PIN_MISSES - 1)
    assert sum("5 in a row" in str(a) for a in answers) == 1
    assert _row(accounts).pin_failures == PIN_MISSES
