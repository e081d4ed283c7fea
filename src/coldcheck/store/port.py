"""The persistence port: the records a store keeps, and what the service and everything
above it (projection, verification, bundles, backups, the edges) ask of a store.

Two implementations: `SqlStore` (sql.py, SQLite and PostgreSQL) and `MemoryStore`
(memory.py, for tests of the service without a database). Every implementation keeps the
same promises, held by one contract suite (tests/integration/test_store.py):

- append-only: nothing a store offers changes or removes a stored event or checkpoint;
- one head per production, moved by an append only from the head its transaction holds
  (a compare-and-set), and appends to one production serialised;
- (production, seq) and event ids unique, the ids across every production: a second row
  with either is a `Conflict`, and its transaction records nothing;
- a transaction (`writing`, `creating`) commits whole on normal exit, or not at all;
- `NotFound` for a production that does not exist (`head`, `public_key`, `writing`);
- driver errors never escape: they are `Conflict` or `StorageError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from coldcheck.ledger import SignedCheckpoint


@dataclass(frozen=True, slots=True)
class Head:
    """A production's chain head: its latest signed checkpoint, and the frontier (JSON
    text) of the tree under it, which the next append builds on."""

    checkpoint: SignedCheckpoint
    frontier: str

    @property
    def seq(self) -> int:
        """The seq of the last event under the head: its checkpoint's size."""
        return self.checkpoint.size


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """One event as stored: the exact bytes that were hashed, and copies of what they say
    (checked against them by verify)."""

    production_id: str
    seq: int
    event_id: str
    type: str
    at: int
    actor: str | None
    body: bytes
    leaf_hash: bytes
    root: bytes


@dataclass(frozen=True, slots=True)
class Tail:
    """The end of a stored log as an append finds it: the last stored seq, its leaf hash
    and root (0 and None: no event stored)."""

    seq: int
    leaf_hash: bytes | None
    root: bytes | None


class WriteTx(Protocol):
    """One append transaction on one production, holding its head (no other append to
    the production runs until it ends). Reads inside it see its own appends."""

    @property
    def head(self) -> Head:
        """The head as this transaction holds it (moved by `append`)."""
        ...

    @property
    def tail(self) -> Tail:
        """Where the stored log ended when the transaction began."""
        ...

    def recorded_key(self) -> bytes:
        """The public key recorded with the production."""
        ...

    def events_after(self, seq: int) -> Iterable[StoredEvent]:
        """The production's events after `seq`, up to the held head, in seq order."""
        ...

    def checkpoints_after(self, size: int) -> list[SignedCheckpoint]:
        """The production's checkpoints past `size`, smallest first."""
        ...

    def find_events(self, event_ids: Sequence[str]) -> list[StoredEvent]:
        """The stored events with these ids, on any production."""
        ...

    def append(self, rows: Sequence[StoredEvent], head: Head) -> None:
        """Add events and move the head to `head` (the caller has checked seq continuity);
        Conflict if a seq or an event id is taken, or the head moved."""
        ...

    def add_checkpoint(self, cp: SignedCheckpoint) -> None:
        """Keep a signed head; Conflict if one of that size is kept already."""
        ...


class Store(Protocol):
    """Where productions, their logs, heads and checkpoints are kept."""

    @property
    def background_wal(self) -> bool:
        """Whether the owner is to call `checkpoint_wal` now and then (a SQLite server)."""
        ...

    def migrate(self) -> None:
        """Bring the store's schema up to date (idempotent)."""
        ...

    def initialised(self) -> bool:
        """Whether the schema exists."""
        ...

    def close(self) -> None:
        """Let go of connections; the store may be opened again."""
        ...

    def checkpoint_wal(self) -> tuple[int, int]:
        """Copy a write-ahead log into the database without waiting for anyone: (pages in
        the log, pages copied); (0, 0) where there is none."""
        ...

    def creating(
        self, production_id: str, at: int, public_key: bytes, head: Head
    ) -> AbstractContextManager[WriteTx]:
        """Create a production (Conflict if it exists) with its head, then append in the
        same transaction."""
        ...

    def writing(self, production_id: str) -> AbstractContextManager[WriteTx]:
        """An append transaction on the production; commits on normal exit."""
        ...

    def head(self, production_id: str) -> Head:
        """The production's committed head."""
        ...

    def public_key(self, production_id: str) -> bytes:
        """The public key recorded with the production."""
        ...

    def production_ids(self) -> list[str]:
        """Every production, in id order."""
        ...

    def read_events(
        self, production_id: str, after: int = 0, upto: int | None = None
    ) -> Iterator[StoredEvent]:
        """Committed events after `after` and up to `upto` (default: all), in seq order."""
        ...

    def checkpoints(self, production_id: str, after: int = -1) -> list[SignedCheckpoint]:
        """Committed checkpoints past size `after`, smallest first."""
        ...

    def last_seq(self, production_id: str) -> int:
        """The highest seq stored for the production (0: none), whatever the head says."""
        ...
