"""The real service over a real database, for integration tests: clock, set-up, raw access.

Nothing here is a mock: every test runs on SQLite (a file in its tmp_path) and on
PostgreSQL (a database of its own on a real server, see support.postgres); stores are
`SqlStore`s migrated by Alembic. Raw access goes through the driver itself (`sqlite3`,
`psycopg` as the superuser), as someone with the database in hand would tamper.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.ledger import SigningKey
from coldcheck.service import Clock, ColdCheck
from coldcheck.store import SqlStore
from support import postgres
from support.clock import SECOND_US, START_US
from support.clock import TODAY as TODAY
from support.harness import Harness

PID = demo.PRODUCTION
SQLITE_TRIGGERS = (
    "events_no_update",
    "events_no_delete",
    "checkpoints_no_update",
    "checkpoints_no_delete",
)
APPEND_ONLY_TABLES = ("events", "checkpoints")
# The backends every integration test runs on, as pytest parameters (ids read well).
BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql")]


class FakeClock:
    """A wall clock that moves one second each time it is read."""

    def __init__(self, start: int = START_US, step: int = SECOND_US) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> int:
        now = self.now
        self.now += self.step
        return now


def sqlite_url(path: Path | str) -> str:
    return f"sqlite:///{path}"


def dialect(url: str) -> str:
    """The backend a URL names: "sqlite" or "postgresql"."""
    return sa.make_url(url).get_backend_name()


class Databases:
    """Fresh databases of one backend for one test (or module), removed afterwards:
    SQLite files in a folder, or databases on the test PostgreSQL server."""

    def __init__(self, kind: str, folder: Path, server: postgres.Server | None) -> None:
        assert (kind == "postgresql") == (server is not None), kind
        self.kind = kind
        self.folder = folder
        self.server = server
        self._names = itertools.count(1)

    def create(self) -> str:
        """The URL of a new, empty database (not migrated)."""
        if self.server:
            return self.server.create()
        return sqlite_url(self.folder / f"coldcheck-{next(self._names)}.db")

    def copy(self, source: str) -> str:
        """A consistent copy of a database nobody is writing to; returns its URL."""
        if self.server:
            return self.server.create(template=source)
        target = self.create()
        copy_sqlite(_sqlite_path(source), _sqlite_path(target))
        return target

    def drop(self, url: str) -> None:
        if self.server:
            self.server.drop(url)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{_sqlite_path(url)}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        if self.server:
            self.server.drop_all()


@contextlib.contextmanager
def databases_for(request: pytest.FixtureRequest, kind: str, folder: Path) -> Iterator[Databases]:
    """Databases of `kind`; PostgreSQL's server is started only when a test needs it."""
    server = None
    if kind == "postgresql":
        server = postgres.Server(request.getfixturevalue("postgres_admin_url"))
    databases = Databases(kind, folder, server)
    try:
        yield databases
    finally:
        databases.close()


def _sqlite_path(url: str) -> str:
    database = sa.make_url(url).database
    assert database, url
    return database


def open_store(url: str, *, migrate: bool = True) -> SqlStore:
    store = SqlStore(url)
    if migrate:
        store.migrate()
    return store


def open_app(
    url: str, key: SigningKey, clock: Clock | None = None, checkpoint_every: int = 1000
) -> ColdCheck:
    """A service over the database, as a separate process would open it (its own engine)."""
    return ColdCheck(
        open_store(url), key, clock=clock or FakeClock(), checkpoint_every=checkpoint_every
    )


def runner(app: ColdCheck, production_id: str = PID) -> demo.Run:
    return lambda cmd: app.execute(production_id, cmd)


def seed_demo(url: str, key: SigningKey, checkpoint_every: int = 1000) -> ColdCheck:
    """The whole demo day recorded through the service into a fresh database."""
    app = open_app(url, key, checkpoint_every=checkpoint_every)
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


class Raw:
    """A plain driver connection in autocommit mode: `sqlite3`, or `psycopg` as the
    superuser. SQL takes `?` placeholders on both; rows come back as tuples, binary
    columns as bytes."""

    def __init__(self, url: str) -> None:
        self.dialect = dialect(url)
        self.conn: Any
        if self.dialect == "sqlite":
            self.conn = sqlite3.connect(_sqlite_path(url), isolation_level=None)
        else:
            self.conn = postgres.connect(url)

    def execute(self, sql: str, params: Sequence[object] = ()) -> Any:
        """Run one statement; returns the driver's cursor."""
        if self.dialect == "postgresql":
            sql = sql.replace("?", "%s")
        return self.conn.execute(sql, tuple(params))

    def one(self, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...]:
        row = self.execute(sql, params).fetchone()
        assert row is not None, sql
        return tuple(row)

    def all(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.execute(sql, params).fetchall()]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Several statements committed together (or not at all)."""
        if self.dialect == "postgresql":
            with self.conn.transaction():
                yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


@contextlib.contextmanager
def raw(url: str) -> Iterator[Raw]:
    """A raw connection to the database, closed afterwards."""
    conn = Raw(url)
    try:
        yield conn
    finally:
        conn.close()


def drop_append_only_triggers(conn: Raw) -> None:
    """What an attacker holding the database does first: let history be changed."""
    if conn.dialect == "sqlite":
        for trigger in SQLITE_TRIGGERS:
            conn.execute(f"DROP TRIGGER {trigger}")
    else:
        for table in APPEND_ONLY_TABLES:
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")


def copy_sqlite(source: Path | str, target: Path | str) -> None:
    """A consistent copy of a live WAL database (the online backup API, not a file copy)."""
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
