"""The store as the projection reads it outside a write transaction.

A read holds no lock, so an append may commit while it runs: these adapters read up to
the head the reader saw and tell an event a concurrent append committed (with its head)
from one stored after the signed head that nothing signs.
"""

from __future__ import annotations

from collections.abc import Iterable

from coldcheck.domain.errors import IntegrityError
from coldcheck.ledger import SignedCheckpoint
from coldcheck.store import Head, Store, StoredEvent


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


def nothing_past(store: Store, production_id: str, head: Head) -> None:
    """IntegrityError if an event is stored after the signed head, unless an append has
    committed it (with its head) since `head` was read."""
    beyond = store.last_seq(production_id)
    if beyond > head.seq and store.head(production_id).seq < beyond:
        raise IntegrityError(
            f"the record of {production_id} does not verify: event "
            f"#{beyond} is stored after the signed chain head (#{head.seq}) "
            "and nothing signs it; run `coldcheck verify`",
            head.seq + 1,
        )
