"""The store: one SQLAlchemy Core implementation for SQLite and PostgreSQL.

The append protocol (docs/architecture.md): a chain-head row per production, created
with it; each append locks that row (BEGIN IMMEDIATE on SQLite, SELECT … FOR UPDATE on
PostgreSQL), so appends to one production are serialised and appends to different
productions never wait on each other's rows. (production_id, seq) is the primary key and
event_id is unique, so a fork or a double retry is an error, not a silent duplicate.

The database URL chooses the backend (engine.py: the URL, and each backend's durable
settings).

Why one module over 300 lines: the append protocol (the head lock, the tail read, the
inserts and the compare-and-set) is one transaction's story, kept together so it can be
read top to bottom; the URL and durable settings are in engine.py, backups in backup*.py.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from sqlalchemy.engine import Connection

from coldcheck.domain.errors import Conflict, NotFound, StorageError
from coldcheck.ledger import SignedCheckpoint
from coldcheck.store.engine import make_engine
from coldcheck.store.port import Head, StoredEvent, Tail
from coldcheck.store.schema import chain_heads, checkpoints, events, productions

MIGRATIONS = Path(__file__).parent / "migrations"
READ_BATCH = 2000
MIGRATION_LOCK_ID = 0x636F6C64  # "cold": the advisory lock migrations hold on PostgreSQL


# SQLSTATEs PostgreSQL uses for "a concurrent transaction got in the way; retry".
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock


# The append path's statements, built once: SQLAlchemy then reuses their compiled form
# (building a statement per call was most of an append's time outside the commit).
_HEAD = sa.select(chain_heads).where(chain_heads.c.production_id == sa.bindparam("pid"))
_HEAD_FOR_UPDATE = _HEAD.with_for_update()
# What the log holds at its end, read once the head row is locked (on PostgreSQL a
# statement that waited for the lock still sees its own older snapshot, so this cannot
# share the locking statement): an append checks it against the state it builds on, so a
# log cut back or grown underneath is refused.
_TAIL = (
    sa.select(events.c.seq, events.c.leaf_hash, events.c.root)
    .where(events.c.production_id == sa.bindparam("pid"))
    .order_by(events.c.seq.desc())
    .limit(1)
)
_LAST_SEQ = sa.select(sa.func.max(events.c.seq)).where(
    events.c.production_id == sa.bindparam("pid")
)
_CHECKPOINTS = (
    sa.select(checkpoints)
    .where(checkpoints.c.production_id == sa.bindparam("pid"))
    .where(checkpoints.c.tree_size > sa.bindparam("after"))
    .order_by(checkpoints.c.tree_size)
)
_INSERT_EVENT = events.insert()
_INSERT_CHECKPOINT = checkpoints.insert()
_MOVE_HEAD = (
    chain_heads.update()
    .where(chain_heads.c.production_id == sa.bindparam("pid"))
    .where(chain_heads.c.seq == sa.bindparam("before"))
    .values(
        seq=sa.bindparam("seq"),
        frontier=sa.bindparam("frontier"),
        root=sa.bindparam("root"),
        signed_at=sa.bindparam("signed_at"),
        key_id=sa.bindparam("key_id"),
        signature=sa.bindparam("signature"),
    )
)
_EVENTS_BY_ID = sa.select(*(events.c[name] for name in StoredEvent.__slots__)).where(
    events.c.event_id.in_(sa.bindparam("ids", expanding=True))
)


class SqlWriteTx:
    """One append transaction on one production, its head row locked (a `WriteTx`)."""

    def __init__(self, conn: Connection, head: Head, tail: Tail | None = None) -> None:
        self.conn = conn
        self.head = head
        self.tail = tail or Tail(head.seq, None, None)

    def recorded_key(self) -> bytes:
        """The public key recorded with the production."""
        return _public_key(self.conn, self.head.checkpoint.production)

    def checkpoints_after(self, size: int) -> list[SignedCheckpoint]:
        """The stored checkpoints of this production past `size`, smallest first."""
        rows = self.conn.execute(
            _CHECKPOINTS, {"pid": self.head.checkpoint.production, "after": size}
        ).all()
        return [_checkpoint(r) for r in rows]

    def events_after(self, seq: int) -> Iterator[StoredEvent]:
        return _read_events(self.conn, self.head.checkpoint.production, seq, self.head.seq)

    def find_event(self, event_id: str) -> StoredEvent | None:
        found = self.find_events([event_id])
        return found[0] if found else None

    def find_events(self, event_ids: Sequence[str]) -> list[StoredEvent]:
        """The stored events with these ids (on any production), one query."""
        if not event_ids:
            return []
        rows = self.conn.execute(_EVENTS_BY_ID, {"ids": list(event_ids)}).all()
        return [_event(row) for row in rows]

    def append(self, rows: Sequence[StoredEvent], head: Head) -> None:
        """Insert events and move the head; the caller has checked seq continuity."""
        if rows:
            self.conn.execute(_INSERT_EVENT, [_as_dict(r) for r in rows])
        columns = _head_columns(head)
        columns["pid"] = columns.pop("production_id")
        result = self.conn.execute(_MOVE_HEAD, {**columns, "before": self.head.seq})
        if result.rowcount != 1:
            raise Conflict(f"the head of {head.checkpoint.production} moved during the append")
        self.head = head

    def add_checkpoint(self, cp: SignedCheckpoint) -> None:
        self.conn.execute(_INSERT_CHECKPOINT, [_checkpoint_columns(cp)])


def _as_dict(obj: StoredEvent) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}


# A signed checkpoint is kept in two tables, under their own column names: a checkpoint
# row, and the chain head row (with the frontier beside it).
def _checkpoint(row: sa.Row[Any]) -> SignedCheckpoint:
    v = _values(row)
    return SignedCheckpoint(
        v["production_id"], v["tree_size"], v["root"], v["at"], v["key_id"], v["signature"]
    )


def _checkpoint_columns(cp: SignedCheckpoint) -> dict[str, Any]:
    return {
        "production_id": cp.production,
        "tree_size": cp.size,
        "root": cp.root,
        "at": cp.at,
        "key_id": cp.key_id,
        "signature": cp.signature,
    }


def _head(row: sa.Row[Any]) -> Head:
    v = _values(row)
    return Head(
        SignedCheckpoint(
            v["production_id"], v["seq"], v["root"], v["signed_at"], v["key_id"], v["signature"]
        ),
        v["frontier"],
    )


def _head_columns(head: Head) -> dict[str, Any]:
    cp = head.checkpoint
    return {
        "production_id": cp.production,
        "seq": cp.size,
        "frontier": head.frontier,
        "root": cp.root,
        "signed_at": cp.at,
        "key_id": cp.key_id,
        "signature": cp.signature,
    }


def _values(row: sa.Row[Any]) -> dict[str, Any]:
    """A row's columns, binary ones as bytes: hashes and bodies are compared and hashed as
    bytes, whatever buffer type a driver hands back (memoryview, bytearray)."""
    return {name: _as_bytes(value) for name, value in row._mapping.items()}


def _as_bytes(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview | bytearray) else value


def _event(row: Sequence[Any]) -> StoredEvent:
    """A row of `_EVENT_COLUMNS` as a StoredEvent (the read path of every load and verify:
    positional, without a dict per row)."""
    pid, seq, event_id, type_, at, actor, body, leaf, root = row
    return StoredEvent(
        pid, seq, event_id, type_, at, actor, _as_bytes(body), _as_bytes(leaf), _as_bytes(root)
    )


_EVENT_COLUMNS = [events.c[name] for name in StoredEvent.__slots__]
_PAGE = (
    sa.select(*_EVENT_COLUMNS)
    .where(events.c.production_id == sa.bindparam("pid"))
    .where(events.c.seq > sa.bindparam("after"))
    .order_by(events.c.seq)
    .limit(sa.bindparam("limit"))
)
_PAGE_UPTO = _PAGE.where(events.c.seq <= sa.bindparam("upto"))


def _read_events(
    conn: Connection, production_id: str, after: int, upto: int | None
) -> Iterator[StoredEvent]:
    # Keyset pages keep memory flat however long the log is.
    last = after
    while True:
        if upto is not None and last >= upto:
            return
        params = {"pid": production_id, "after": last, "limit": READ_BATCH}
        if upto is None:
            rows = conn.execute(_PAGE, params).all()
        else:
            rows = conn.execute(_PAGE_UPTO, {**params, "upto": upto}).all()
        for row in rows:
            yield _event(row)
        if len(rows) < READ_BATCH:
            return
        last = rows[-1].seq


_PUBLIC_KEY = sa.select(productions.c.public_key).where(productions.c.id == sa.bindparam("pid"))


def _public_key(conn: Connection, production_id: str) -> bytes:
    key = conn.execute(_PUBLIC_KEY, {"pid": production_id}).scalar()
    if key is None:
        raise NotFound(f"production {production_id} does not exist")
    return bytes(key)


def _duplicate(orig: BaseException | None) -> bool:
    """A primary key or unique constraint refused a row (another append came first)."""
    return (
        getattr(orig, "sqlstate", None) == "23505"  # PostgreSQL unique_violation
        or getattr(orig, "sqlite_errorname", None)
        in ("SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_CONSTRAINT_UNIQUE")
    )


def _message(exc: sa.exc.DBAPIError) -> str:
    return " ".join(str(exc.orig).split()) or type(exc.orig).__name__


class SqlStore:
    """The persistence port (`Store`, port.py) over SQLAlchemy Core."""

    def __init__(self, url: str, background_wal: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, background_wal)
        self.dialect = self.engine.dialect.name
        # SQLite only: the owner calls checkpoint_wal() now and then (the server does).
        self.background_wal = background_wal and self.dialect == "sqlite"
        database = self.engine.url.database
        self._lock_path = (
            f"{database}-writer.lock"
            if self.dialect == "sqlite" and database not in (None, "", ":memory:")
            else None
        )

    def migrate(self) -> None:
        """Bring the schema to the newest migration (idempotent)."""
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        # One migrator at a time (two processes starting together): SQLite's BEGIN
        # IMMEDIATE, a transaction-scoped advisory lock on PostgreSQL. The second reads
        # the version table after the first has committed and has nothing left to do.
        with self._errors(), self._writer() as conn:
            if self.dialect == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK_ID)))
            cfg.attributes["connection"] = conn
            alembic_command.upgrade(cfg, "head")

    def checkpoint_wal(self) -> tuple[int, int]:
        """SQLite: copy the write-ahead log into the database file without waiting for
        anyone (PASSIVE); (pages in the log, pages copied). PostgreSQL: nothing to do."""
        if self.dialect != "sqlite":
            return (0, 0)
        with self._errors():
            raw = self.engine.raw_connection()
            try:  # the driver's own connection: a checkpoint runs outside any transaction
                row = raw.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA wal_checkpoint(PASSIVE)"
                ).fetchone()
            finally:
                raw.close()
        return int(row[1]), int(row[2])

    def initialised(self) -> bool:
        """Whether the schema exists (`coldcheck init` has run against this database)."""
        with self._errors():
            return sa.inspect(self.engine).has_table("chain_heads")

    def close(self) -> None:
        self.engine.dispose()

    def guarded(self) -> contextlib.AbstractContextManager[None]:
        """A context in which driver errors become ColdCheck errors (for sibling stores)."""
        return self._errors()

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        # Driver exceptions never escape the store. SQLAlchemy wraps every DB-API error
        # (sqlite3's and psycopg's) in a DBAPIError holding the driver's as `orig`.
        # Conflict means "someone else got there first; retry", so it is kept for the
        # errors a concurrent writer causes; the rest (a trigger refusing to change
        # history, a missing table, a full disk) are a StorageError on both backends.
        try:
            yield
        except sa.exc.DBAPIError as exc:
            if _duplicate(exc.orig):
                raise Conflict(f"the record changed underneath: {_message(exc)}") from exc
            if getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
                raise Conflict(
                    f"a concurrent change got in the way, nothing was recorded; "
                    f"retry: {_message(exc)}"
                ) from exc
            raise StorageError(f"database error: {_message(exc)}") from exc
        except sa.exc.SQLAlchemyError as exc:  # e.g. no connection free in the pool
            raise StorageError(f"database error: {exc}") from exc

    @contextlib.contextmanager
    def creating(
        self, production_id: str, at: int, public_key: bytes, head: Head
    ) -> Iterator[SqlWriteTx]:
        """Create a production and its chain head, then append in the same transaction."""
        with self._errors(), self._writer() as conn:
            exists = conn.execute(
                sa.select(productions.c.id).where(productions.c.id == production_id)
            ).first()
            if exists:
                raise Conflict(f"production {production_id} already exists")
            conn.execute(
                productions.insert().values(id=production_id, created_at=at, public_key=public_key)
            )
            conn.execute(chain_heads.insert().values(**_head_columns(head)))
            yield SqlWriteTx(conn, head)

    def writer(self) -> contextlib.AbstractContextManager[Connection]:
        """A write transaction for the stores beside the log (accounts): queued on the
        same writer lock as every append and BEGIN IMMEDIATE on SQLite; commits on normal
        exit. Wrap it in `guarded()` for ColdCheck errors."""
        return self._writer()

    @contextlib.contextmanager
    def _writer(self) -> Iterator[Connection]:
        with self._queued():
            conn = self.engine.connect()
            if self.dialect == "sqlite":
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.close()

    @contextlib.contextmanager
    def _queued(self) -> Iterator[None]:
        """SQLite: writers of every process queue on an OS file lock beside the database.

        SQLite's own busy handler sleeps and retries (1, 2, 5 … 100 ms), so a writer in one
        process could sleep through many short transactions of another; a blocked
        `flock` wakes as soon as the lock is free. BEGIN IMMEDIATE still takes SQLite's
        lock inside it, so other programs writing the file stay excluded."""
        if self._lock_path is None:
            yield
            return
        with open(self._lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _reader(self) -> Connection:
        conn = self.engine.connect()
        if self.dialect == "postgresql":
            # Reads run outside a transaction: under READ COMMITTED each statement sees
            # every commit made before it either way, and it saves a BEGIN and a ROLLBACK
            # round trip per read. (SQLite reads stay in the BEGIN the store issues.)
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        return conn

    @contextlib.contextmanager
    def writing(self, production_id: str) -> Iterator[SqlWriteTx]:
        """A transaction holding the production's head row; commits on normal exit."""
        with self._errors(), self._writer() as conn:
            # PostgreSQL: this row lock is all the isolation an append needs (see
            # make_engine); the next appender to this production waits here, appenders
            # to other productions lock other rows. SQLite: BEGIN IMMEDIATE already holds
            # the database's write lock (FOR UPDATE is not rendered).
            row = conn.execute(_HEAD_FOR_UPDATE, {"pid": production_id}).first()
            if row is None:
                raise NotFound(f"production {production_id} does not exist")
            head = _head(row)
            last = conn.execute(_TAIL, {"pid": production_id}).first()
            tail = (
                Tail(last.seq, _as_bytes(last.leaf_hash), _as_bytes(last.root))
                if last is not None
                else Tail(0, None, None)
            )
            yield SqlWriteTx(conn, head, tail)

    def head(self, production_id: str) -> Head:
        with self._errors(), self._reader() as conn:
            row = conn.execute(_HEAD, {"pid": production_id}).first()
        if row is None:
            raise NotFound(f"production {production_id} does not exist")
        return _head(row)

    def public_key(self, production_id: str) -> bytes:
        with self._errors(), self._reader() as conn:
            return _public_key(conn, production_id)

    def production_ids(self) -> list[str]:
        with self._errors(), self._reader() as conn:
            return list(
                conn.execute(sa.select(productions.c.id).order_by(productions.c.id)).scalars()
            )

    def read_events(
        self, production_id: str, after: int = 0, upto: int | None = None
    ) -> Iterator[StoredEvent]:
        """Events in seq order, streamed in pages."""
        with self._errors(), self._reader() as conn:
            yield from _read_events(conn, production_id, after, upto)

    def checkpoints(self, production_id: str, after: int = -1) -> list[SignedCheckpoint]:
        """The production's stored checkpoints past size `after`, smallest first."""
        with self._errors(), self._reader() as conn:
            rows = conn.execute(_CHECKPOINTS, {"pid": production_id, "after": after}).all()
        return [_checkpoint(r) for r in rows]

    def last_seq(self, production_id: str) -> int:
        """The highest seq stored for the production (0: none), whatever the head says."""
        with self._errors(), self._reader() as conn:
            return int(conn.execute(_LAST_SEQ, {"pid": production_id}).scalar() or 0)
