"""The SQLite store as migrated by Alembic: schema, durability settings, append-only rules."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from coldcheck.domain.errors import Conflict
from coldcheck.ledger import SigningKey
from coldcheck.store import SqlStore
from coldcheck.store.schema import metadata
from support.service_db import PID, open_store, raw, seed_demo


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "coldcheck.db"


@pytest.fixture
def store(db: Path) -> Iterator[SqlStore]:
    store = open_store(db)
    yield store
    store.close()


@pytest.fixture
def seeded(db: Path) -> Path:
    """A database holding the demo day (67 events, a checkpoint at DayClosed)."""
    app = seed_demo(db, SigningKey.generate())
    app.store.close()
    return db


def _schema(db: Path) -> list[tuple[str, str, str]]:
    with raw(db) as conn:
        rows: list[tuple[str, str, str]] = conn.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    return rows


def test_migrating_twice_is_harmless(db: Path) -> None:
    store = open_store(db)
    before = _schema(db)
    store.migrate()
    SqlStore(f"sqlite:///{db}").migrate()  # another process starting up
    assert _schema(db) == before
    with raw(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0002",)]
    store.close()


def test_migrating_keeps_the_record(seeded: Path) -> None:
    with raw(seeded) as conn:
        before = conn.execute("SELECT seq, body FROM events ORDER BY seq").fetchall()
    store = open_store(seeded)  # migrates again
    assert [(e.seq, e.body) for e in store.read_events(PID)] == before
    store.close()


def test_migrated_schema_matches_the_metadata(store: SqlStore) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True})
        assert compare_metadata(context, metadata) == []


def test_migrated_schema_has_the_append_only_triggers(db: Path, store: SqlStore) -> None:
    with raw(db) as conn:
        triggers = {name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers == {"events_no_update", "events_no_delete",
                        "checkpoints_no_update", "checkpoints_no_delete"}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET body = x'00' WHERE seq = 5",
        "UPDATE events SET actor = 'dan' WHERE seq = 5",
        "DELETE FROM events WHERE seq = 5",
        "DELETE FROM events",
        "UPDATE checkpoints SET root = zeroblob(32)",
        "DELETE FROM checkpoints",
    ],
)
def test_history_cannot_be_changed_in_the_database(seeded: Path, statement: str) -> None:
    with raw(seeded) as conn:
        table = "events" if "events" in statement else "checkpoints"
        before = conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        assert before
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
        assert conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall() == before


def test_the_engine_connections_are_durable(store: SqlStore) -> None:
    # Two connections at once: the pool's second connection gets the settings too.
    with store.engine.connect() as one, store.engine.connect() as two:
        for conn in (one, two):
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_the_append_transaction_is_durable_and_holds_the_write_lock(
        seeded: Path) -> None:
    store = open_store(seeded)
    with store.writing(PID) as tx:
        assert tx.conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert tx.conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        # BEGIN IMMEDIATE: the lock is held from the start, so no other writer gets in.
        with raw(seeded) as other:
            other.execute("PRAGMA busy_timeout = 0")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    store.close()


def test_seq_is_unique_per_production(seeded: Path) -> None:
    with raw(seeded) as conn:
        row = conn.execute("SELECT * FROM events WHERE seq = 7").fetchone()
        forked = (*row[:2], "another-event-id", *row[3:])
        with pytest.raises(sqlite3.IntegrityError, match=r"UNIQUE.*events\.production_id"):
            conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", forked)


def test_event_id_is_unique(seeded: Path) -> None:
    with raw(seeded) as conn:
        head = conn.execute("SELECT max(seq) FROM events").fetchone()[0]
        row = conn.execute("SELECT * FROM events WHERE seq = 7").fetchone()
        retried = (row[0], head + 1, *row[2:])
        with pytest.raises(sqlite3.IntegrityError, match=r"UNIQUE.*events\.event_id"):
            conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", retried)


def test_a_fork_through_the_store_is_a_conflict_and_writes_nothing(seeded: Path) -> None:
    store = open_store(seeded)
    head = store.head(PID)
    existing = next(store.read_events(PID, after=6, upto=7))
    with pytest.raises(Conflict), store.writing(PID) as tx:
        tx.append([existing], head)  # seq 7 again: the primary key refuses it
    assert store.head(PID) == head
    assert len(list(store.read_events(PID))) == head.seq
    store.close()


def test_events_need_an_existing_production(store: SqlStore) -> None:
    with store.engine.connect() as conn, pytest.raises(sa.exc.IntegrityError, match="FOREIGN"):
        conn.exec_driver_sql(
            "INSERT INTO events VALUES ('nowhere', 1, 'x.0', 'PersonAdded', 0, NULL, "
            "x'7b7d', zeroblob(32), zeroblob(32))")
