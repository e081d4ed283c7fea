"""Account writes queue on the log's writer lock (SQLite's `<database>-writer.lock`).

Every SQLite writer of every process takes that `flock` before BEGIN IMMEDIATE
(SqlStore._queued), so writers wake in turn instead of sleeping in SQLite's busy handler.
Accounts, tokens, PIN lockouts and failed logins write through the same writer: here
another holder keeps the lock, and each write is seen waiting for it (the kernel lists it
as a blocked `flock`) and landing only once it is let go. PostgreSQL has no such lock:
its writers wait on row locks, and the same writes are tested on it elsewhere.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from coldcheck.accounts import Accounts, Unauthenticated, WrongPin, pin_pepper
from coldcheck.ledger import SigningKey
from coldcheck.store import SqlStore
from coldcheck.store.accounts import AccountRow, AccountStore
from coldcheck.store.schema import accounts as accounts_table
from support.service_db import START_US, open_store

PID = "lock-test"
PIN = "4321"
PASSWORD = "a-long-password"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
WAIT_S = 20
ADDRESS = "198.51.100.7"


@pytest.fixture
def store(sqlite_database: str) -> Iterator[SqlStore]:
    store = open_store(sqlite_database)
    yield store
    store.close()


@pytest.fixture
def accounts(store: SqlStore) -> Accounts:
    """jack (PIN 4321) acting as `jack` on the production; mia, on no production yet."""
    accounts = Accounts(
        AccountStore(store), pin_pepper(SigningKey.generate()), lambda: START_US, FAST_HASHER
    )
    for name in ("jack", "mia"):
        accounts.rows.create(AccountRow(name, FAST_HASHER.hash(PASSWORD), None, False, START_US))
    accounts.set_pin("jack", PIN)
    accounts.rows.link("jack", PID, "jack")
    return accounts


def _lock_path(store: SqlStore) -> Path:
    database = store.engine.url.database
    assert database
    return Path(f"{database}-writer.lock")


def _blocked_on(path: Path) -> bool:
    """Whether someone is waiting for an exclusive `flock` on the file (/proc/locks lists
    each waiter as `-> FLOCK … <major>:<minor>:<inode>`)."""
    inode = os.stat(path).st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if (
            len(fields) > 5
            and fields[1] == "->"
            and fields[2] == "FLOCK"
            and (fields[6].rsplit(":", 1)[-1] == str(inode))
        ):
            return True
    return False


def _wrong_login(a: Accounts) -> None:
    with pytest.raises(Unauthenticated):
        a.login("jack", "not-the-password", address=ADDRESS)


def _wrong_pin(a: Accounts) -> None:
    with pytest.raises(WrongPin):
        a.confirm_pin(PID, "jack", "1111", name="Jack")


def _failed_logins(a: Accounts) -> int:
    subject = a.throttle.subjects("jack", ADDRESS)[0]
    row = a.throttle.rows.read([subject])[subject]
    return row.failures if row else 0


def _password_is(a: Accounts, name: str, password: str) -> bool:
    row = a.rows.get(name)
    assert row is not None
    return a._matches(row.password_hash, password)


def _pin_of(a: Accounts, name: str = "jack") -> tuple[str | None, int]:
    row = a.rows.get(name)
    assert row is not None
    return row.pin_hash, row.pin_failures


# Each write: (what to do first, the write, whether it has landed).
Write = tuple[
    Callable[[Accounts], object], Callable[[Accounts], object], Callable[[Accounts], bool]
]
WRITES: dict[str, Write] = {
    "create an account": (
        lambda a: None,
        lambda a: a.create("newbie", PASSWORD),
        lambda a: a.rows.get("newbie") is not None,
    ),
    "change a password": (
        lambda a: None,
        lambda a: a.set_password("mia", "another-long-password"),
        lambda a: _password_is(a, "mia", "another-long-password"),
    ),
    "set a PIN": (
        lambda a: None,
        lambda a: a.set_pin("mia", "97531"),
        lambda a: _pin_of(a, "mia")[0] is not None,
    ),
    "link to a person": (
        lambda a: None,
        lambda a: a.rows.link("mia", PID, "mia"),
        lambda a: a.rows.person("mia", PID) == "mia",
    ),
    "issue a token": (
        lambda a: None,
        lambda a: a.issue("mia", "device", "tablet"),
        lambda a: len(a.rows.tokens("mia")) == 1,
    ),
    "revoke a token": (
        lambda a: a.issue("mia", "device", "tablet"),
        lambda a: a.revoke("mia", a.rows.tokens("mia")[0].token_id),
        lambda a: a.rows.tokens("mia")[0].revoked_at is not None,
    ),
    "count a wrong PIN": (lambda a: None, _wrong_pin, lambda a: _pin_of(a)[1] == 1),
    "clear the misses with the right PIN": (
        _wrong_pin,
        lambda a: a.confirm_pin(PID, "jack", PIN, name="Jack"),
        lambda a: _pin_of(a)[1] == 0,
    ),
    "count a failed login": (lambda a: None, _wrong_login, lambda a: _failed_logins(a) == 1),
    "end a run of failed logins": (
        _wrong_login,
        lambda a: a.login("jack", PASSWORD, address=ADDRESS),
        lambda a: _failed_logins(a) == 0,
    ),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_an_account_write_waits_for_the_writer_lock(
    store: SqlStore, accounts: Accounts, name: str
) -> None:
    before, write, landed = WRITES[name]
    before(accounts)
    assert not landed(accounts)
    done = threading.Event()
    failed: list[BaseException] = []

    def run() -> None:
        try:
            write(accounts)
        except BaseException as exc:  # reported by the test below
            failed.append(exc)
        done.set()

    path = _lock_path(store)
    with open(path, "a") as held:  # another writer, mid-transaction
        fcntl.flock(held, fcntl.LOCK_EX)
        try:
            worker = threading.Thread(target=run)
            worker.start()
            for _ in range(WAIT_S * 100):
                if _blocked_on(path) or done.is_set():
                    break
                done.wait(0.01)
            assert not done.is_set(), f"{name} did not wait for the writer lock: {failed}"
            assert _blocked_on(path)
            assert not landed(accounts)
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
    worker.join(WAIT_S)
    assert done.is_set()
    assert not failed, failed
    assert landed(accounts)


def test_the_old_path_did_not_wait(store: SqlStore, accounts: Accounts) -> None:
    """What the account writes used to do (their own BEGIN IMMEDIATE, no file lock) goes
    straight past a held writer lock: it is the lock, not SQLite, that the test above
    sees them wait for."""
    path = _lock_path(store)
    with open(path, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        try:
            with store.engine.connect() as conn:
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
                with conn.begin():
                    conn.execute(
                        accounts_table.update()
                        .where(accounts_table.c.username == "mia")
                        .values(pin_failures=3)
                    )
            assert not _blocked_on(path)
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)
    assert _pin_of(accounts, "mia")[1] == 3
