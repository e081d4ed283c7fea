"""The real service over a real SQLite file, for integration tests: clock, set-up, raw access.

Nothing here is a mock: stores are `SqlStore`s over a file, migrated by Alembic; raw
access goes through `sqlite3`, as someone with the database file in hand would tamper.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.ledger import SigningKey
from coldcheck.service import Clock, ColdCheck
from coldcheck.store import SqlStore
from support.harness import Harness

PID = demo.PRODUCTION
START_US = 1_634_828_400_000_000  # 2021-10-21 09:00 in America/Denver
SECOND_US = 1_000_000
TODAY = "2021-10-21"  # the production's local date at START_US
APPEND_ONLY_TRIGGERS = ("events_no_update", "events_no_delete",
                        "checkpoints_no_update", "checkpoints_no_delete")


class FakeClock:
    """A wall clock that moves one second each time it is read."""

    def __init__(self, start: int = START_US, step: int = SECOND_US) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> int:
        now = self.now
        self.now += self.step
        return now


def url(path: Path | str) -> str:
    return f"sqlite:///{path}"


def open_store(path: Path | str, *, migrate: bool = True) -> SqlStore:
    store = SqlStore(url(path))
    if migrate:
        store.migrate()
    return store


def open_app(path: Path | str, key: SigningKey, clock: Clock | None = None,
             checkpoint_every: int = 1000) -> ColdCheck:
    """A service over the file, as a separate process would open it (its own engine)."""
    return ColdCheck(open_store(path), key, clock=clock or FakeClock(),
                     checkpoint_every=checkpoint_every)


def runner(app: ColdCheck, production_id: str = PID) -> demo.Run:
    return lambda cmd: app.execute(production_id, cmd)


def seed_demo(path: Path | str, key: SigningKey, checkpoint_every: int = 1000) -> ColdCheck:
    """The whole demo day recorded through the service into a fresh database file."""
    app = open_app(path, key, checkpoint_every=checkpoint_every)
    demo.seed(runner(app), TODAY)
    return app


def harness_demo() -> Harness:
    """The demo in memory, on the same clock readings the service gets (one per command)."""
    harness = Harness()
    clock = FakeClock()

    def run(cmd: c.Command) -> object:
        harness.now = clock()
        return harness.run(cmd)

    demo.seed(run, TODAY)
    return harness


@contextlib.contextmanager
def raw(path: Path | str) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection in autocommit mode, closed afterwards."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def drop_append_only_triggers(conn: sqlite3.Connection) -> None:
    for trigger in APPEND_ONLY_TRIGGERS:
        conn.execute(f"DROP TRIGGER {trigger}")


def copy_db(source: Path | str, target: Path | str) -> None:
    """A consistent copy of a live WAL database (the online backup API, not a file copy)."""
    with raw(source) as src, raw(target) as dst:
        src.backup(dst)
