"""Checking a production's stored log against its signatures: `verify`, and the same
checks for the service whenever it folds events it has not seen.

`LogCheck` checks stored events one at a time, in seq order: no gap; the body decodes; its
production, seq, id, type, time and actor agree with the row's columns; its leaf hash and
the running Merkle root equal the stored ones; every checkpoint's root equals the
recomputed root at its size and its signature holds. `finish` checks the chain head's root
and signature against the end. The first failure raises `IntegrityError` naming its seq.
`verify_log` runs it over a whole log (plus the production's public key, and no event past
the head) and turns the error into a report.

Verify may run while the service appends: checkpoints are read before the head and events
only up to it, and every append commits its events, head and checkpoint together, so the
three reads agree without one snapshot.

Key history: a log is checked from the public key recorded when the production was created;
each `SigningKeyRotated` event in it (ledger/rotation.py) must be signed by the key in
force and by the new one, over the production, its own seq and the root before it; each
signed checkpoint and head is checked with the key in force at its size (a rotation at seq
s is in force from size s). The history must end at the deployment's key.

Limit: an attacker who rewrites events *and* every stored hash after them can only be
caught at the next signed root, i.e. the next checkpoint or the signed head; the check then
names the first seq after the last root that still matched.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from coldcheck import envelope
from coldcheck.decode_pass import DecodePass, decoded
from coldcheck.domain import events as ev
from coldcheck.domain.errors import IntegrityError
from coldcheck.ledger import Frontier, SignedCheckpoint, key_id_for, leaf_hash
from coldcheck.ledger.rotation import KeyRotation, RotationError
from coldcheck.store import Head, Store, StoredEvent
from coldcheck.store.sql import SqlStore

Progress = Callable[[int, int], None]  # (events checked, events in all)
# A log's signing keys, oldest first: (the size from which it signs, its public key).
KeyHistory = tuple[tuple[int, bytes], ...]


def rotation_of(production_id: str, seq: int, e: ev.SigningKeyRotated) -> KeyRotation:
    """The signed statement a rotation event carries (RotationError if it cannot be one)."""
    try:
        return KeyRotation(
            production_id,
            seq,
            bytes.fromhex(e.root),
            bytes.fromhex(e.old_key),
            bytes.fromhex(e.new_key),
            bytes.fromhex(e.old_signature),
            bytes.fromhex(e.new_signature),
        )
    except (TypeError, ValueError) as exc:
        raise RotationError(f"the rotation is malformed: {exc}") from None


class MissingEvent(IntegrityError):
    """A gap in the stored seqs: found before the row after the gap is decoded."""


@dataclass(frozen=True, slots=True)
class VerifyReport:
    production_id: str
    events: int
    checkpoints: int
    root: bytes
    ok: bool
    first_bad_seq: int | None = None
    problem: str = ""
    keys: KeyHistory = ()  # the key history walked (when the log verifies)
    vouched_size: int = 0  # events 1..this were vouched for, not re-checked (verify_since)


class LogCheck:
    """The checks of `verify`, one stored event at a time, from a frontier already trusted
    (empty: from the start). Checkpoints at or below that frontier are not looked at.

    `public_key` is the key in force at that frontier (from the start: the key recorded
    with the production), or the whole key history up to it; `history` is the history
    once the events are checked, and `public_key` the key in force at their end."""

    def __init__(
        self,
        production_id: str,
        public_key: bytes | KeyHistory,
        checkpoints: Iterable[SignedCheckpoint],
        frontier: Frontier | None = None,
    ) -> None:
        self.production_id = production_id
        self.history: KeyHistory = (
            ((0, public_key),) if isinstance(public_key, bytes) else tuple(public_key)
        )
        self.public_key = self.history[-1][1]
        self.frontier = frontier if frontier is not None else Frontier.empty()
        self.last_good = self.frontier.size  # the last size at which a signed root matched
        self.checked_checkpoints = 0
        start = self.frontier.size
        cps = sorted(checkpoints, key=lambda cp: cp.size)
        for cp in cps:
            if cp.size == 0 and start == 0:
                if not cp.verify(self.history[0][1]):
                    self._bad(0, "checkpoint at size 0 has a bad signature")
                self.checked_checkpoints += 1
        self.pending = [cp for cp in cps if cp.size > start]

    def _bad(self, seq: int, problem: str) -> None:
        raise IntegrityError(problem, seq)

    def event(self, stored: StoredEvent) -> ev.Recorded:
        """Check the next stored event; its decoded record."""
        self._next(stored)
        rec = decoded(self.production_id, stored)
        self._chain(stored, rec.event)
        return rec

    def frame(self, stored: StoredEvent) -> None:
        """The checks of `event` but the decode of the body and its match with the row's
        columns, which a second pass makes (decode_pass.py). Only a row that says it is a
        key rotation is decoded here, as its signatures are part of the chain (a rotation
        whose row says otherwise is a row mismatch the second pass names)."""
        self._next(stored)
        if stored.type == "SigningKeyRotated":
            self._chain(stored, decoded(self.production_id, stored).event)
        else:
            self._chain(stored, None)

    def _next(self, stored: StoredEvent) -> None:
        expected = self.frontier.size + 1
        if stored.seq != expected:
            raise MissingEvent(
                f"event #{expected} is missing (next stored is #{stored.seq})", expected
            )

    def _chain(self, stored: StoredEvent, event: ev.Event | None) -> None:
        """The checks after the decode: the leaf, the root, the checkpoints."""
        frontier = self.frontier
        lh = leaf_hash(stored.body)
        if lh != stored.leaf_hash:
            self._bad(stored.seq, f"event #{stored.seq} was altered (leaf hash differs)")
        if isinstance(event, ev.SigningKeyRotated):
            self._rotate(stored.seq, event)
        frontier.append(lh)
        root = frontier.root()
        if root != stored.root:
            self._bad(
                stored.seq,
                f"event #{stored.seq}: the stored root differs from the "
                "recomputed one (events before it were altered)",
            )
        pending = self.pending
        while pending and pending[0].size == frontier.size:
            cp = pending.pop(0)
            if cp.root == root and cp.key_id != key_id_for(self.public_key):
                self._bad(
                    self.last_good + 1, self._unsigned(f"signed checkpoint at size {cp.size}")
                )
            if cp.root != root or not cp.verify(self.public_key):
                self._bad(
                    self.last_good + 1,
                    f"signed checkpoint at size {cp.size} does "
                    f"not match the log; the log was rewritten after #{self.last_good}",
                )
            self.last_good = frontier.size
            self.checked_checkpoints += 1

    def _unsigned(self, what: str) -> str:
        """What to say of a signed root that matches the log, but not its key."""
        if len(self.history) == 1:
            whose = f"the public key recorded for {self.production_id}"
        else:
            whose = f"the key in force at that size after {len(self.history) - 1} rotation(s)"
        return (
            f"{what} matches the log but names another key than {whose} "
            f"({key_id_for(self.public_key)}): the key was replaced, or the record was "
            f"signed by another key"
        )

    def _rotate(self, seq: int, e: ev.SigningKeyRotated) -> None:
        try:
            rotation = rotation_of(self.production_id, seq, e)
            rotation.check(self.production_id, seq, self.frontier.root(), self.public_key)
        except RotationError as exc:
            self._bad(seq, f"the key rotation at #{seq} does not hold: {exc}")
        self.history = (*self.history, (seq, rotation.new_key))
        self.public_key = rotation.new_key

    def finish(self, head: Head) -> None:
        """Check that the log ends where the signed head says, under its root."""
        size = self.frontier.size
        if self.pending:
            cp = self.pending[0]
            if cp.size > head.seq:
                self._bad(
                    head.seq + 1,
                    f"a signed checkpoint covers {cp.size} events "
                    f"but the chain head says {head.seq}: the head was cut back",
                )
            self._bad(
                size + 1,
                f"a signed checkpoint covers {cp.size} events but "
                f"only {size} are stored: events were deleted",
            )
        if head.seq != size:
            self._bad(size + 1, f"the chain head says {head.seq} events, {size} are stored")
        signed = head.checkpoint
        if signed.root == self.frontier.root() and signed.key_id != key_id_for(self.public_key):
            self._bad(self.last_good + 1, self._unsigned("the signed chain head"))
        if signed.root != self.frontier.root() or not signed.verify(self.public_key):
            if self.last_good == head.seq:
                # A signed checkpoint already vouches for every event: the head row was
                # altered.
                self._bad(
                    head.seq,
                    f"the signed chain head at #{head.seq} was altered; the "
                    "checkpoint at that size still matches the log",
                )
            self._bad(
                self.last_good + 1,
                "the signed chain head does not match the log; the "
                f"log was rewritten after #{self.last_good}",
            )


def check_public_key(in_force: bytes, production_id: str, public_key: bytes) -> None:
    """IntegrityError unless the key in force at the end of the production's key history
    is `public_key`."""
    if in_force != public_key:
        raise IntegrityError(
            f"the key history of {production_id} ends at key {key_id_for(in_force)}, which "
            f"is not this deployment's key ({key_id_for(public_key)}): the record is signed "
            "with another key (another deployment's), its production row was altered, or "
            "the key was rotated by another process (restart with the new key)",
            0,
        )


def initial_key(events: Iterable[StoredEvent], current: bytes) -> bytes:
    """The key a copy of a log starts from, when only the key in force now is known (a
    studio's first push, a restore): the key its first rotation rotated from, or `current`
    if it has none. Nothing is trusted by it: the history walk checks every rotation's two
    signatures and that it ends where it must."""
    for stored in events:
        if stored.type == "SigningKeyRotated":
            try:
                e = envelope.decode(stored.body)[1].event
            except IntegrityError:
                break  # the walk names it
            if isinstance(e, ev.SigningKeyRotated):
                try:
                    return bytes.fromhex(e.old_key)
                except ValueError:
                    break
    return current


def nothing_past_head(store: Store, production_id: str, head: Head) -> None:
    """IntegrityError if an event is stored after the signed head (nothing signs it),
    unless an append has committed it with its head since `head` was read."""
    beyond = store.last_seq(production_id)
    if beyond > head.seq and store.head(production_id).seq < beyond:
        raise IntegrityError(
            f"event #{beyond} is stored after the signed chain head "
            f"(#{head.seq}); nothing signs it",
            head.seq + 1,
        )


# Below this many events (or for a store with no database URL) the typed decode runs
# in-process, in the same loop: starting worker processes costs more than it saves.
PARALLEL_FROM = 20_000


def verify_log(
    store: Store,
    production_id: str,
    public_key: bytes,
    progress: Progress | None = None,
    parallel_from: int = PARALLEL_FROM,
) -> VerifyReport:
    """Verify one production's log; the report names the first bad seq, if any.

    On a large log in a database file or server, the typed decode of each body runs in
    other processes (decode_pass.py) while this one makes the structural checks
    (`LogCheck.frame`); the two first failures are merged to the one the sequential
    check meets first, so the report is the same either way."""
    # This order (checkpoints, head, events up to it) is what makes a concurrent append
    # harmless: each checkpoint read is covered by the head read after it.
    checkpoints = store.checkpoints(production_id)
    head = store.head(production_id)
    url = _database_url(store)
    if url is None or head.seq < parallel_from:
        return _sequential(store, production_id, public_key, checkpoints, head, progress)
    decoding = DecodePass(url, production_id, head.seq)
    report = _verify(store, production_id, public_key, checkpoints, head, progress, decoding)
    if report is not None:
        return report
    # The decode pass found an event that does not decode before any structural failure:
    # the sequential check stops there, with the same sentence and counts.
    return _sequential(store, production_id, public_key, checkpoints, head, None)


def _sequential(
    store: Store,
    production_id: str,
    public_key: bytes,
    checkpoints: list[SignedCheckpoint],
    head: Head,
    progress: Progress | None,
) -> VerifyReport:
    report = _verify(store, production_id, public_key, checkpoints, head, progress, None)
    assert report is not None  # only a decode pass defers
    return report


def _database_url(store: Store) -> str | None:
    """The URL a worker process can read the store's rows from (None: it cannot)."""
    if not isinstance(store, SqlStore):
        return None
    if store.dialect == "sqlite" and store.engine.url.database in (None, "", ":memory:"):
        return None
    return store.url


def _verify(
    store: Store,
    production_id: str,
    public_key: bytes,
    checkpoints: list[SignedCheckpoint],
    head: Head,
    progress: Progress | None,
    decoding: DecodePass | None,
) -> VerifyReport | None:
    """The checks, in order; None if `decoding` found an undecodable event before the
    first structural failure (which the sequential check would have stopped at)."""
    check = LogCheck(production_id, public_key, [])
    # Where the structural pass stopped, against the seqs the decode pass names: an event
    # that does not decode is met first below it, and at its row unless the row was
    # found after a gap (the sequential check looks for the gap before decoding the row).
    stopped: float = -math.inf
    failure: IntegrityError | None = None
    try:
        check = LogCheck(production_id, store.public_key(production_id), checkpoints)
        step = check.event if decoding is None else check.frame
        for stored in store.read_events(production_id, upto=head.seq):
            stopped = stored.seq + 0.5
            step(stored)
            if progress and stored.seq % 1000 == 0:
                progress(stored.seq, head.seq)
        stopped = math.inf
        check.finish(head)
        nothing_past_head(store, production_id, head)
        check_public_key(check.public_key, production_id, public_key)
    except MissingEvent as exc:
        stopped -= 0.5
        failure = exc
    except IntegrityError as exc:
        failure = exc
    finally:
        found = decoding.first(stopped if failure is not None else math.inf) if decoding else None
    if found is not None and found[0] < (stopped if failure is not None else math.inf):
        return None
    if failure is not None:
        return VerifyReport(
            production_id,
            check.frontier.size,
            check.checked_checkpoints,
            check.frontier.root(),
            False,
            failure.seq,
            str(failure),
        )
    if progress:
        progress(head.seq, head.seq)
    return VerifyReport(
        production_id,
        check.frontier.size,
        len(checkpoints),
        check.frontier.root(),
        True,
        keys=check.history,
    )
