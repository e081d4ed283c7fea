"""What only the SQL store has, on SQLite and PostgreSQL: the schema as migrated by
Alembic, append-only triggers against raw SQL, and driver errors kept inside the store.
Durability settings and the writers' locks: test_store_durability.py. The port's
contract, on every store (memory too): test_store.py."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator

import psycopg
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from coldcheck.domain.errors import StorageError
from coldcheck.ledger import SigningKey
from coldcheck.store import SqlStore
from coldcheck.store.engine import database_url
from coldcheck.store.schema import events, metadata
from support import postgres
from support.service_db import (
    BACKENDS,
    PID,
    Databases,
    Raw,
    databases_for,
    dialect,
    open_store,
    raw,
    seed_demo,
)

# How each backend's own driver reports a refused write, for raw connections.
REFUSED: dict[str, type[Exception]] = {
    "sqlite": sqlite3.IntegrityError,
    "postgresql": psycopg.Error,
}
# The log's tables, and a studio's copies of other sets' logs (migration 0005).
APPEND_ONLY = {"events", "checkpoints", "studio_events", "studio_checkpoints"}
SQLITE_TRIGGERS = {f"{table}_no_{verb}" for table in APPEND_ONLY for verb in ("update", "delete")}


@pytest.fixture
def store(backend: str) -> Iterator[SqlStore]:
    store = open_store(backend)
    yield store
    store.close()


@pytest.fixture(scope="module", params=BACKENDS)
def demo_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Databases, str]]:
    """The demo day recorded once per backend, for tests to copy."""
    with databases_for(request, request.param, tmp_path_factory.mktemp("demo")) as made:
        url = made.create()
        seed_demo(url, SigningKey.generate()).store.close()
        yield made, url


@pytest.fixture
def seeded(demo_template: tuple[Databases, str]) -> Iterator[str]:
    """A database of its own holding the demo day (a checkpoint at DayClosed)."""
    made, template = demo_template
    url = made.copy(template)
    yield url
    made.drop(url)


def _schema(url: str) -> list[tuple[object, ...]]:
    """Everything the migrations create, as the database describes it."""
    with raw(url) as conn:
        if conn.dialect == "sqlite":
            return conn.all("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        return [
            *conn.all(
                "SELECT table_name, column_name, data_type, is_nullable "
                "FROM information_schema.columns WHERE table_schema = 'public' "
                "ORDER BY 1, 2"
            ),
            *conn.all(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
                "ORDER BY 1, 2"
            ),
            *conn.all(
                "SELECT tgrelid::regclass::text, pg_get_triggerdef(oid) "
                "FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2"
            ),
            *conn.all(
                "SELECT proname, prosrc FROM pg_proc "
                "WHERE pronamespace = 'public'::regnamespace ORDER BY 1"
            ),
        ]


def _rows(conn: Raw, table: str) -> list[tuple[object, ...]]:
    return conn.all(f"SELECT * FROM {table} ORDER BY 1, 2")


# -- migrations -------------------------------------------------------------------------


def test_migrating_twice_is_harmless(backend: str) -> None:
    store = open_store(backend)
    before = _schema(backend)
    store.migrate()
    SqlStore(backend).migrate()  # another process starting up
    assert _schema(backend) == before
    with raw(backend) as conn:
        assert conn.all("SELECT version_num FROM alembic_version") == [("0007",)]
    store.close()


def test_two_processes_migrating_at_once_both_succeed(backend: str) -> None:
    stores = [SqlStore(backend) for _ in range(3)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(stores))

    def migrate(store: SqlStore) -> None:
        try:
            barrier.wait(timeout=10)
            store.migrate()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=migrate, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(s.initialised() for s in stores)
    for s in stores:
        s.close()


def test_migrating_keeps_the_record(seeded: str) -> None:
    with raw(seeded) as conn:
        before = conn.all("SELECT seq, body FROM events ORDER BY seq")
    store = open_store(seeded)  # migrates again
    assert [(e.seq, e.body) for e in store.read_events(PID)] == before
    store.close()


def test_migrated_schema_matches_the_metadata(store: SqlStore) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, metadata) == []


def test_migrated_sqlite_schema_has_the_append_only_triggers(sqlite_database: str) -> None:
    open_store(sqlite_database).close()
    with raw(sqlite_database) as conn:
        triggers = {
            name for (name,) in conn.all("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
    assert triggers == SQLITE_TRIGGERS


def test_migrated_postgresql_schema_has_the_append_only_triggers(postgresql_database: str) -> None:
    open_store(postgresql_database).close()
    with raw(postgresql_database) as conn:
        triggers = dict(
            conn.all(
                "SELECT tgrelid::regclass::text, pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE NOT tgisinternal AND tgenabled = 'O'"
            )
        )
    assert set(triggers) == APPEND_ONLY
    for definition in triggers.values():
        assert "BEFORE DELETE OR UPDATE OR TRUNCATE" in definition
        assert "coldcheck_append_only()" in definition


# -- history cannot be changed ----------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "params"),
    [
        ("UPDATE events SET body = ? WHERE seq = 5", (b"\x00",)),
        ("UPDATE events SET actor = 'dan' WHERE seq = 5", ()),
        ("UPDATE events SET seq = seq + 1000", ()),
        ("DELETE FROM events WHERE seq = 5", ()),
        ("DELETE FROM events", ()),
        ("UPDATE checkpoints SET root = ?", (bytes(32),)),
        ("DELETE FROM checkpoints", ()),
    ],
)
def test_history_cannot_be_changed_in_the_database(
    seeded: str, statement: str, params: tuple[object, ...]
) -> None:
    table = "events" if "events" in statement else "checkpoints"
    with raw(seeded) as conn:
        before = _rows(conn, table)
        assert before
        with pytest.raises(REFUSED[conn.dialect], match="append-only"):
            conn.execute(statement, params)
        assert _rows(conn, table) == before


def test_postgresql_refuses_truncate(postgresql_database: str) -> None:
    seed_demo(postgresql_database, SigningKey.generate()).store.close()
    with raw(postgresql_database) as conn:
        before = _rows(conn, "events"), _rows(conn, "checkpoints")
        for statement in (
            "TRUNCATE events",
            "TRUNCATE checkpoints",
            "TRUNCATE events, checkpoints",
            "TRUNCATE productions CASCADE",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)
        assert (_rows(conn, "events"), _rows(conn, "checkpoints")) == before


def test_seq_is_unique_per_production(seeded: str) -> None:
    with raw(seeded) as conn:
        row = conn.one("SELECT * FROM events WHERE seq = 7")
        forked = (*row[:2], "another-event-id", *row[3:])
        with pytest.raises(
            REFUSED[conn.dialect], match=r"UNIQUE.*events\.production_id|events_pkey"
        ):
            conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", forked)


def test_event_id_is_unique(seeded: str) -> None:
    with raw(seeded) as conn:
        head = conn.one("SELECT max(seq) FROM events")[0]
        row = conn.one("SELECT * FROM events WHERE seq = 7")
        retried = (row[0], head + 1, *row[2:])
        with pytest.raises(
            REFUSED[conn.dialect], match=r"UNIQUE.*events\.event_id|events_event_id_key"
        ):
            conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", retried)


def test_events_need_an_existing_production(store: SqlStore) -> None:
    with (
        store.engine.connect() as conn,
        pytest.raises(sa.exc.IntegrityError, match=r"(?i)foreign key"),
    ):
        conn.execute(
            events.insert().values(
                production_id="nowhere",
                seq=1,
                event_id="x.0",
                type="PersonAdded",
                at=0,
                actor=None,
                body=b"{}",
                leaf_hash=bytes(32),
                root=bytes(32),
            )
        )


# -- driver errors stay inside the store ------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "postgresql://rosa@db.example/coldcheck",
            "postgresql+psycopg://rosa@db.example/coldcheck",
        ),
        (
            "postgres://rosa:secret@db.example:6543/coldcheck",
            "postgresql+psycopg://rosa:secret@db.example:6543/coldcheck",
        ),
        (
            "postgresql+psycopg://rosa@db.example/coldcheck",
            "postgresql+psycopg://rosa@db.example/coldcheck",
        ),
        ("sqlite:///coldcheck.db", "sqlite:///coldcheck.db"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_database_urls_name_the_psycopg_driver(given: str, expected: str) -> None:
    assert database_url(given).render_as_string(hide_password=False) == expected


@pytest.mark.parametrize(
    "given",
    [
        "mysql://rosa@db.example/coldcheck",
        "postgresql+psycopg2://rosa:secret@db.example/cc",
        "postgresql+asyncpg://rosa@db.example/cc",
        "coldcheck.db",
        "",
    ],
)
def test_other_database_urls_are_a_storage_error(given: str) -> None:
    with pytest.raises(StorageError) as excinfo:
        SqlStore(given)
    assert "secret" not in str(excinfo.value)


def test_an_unreachable_postgresql_server_is_a_storage_error(postgres_admin_url: str) -> None:
    port = sa.make_url(postgres_admin_url).port
    store = SqlStore(f"postgresql://postgres@127.0.0.1:{port}/no_such_database")
    with pytest.raises(StorageError, match="no_such_database"):
        store.head(PID)
    with pytest.raises(StorageError):
        store.migrate()
    store.close()


def test_driver_errors_inside_an_append_become_storage_errors(backend: str) -> None:
    seed_demo(backend, SigningKey.generate()).store.close()
    store = open_store(backend, migrate=False)
    with pytest.raises(StorageError, match="append-only"), store.writing(PID) as tx:
        tx.conn.execute(events.delete().where(events.c.seq == 1))
    assert [e.seq for e in store.read_events(PID, upto=1)] == [1]
    store.close()


def test_the_test_server_runs_postgresql_on_loopback(postgres_admin_url: str) -> None:
    assert dialect(postgres_admin_url) == "postgresql"
    with postgres.connect(postgres_admin_url) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        assert conn.execute("SHOW fsync").fetchone() == ("on",)
        assert conn.execute(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).fetchone() == (True,)
