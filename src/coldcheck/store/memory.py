"""A `Store` in memory: the promises of the persistence port (port.py) without a
database, for tests of the service and everything above it.

Like `SqlStore`: a production is created with its head; an append transaction holds its
production's writer lock (as the head row lock does), so appends to one production are
serialised and appends to different productions never wait for each other; nothing is
visible to anyone else until the transaction commits, and then all of it is; a seq or an
event id already taken (the ids across every production) is a `Conflict`; an unknown
production is `NotFound`. Nothing offered changes or removes what is stored.

Where it differs: nothing survives the process, and a row naming another production than
its transaction's is refused (`StorageError`) rather than stored there.
"""

from __future__ import annotations

import bisect
import contextlib
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coldcheck.domain.errors import Conflict, NotFound, StorageError
from coldcheck.ledger import SignedCheckpoint
from coldcheck.store.port import Head, Store, StoredEvent, Tail, WriteTx


@dataclass(slots=True, eq=False)
class _Log:
    """One production's committed record; changed only under the store's lock."""

    public_key: bytes
    created_at: int
    head: Head
    seqs: list[int] = field(default_factory=list)  # sorted; events[i] has seqs[i]
    events: list[StoredEvent] = field(default_factory=list)
    checkpoints: dict[int, SignedCheckpoint] = field(default_factory=dict)
    writer: threading.Lock = field(default_factory=threading.Lock)

    def tail(self) -> Tail:
        if not self.events:
            return Tail(0, None, None)
        last = self.events[-1]
        return Tail(last.seq, last.leaf_hash, last.root)

    def between(self, after: int, upto: int | None) -> list[StoredEvent]:
        start = bisect.bisect_right(self.seqs, after)
        end = len(self.seqs) if upto is None else bisect.bisect_right(self.seqs, upto)
        return self.events[start:end]


class MemoryTx:
    """One append transaction (a `WriteTx`): what it adds is kept aside until commit."""

    def __init__(self, store: MemoryStore, production_id: str, log: _Log) -> None:
        self._store = store
        self._log = log
        self.production_id = production_id
        self.started = log.head
        self.head = log.head
        self.tail = log.tail()
        self.rows: list[StoredEvent] = []
        self.added: dict[int, SignedCheckpoint] = {}

    def recorded_key(self) -> bytes:
        return self._log.public_key

    def events_after(self, seq: int) -> Iterable[StoredEvent]:
        with self._store.lock:
            committed = self._log.between(seq, self.head.seq)
        own = [r for r in self.rows if seq < r.seq <= self.head.seq]
        return sorted([*committed, *own], key=lambda r: r.seq)

    def checkpoints_after(self, size: int) -> list[SignedCheckpoint]:
        with self._store.lock:
            kept = [*self._log.checkpoints.values(), *self.added.values()]
        return sorted((cp for cp in kept if cp.size > size), key=lambda cp: cp.size)

    def find_events(self, event_ids: Sequence[str]) -> list[StoredEvent]:
        wanted = set(event_ids)
        with self._store.lock:
            found = [self._store.ids[i] for i in wanted if i in self._store.ids]
        return found + [r for r in self.rows if r.event_id in wanted]

    def append(self, rows: Sequence[StoredEvent], head: Head) -> None:
        seqs = {r.seq for r in self.rows}
        ids = {r.event_id for r in self.rows}
        with self._store.lock:
            for row in rows:
                self._own(row.production_id)
                if row.seq in seqs or _has(self._log.seqs, row.seq):
                    raise Conflict(
                        f"the record changed underneath: #{row.seq} of "
                        f"{self.production_id} is stored already"
                    )
                if row.event_id in ids or row.event_id in self._store.ids:
                    raise Conflict(
                        f"the record changed underneath: event id {row.event_id} is stored already"
                    )
                seqs.add(row.seq)
                ids.add(row.event_id)
        if head.checkpoint.production != self.production_id:
            raise Conflict(f"the head of {head.checkpoint.production} moved during the append")
        self.rows.extend(rows)
        self.head = head

    def add_checkpoint(self, cp: SignedCheckpoint) -> None:
        self._own(cp.production)
        with self._store.lock:
            kept = cp.size in self._log.checkpoints
        if kept or cp.size in self.added:
            raise Conflict(
                f"the record changed underneath: a checkpoint of "
                f"{self.production_id} at {cp.size} is stored already"
            )
        self.added[cp.size] = cp

    def _own(self, production_id: str) -> None:
        if production_id != self.production_id:
            raise StorageError(f"a row of {production_id} in a transaction on {self.production_id}")

    def commit(self) -> None:
        """Under the store's lock: check what others committed meanwhile, then keep it
        all, or nothing (Conflict)."""
        log, ids = self._log, self._store.ids
        if log.head != self.started:  # compare-and-set, as the SQL head update does
            raise Conflict(f"the head of {self.production_id} moved during the append")
        taken = [r.event_id for r in self.rows if r.event_id in ids]
        if taken:  # committed meanwhile by a transaction on another production
            raise Conflict(f"the record changed underneath: event id {taken[0]} is stored already")
        for row in sorted(self.rows, key=lambda r: r.seq):
            at = bisect.bisect_right(log.seqs, row.seq)
            log.seqs.insert(at, row.seq)
            log.events.insert(at, row)
            ids[row.event_id] = row
        log.checkpoints.update(self.added)
        log.head = self.head


def _has(sorted_values: list[int], value: int) -> bool:
    """Whether `value` is in the sorted list."""
    at = bisect.bisect_left(sorted_values, value)
    return at < len(sorted_values) and sorted_values[at] == value


class MemoryStore:
    """The persistence port in memory; thread-safe. See the module docstring."""

    background_wal = False

    def __init__(self) -> None:
        self.lock = threading.Lock()  # guards the committed record; held briefly
        self.logs: dict[str, _Log] = {}
        self.ids: dict[str, StoredEvent] = {}  # every committed event, by id
        self._creating = threading.Lock()  # one creation at a time, as one row insert

    def migrate(self) -> None:
        """Nothing to bring up to date: the structures exist from the start."""

    def initialised(self) -> bool:
        return True

    def close(self) -> None:
        """Nothing to let go of; the record stays for whoever holds the store."""

    def checkpoint_wal(self) -> tuple[int, int]:
        return (0, 0)

    @contextlib.contextmanager
    def creating(
        self, production_id: str, at: int, public_key: bytes, head: Head
    ) -> Iterator[MemoryTx]:
        with self._creating:
            with self.lock:
                if production_id in self.logs:
                    raise Conflict(f"production {production_id} already exists")
            log = _Log(public_key, at, head)
            tx = MemoryTx(self, production_id, log)
            yield tx
            with self.lock:
                tx.commit()
                self.logs[production_id] = log

    @contextlib.contextmanager
    def writing(self, production_id: str) -> Iterator[MemoryTx]:
        with self.lock:
            log = self._log(production_id)
        with log.writer:
            with self.lock:
                tx = MemoryTx(self, production_id, log)
            yield tx
            with self.lock:
                tx.commit()

    def head(self, production_id: str) -> Head:
        with self.lock:
            return self._log(production_id).head

    def public_key(self, production_id: str) -> bytes:
        with self.lock:
            return self._log(production_id).public_key

    def production_ids(self) -> list[str]:
        with self.lock:
            return sorted(self.logs)

    def read_events(
        self, production_id: str, after: int = 0, upto: int | None = None
    ) -> Iterator[StoredEvent]:
        with self.lock:
            log = self.logs.get(production_id)
            found = log.between(after, upto) if log is not None else []
        yield from found

    def checkpoints(self, production_id: str, after: int = -1) -> list[SignedCheckpoint]:
        with self.lock:
            log = self.logs.get(production_id)
            kept = list(log.checkpoints.values()) if log is not None else []
        return sorted((cp for cp in kept if cp.size > after), key=lambda cp: cp.size)

    def last_seq(self, production_id: str) -> int:
        with self.lock:
            log = self.logs.get(production_id)
            return log.seqs[-1] if log is not None and log.seqs else 0

    def _log(self, production_id: str) -> _Log:
        log = self.logs.get(production_id)
        if log is None:
            raise NotFound(f"production {production_id} does not exist")
        return log


if TYPE_CHECKING:  # mypy holds both to the port

    def _is_the_port(store: MemoryStore, tx: MemoryTx) -> tuple[Store, WriteTx]:
        return store, tx
