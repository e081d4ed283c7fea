"""The SQL store's durability on SQLite and PostgreSQL: the connections' settings, the
append transaction's lock (BEGIN IMMEDIATE, the head row FOR UPDATE), the writers' file
lock, and SQLite's log checkpointed off the commit path."""

from __future__ import annotations

import fcntl
import sqlite3

import psycopg
import pytest
import sqlalchemy as sa

from coldcheck import demo
from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck
from coldcheck.store import SqlStore
from coldcheck.store.engine import WAL_BACKSTOP_PAGES
from coldcheck.verification import verify_log
from support.service_db import PID, open_store, raw, runner, seed_demo


def test_the_sqlite_connections_are_durable(sqlite_database: str) -> None:
    store = open_store(sqlite_database)
    # Two connections at once: the pool's second connection gets the settings too.
    with store.engine.connect() as one, store.engine.connect() as two:
        for conn in (one, two):
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()


def test_the_postgresql_connections_are_durable(postgresql_database: str) -> None:
    store = open_store(postgresql_database)
    with store.engine.connect() as one, store.engine.connect() as two:
        for conn in (one, two):
            assert conn.exec_driver_sql("SHOW fsync").scalar() == "on"
            assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
            assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == ("read committed")
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "30s"
    store.close()


def test_a_database_default_of_asynchronous_commit_is_overridden(postgresql_database: str) -> None:
    name = sa.make_url(postgresql_database).database
    with raw(postgresql_database) as conn:
        conn.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
        conn.execute(f"ALTER DATABASE {name} SET default_transaction_isolation = 'serializable'")
    with raw(postgresql_database) as conn:  # the defaults apply to new sessions
        assert conn.one("SHOW synchronous_commit") == ("off",)
    store = open_store(postgresql_database)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
        assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == ("read committed")
    store.close()


def test_the_sqlite_append_transaction_is_durable_and_holds_the_write_lock(
    sqlite_database: str,
) -> None:
    seed_demo(sqlite_database, SigningKey.generate()).store.close()
    store = open_store(sqlite_database)
    path = sa.make_url(sqlite_database).database
    assert path
    with store.writing(PID) as tx:
        assert tx.conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert tx.conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        # BEGIN IMMEDIATE: the lock is held from the start, so no other writer gets in.
        other = sqlite3.connect(path, isolation_level=None)
        try:
            other.execute("PRAGMA busy_timeout = 0")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
    store.close()


def test_the_postgresql_append_transaction_is_durable_and_holds_the_head_row_lock(
    postgresql_database: str,
) -> None:
    seed_demo(postgresql_database, SigningKey.generate()).store.close()
    store = open_store(postgresql_database)
    lock_head = "SELECT seq FROM chain_heads WHERE production_id = ? FOR UPDATE NOWAIT"
    with raw(postgresql_database) as other:
        with store.writing(PID) as tx:
            assert tx.conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
            # SELECT … FOR UPDATE: a second writer cannot take the head row…
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(lock_head, (PID,))
            # …while readers are not held up, and nothing else is locked.
            assert other.one("SELECT seq FROM chain_heads WHERE production_id = ?", (PID,)) == (
                tx.head.seq,
            )
            assert other.one("SELECT count(*) FROM events")[0] == tx.head.seq
            assert (
                other.all(
                    "SELECT relation::regclass::text FROM pg_locks "
                    "WHERE mode = 'AccessExclusiveLock' "
                    "AND relation IS NOT NULL "
                    # Only this test's database: tests running beside it create
                    # and drop tables of their own on the same server.
                    "AND database = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database())"
                )
                == []
            )
        assert other.one(lock_head, (PID,)) == (store.head(PID).seq,)  # released
    store.close()


def test_a_server_store_checkpoints_sqlites_log_off_the_commit_path(sqlite_database: str) -> None:
    open_store(sqlite_database).close()
    store = SqlStore(sqlite_database, background_wal=True)
    assert store.background_wal
    with store.engine.connect() as conn:
        # Commits leave the log alone until the backstop; the owner checkpoints instead.
        pages = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        assert pages == WAL_BACKSTOP_PAGES
    app = ColdCheck(store, SigningKey.generate())
    demo.setup(runner(app))
    in_log, copied = store.checkpoint_wal()
    assert in_log > 0
    assert copied == in_log  # nobody was reading: the whole log went into the file
    assert verify_log(store, PID, app.key.public_key_bytes()).ok
    store.close()
    assert not SqlStore(sqlite_database).background_wal  # the CLI's default


def test_sqlite_writers_of_every_process_queue_on_one_file_lock(sqlite_database: str) -> None:
    store = open_store(sqlite_database)
    lock_path = f"{sa.make_url(sqlite_database).database}-writer.lock"
    # While a transaction writes, another process (another open file description)
    # cannot take the lock...
    with store._writer(), open(lock_path, "a") as other, pytest.raises(BlockingIOError):
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    # ...and can as soon as the transaction has ended.
    with open(lock_path, "a") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(other, fcntl.LOCK_UN)
    store.close()
