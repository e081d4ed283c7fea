"""A witness's state (c2sp.org/tlog-witness), in a database of its own: the logs it
trusts (origin and vkey), per log the latest checkpoint it cosigned, and the alarms it
raised about checkpoints a log signed that do not fit what it cosigned before.

A log that rotates its signing key and proves the rotation to the witness (witness/core.py)
moves to the new vkey; every rotation followed is kept (`witness_rotations`: the old and
new vkey and the event's bytes), so the key history stays with the witness.

Apart from the log's tables on purpose: a witness is a different party with a different
key, and runs wherever its operator chooses. Its four tables are made on first open
(`create_all`: no migrations yet, nothing to migrate from).

The spec asks that checking the old size and storing the new checkpoint be one atomic
step, or two racing requests could roll a log back. `advance` is a compare-and-set: the
row moves only if it still holds the size the caller checked against (an insert, if it
checked against no row, which a concurrent insert makes fail on the primary key).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from coldcheck.domain.errors import StorageError
from coldcheck.store.engine import make_engine

_meta = sa.MetaData()

logs = sa.Table(
    "witness_logs",
    _meta,
    sa.Column("origin", sa.Text, primary_key=True),
    sa.Column("vkey", sa.Text, nullable=False),
)
heads = sa.Table(
    "witness_heads",
    _meta,
    sa.Column("origin", sa.Text, sa.ForeignKey("witness_logs.origin"), primary_key=True),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("root", sa.LargeBinary(32), nullable=False),
    sa.Column("note", sa.Text, nullable=False),  # as cosigned: the log's and our lines
)
alarms = sa.Table(
    "witness_alarms",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("at", sa.BigInteger, nullable=False),  # POSIX seconds
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),  # the checkpoint as submitted: evidence
)
rotations = sa.Table(
    "witness_rotations",
    _meta,
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),  # the rotation event's seq
    sa.Column("old_vkey", sa.Text, nullable=False),
    sa.Column("new_vkey", sa.Text, nullable=False),
    sa.Column("leaf", sa.LargeBinary, nullable=False),  # the event as proven: evidence
    sa.PrimaryKeyConstraint("origin", "seq"),
)


@dataclass(frozen=True, slots=True)
class Cosigned:
    """The latest checkpoint a witness cosigned for one log."""

    size: int
    root: bytes
    note: str


@dataclass(frozen=True, slots=True)
class Followed:
    """A key rotation the witness followed: from `old_vkey` to `new_vkey` at event `seq`."""

    origin: str
    seq: int
    old_vkey: str
    new_vkey: str
    leaf: bytes


@dataclass(frozen=True, slots=True)
class Alarm:
    """A checkpoint the log signed that does not fit what the witness cosigned."""

    id: int
    origin: str
    at: int
    kind: str
    detail: str
    note: str


class _Lost(Exception):
    """A compare-and-set found the row moved: the transaction rolls back."""


class WitnessStore:
    """The witness's rows over one database URL (SQLite, or PostgreSQL)."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        try:
            _meta.create_all(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            raise StorageError(f"cannot open the witness's database: {exc}") from exc

    def close(self) -> None:
        self.engine.dispose()

    def trust(self, origin: str, vkey: str) -> None:
        """Trust a log (its origin, and the vkey its checkpoints verify under)."""
        with self._begin() as conn:
            conn.execute(sa.delete(logs).where(logs.c.origin == origin))
            conn.execute(sa.insert(logs).values(origin=origin, vkey=vkey))

    def vkey(self, origin: str) -> str | None:
        """The vkey of a trusted log, or None for a log this witness does not know."""
        with self._begin() as conn:
            row = conn.execute(sa.select(logs.c.vkey).where(logs.c.origin == origin)).first()
        return None if row is None else str(row.vkey)

    def trusted(self) -> dict[str, str]:
        """Every trusted log's origin and vkey."""
        with self._begin() as conn:
            rows = conn.execute(sa.select(logs).order_by(logs.c.origin)).all()
        return {str(r.origin): str(r.vkey) for r in rows}

    def latest(self, origin: str) -> Cosigned | None:
        """The latest checkpoint cosigned for the log, if any."""
        with self._begin() as conn:
            row = conn.execute(sa.select(heads).where(heads.c.origin == origin)).first()
        return None if row is None else Cosigned(int(row.size), bytes(row.root), str(row.note))

    def advance(self, origin: str, checked: Cosigned | None, new: Cosigned) -> bool:
        """Store ``new`` as the latest if the latest is still ``checked``; whether it was."""
        values = {"size": new.size, "root": new.root, "note": new.note}
        try:
            with self._begin() as conn:
                if checked is None:
                    conn.execute(sa.insert(heads).values(origin=origin, **values))
                    return True
                moved = conn.execute(
                    sa.update(heads)
                    .where(heads.c.origin == origin, heads.c.size == checked.size)
                    .where(heads.c.root == checked.root)
                    .values(**values)
                )
                return moved.rowcount == 1
        except sa.exc.IntegrityError:
            return False  # another request stored the log's first checkpoint meanwhile

    def rotate(
        self, origin: str, rotated: Sequence[Followed], checked: Cosigned | None, new: Cosigned
    ) -> bool:
        """Move the log along the rotations (oldest first) to the last one's new vkey and
        store ``new`` as its latest, in one transaction, if its vkey is still the first
        one's old vkey and its latest still ``checked``; whether it moved."""
        values = {"size": new.size, "root": new.root, "note": new.note}
        try:
            with self._begin() as conn:
                moved = conn.execute(
                    sa.update(logs)
                    .where(logs.c.origin == origin, logs.c.vkey == rotated[0].old_vkey)
                    .values(vkey=rotated[-1].new_vkey)
                )
                if moved.rowcount != 1:
                    raise _Lost
                if checked is None:
                    conn.execute(sa.insert(heads).values(origin=origin, **values))
                else:
                    moved = conn.execute(
                        sa.update(heads)
                        .where(heads.c.origin == origin, heads.c.size == checked.size)
                        .where(heads.c.root == checked.root)
                        .values(**values)
                    )
                    if moved.rowcount != 1:
                        raise _Lost
                for r in rotated:
                    conn.execute(
                        sa.insert(rotations).values(
                            origin=origin,
                            seq=r.seq,
                            old_vkey=r.old_vkey,
                            new_vkey=r.new_vkey,
                            leaf=r.leaf,
                        )
                    )
                return True
        except (_Lost, sa.exc.IntegrityError):
            return False  # another request moved the log meanwhile: rolled back

    def followed(self, origin: str) -> list[Followed]:
        """The key rotations the witness followed for the log, oldest first."""
        with self._begin() as conn:
            rows = conn.execute(
                sa.select(rotations).where(rotations.c.origin == origin).order_by(rotations.c.seq)
            ).all()
        return [
            Followed(str(r.origin), int(r.seq), str(r.old_vkey), str(r.new_vkey), bytes(r.leaf))
            for r in rows
        ]

    def alarm(self, origin: str, at: int, kind: str, detail: str, note: str) -> None:
        """Record a checkpoint the log signed that does not fit what was cosigned."""
        with self._begin() as conn:
            conn.execute(
                sa.insert(alarms).values(origin=origin, at=at, kind=kind, detail=detail, note=note)
            )

    def alarms(self, after: int = 0) -> list[Alarm]:
        """Every alarm after id ``after``, oldest first."""
        with self._begin() as conn:
            rows = conn.execute(
                sa.select(alarms).where(alarms.c.id > after).order_by(alarms.c.id)
            ).all()
        return [
            Alarm(int(r.id), str(r.origin), int(r.at), str(r.kind), str(r.detail), str(r.note))
            for r in rows
        ]

    @contextlib.contextmanager
    def _begin(self) -> Iterator[sa.Connection]:
        # A key conflict is `advance`'s to answer; any other driver error is StorageError.
        try:
            with self.engine.begin() as conn:
                yield conn
        except (sa.exc.IntegrityError, _Lost):
            raise
        except sa.exc.SQLAlchemyError as exc:
            raise StorageError(f"the witness's database: {exc}") from exc
