"""The store as the projection reads it outside a write transaction.

A read holds no lock, so an append may commit while it runs: the adapter reads up to the
head the reader saw, and leaves out a checkpoint a concurrent append kept past it.
"""

from __future__ import annotations

from collections.abc import Iterable

from coldcheck.ledger import SignedCheckpoint
from coldcheck.store import Store, StoredEvent


class StoreLog:
    """A production's stored log up to a head, as a fold reads it outside a transaction."""

    def __init__(self, store: Store, production_id: str, upto: int) -> None:
        self.store, self.production_id, self.upto = store, production_id, upto

    def events_after(self, seq: int) -> Iterable[StoredEvent]:
        return self.store.read_events(self.production_id, seq, self.upto)

    def checkpoints_after(self, size: int) -> list[SignedCheckpoint]:
        # A checkpoint past the head read may be a concurrent append's: not ours to check.
        return [
            cp for cp in self.store.checkpoints(self.production_id, size) if cp.size <= self.upto
        ]

    def recorded_key(self) -> bytes:
        return self.store.public_key(self.production_id)
