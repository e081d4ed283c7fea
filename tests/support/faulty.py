"""A store that fails where a test says: failure injection through the persistence port
(store/port.py), around any real store, instead of patching the service's internals.

    faults = FaultyStore(store)
    faults.fail_append(StorageError("database or disk is full"))   # the next append
    faults.fail_commit(StorageError("I/O error"), nth=2)            # the second commit
    faults.fail_commit(StorageError("connection lost"), committed=True)  # answer lost
    faults.fail_read(StorageError("I/O error"), after_events=10)    # a read, midway
    pause = faults.pause_before_commit()   # the next transaction stops before commit

Counts start when a fault is armed: `nth=1` is the next one. A commit that fails before
committing leaves nothing of its transaction (the real store rolls back); one that fails
`committed=True` has committed, and only its caller's answer is lost. `transactions`
lists the production of every transaction opened, in order.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from coldcheck.ledger import SignedCheckpoint
from coldcheck.service import ColdCheck
from coldcheck.store import Head, Store, StoredEvent, Tail, WriteTx

_Events = Callable[[], Iterable[StoredEvent]]  # how a read starts, once its fault is known
PAUSE_LIMIT_S = 30  # a paused transaction nobody releases fails rather than hang a test


@dataclass(eq=False)
class Pause:
    """A transaction stopped just before its commit."""

    reached: threading.Event = field(default_factory=threading.Event)  # it has stopped
    _go: threading.Event = field(default_factory=threading.Event)
    _error: BaseException | None = None

    def release(self, error: BaseException | None = None) -> None:
        """Let it commit, or fail with `error` instead (nothing of it recorded)."""
        self._error = error
        self._go.set()

    def hold(self) -> None:
        self.reached.set()
        if not self._go.wait(PAUSE_LIMIT_S):
            raise TimeoutError("a paused transaction was never released")
        if self._error is not None:
            raise self._error


@dataclass(eq=False)
class _Fault:
    at: int  # fires at this count of its point
    error: BaseException | None = None
    after_events: int = 0  # reads: events served before the error
    committed: bool = False  # commits: fail after the commit (the answer lost)
    pause: Pause | None = None


class FaultyStore:
    """Any `Store`, with faults armed by the test; otherwise exactly the store it wraps."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.transactions: list[str] = []
        self._seen = {"append": 0, "commit": 0, "read": 0}
        self._armed: dict[str, list[_Fault]] = {point: [] for point in self._seen}
        self._lock = threading.Lock()

    # -- arming ----------------------------------------------------------------------

    def fail_append(self, error: BaseException, nth: int = 1) -> None:
        """The nth append from now raises `error` before it reaches the store."""
        self._arm("append", nth, _Fault(0, error))

    def fail_commit(self, error: BaseException, nth: int = 1, *, committed: bool = False) -> None:
        """The nth transaction to reach its commit from now raises `error`: before it
        commits (nothing recorded), or with `committed`, after."""
        self._arm("commit", nth, _Fault(0, error, committed=committed))

    def fail_read(self, error: BaseException, nth: int = 1, *, after_events: int = 0) -> None:
        """The nth read of events from now (`read_events`, or a transaction's
        `events_after`) raises `error` after serving `after_events` events."""
        self._arm("read", nth, _Fault(0, error, after_events=after_events))

    def pause_before_commit(self, nth: int = 1) -> Pause:
        """The nth transaction to reach its commit from now waits there for the test."""
        pause = Pause()
        self._arm("commit", nth, _Fault(0, pause=pause))
        return pause

    def _arm(self, point: str, nth: int, fault: _Fault) -> None:
        if nth < 1:
            raise ValueError(f"nth counts from 1, not {nth}")
        with self._lock:
            fault.at = self._seen[point] + nth
            self._armed[point].append(fault)

    def _due(self, point: str) -> _Fault | None:
        with self._lock:
            self._seen[point] += 1
            for fault in self._armed[point]:
                if fault.at == self._seen[point]:
                    self._armed[point].remove(fault)
                    return fault
        return None

    # -- the port --------------------------------------------------------------------

    @property
    def background_wal(self) -> bool:
        return self.inner.background_wal

    def migrate(self) -> None:
        self.inner.migrate()

    def initialised(self) -> bool:
        return self.inner.initialised()

    def close(self) -> None:
        self.inner.close()

    def checkpoint_wal(self) -> tuple[int, int]:
        return self.inner.checkpoint_wal()

    @contextlib.contextmanager
    def creating(
        self, production_id: str, at: int, public_key: bytes, head: Head
    ) -> Iterator[WriteTx]:
        with self._transaction(
            production_id, self.inner.creating(production_id, at, public_key, head)
        ) as tx:
            yield tx

    @contextlib.contextmanager
    def writing(self, production_id: str) -> Iterator[WriteTx]:
        with self._transaction(production_id, self.inner.writing(production_id)) as tx:
            yield tx

    @contextlib.contextmanager
    def _transaction(
        self, production_id: str, inner: contextlib.AbstractContextManager[WriteTx]
    ) -> Iterator[WriteTx]:
        with self._lock:
            self.transactions.append(production_id)
        after: _Fault | None = None
        with inner as tx:
            yield _FaultyTx(self, tx)
            fault = self._due("commit")  # the body ended normally: the commit comes next
            if fault is not None and fault.pause is not None:
                fault.pause.hold()
            elif fault is not None and fault.committed:
                after = fault
            elif fault is not None and fault.error is not None:
                raise fault.error  # inside the real transaction: it rolls back
        if after is not None and after.error is not None:
            raise after.error

    def head(self, production_id: str) -> Head:
        return self.inner.head(production_id)

    def public_key(self, production_id: str) -> bytes:
        return self.inner.public_key(production_id)

    def production_ids(self) -> list[str]:
        return self.inner.production_ids()

    def read_events(
        self, production_id: str, after: int = 0, upto: int | None = None
    ) -> Iterator[StoredEvent]:
        return self._reading(lambda: self.inner.read_events(production_id, after, upto))

    def checkpoints(self, production_id: str, after: int = -1) -> list[SignedCheckpoint]:
        return self.inner.checkpoints(production_id, after)

    def last_seq(self, production_id: str) -> int:
        return self.inner.last_seq(production_id)

    def _reading(self, events: _Events) -> Iterator[StoredEvent]:
        fault = self._due("read")
        stream = iter(events())
        try:
            for served, event in enumerate(stream):
                if fault is not None and served == fault.after_events:
                    break
                yield event
            if fault is not None and fault.error is not None:
                raise fault.error
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()  # the real store's connection goes back now, not at collection


class _FaultyTx:
    """A transaction of the wrapped store, with the faults of its FaultyStore."""

    def __init__(self, store: FaultyStore, inner: WriteTx) -> None:
        self._store = store
        self._inner = inner

    @property
    def head(self) -> Head:
        return self._inner.head

    @property
    def tail(self) -> Tail:
        return self._inner.tail

    def recorded_key(self) -> bytes:
        return self._inner.recorded_key()

    def events_after(self, seq: int) -> Iterable[StoredEvent]:
        return self._store._reading(lambda: self._inner.events_after(seq))

    def checkpoints_after(self, size: int) -> list[SignedCheckpoint]:
        return self._inner.checkpoints_after(size)

    def find_events(self, event_ids: Sequence[str]) -> list[StoredEvent]:
        return self._inner.find_events(event_ids)

    def append(self, rows: Sequence[StoredEvent], head: Head) -> None:
        fault = self._store._due("append")
        if fault is not None and fault.error is not None:
            raise fault.error
        self._inner.append(rows, head)

    def add_checkpoint(self, cp: SignedCheckpoint) -> None:
        self._inner.add_checkpoint(cp)


def through_faults(app: ColdCheck) -> tuple[ColdCheck, FaultyStore]:
    """Another service on `app`'s store (as another process would open it), whose every
    call to the store passes a FaultyStore; the two, for the test to arm."""
    faults = FaultyStore(app.store)
    return ColdCheck(
        faults, app.key, clock=app.clock, checkpoint_every=app.checkpoint_every
    ), faults
