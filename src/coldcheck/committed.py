"""Each production's last committed state in this process, proven against its signed
head (projection.py), shared by readers and writers.

One place holds it so that one rule holds everywhere: a state is published only if it is
newer than the one there (or comes from a writer holding the head, or a refold from
scratch), and a production whose record fails a check is forgotten, so that nothing more
is served from it until it verifies again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, TypeVar

from coldcheck.domain import events as ev
from coldcheck.domain.errors import IntegrityError
from coldcheck.lanes import Lanes
from coldcheck.projection import (
    MARK_EVERY,
    Known,
    ReadEvents,
    audit,
    failed,
    fold,
    proven,
    proven_rows,
    tail_matches,
)
from coldcheck.store import Store, StoredEvent, WriteTx
from coldcheck.store_log import StoreLog
from coldcheck.verification import nothing_past_head

T = TypeVar("T")


class Committed:
    """The committed state of every production this process has proven."""

    def __init__(self, store: Store, public_key: bytes, lanes: Lanes[Any, Any]) -> None:
        self.store = store
        self.public_key = public_key
        self.lanes = lanes  # whose reader lane lets one reader catch up while others wait
        self.known: dict[str, Known] = {}
        self._lock = threading.Lock()
        self._audited: dict[str, int] = {}  # where each production's next audit starts

    def verified(self, production_id: str) -> Known:
        """The committed state at the current head, folding what is new."""
        head = self.store.head(production_id)  # NotFound for an unknown production
        known = self.known.get(production_id)
        if known is not None and known.at(head):
            return known
        with self.lanes.lane(production_id).reader:  # one reader catches up; the others wait
            known = self.known.get(production_id)
            if known is not None and known.seq > head.seq:
                head = self.store.head(production_id)  # a writer here committed since?
            if known is not None and known.at(head):
                return known
            try:
                known, scratch = fold(
                    production_id,
                    head,
                    self.public_key,
                    known,
                    StoreLog(self.store, production_id, head.seq),
                )
            except IntegrityError:
                self.forget(production_id)
                raise
            if scratch:
                try:
                    nothing_past_head(self.store, production_id, head)
                except IntegrityError as exc:
                    raise failed(production_id, exc) from exc
            return self.publish(production_id, known, force=scratch)

    def caught_up(self, production_id: str, tx: WriteTx) -> Known:
        """The committed state at the locked head, proven, and the stored log ending where
        it does; published."""
        try:
            known, _ = fold(
                production_id, tx.head, self.public_key, self.known.get(production_id), tx
            )
            if not tail_matches(known, tx.tail.seq, tx.tail.leaf_hash, tx.tail.root):
                raise IntegrityError(
                    f"the record of {production_id} changed underneath: the signed head is "
                    f"at #{known.seq}, but the stored log ends at #{tx.tail.seq} or its last "
                    "event is not the one signed. Nothing was recorded; run "
                    "`coldcheck verify`",
                    min(known.seq, tx.tail.seq) + 1,
                )
        except IntegrityError:
            self.forget(production_id)
            raise
        return self.publish(production_id, known, force=True)

    def proven(
        self, production_id: str, known: Known, after: int, end: int
    ) -> Iterator[tuple[StoredEvent, ev.Recorded]]:
        """The stored events after `after` up to `end`, each re-proven against `known`."""
        read = self._reading(production_id)
        return self._refolding(production_id, proven(production_id, known, read, after, end))

    def proven_rows(
        self, production_id: str, known: Known, after: int, end: int
    ) -> Iterator[StoredEvent]:
        """`proven`, undecoded (projection.proven_rows)."""
        read = self._reading(production_id)
        return self._refolding(production_id, proven_rows(production_id, known, read, after, end))

    def _reading(self, production_id: str) -> ReadEvents:
        return lambda a, u: self.store.read_events(production_id, a, u)

    def _refolding(self, production_id: str, found: Iterator[T]) -> Iterator[T]:
        try:
            yield from found
        except IntegrityError as exc:
            # Changed underneath this process: forget what it knew, and refold so that the
            # error names the first bad event, as verify would.
            self.forget(production_id)
            self.verified(production_id)
            raise exc from None

    def publish(self, production_id: str, known: Known, force: bool = False) -> Known:
        """Make `known` the production's committed state, unless a newer one is there
        (`force`: a writer holding the head, or a refold from scratch)."""
        with self._lock:
            current = self.known.get(production_id)
            if force or current is None or known.seq > current.seq:
                self.known[production_id] = known
                return known
            return current

    def forget(self, production_id: str) -> None:
        with self._lock:
            self.known.pop(production_id, None)

    def audit(self) -> list[IntegrityError]:
        """Re-check the next segment of every production proven here (projection.audit);
        forget each one changed underneath, and return what was found."""
        found = []
        for production_id, known in list(self.known.items()):
            start = self._audited.get(production_id, 0)
            try:
                self._audited[production_id] = audit(
                    production_id,
                    known,
                    self.public_key,
                    lambda a, u, p=production_id: self.store.read_events(p, a, u),
                    self.store.checkpoints(production_id, start // MARK_EVERY * MARK_EVERY),
                    start,
                )
            except IntegrityError as exc:
                self.forget(production_id)
                self._audited.pop(production_id, None)
                found.append(exc)
        return found
