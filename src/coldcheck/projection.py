"""A production's committed state, proven against its signed head: what every read and
every append of the service stands on.

`fold` builds the state from stored events with every check `verify` makes
(verification.LogCheck): from scratch once per process (and after a restore), when the
production's recorded public key, every checkpoint and the head's signature are checked
too; afterwards only the events appended since, from the frontier already proven. So a
read costs O(events appended since the last read), never a full verify.

`proven` serves stored events to readers: it re-reads them from the store and re-proves
them against roots this process has already verified (the head's, and the frontier kept at
every `MARK_EVERY` events), a segment at a time, and yields a segment only once its root
matched. A body changed, a row deleted or inserted underneath a running process is never
served: the segment it falls in does not reach the verified root. Cost: the events read,
plus at most `MARK_EVERY` before the first one asked for; memory: one frontier (a few
hashes) per `MARK_EVERY` events.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from coldcheck import envelope
from coldcheck.domain import events as ev
from coldcheck.domain.errors import IntegrityError
from coldcheck.domain.state import State, evolve
from coldcheck.ledger import Frontier, SignedCheckpoint, leaf_hash
from coldcheck.store import Head, StoredEvent
from coldcheck.verification import KeyHistory, LogCheck, check_public_key

MARK_EVERY = 1024  # events between two kept frontiers: the most a read re-hashes in vain


class Marks:
    """The proven frontier at every `MARK_EVERY` events of one log: where a read from the
    middle of the log starts re-proving. Append-only, shared by the successive known states
    of one log; each reads only the marks at or below its own size. A mark is added only
    once the events under it are committed and proven."""

    def __init__(self) -> None:
        self._frontiers = [Frontier.empty()]
        self._lock = threading.Lock()

    def add(self, frontiers: Iterable[Frontier]) -> None:
        with self._lock:
            for frontier in frontiers:
                if frontier.size == len(self._frontiers) * MARK_EVERY:
                    self._frontiers.append(frontier)

    def at_or_before(self, size: int) -> Frontier:
        """A copy of the last kept frontier at or below `size`."""
        return self._frontiers[size // MARK_EVERY].copy()

    def root(self, size: int) -> bytes:
        """The proven root at `size`, a multiple of MARK_EVERY."""
        return self._frontiers[size // MARK_EVERY].root()


def marks_of(frontier: Frontier, found: list[Frontier]) -> None:
    """Keep a copy of `frontier` in `found` when it sits on a mark."""
    if frontier.size % MARK_EVERY == 0:
        found.append(frontier.copy())


@dataclass(frozen=True, slots=True)
class Known:
    """A production's committed state, the frontier of the log it was folded from, the
    signed head both were proven against, the log's last leaf, and its key history (the
    last key is the one in force at the head): published together, never changed."""

    state: State
    frontier: Frontier
    head: Head
    last_leaf: bytes | None
    marks: Marks
    keys: KeyHistory

    def keys_at(self, size: int) -> KeyHistory:
        """The key history up to `size` (the last key: the one in force there)."""
        return tuple(entry for i, entry in enumerate(self.keys) if i == 0 or entry[0] <= size)

    @property
    def seq(self) -> int:
        return self.frontier.size

    @property
    def root(self) -> bytes:
        return self.head.checkpoint.root

    def at(self, head: Head) -> bool:
        """Whether this is the state at exactly that head (same size, same root)."""
        return self.frontier.size == head.seq and self.root == head.checkpoint.root


class LogSource(Protocol):
    """Where a fold reads a production's stored log (the store, or an append's
    transaction)."""

    def events_after(self, seq: int) -> Iterable[StoredEvent]: ...

    def checkpoints_after(self, size: int) -> list[SignedCheckpoint]: ...

    def recorded_key(self) -> bytes: ...


def fold(
    production_id: str, head: Head, public_key: bytes, known: Known | None, source: LogSource
) -> tuple[Known, bool]:
    """The state at `head`, proven against it; and whether it was folded from scratch.

    From `known` when that is a prefix of the log, else from scratch (once per process, or
    after a restore). IntegrityError, naming the first bad seq, when the log does not
    verify: nothing is appended onto, or read from, such a log.
    """
    if known is not None and known.at(head):
        return known, False
    if known is not None and known.seq < head.seq:
        try:
            return _extend(production_id, head, public_key, known, source), False
        except IntegrityError:
            pass  # not a continuation of what this process knew (a restore, say): refold
    state, marks = State(production_id), Marks()
    found: list[Frontier] = []
    last = None
    try:
        # The key history starts at the key recorded with the production.
        check = LogCheck(production_id, source.recorded_key(), source.checkpoints_after(-1))
        for stored in source.events_after(0):
            evolve(state, check.event(stored))
            last = stored.leaf_hash
            marks_of(check.frontier, found)
        check.finish(head)
        check_public_key(check.public_key, production_id, public_key)
    except IntegrityError as exc:
        raise failed(production_id, exc) from exc
    marks.add(found)
    return Known(state, check.frontier, head, last, marks, check.history), True


def _extend(
    production_id: str, head: Head, public_key: bytes, known: Known, source: LogSource
) -> Known:
    state = known.state.fork()
    check = LogCheck(
        production_id, known.keys, source.checkpoints_after(known.seq), known.frontier.copy()
    )
    found: list[Frontier] = []
    last = known.last_leaf
    for stored in source.events_after(known.seq):
        evolve(state, check.event(stored))
        last = stored.leaf_hash
        marks_of(check.frontier, found)
    check.finish(head)
    check_public_key(check.public_key, production_id, public_key)
    known.marks.add(found)
    return Known(state, check.frontier, head, last, known.marks, check.history)


def failed(production_id: str, exc: IntegrityError) -> IntegrityError:
    """`exc` as a read or an append reports it: the production's record does not verify."""
    return IntegrityError(
        f"the record of {production_id} does not verify: {exc}. Nothing "
        "was read or recorded; run `coldcheck verify`",
        exc.seq,
    )


class ReadEvents(Protocol):
    def __call__(self, after: int, upto: int) -> Iterable[StoredEvent]: ...


def proven_rows(
    production_id: str, known: Known, read: ReadEvents, after: int, end: int
) -> Iterator[StoredEvent]:
    """The stored rows after `after` up to `end` (at most the known head), each proven to
    be the row under the verified root, in order; IntegrityError at the first segment that
    is not. Undecoded: for callers that send or hash the rows' exact bytes (sync, proofs,
    bundles), the typed decode is most of a read's cost and the root already proves the
    bytes are the ones verified."""
    end = min(end, known.seq)
    if after >= end:
        return
    frontier = known.marks.at_or_before(after)
    while frontier.size < end:
        start = frontier.size
        stop = min(known.seq, (start // MARK_EVERY + 1) * MARK_EVERY)
        expected = known.root if stop == known.seq else known.marks.root(stop)
        segment = []
        for stored in read(start, stop):
            if stored.seq != frontier.size + 1:
                break
            frontier.append(leaf_hash(stored.body))
            if stored.seq > after and stored.seq <= end:
                segment.append(stored)
        if frontier.size != stop or frontier.root() != expected:
            raise IntegrityError(
                f"the record of {production_id} changed underneath: events #{start + 1}"
                f" to #{stop} are not the events this server verified. Nothing was read; run "
                "`coldcheck verify`",
                start + 1,
            )
        yield from segment


def proven(
    production_id: str, known: Known, read: ReadEvents, after: int, end: int
) -> Iterator[tuple[StoredEvent, ev.Recorded]]:
    """`proven_rows`, each row with its decoded event."""
    for stored in proven_rows(production_id, known, read, after, end):
        owner, rec = envelope.decode(stored.body)
        if owner != production_id or rec.seq != stored.seq:  # cannot pass the root
            raise IntegrityError(
                f"event #{stored.seq} of {production_id} is out of place", stored.seq
            )
        yield stored, rec


def tail_matches(
    known: Known, tail_seq: int, tail_leaf: bytes | None, tail_root: bytes | None
) -> bool:
    """Whether the stored log ends where the known state does: nothing cut back, nothing
    stored past the head, the last row the one that was proven."""
    if tail_seq != known.seq:
        return False
    return known.seq == 0 or (tail_leaf == known.last_leaf and tail_root == known.root)


def audit(
    production_id: str,
    known: Known,
    public_key: bytes,
    read: ReadEvents,
    checkpoints: Iterable[SignedCheckpoint],
    start: int,
) -> int:
    """Re-check one segment of the stored log, from the mark at or before `start`, with
    every check `verify` makes (rows, columns, roots, the checkpoints inside it), against
    the roots this process proved; where the next segment starts (0: from the top again).

    Run a segment at a time by the server, it finds a change made underneath a running
    process to rows no read has touched since, within one pass over the log.
    """
    if start >= known.seq:
        start = 0
    frontier = known.marks.at_or_before(start)
    begin = frontier.size
    stop = min(known.seq, (begin // MARK_EVERY + 1) * MARK_EVERY)
    inside = [cp for cp in checkpoints if begin < cp.size <= stop]
    check = LogCheck(production_id, known.keys_at(begin), inside, frontier)
    for stored in read(begin, stop):
        check.event(stored)
    expected = known.root if stop == known.seq else known.marks.root(stop)
    if check.frontier.size != stop or check.frontier.root() != expected or check.pending:
        raise IntegrityError(
            f"the record of {production_id} changed underneath: events #{begin + 1} to "
            f"#{stop} are not the events this server verified. Run `coldcheck verify`",
            check.frontier.size + 1,
        )
    return 0 if stop == known.seq else stop
