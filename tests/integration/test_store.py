"""The store as migrated by Alembic, on SQLite and PostgreSQL: schema, durability settings,
append-only rules, the head-row lock, and driver errors kept inside the store."""

from __future__ import annotations

import fcntl
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import psycopg
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from coldcheck import demo
from coldcheck.domain import commands as c
from coldcheck.domain.errors import Conflict, StorageError
from coldcheck.ledger import SignedCheckpoint, SigningKey
from coldcheck.service import ColdCheck
from coldcheck.store import Head, SqlStore, StoredEvent
from coldcheck.store.engine import WAL_BACKSTOP_PAGES, database_url
from coldcheck.store.schema import events, metadata
from coldcheck.verification import verify_log
from support import postgres
from support.service_db import (
    BACKENDS,
    PID,
    START_US,
    Databases,
    FakeClock,
    Raw,
    databases_for,
    dialect,
    open_app,
    open_store,
    raw,
    runner,
    seed_demo,
)

# How each backend's own driver reports a refused write, for raw connections.
REFUSED: dict[str, type[Exception]] = {"sqlite": sqlite3.IntegrityError,
                                       "postgresql": psycopg.Error}
SQLITE_TRIGGERS = {"events_no_update", "events_no_delete",
                   "checkpoints_no_update", "checkpoints_no_delete"}


@pytest.fixture
def store(backend: str) -> Iterator[SqlStore]:
    store = open_store(backend)
    yield store
    store.close()


@pytest.fixture(scope="module", params=BACKENDS)
def demo_template(request: pytest.FixtureRequest,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Databases, str]]:
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
            *conn.all("SELECT table_name, column_name, data_type, is_nullable "
                      "FROM information_schema.columns WHERE table_schema = 'public' "
                      "ORDER BY 1, 2"),
            *conn.all("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                      "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
                      "ORDER BY 1, 2"),
            *conn.all("SELECT tgrelid::regclass::text, pg_get_triggerdef(oid) "
                      "FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2"),
            *conn.all("SELECT proname, prosrc FROM pg_proc "
                      "WHERE pronamespace = 'public'::regnamespace ORDER BY 1"),
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
        assert conn.all("SELECT version_num FROM alembic_version") == [("0004",)]
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
            conn, opts={"compare_type": True, "compare_server_default": True})
        assert compare_metadata(context, metadata) == []


def test_migrated_sqlite_schema_has_the_append_only_triggers(sqlite_database: str) -> None:
    open_store(sqlite_database).close()
    with raw(sqlite_database) as conn:
        triggers = {name for (name,) in conn.all(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers == SQLITE_TRIGGERS


def test_migrated_postgresql_schema_has_the_append_only_triggers(
        postgresql_database: str) -> None:
    open_store(postgresql_database).close()
    with raw(postgresql_database) as conn:
        triggers = dict(conn.all(
            "SELECT tgrelid::regclass::text, pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE NOT tgisinternal AND tgenabled = 'O'"))
    assert set(triggers) == {"events", "checkpoints"}
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
def test_history_cannot_be_changed_in_the_database(seeded: str, statement: str,
                                                   params: tuple[object, ...]) -> None:
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
        for statement in ("TRUNCATE events", "TRUNCATE checkpoints",
                          "TRUNCATE events, checkpoints", "TRUNCATE productions CASCADE"):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                conn.execute(statement)
        assert (_rows(conn, "events"), _rows(conn, "checkpoints")) == before


def test_seq_is_unique_per_production(seeded: str) -> None:
    with raw(seeded) as conn:
        row = conn.one("SELECT * FROM events WHERE seq = 7")
        forked = (*row[:2], "another-event-id", *row[3:])
        with pytest.raises(REFUSED[conn.dialect],
                           match=r"UNIQUE.*events\.production_id|events_pkey"):
            conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", forked)


def test_event_id_is_unique(seeded: str) -> None:
    with raw(seeded) as conn:
        head = conn.one("SELECT max(seq) FROM events")[0]
        row = conn.one("SELECT * FROM events WHERE seq = 7")
        retried = (row[0], head + 1, *row[2:])
        with pytest.raises(REFUSED[conn.dialect],
                           match=r"UNIQUE.*events\.event_id|events_event_id_key"):
            conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", retried)


def test_a_fork_through_the_store_is_a_conflict_and_writes_nothing(seeded: str) -> None:
    store = open_store(seeded)
    head = store.head(PID)
    existing = next(store.read_events(PID, after=6, upto=7))
    with pytest.raises(Conflict), store.writing(PID) as tx:
        tx.append([existing], head)  # seq 7 again: the primary key refuses it
    assert store.head(PID) == head
    assert len(list(store.read_events(PID))) == head.seq
    store.close()


def test_events_need_an_existing_production(store: SqlStore) -> None:
    with store.engine.connect() as conn, pytest.raises(sa.exc.IntegrityError,
                                                       match=r"(?i)foreign key"):
        conn.execute(events.insert().values(
            production_id="nowhere", seq=1, event_id="x.0", type="PersonAdded", at=0,
            actor=None, body=b"{}", leaf_hash=bytes(32), root=bytes(32)))


# -- values round-trip exactly ----------------------------------------------------------


def test_binary_columns_come_back_as_bytes_and_times_exactly(backend: str) -> None:
    key = SigningKey.generate()
    odd = START_US + 123_457  # microseconds that a float or a millisecond column would lose
    app = ColdCheck(open_store(backend), key, clock=FakeClock(start=odd))
    app.execute(PID, c.CreateProduction(name="Cold Creek"))
    app.checkpoint(PID)
    store = open_store(backend, migrate=False)  # fresh connections, nothing cached
    head = store.head(PID)
    (event,) = store.read_events(PID)
    (checkpoint,) = store.checkpoints(PID)
    for value in (head.checkpoint.root, head.checkpoint.signature, event.body,
                  event.leaf_hash, event.root, checkpoint.root, checkpoint.signature,
                  store.public_key(PID)):
        assert type(value) is bytes
    assert (event.at, head.checkpoint.at, checkpoint.at) == (odd, odd, odd)
    assert type(event.at) is int
    assert next(app.records(PID)).at == odd
    store.close()
    app.store.close()


def test_integers_beyond_a_double_round_trip_exactly(backend: str) -> None:
    big = 2**62 + 1  # a float would round it; BIGINT must not
    store = open_store(backend)
    head = Head(SignedCheckpoint("big", 0, bytes(32), big, "k", bytes(64)), "[]")
    row = StoredEvent("big", 1, "big.0", "LocationAdded", big, None, b"{}", bytes(32),
                      bytes(32))
    with store.creating("big", big, bytes(32), head) as tx:
        tx.append([row], replace(head, checkpoint=replace(head.checkpoint, size=1)))
    fresh = open_store(backend, migrate=False)
    assert fresh.head("big").checkpoint.at == big
    assert list(fresh.read_events("big")) == [row]
    fresh.close()
    store.close()


# -- durability and the append lock -----------------------------------------------------


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
            assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == (
                "read committed")
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "30s"
    store.close()


def test_a_database_default_of_asynchronous_commit_is_overridden(
        postgresql_database: str) -> None:
    name = sa.make_url(postgresql_database).database
    with raw(postgresql_database) as conn:
        conn.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
        conn.execute(f"ALTER DATABASE {name} SET default_transaction_isolation = "
                     "'serializable'")
    with raw(postgresql_database) as conn:  # the defaults apply to new sessions
        assert conn.one("SHOW synchronous_commit") == ("off",)
    store = open_store(postgresql_database)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"
        assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == (
            "read committed")
    store.close()


def test_the_sqlite_append_transaction_is_durable_and_holds_the_write_lock(
        sqlite_database: str) -> None:
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
        postgresql_database: str) -> None:
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
            assert other.one("SELECT seq FROM chain_heads WHERE production_id = ?",
                             (PID,)) == (tx.head.seq,)
            assert other.one("SELECT count(*) FROM events")[0] == tx.head.seq
            assert other.all("SELECT relation::regclass::text FROM pg_locks "
                             "WHERE mode = 'AccessExclusiveLock' "
                             "AND relation IS NOT NULL") == []
        assert other.one(lock_head, (PID,)) == (store.head(PID).seq,)  # released
    store.close()


def _add_location(location_id: str) -> c.AddLocation:
    return c.AddLocation(actor="rosa", location_id=location_id, name=location_id,
                         secure=True)


def _two_productions(url: str, key: SigningKey) -> None:
    app = open_app(url, key)
    for production in ("show-a", "show-b"):
        demo.setup(runner(app, production))
    app.store.close()


def _other_instance(url: str, key: SigningKey) -> ColdCheck:
    """Another service on the database (another process, as far as the store knows)."""
    return open_app(url, key, clock=FakeClock(start=START_US + 10**9))


def _append_in_thread(app: ColdCheck, production: str,
                      location: str) -> tuple[threading.Thread, list[object]]:
    """Start an append in another thread; the list receives its outcome or its error."""
    result: list[object] = []

    def append() -> None:
        try:
            result.append(app.execute(production, _add_location(location)))
        except BaseException as exc:  # surfaced by the caller
            result.append(exc)
        finally:
            app.store.close()

    thread = threading.Thread(target=append)
    thread.start()
    return thread, result


def test_appends_to_two_productions_do_not_wait_for_each_other(
        postgresql_database: str) -> None:
    key = SigningKey.generate()
    _two_productions(postgresql_database, key)
    store = open_store(postgresql_database, migrate=False)
    other = _other_instance(postgresql_database, key)
    with store.writing("show-a"):  # an append on production A, still open
        thread, result = _append_in_thread(other, "show-b", "b-shelf")
        thread.join(timeout=20)
        assert not thread.is_alive(), "an append to B waited for A's transaction"
        assert len(result) == 1
        assert not isinstance(result[0], BaseException), result
    assert store.head("show-b").seq == store.head("show-a").seq + 1
    store.close()


def test_appends_to_one_production_wait_for_each_other(backend: str) -> None:
    key = SigningKey.generate()
    _two_productions(backend, key)
    store = open_store(backend, migrate=False)
    other = _other_instance(backend, key)
    with store.writing("show-a") as tx:
        before = tx.head.seq
        thread, result = _append_in_thread(other, "show-a", "a-shelf")
        time.sleep(0.5)
        assert thread.is_alive(), "a second appender did not wait"
        assert result == []
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert not isinstance(result[0], BaseException), result
    assert store.head("show-a").seq == before + 1
    store.close()


def test_creating_one_production_twice_at_once_is_one_production_and_a_conflict(
        backend: str) -> None:
    key = SigningKey.generate()
    apps = [open_app(backend, key) for _ in range(4)]
    barrier = threading.Barrier(len(apps))
    outcomes: list[object] = []

    def create(app: ColdCheck) -> None:
        barrier.wait(timeout=10)
        try:
            outcomes.append(app.execute("twin", c.CreateProduction(name="Twin")))
        except BaseException as exc:  # checked below
            outcomes.append(exc)

    threads = [threading.Thread(target=create, args=(app,)) for app in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(errors) == len(apps) - 1
    assert all(isinstance(e, Conflict) for e in errors), errors
    assert apps[0].store.production_ids() == ["twin"]
    assert apps[0].store.head("twin").seq == 1
    for app in apps:
        app.store.close()


# -- driver errors stay inside the store ------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://rosa@db.example/coldcheck",
         "postgresql+psycopg://rosa@db.example/coldcheck"),
        ("postgres://rosa:secret@db.example:6543/coldcheck",
         "postgresql+psycopg://rosa:secret@db.example:6543/coldcheck"),
        ("postgresql+psycopg://rosa@db.example/coldcheck",
         "postgresql+psycopg://rosa@db.example/coldcheck"),
        ("sqlite:///coldcheck.db", "sqlite:///coldcheck.db"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_database_urls_name_the_psycopg_driver(given: str, expected: str) -> None:
    assert database_url(given).render_as_string(hide_password=False) == expected


@pytest.mark.parametrize("given", ["mysql://rosa@db.example/coldcheck",
                                   "postgresql+psycopg2://rosa:secret@db.example/cc",
                                   "postgresql+asyncpg://rosa@db.example/cc",
                                   "coldcheck.db", ""])
def test_other_database_urls_are_a_storage_error(given: str) -> None:
    with pytest.raises(StorageError) as excinfo:
        SqlStore(given)
    assert "secret" not in str(excinfo.value)


def test_an_unreachable_postgresql_server_is_a_storage_error(
        postgres_admin_url: str) -> None:
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
        assert conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
                            ).fetchone() == (True,)


def test_a_server_store_checkpoints_sqlites_log_off_the_commit_path(
        sqlite_database: str) -> None:
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


def test_sqlite_writers_of_every_process_queue_on_one_file_lock(
        sqlite_database: str) -> None:
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
