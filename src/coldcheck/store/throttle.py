"""Failed logins: one row per username and one per client address (logins.py says what
they mean), written through the log's writer like every other row.

Optimistic, like the PIN lockout: the caller reads the rows, checks the password outside
any transaction, then writes its outcome only if every row still holds what it read
(compare-and-set on all columns; a row read as absent must still be absent). Whoever
loses a race writes nothing and reads again, so concurrent failures are counted one by
one, and none lands once a lock is set.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import astuple, dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from coldcheck.domain.errors import Conflict
from coldcheck.store.schema import login_throttle as table
from coldcheck.store.sql import SqlStore


@dataclass(frozen=True, slots=True)
class Failures:
    """A run of failed logins for one subject (a username or a client address)."""

    subject: str  # a keyed hash: the table holds neither usernames nor addresses
    failures: int
    first_at: int  # the run's first failure (an address's window starts here)
    last_at: int  # its latest failure
    locked_until: int | None


Seen = Mapping[str, Failures | None]


class _Moved(Exception):
    """A row changed after it was read: roll back, read again."""


class ThrottleStore:
    """Reads and writes the rows of failed logins."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self.store.guarded(), self.store.writer() as conn:
            yield conn

    def read(self, subjects: Sequence[str]) -> dict[str, Failures | None]:
        """Each subject's run of failures, None where it has none."""
        with self.store.guarded(), self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(table).where(table.c.subject.in_(subjects))).all()
        found = {row.subject: Failures(*row) for row in rows}
        return {subject: found.get(subject) for subject in subjects}

    def replace(self, seen: Seen, rows: Sequence[Failures]) -> bool:
        """Write `rows`, all or none, if each subject still holds what `seen` says;
        False (nothing written) if any moved meanwhile."""
        try:
            with self._writing() as conn:
                for row in rows:
                    before = seen[row.subject]
                    if before is None:
                        conn.execute(table.insert().values(**_values(row)))
                    elif (
                        conn.execute(
                            table.update().where(*_unchanged(before)).values(**_values(row))
                        ).rowcount
                        != 1
                    ):
                        raise _Moved
        except (_Moved, Conflict):  # Conflict: another insert of the same subject won
            return False
        return True

    def clear(self, seen: Failures) -> bool:
        """End a run (a right password); False if it moved since it was read."""
        with self._writing() as conn:
            done = conn.execute(table.delete().where(*_unchanged(seen)))
        return done.rowcount == 1

    def forget(self, before: int) -> None:
        """Drop runs whose latest failure is older than `before` (they count for nothing
        any more); best effort, as a busy moment can always retry it later."""
        with contextlib.suppress(Conflict), self._writing() as conn:
            conn.execute(table.delete().where(table.c.last_at < before))


def _values(row: Failures) -> dict[str, object]:
    return dict(zip(Failures.__slots__, astuple(row), strict=True))


def _unchanged(row: Failures) -> list[sa.ColumnElement[bool]]:
    return [
        table.c[name].is_(None) if value is None else table.c[name] == value
        for name, value in _values(row).items()
    ]
