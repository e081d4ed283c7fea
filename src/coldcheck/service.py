"""load → decide → append: the only place the domain meets storage.

Per production the service keeps the projection in memory, tagged with the seq it has
seen; each append catches it up with the events after that seq (written by another
process, say) inside the same locked transaction, so rules are always checked against
the state at exactly the head being appended to. The projection is never rebuilt per
command.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from coldcheck import envelope
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.decide import Decision, decide
from coldcheck.domain.errors import IntegrityError, InvalidCommand
from coldcheck.domain.rules import Violation
from coldcheck.domain.state import State, evolve
from coldcheck.domain.validate import ID_PATTERN
from coldcheck.ledger import Checkpoint, Frontier, SignedCheckpoint, SigningKey, leaf_hash
from coldcheck.store import Head, SqlStore, StoredCheckpoint, StoredEvent, WriteTx

Clock = Callable[[], int]


def utc_now_us() -> int:
    """Wall-clock time in UTC microseconds: the server's clock is the record's."""
    return time.time_ns() // 1000


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command recorded (empty when it had nothing to record)."""

    records: tuple[ev.Recorded, ...]
    warnings: tuple[Violation, ...] = ()
    replayed: bool = False  # a retry of a command already recorded


class ColdCheck:
    """The application service: runs commands against one store with one signing key."""

    def __init__(self, store: SqlStore, key: SigningKey, clock: Clock = utc_now_us,
                 checkpoint_every: int = 1000) -> None:
        self.store = store
        self.key = key
        self.clock = clock
        self.checkpoint_every = checkpoint_every
        self._states: dict[str, State] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, production_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(production_id, threading.Lock())

    def create_production(self, production_id: str, cmd: c.CreateProduction) -> Outcome:
        """Create a production: its row, its chain head and its first event, together."""
        if not ID_PATTERN.match(production_id):
            raise InvalidCommand(f"production id {production_id!r} is not a valid id")
        cmd = replace(cmd, at=self.clock())
        state = State(production_id)
        decision = decide(state, cmd)
        empty = Frontier.empty()
        head = self._signed_head(production_id, 0, empty, cmd.at)
        with self._lock(production_id):
            with self.store.creating(production_id, cmd.at, self.key.public_key_bytes(),
                                     head) as tx:
                records = self._append(tx, state, decision, cmd, uuid.uuid4().hex)
            self._apply(production_id, state, records)
        return Outcome(records, decision.warnings)

    def execute(self, production_id: str, cmd: c.Command,
                command_id: str | None = None) -> Outcome:
        """Check a command against the rules and record its events, or raise Refused.

        `command_id` is the idempotency key: a retry with the same id returns the events
        the first attempt recorded, and records nothing new.
        """
        if isinstance(cmd, c.CreateProduction):
            return self.create_production(production_id, cmd)
        command_id = command_id or uuid.uuid4().hex
        if not ID_PATTERN.match(command_id):
            raise InvalidCommand("a command id is 1-64 letters, digits, '.', '_' or '-'")
        with self._lock(production_id):
            with self.store.writing(production_id) as tx:
                earlier = self._earlier(tx, command_id)
                if earlier:
                    return Outcome(earlier, replayed=True)
                # Stamped under the write lock, never before the head: the log is read as
                # time-ordered ("who held it at T") whichever process or host appends.
                cmd = replace(cmd, at=max(self.clock(), tx.head.signed_at))
                state = self._caught_up(production_id, tx)
                decision = decide(state, cmd)
                records = self._append(tx, state, decision, cmd, command_id)
            self._apply(production_id, state, records)
        return Outcome(records, decision.warnings)

    def state(self, production_id: str) -> State:
        """The production's current state (caught up with the store)."""
        with self._lock(production_id):
            state = self._states.get(production_id) or State(production_id)
            if state.seq > self.store.head(production_id).seq:
                state = State(production_id)  # the store went back (a restore): refold
            for stored in self.store.read_events(production_id, after=state.seq):
                evolve(state, self._decoded(production_id, stored))
            self._states[production_id] = state
            return state

    def records(self, production_id: str, after: int = 0,
                upto: int | None = None) -> Iterator[ev.Recorded]:
        """The production's recorded events in order."""
        self.store.head(production_id)  # NotFound for an unknown production
        for stored in self.store.read_events(production_id, after, upto):
            yield self._decoded(production_id, stored)

    def checkpoint(self, production_id: str) -> StoredCheckpoint:
        """Sign and store a checkpoint of the production's log as it stands now."""
        with self._lock(production_id), self.store.writing(production_id) as tx:
            cp = self._checkpoint_row(tx.head)
            existing = {c.tree_size for c in self.store.checkpoints(production_id)}
            if cp.tree_size not in existing:
                tx.add_checkpoint(cp)
            return cp

    # -- internals -------------------------------------------------------------------

    def _earlier(self, tx: WriteTx, command_id: str) -> tuple[ev.Recorded, ...]:
        found: list[ev.Recorded] = []
        while stored := tx.find_event(f"{command_id}.{len(found)}"):
            if stored.production_id != tx.head.production_id:
                raise InvalidCommand("that command id was used on another production")
            found.append(self._decoded(stored.production_id, stored))
        return tuple(found)

    def _caught_up(self, production_id: str, tx: WriteTx) -> State:
        state = self._states.get(production_id)
        scratch = state is None or state.seq > tx.head.seq
        if state is None or scratch:
            state = State(production_id)
        # Refuse to append onto a log that does not verify: from scratch (once per process)
        # the whole Merkle root and the head's signature are checked; after that, every
        # event read must carry the hash of its bytes and the last one the head's root.
        frontier = Frontier.empty() if scratch else None
        last_root = None
        for stored in tx.events_after(state.seq):
            evolve(state, self._decoded(production_id, stored))
            if frontier is not None:
                frontier.append(stored.leaf_hash)
            last_root = stored.root
        root = frontier.root() if frontier is not None else last_root
        if root is not None and root != tx.head.root:
            self._states.pop(production_id, None)
            raise IntegrityError(f"the log of {production_id} does not match its signed head; "
                                 "nothing was recorded: run `coldcheck verify`")
        if scratch and not self._head_signed(tx.head):
            self._states.pop(production_id, None)
            raise IntegrityError(f"the head of {production_id} is not signed by this "
                                 "deployment's key; nothing was recorded")
        self._states[production_id] = state
        return state

    def _head_signed(self, head: Head) -> bool:
        try:
            cp = Checkpoint(head.production_id, head.seq, head.root, head.signed_at,
                            head.key_id)
        except (TypeError, ValueError):
            return False
        return SignedCheckpoint(cp, head.signature).verify(self.key.public_key_bytes())

    def _decoded(self, production_id: str, stored: StoredEvent) -> ev.Recorded:
        # Cheap integrity check on every read: the bytes are the bytes that were hashed.
        if leaf_hash(stored.body) != stored.leaf_hash:
            raise IntegrityError(
                f"event #{stored.seq} of {production_id} does not match its hash; "
                "run `coldcheck verify`", stored.seq)
        owner, rec = envelope.decode(stored.body)
        if owner != production_id or rec.seq != stored.seq:
            raise IntegrityError(f"event #{stored.seq} of {production_id} is out of place",
                                 stored.seq)
        return rec

    def _append(self, tx: WriteTx, state: State, decision: Decision, cmd: c.Command,
                command_id: str) -> tuple[ev.Recorded, ...]:
        if not decision.events:
            return ()
        production_id = tx.head.production_id
        frontier = Frontier.from_json(tx.head.frontier)
        actor = None if decision.anonymous else cmd.actor
        warnings = tuple(w.code for w in decision.warnings)
        records, rows = [], []
        for i, event in enumerate(decision.events):
            rec = ev.Recorded(tx.head.seq + 1 + i, f"{command_id}.{i}", cmd.at, actor, event,
                              warnings, cmd.claimed_at)
            body = envelope.encode(production_id, rec)
            lh = leaf_hash(body)
            frontier.append(lh)
            rows.append(StoredEvent(production_id, rec.seq, rec.event_id, rec.type, rec.at,
                                    actor, body, lh, frontier.root()))
            records.append(rec)
        before = tx.head.seq
        tx.append(rows, self._signed_head(production_id, frontier.size, frontier, cmd.at))
        closes_day = any(isinstance(r.event, ev.DayClosed) for r in records)
        if closes_day or before // self.checkpoint_every != frontier.size // self.checkpoint_every:
            tx.add_checkpoint(self._checkpoint_row(tx.head))
        return tuple(records)

    def _apply(self, production_id: str, state: State,
               records: tuple[ev.Recorded, ...]) -> None:
        # Only after the commit: a refused or failed append leaves the projection as it was.
        for rec in records:
            evolve(state, rec)
        self._states[production_id] = state

    def _signed_head(self, production_id: str, seq: int, frontier: Frontier, at: int) -> Head:
        root = frontier.root()
        signed = SignedCheckpoint.sign(
            Checkpoint(production_id, seq, root, at, self.key.key_id()), self.key)
        return Head(production_id, seq, frontier.to_json(), root, at, self.key.key_id(),
                    signed.signature)

    @staticmethod
    def _checkpoint_row(head: Head) -> StoredCheckpoint:
        # The head is signed on every append; a checkpoint keeps that signed head for good.
        return StoredCheckpoint(head.production_id, head.seq, head.root, head.signed_at,
                                head.key_id, head.signature)
