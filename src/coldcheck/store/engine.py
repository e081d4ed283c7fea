"""The engine for a database URL: SQLite or PostgreSQL (through psycopg 3), each with the
settings that make an acknowledged append durable.

`sqlite:///file.db`, or `postgresql+psycopg://user@host/db` (`postgresql://` and
`postgres://` mean the same).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection, Engine

from coldcheck.domain.errors import StorageError

# How long a writer waits for another writer's lock before giving up (StorageError).
LOCK_TIMEOUT_S = 30


def database_url(url: str) -> sa.URL:
    """The URL, checked: SQLite, or PostgreSQL through psycopg 3 (the driver we test)."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise StorageError(f"not a database URL: {url!r}") from exc
    # `postgres://` is the spelling libpq and many hosts use; with no driver named,
    # SQLAlchemy would pick psycopg2, which ColdCheck neither installs nor tests.
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        return parsed
    shown = parsed.render_as_string(hide_password=True)
    raise StorageError(
        f"unsupported database URL {shown}: use sqlite:///FILE or "
        "postgresql+psycopg://USER@HOST/DATABASE"
    )


# SQLite copies its write-ahead log back into the database file (a checkpoint, with an
# fsync) inside whichever commit takes the log past this many pages. A server instead
# checkpoints in the background (SqlStore.checkpoint_wal), keeping commits short; the
# larger limit stays as a backstop should the background checkpoints fall behind.
WAL_AUTOCHECKPOINT_PAGES = 1000  # SQLite's default
WAL_BACKSTOP_PAGES = 20_000


def make_engine(url: str, background_wal: bool = False) -> Engine:
    """An engine with durable settings for the backend the URL names."""
    parsed = database_url(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            engine = sa.create_engine(parsed, connect_args={"timeout": LOCK_TIMEOUT_S})
            _durable_sqlite(
                engine, WAL_BACKSTOP_PAGES if background_wal else WAL_AUTOCHECKPOINT_PAGES
            )
        else:
            # READ COMMITTED, stated so a server default cannot change it. It suffices
            # because every append first locks its production's chain_heads row (SELECT …
            # FOR UPDATE): that lock serialises appenders per production, a waiting
            # appender re-reads the row as the previous one committed it, and everything
            # else it reads (events after its cached seq, the command id) is read after
            # the lock is held, by statements that each see all commits made before them.
            # The head's compare-and-set on seq backs this up. A stricter level would add
            # only serialization failures to retry.
            engine = sa.create_engine(
                parsed,
                isolation_level="READ COMMITTED",
                pool_pre_ping=True,
                connect_args={"connect_timeout": LOCK_TIMEOUT_S},
            )
            _durable_postgresql(engine)
    except (ImportError, sa.exc.ArgumentError) as exc:
        raise StorageError(
            f"cannot open {parsed.render_as_string(hide_password=True)}: {exc}"
        ) from exc
    return engine


def _durable_sqlite(engine: Engine, autocheckpoint_pages: int) -> None:
    @sa_event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN is ours to choose.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # FULL: a custody handover someone relies on survives power loss (NORMAL may not).
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute(f"PRAGMA wal_autocheckpoint={int(autocheckpoint_pages)}")
        cur.close()

    @sa_event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        # A deferred transaction that later upgrades to a write fails at once with
        # SQLITE_BUSY, ignoring busy_timeout; writers therefore begin IMMEDIATE.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _durable_postgresql(engine: Engine) -> None:
    @sa_event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cur:
            # An acknowledged handover must survive a crash: refuse a server (or role)
            # default of synchronous_commit=off; stronger settings (remote_apply) stay.
            cur.execute("SHOW synchronous_commit")
            if cur.fetchone()[0] == "off":
                cur.execute("SET synchronous_commit = on")
            # Like SQLite's busy timeout: an appender waits for another's head row lock,
            # but not for ever.
            cur.execute(f"SET lock_timeout = '{LOCK_TIMEOUT_S}s'")
        dbapi_conn.commit()  # a SET inside a transaction that rolls back is undone
