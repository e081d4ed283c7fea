"""load → decide → append: the only place the domain meets storage.

Per production the service keeps the last committed state in memory with the Merkle
frontier it was folded from; each append catches it up with the events after it (written
by another process, say) inside the same locked transaction, and the frontier must then
reach the signed head's root, so rules are always checked against the state at exactly
the head being appended to, of a log that matches it. The state is never rebuilt per
command.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from coldcheck import envelope
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.decide import Decision, decide
from coldcheck.domain.errors import Conflict, IntegrityError, InvalidCommand
from coldcheck.domain.rules import Violation
from coldcheck.domain.state import State, evolve
from coldcheck.domain.validate import ID_PATTERN
from coldcheck.lanes import Lanes, Request
from coldcheck.ledger import Checkpoint, Frontier, SignedCheckpoint, SigningKey, leaf_hash
from coldcheck.store import Head, SqlStore, StoredCheckpoint, StoredEvent, WriteTx

Clock = Callable[[], int]
_Earlier = tuple[ev.Recorded, ...] | InvalidCommand  # a retry's events, or why it can't be one


def utc_now_us() -> int:
    """Wall-clock time in UTC microseconds: the server's clock is the record's."""
    return time.time_ns() // 1000


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command recorded (empty when it had nothing to record)."""

    records: tuple[ev.Recorded, ...]
    warnings: tuple[Violation, ...] = ()
    replayed: bool = False  # a retry of a command already recorded


@dataclass(frozen=True, slots=True)
class _Known:
    """A production's committed state, the Merkle frontier of the log it was folded from,
    and that frontier's root: published together, never changed."""

    state: State
    frontier: Frontier
    root: bytes

    def at(self, head: Head) -> bool:
        """Whether this is the state at exactly that head (same size, same root)."""
        return self.state.seq == head.seq and self.root == head.root


class ColdCheck:
    """The application service: runs commands against one store with one signing key.

    Group commit: a command joins its production's queue (lanes.py: who leads, who
    waits). The leading thread's batch is decided here in order, each command against
    the state the commands before it leave, and appended in one transaction under one
    signed head and one durable commit. A refused command refuses only itself. If the
    transaction fails, every command in it fails and nothing of it is recorded.

    Per production the service keeps the last committed state (the projection) and
    never changes it: a batch is decided on a fork, which replaces it after the commit.
    So `state()` reads without waiting for a writer.
    """

    def __init__(self, store: SqlStore, key: SigningKey, clock: Clock = utc_now_us,
                 checkpoint_every: int = 1000) -> None:
        self.store = store
        self.key = key
        self.clock = clock
        self.checkpoint_every = checkpoint_every
        self._key_id = key.key_id()
        self._known: dict[str, _Known] = {}
        self._known_lock = threading.Lock()
        self.lanes: Lanes[c.Command, Outcome] = Lanes()

    def create_production(self, production_id: str, cmd: c.CreateProduction) -> Outcome:
        """Create a production: its row, its chain head and its first event, together."""
        if not ID_PATTERN.match(production_id):
            raise InvalidCommand(f"production id {production_id!r} is not a valid id")
        cmd = replace(cmd, at=self.clock())
        state = State(production_id)
        decision = decide(state, cmd)
        empty = Frontier.empty()
        head = self._signed_head(production_id, 0, empty, cmd.at)
        with self.lanes.lane(production_id).writer:
            with self.store.creating(production_id, cmd.at, self.key.public_key_bytes(),
                                     head) as tx:
                records = self._append(tx, state, decision, cmd, uuid.uuid4().hex)
                known = _Known(state, Frontier.from_json(tx.head.frontier), tx.head.root)
            self._publish(production_id, known, force=True)
        return Outcome(records, decision.warnings)

    def execute(self, production_id: str, cmd: c.Command,
                command_id: str | None = None) -> Outcome:
        """Check a command against the rules and record its events, or raise Refused.

        `command_id` is the idempotency key: a retry with the same id returns the events
        the first attempt recorded, and records nothing new.
        """
        if isinstance(cmd, c.CreateProduction):
            return self.create_production(production_id, cmd)
        if command_id is not None and not ID_PATTERN.match(command_id):
            raise InvalidCommand("a command id is 1-64 letters, digits, '.', '_' or '-'")
        request: Request[c.Command, Outcome] = Request(
            cmd, command_id or uuid.uuid4().hex, retry_possible=command_id is not None)
        return self.lanes.run(production_id, request,
                              lambda batch: self._commit(production_id, batch))

    def state(self, production_id: str) -> State:
        """The production's current state, caught up with the store and checked against
        its signed head (IntegrityError if the log does not match it).

        Never waits for a writer: it is the last committed state, which nothing changes
        (treat it as read-only); a newer one replaces it.
        """
        head = self.store.head(production_id)  # NotFound for an unknown production
        known = self._known.get(production_id)
        if known is not None and known.at(head):
            return known.state
        with self.lanes.lane(production_id).reader:  # one reader catches up; the others wait
            known = self._known.get(production_id)
            if known is not None and known.state.seq > head.seq:
                head = self.store.head(production_id)  # a writer here committed since?
            if known is not None and known.at(head):
                return known.state
            upto = head.seq
            known, scratch = self._fold(
                production_id, head,
                lambda after: self.store.read_events(production_id, after, upto))
            return self._publish(production_id, known, force=scratch).state

    def records(self, production_id: str, after: int = 0,
                upto: int | None = None) -> Iterator[ev.Recorded]:
        """The production's recorded events in order."""
        self.store.head(production_id)  # NotFound for an unknown production
        for stored in self.store.read_events(production_id, after, upto):
            yield self._decoded(production_id, stored)

    def checkpoint(self, production_id: str) -> StoredCheckpoint:
        """Sign and store a checkpoint of the production's log as it stands now."""
        with self.lanes.lane(production_id).writer, self.store.writing(production_id) as tx:
            cp = self._checkpoint_row(tx.head)
            existing = {c.tree_size for c in self.store.checkpoints(production_id)}
            if cp.tree_size not in existing:
                tx.add_checkpoint(cp)
            return cp

    # -- internals -------------------------------------------------------------------

    def _commit(self, production_id: str, batch: list[Request[c.Command, Outcome]]) -> None:
        """Append a batch in one transaction; settle every request in it (those after a
        closed day stay unsettled: they go back to the queue)."""
        taken = len(batch)  # how many are in the transaction (a closed day ends it early)
        try:
            for attempt in (1, 2):
                taken = len(batch)
                for request in batch:
                    request.settle()  # a first attempt's outcomes were never recorded
                try:
                    with self.store.writing(production_id) as tx:
                        known = self._caught_up(production_id, tx)
                        work = known.state.fork()
                        earlier = self._earlier(tx, [r.command_id for r in batch
                                                     if r.retry_possible])
                        at = max(self.clock(), tx.head.signed_at)
                        pending = _Pending(tx.head, known.frontier.copy())
                        for i, request in enumerate(batch):
                            self._decide_one(work, pending, request, earlier, at)
                            if pending.closes_day:
                                taken = i + 1  # a closed day ends the batch: its
                                break  # checkpoint is its own
                        self._append_pending(tx, pending)
                    break
                except Conflict:
                    # A command id committed meanwhile on another production (PostgreSQL:
                    # nothing locks ids across productions): once more, and `_earlier`
                    # now refuses just that command.
                    if attempt == 2 or not any(r.retry_possible for r in batch):
                        raise
            self._publish(production_id, _Known(work, pending.frontier, pending.frontier.root()),
                          force=True)
        except BaseException as exc:
            for request in batch[:taken]:
                request.settle(error=exc)
            if not isinstance(exc, Exception):
                raise

    def _decide_one(self, work: State, pending: _Pending, request: Request[c.Command, Outcome],
                    earlier: dict[str, _Earlier], at: int) -> None:
        if request.command_id in earlier:
            found = earlier[request.command_id]
            if isinstance(found, Exception):
                request.settle(error=found)
            else:
                request.settle(Outcome(found, replayed=True))
            return
        if request.command_id in pending.by_command:  # the same retry twice in one batch
            request.settle(Outcome(pending.by_command[request.command_id], replayed=True))
            return
        cmd = replace(request.cmd, at=at)
        try:
            decision = decide(work, cmd)
            # Encoded before anything changes: a command the record cannot hold (an int
            # past 2**53, say) fails alone, not the whole batch.
            prepared = pending.prepare(decision, cmd, request.command_id)
        except Exception as exc:  # decide is pure: a refusal or a fault is this command's
            request.settle(error=exc)
            return
        records = pending.add(work, prepared, request.command_id)
        request.settle(Outcome(records, decision.warnings))

    def _append_pending(self, tx: WriteTx, pending: _Pending) -> None:
        if not pending.rows:
            return
        production_id = tx.head.production_id
        before = tx.head.seq
        tx.append(pending.rows, self._signed_head(production_id, pending.frontier.size,
                                                  pending.frontier, pending.at))
        every = self.checkpoint_every
        if pending.closes_day or before // every != pending.frontier.size // every:
            tx.add_checkpoint(self._checkpoint_row(tx.head))

    def _publish(self, production_id: str, known: _Known, force: bool = False) -> _Known:
        """Make `known` the production's committed state, unless a newer one is there
        (`force`: a writer holding the head, or a refold from scratch)."""
        with self._known_lock:
            current = self._known.get(production_id)
            if force or current is None or known.state.seq > current.state.seq:
                self._known[production_id] = known
                return known
            return current

    def _earlier(self, tx: WriteTx, command_ids: list[str]) -> dict[str, _Earlier]:
        """The events already recorded under any of these command ids (retries)."""
        found: dict[str, _Earlier] = {}
        for first in tx.find_events([f"{cid}.0" for cid in command_ids]):
            command_id = first.event_id[:-2]
            if first.production_id != tx.head.production_id:
                found[command_id] = InvalidCommand(
                    "that command id was used on another production")
                continue
            records = [self._decoded(first.production_id, first)]
            while stored := tx.find_event(f"{command_id}.{len(records)}"):
                records.append(self._decoded(stored.production_id, stored))
            found[command_id] = tuple(records)
        return found

    def _caught_up(self, production_id: str, tx: WriteTx) -> _Known:
        """The committed state at the locked head, verified and published."""
        known, _ = self._fold(production_id, tx.head, tx.events_after)
        return self._publish(production_id, known, force=True)

    def _fold(self, production_id: str, head: Head,
              events_after: Callable[[int], Iterable[StoredEvent]]) -> tuple[_Known, bool]:
        """The state at `head`, checked against it; and whether it was folded from scratch.

        From what is known when that is a prefix of the log (the frontier, extended by the
        events after it, must give the head's root), else from scratch (once per process,
        or after a restore), when the head's signature is checked too. Nothing is appended
        onto, or read from, a log that does not match its signed head.
        """
        known = self._known.get(production_id)
        if known is not None and known.at(head):
            return known, False
        if known is not None and known.state.seq < head.seq:
            state, frontier = known.state.fork(), known.frontier.copy()
            for stored in events_after(state.seq):
                evolve(state, self._decoded(production_id, stored))
                frontier.append(stored.leaf_hash)
            if frontier.size == head.seq and frontier.root() == head.root:
                return _Known(state, frontier, head.root), False
            # Not a continuation of what this process knew (a restore, then new appends).
        state, frontier = State(production_id), Frontier.empty()
        for stored in events_after(0):
            evolve(state, self._decoded(production_id, stored))
            frontier.append(stored.leaf_hash)
        if frontier.size != head.seq or frontier.root() != head.root:
            raise IntegrityError(f"the log of {production_id} does not match its signed head; "
                                 "nothing was recorded: run `coldcheck verify`")
        if not self._head_signed(head):
            raise IntegrityError(f"the head of {production_id} is not signed by this "
                                 "deployment's key; nothing was recorded")
        return _Known(state, frontier, head.root), True

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
        """Append one decided command's events to `state` (evolved) and the store."""
        pending = _Pending(tx.head)
        records = pending.add(state, pending.prepare(decision, cmd, command_id), command_id)
        self._append_pending(tx, pending)
        return records

    def _signed_head(self, production_id: str, seq: int, frontier: Frontier, at: int) -> Head:
        root = frontier.root()
        signed = SignedCheckpoint.sign(
            Checkpoint(production_id, seq, root, at, self._key_id), self.key)
        return Head(production_id, seq, frontier.to_json(), root, at, self._key_id,
                    signed.signature)

    @staticmethod
    def _checkpoint_row(head: Head) -> StoredCheckpoint:
        # The head is signed on every append; a checkpoint keeps that signed head for good.
        return StoredCheckpoint(head.production_id, head.seq, head.root, head.signed_at,
                                head.key_id, head.signature)


class _Pending:
    """The rows of one transaction's events, built as each command is decided."""

    def __init__(self, head: Head, frontier: Frontier | None = None) -> None:
        self.production_id = head.production_id
        self.frontier = frontier or Frontier.from_json(head.frontier)
        self.at = head.signed_at
        self.rows: list[StoredEvent] = []
        self.by_command: dict[str, tuple[ev.Recorded, ...]] = {}
        self.closes_day = False

    def prepare(self, decision: Decision, cmd: c.Command, command_id: str
                ) -> list[tuple[ev.Recorded, bytes]]:
        """The command's records and their bytes; changes nothing (may raise)."""
        actor = None if decision.anonymous else cmd.actor
        warnings = tuple(w.code for w in decision.warnings)
        out = []
        for i, event in enumerate(decision.events):
            rec = ev.Recorded(self.frontier.size + 1 + i, f"{command_id}.{i}", cmd.at, actor,
                              event, warnings, cmd.claimed_at)
            out.append((rec, envelope.encode(self.production_id, rec)))
        return out

    def add(self, state: State, prepared: list[tuple[ev.Recorded, bytes]],
            command_id: str) -> tuple[ev.Recorded, ...]:
        """Record a prepared command's events: rows to insert, and `state` evolved."""
        for rec, body in prepared:
            lh = leaf_hash(body)
            self.frontier.append(lh)
            self.rows.append(StoredEvent(self.production_id, rec.seq, rec.event_id, rec.type,
                                         rec.at, rec.actor, body, lh, self.frontier.root()))
            evolve(state, rec)
            self.closes_day = self.closes_day or isinstance(rec.event, ev.DayClosed)
            self.at = max(self.at, rec.at)
        records = tuple(rec for rec, _ in prepared)
        self.by_command[command_id] = records
        return records
