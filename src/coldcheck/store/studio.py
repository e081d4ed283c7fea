"""A studio's rows: per production its credential's hash and what it verified last (the
replica row), the copied events and checkpoints, and its alarms.

A push is checked and stored under `holding`: one transaction holding the production's
replica row (BEGIN IMMEDIATE on SQLite, SELECT … FOR UPDATE on PostgreSQL), so pushes of
one production are serialised and pushes of different productions never wait on each
other; no table is locked. The row moves with a compare-and-set on the size it held.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coldcheck.domain.errors import Conflict, NotFound, StorageError
from coldcheck.ledger import Frontier, SignedCheckpoint
from coldcheck.store.port import StoredEvent
from coldcheck.store.schema import studio_alarms, studio_checkpoints, studio_events, studio_replicas
from coldcheck.store.sql import SqlStore, _as_bytes

_EVENT_COLUMNS = [studio_events.c[name] for name in StoredEvent.__slots__]


@dataclass(frozen=True, slots=True)
class Replica:
    """What a studio holds of one production: its pinned key and origin (None before the
    first push), the size, frontier and signed head it verified, the note it cosigned."""

    production_id: str
    credential_hash: bytes
    public_key: bytes | None
    origin: str | None
    seq: int
    frontier: str
    head: SignedCheckpoint | None
    note: str | None

    @property
    def root(self) -> bytes:
        return Frontier.from_json(self.frontier).root()


@dataclass(frozen=True, slots=True)
class StudioAlarm:
    id: int
    production_id: str
    at: int
    kind: str
    detail: str
    note: str


def _replica(row: sa.Row[Any]) -> Replica:
    v = {k: _as_bytes(x) for k, x in row._mapping.items()}
    head = None
    if v["signature"] is not None:
        head = SignedCheckpoint(
            v["production_id"], v["seq"], v["root"], v["signed_at"], v["key_id"], v["signature"]
        )
    return Replica(
        v["production_id"],
        v["credential_hash"],
        v["public_key"],
        v["origin"],
        int(v["seq"]),
        v["frontier"],
        head,
        v["note"],
    )


class ReplicaTx:
    """One push's transaction, holding the production's replica row."""

    def __init__(self, conn: Connection, replica: Replica) -> None:
        self.conn = conn
        self.replica = replica

    def store(
        self,
        rows: Sequence[StoredEvent],
        checkpoints: Sequence[SignedCheckpoint],
        moved: Replica,
    ) -> None:
        """Add verified events and checkpoints and move the row to `moved`; Conflict if the
        row moved meanwhile (it cannot while held: a second line of defence)."""
        if rows and self.conn.dialect.name == "postgresql":
            _copy_events(self.conn, rows)
        elif rows:
            self.conn.execute(
                studio_events.insert(),
                [{n: getattr(r, n) for n in StoredEvent.__slots__} for r in rows],
            )
        if checkpoints:
            self.conn.execute(
                studio_checkpoints.insert(),
                [
                    {
                        "production_id": cp.production,
                        "tree_size": cp.size,
                        "root": cp.root,
                        "at": cp.at,
                        "key_id": cp.key_id,
                        "signature": cp.signature,
                    }
                    for cp in checkpoints
                ],
            )
        head = moved.head
        if head is None:
            raise ValueError("a copy is moved only to a signed head")
        done = self.conn.execute(
            studio_replicas.update()
            .where(studio_replicas.c.production_id == moved.production_id)
            .where(studio_replicas.c.seq == self.replica.seq)
            .values(
                public_key=moved.public_key,
                origin=moved.origin,
                seq=moved.seq,
                frontier=moved.frontier,
                root=head.root,
                signed_at=head.at,
                key_id=head.key_id,
                signature=head.signature,
                note=moved.note,
            )
        )
        if done.rowcount != 1:
            raise Conflict(f"the studio's copy of {moved.production_id} moved during the push")
        self.replica = moved


_COPY_EVENTS = f"COPY studio_events ({', '.join(StoredEvent.__slots__)}) FROM STDIN (FORMAT BINARY)"
_COPY_TYPES = ("text", "int8", "text", "text", "int8", "text", "bytea", "bytea", "bytea")


def _copy_events(conn: Connection, rows: Sequence[StoredEvent]) -> None:
    """PostgreSQL: a push's rows by COPY on the driver's connection, in the push's own
    transaction (twice the rows a second of executemany through SQLAlchemy stores, in the
    sync benchmark). The driver's errors are mapped here, as `SqlStore.guarded` maps
    SQLAlchemy's: a row already there is a Conflict, anything else a StorageError."""
    driver = conn.connection.driver_connection
    if not isinstance(driver, psycopg.Connection):
        raise StorageError("COPY needs a psycopg connection")
    try:
        with driver.cursor() as cur, cur.copy(_COPY_EVENTS) as copy:
            copy.set_types(_COPY_TYPES)
            for r in rows:
                copy.write_row(
                    (
                        r.production_id,
                        r.seq,
                        r.event_id,
                        r.type,
                        r.at,
                        r.actor,
                        r.body,
                        r.leaf_hash,
                        r.root,
                    )
                )
    except psycopg.Error as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        if exc.sqlstate == "23505":
            raise Conflict(f"the record changed underneath: {message}") from exc
        raise StorageError(f"database error: {message}") from exc


class StudioStore:
    """The studio's rows in the same database as the log (any SqlStore)."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def credential(self, production_id: str, credential_hash: bytes, at: int) -> None:
        """Make the production's credential, or replace it (the old one stops working)."""
        with self.store.guarded(), self.store.writer() as conn:
            found = conn.execute(
                sa.select(studio_replicas.c.production_id).where(
                    studio_replicas.c.production_id == production_id
                )
            ).first()
            if found is None:
                conn.execute(
                    studio_replicas.insert().values(
                        production_id=production_id,
                        credential_hash=credential_hash,
                        created_at=at,
                        seq=0,
                        frontier=Frontier.empty().to_json(),
                    )
                )
            else:
                conn.execute(
                    studio_replicas.update()
                    .where(studio_replicas.c.production_id == production_id)
                    .values(credential_hash=credential_hash)
                )

    def by_credential(self, credential_hash: bytes) -> Replica | None:
        """The replica a credential was made for, if any."""
        with self.store.guarded(), self.store.engine.connect() as conn:
            row = conn.execute(
                sa.select(studio_replicas).where(
                    studio_replicas.c.credential_hash == credential_hash
                )
            ).first()
        return None if row is None else _replica(row)

    def replicas(self) -> list[Replica]:
        with self.store.guarded(), self.store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(studio_replicas).order_by(studio_replicas.c.production_id)
            ).all()
        return [_replica(r) for r in rows]

    @contextlib.contextmanager
    def holding(self, production_id: str) -> Iterator[ReplicaTx]:
        """A transaction holding the production's replica row; commits on normal exit."""
        with self.store.guarded(), self.store.writer() as conn:
            row = conn.execute(
                sa.select(studio_replicas)
                .where(studio_replicas.c.production_id == production_id)
                .with_for_update()
            ).first()
            if row is None:
                raise NotFound(f"the studio keeps no copy of {production_id}")
            yield ReplicaTx(conn, _replica(row))

    def events(self, production_id: str, after: int, upto: int, limit: int) -> list[StoredEvent]:
        """Copied events after `after` up to `upto`, at most `limit`, in seq order."""
        with self.store.guarded(), self.store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(*_EVENT_COLUMNS)
                .where(studio_events.c.production_id == production_id)
                .where(studio_events.c.seq > after, studio_events.c.seq <= upto)
                .order_by(studio_events.c.seq)
                .limit(limit)
            ).all()
        return [StoredEvent(*(_as_bytes(x) for x in r)) for r in rows]

    def of_type(self, production_id: str, event_type: str) -> list[StoredEvent]:
        """Copied events of one type (a copy's key rotations), in seq order."""
        with self.store.guarded(), self.store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(*_EVENT_COLUMNS)
                .where(studio_events.c.production_id == production_id)
                .where(studio_events.c.type == event_type)
                .order_by(studio_events.c.seq)
            ).all()
        return [StoredEvent(*(_as_bytes(x) for x in r)) for r in rows]

    def checkpoints(self, production_id: str, upto: int) -> list[SignedCheckpoint]:
        with self.store.guarded(), self.store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(studio_checkpoints)
                .where(studio_checkpoints.c.production_id == production_id)
                .where(studio_checkpoints.c.tree_size <= upto)
                .order_by(studio_checkpoints.c.tree_size)
            ).all()
        return [
            SignedCheckpoint(
                r.production_id, r.tree_size, bytes(r.root), r.at, r.key_id, bytes(r.signature)
            )
            for r in rows
        ]

    def count_events(self, production_id: str) -> int:
        with self.store.guarded(), self.store.engine.connect() as conn:
            found = conn.execute(
                sa.select(sa.func.count())
                .select_from(studio_events)
                .where(studio_events.c.production_id == production_id)
            ).scalar()
        return int(found or 0)

    def alarm(self, production_id: str, at: int, kind: str, detail: str, note: str) -> None:
        """Keep a push the production's key signed that does not fit the copy."""
        with self.store.guarded(), self.store.writer() as conn:
            conn.execute(
                studio_alarms.insert().values(
                    production_id=production_id, at=at, kind=kind, detail=detail, note=note
                )
            )

    def alarms(self, production_id: str | None = None, after: int = 0) -> list[StudioAlarm]:
        """Alarms after id `after` (of one production, or all), oldest first."""
        query = sa.select(studio_alarms).where(studio_alarms.c.id > after)
        if production_id is not None:
            query = query.where(studio_alarms.c.production_id == production_id)
        with self.store.guarded(), self.store.engine.connect() as conn:
            rows = conn.execute(query.order_by(studio_alarms.c.id)).all()
        return [
            StudioAlarm(int(r.id), r.production_id, int(r.at), r.kind, r.detail, r.note)
            for r in rows
        ]
