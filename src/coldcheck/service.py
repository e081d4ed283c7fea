"""load → decide → append: the only place the domain meets storage.

Per production the service keeps the last committed state in memory, proven against the
signed head (projection.py); each append catches it up with the events after it (written
by another process, say) inside the same locked transaction, with every check `verify`
makes, and checks that the stored log ends where that state does. So rules are always
checked against the state at exactly the head being appended to, of a log that verifies.
Reads answer from that state, or from stored events re-proven against it. The state is
never rebuilt per command.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from coldcheck import envelope, face
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.codec import to_data
from coldcheck.domain.decide import Decision, decide
from coldcheck.domain.errors import Conflict, IntegrityError, InvalidCommand
from coldcheck.domain.rules import Violation
from coldcheck.domain.state import State, evolve
from coldcheck.domain.validate import ID_PATTERN
from coldcheck.lanes import Lanes, Request
from coldcheck.ledger import (
    Frontier,
    SignedCheckpoint,
    SigningKey,
    canonical_json,
    leaf_hash,
)
from coldcheck.projection import (
    MARK_EVERY,
    Known,
    Marks,
    audit,
    fold,
    marks_of,
    proven,
    tail_matches,
)
from coldcheck.store import Head, Store, StoredEvent, WriteTx
from coldcheck.store.accounts import AccountStore
from coldcheck.verification import Progress, VerifyReport

Clock = Callable[[], int]
_Earlier = tuple[ev.Recorded, ...] | InvalidCommand  # a retry's events, or why it can't be one


class ReusedCommandId(InvalidCommand):
    """A command id (an Idempotency-Key) already recorded for a different command."""


def fingerprint(cmd: c.Command) -> str:
    """What a command id is bound to: the command's type and contents, without the times
    the server and the device put on it (a retry sends the same command later)."""
    data = to_data(cmd)
    data.pop("at", None)
    data.pop("claimed_at", None)
    return hashlib.sha256(canonical_json({"type": type(cmd).__name__, "data": data})
                          ).hexdigest()[:32]


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

    def __init__(self, store: Store, key: SigningKey, clock: Clock = utc_now_us,
                 checkpoint_every: int = 1000) -> None:
        self.store = store
        self.key = key
        self.clock = clock
        self.checkpoint_every = checkpoint_every
        self._public_key = key.public_key_bytes()
        self._known: dict[str, Known] = {}
        self._known_lock = threading.Lock()
        self._audited: dict[str, int] = {}  # where each production's next audit starts
        self.lanes: Lanes[c.Command, Outcome] = Lanes()

    def create_production(self, production_id: str, cmd: c.CreateProduction) -> Outcome:
        """Create a production: its row, its chain head and its first event, together."""
        if not ID_PATTERN.match(production_id):
            raise InvalidCommand(f"production id {production_id!r} is not a valid id")
        cmd = replace(cmd, at=self.clock())
        state = State(production_id)
        decision = decide(state, cmd)
        head = self._signed_head(production_id, 0, Frontier.empty(), cmd.at)
        with self.lanes.lane(production_id).writer:
            with self.store.creating(production_id, cmd.at, self._public_key, head) as tx:
                pending = _Pending(tx.head, Frontier.empty())
                command_id = uuid.uuid4().hex
                records = pending.add(state, pending.prepare(decision, cmd, command_id),
                                      command_id)
                self._append_pending(tx, pending)
                known = pending.known(state, tx.head, Marks())
            self._publish(production_id, known, force=True)
        return Outcome(records, decision.warnings)

    def execute(self, production_id: str, cmd: c.Command,
                command_id: str | None = None) -> Outcome:
        """Check a command against the rules and record its events, or raise Refused.

        `command_id` is the idempotency key: a retry of the same command with the same id
        returns the events the first attempt recorded, and records nothing new; the same
        id with a different command is refused (ReusedCommandId), and records nothing.
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
        """The production's current state, caught up with the store and proven against
        its signed head (IntegrityError, naming the first bad seq, if the log does not
        verify).

        Never waits for a writer: it is the last committed state, which nothing changes
        (treat it as read-only); a newer one replaces it.
        """
        return self._verified(production_id).state

    def signed_head(self, production_id: str) -> SignedCheckpoint:
        """The signed head the current state was proven against."""
        return self._verified(production_id).head.checkpoint

    def public_key(self) -> bytes:
        """The deployment's public key: the one every signed head must verify under."""
        return self._public_key

    def records(self, production_id: str, after: int = 0,
                upto: int | None = None) -> Iterator[ev.Recorded]:
        """The production's recorded events in order, after `after` and up to `upto`
        (default: the signed head), each proven to be the event under the signed root."""
        for _, rec in self.proven_events(production_id, after, upto):
            yield rec

    def proven_events(self, production_id: str, after: int = 0, upto: int | None = None
                      ) -> Iterator[tuple[StoredEvent, ev.Recorded]]:
        """`records`, with each event's stored row (its exact bytes, for proofs)."""
        known = self._verified(production_id)
        end = known.seq if upto is None else min(upto, known.seq)
        return self._proven(production_id, known, after, end)

    def checkpoint(self, production_id: str) -> SignedCheckpoint:
        """Sign and store a checkpoint of the production's log as it stands now."""
        with self.lanes.lane(production_id).writer, self.store.writing(production_id) as tx:
            known = self._caught_up(production_id, tx)
            # The head is signed on every append; a checkpoint keeps that signed head for
            # good.
            cp = known.head.checkpoint
            if all(kept.size != cp.size for kept in tx.checkpoints_after(cp.size - 1)):
                tx.add_checkpoint(cp)
            return cp

    def audit(self) -> list[IntegrityError]:
        """Re-check the next segment of every production this process has proven (see
        projection.audit). A production changed underneath is forgotten, so that nothing
        more is served from it until it verifies again; what was found is returned."""
        found = []
        for production_id, known in list(self._known.items()):
            start = self._audited.get(production_id, 0)
            try:
                self._audited[production_id] = audit(
                    production_id, known, self._public_key,
                    lambda a, u, p=production_id: self.store.read_events(p, a, u),
                    self.store.checkpoints(production_id, start // MARK_EVERY * MARK_EVERY),
                    start)
            except IntegrityError as exc:
                self._forget(production_id)
                self._audited.pop(production_id, None)
                found.append(exc)
        return found

    # -- internals -------------------------------------------------------------------

    def _verified(self, production_id: str) -> Known:
        """The committed state at the current head, folding what is new (see state)."""
        head = self.store.head(production_id)  # NotFound for an unknown production
        known = self._known.get(production_id)
        if known is not None and known.at(head):
            return known
        with self.lanes.lane(production_id).reader:  # one reader catches up; the others wait
            known = self._known.get(production_id)
            if known is not None and known.seq > head.seq:
                head = self.store.head(production_id)  # a writer here committed since?
            if known is not None and known.at(head):
                return known
            try:
                known, scratch = fold(production_id, head, self._public_key, known,
                                      _StoreLog(self.store, production_id, head.seq))
            except IntegrityError:
                self._forget(production_id)
                raise
            if scratch:
                _nothing_past(self.store, production_id, head)
            return self._publish(production_id, known, force=scratch)

    def _proven(self, production_id: str, known: Known, after: int,
                end: int) -> Iterator[tuple[StoredEvent, ev.Recorded]]:
        try:
            yield from proven(production_id, known, lambda a, u: self.store.read_events(
                production_id, a, u), after, end)
        except IntegrityError as exc:
            # Changed underneath this process: forget what it knew, and refold so that the
            # error names the first bad event, as verify would.
            self._forget(production_id)
            self._verified(production_id)
            raise exc from None

    def _forget(self, production_id: str) -> None:
        with self._known_lock:
            self._known.pop(production_id, None)

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
                        earlier = self._earlier(tx, known, [r.command_id for r in batch
                                                            if r.retry_possible])
                        at = max(self.clock(), tx.head.checkpoint.at)
                        pending = _Pending(tx.head, known.frontier.copy(), known.last_leaf)
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
            self._publish(production_id, pending.known(work, tx.head, known.marks),
                          force=True)
        except BaseException as exc:
            for request in batch[:taken]:
                request.settle(error=exc)
            if not isinstance(exc, Exception):
                raise

    def _decide_one(self, work: State, pending: _Pending, request: Request[c.Command, Outcome],
                    earlier: dict[str, _Earlier], at: int) -> None:
        try:
            fp = fingerprint(request.cmd) if request.retry_possible else None
        except Exception as exc:  # a value the record cannot hold: this command's alone
            request.settle(error=exc)
            return
        found: _Earlier | None = earlier.get(request.command_id)
        if found is None:
            found = pending.by_command.get(request.command_id)  # the same retry twice
        if found is not None:
            if isinstance(found, Exception):
                request.settle(error=found)
            elif found[0].request not in (None, fp):
                request.settle(error=ReusedCommandId(
                    "that command id (Idempotency-Key) was already used for a different "
                    f"command, recorded as #{found[0].seq} {found[0].type}; nothing was "
                    "recorded: use a new key for a new request"))
            else:
                request.settle(Outcome(found, replayed=True))
            return
        cmd = replace(request.cmd, at=at)
        try:
            decision = decide(work, cmd)
            # Encoded before anything changes: a command the record cannot hold (an int
            # past 2**53, say) fails alone, not the whole batch.
            prepared = pending.prepare(decision, cmd, request.command_id, fp)
        except Exception as exc:  # decide is pure: a refusal or a fault is this command's
            request.settle(error=exc)
            return
        records = pending.add(work, prepared, request.command_id)
        request.settle(Outcome(records, decision.warnings))

    def _append_pending(self, tx: WriteTx, pending: _Pending) -> None:
        if not pending.rows:
            return
        production_id = tx.head.checkpoint.production
        before = tx.head.seq
        tx.append(pending.rows, self._signed_head(production_id, pending.frontier.size,
                                                  pending.frontier, pending.at))
        every = self.checkpoint_every
        if pending.closes_day or before // every != pending.frontier.size // every:
            tx.add_checkpoint(tx.head.checkpoint)

    def _publish(self, production_id: str, known: Known, force: bool = False) -> Known:
        """Make `known` the production's committed state, unless a newer one is there
        (`force`: a writer holding the head, or a refold from scratch)."""
        with self._known_lock:
            current = self._known.get(production_id)
            if force or current is None or known.seq > current.seq:
                self._known[production_id] = known
                return known
            return current

    def _earlier(self, tx: WriteTx, known: Known,
                 command_ids: list[str]) -> dict[str, _Earlier]:
        """The events already recorded under any of these command ids (retries), each
        proven against the locked head."""
        found: dict[str, _Earlier] = {}
        pid = tx.head.checkpoint.production
        for first in tx.find_events([f"{cid}.0" for cid in command_ids]):
            command_id = first.event_id[:-2]
            if first.production_id != pid:
                found[command_id] = InvalidCommand(
                    "that command id was used on another production")
                continue
            records: list[ev.Recorded] = []
            for _, rec in self._proven(pid, known, first.seq - 1, known.seq):
                if rec.event_id != f"{command_id}.{len(records)}":
                    break
                records.append(rec)
            if not records:
                raise IntegrityError(f"event #{first.seq} of {pid} is not the event its "
                                     "row names; run `coldcheck verify`", first.seq)
            found[command_id] = tuple(records)
        return found

    def _caught_up(self, production_id: str, tx: WriteTx) -> Known:
        """The committed state at the locked head, proven, and the stored log ending where
        it does; published."""
        try:
            known, _ = fold(production_id, tx.head, self._public_key,
                            self._known.get(production_id), tx)
            if not tail_matches(known, tx.tail.seq, tx.tail.leaf_hash, tx.tail.root):
                raise IntegrityError(
                    f"the record of {production_id} changed underneath: the signed head is "
                    f"at #{known.seq}, but the stored log ends at #{tx.tail.seq} or its last "
                    "event is not the one signed. Nothing was recorded; run "
                    "`coldcheck verify`", min(known.seq, tx.tail.seq) + 1)
        except IntegrityError:
            self._forget(production_id)
            raise
        return self._publish(production_id, known, force=True)

    def _signed_head(self, production_id: str, seq: int, frontier: Frontier, at: int) -> Head:
        signed = SignedCheckpoint.sign(self.key, production_id, seq, frontier.root(), at)
        return Head(signed, frontier.to_json())

    # -- the face the edges see, beyond commands and state (face.py) ------------------------

    def production_ids(self) -> list[str]:
        return face.production_ids(self)

    def head_seq(self, production_id: str) -> int:
        return face.head_seq(self, production_id)

    def verify(self, production_id: str,
               progress: Progress | None = None) -> VerifyReport:
        return face.verify(self, production_id, progress)

    @property
    def background_wal(self) -> bool:
        return face.background_wal(self)

    def checkpoint_wal(self) -> None:
        face.checkpoint_wal(self)

    def account_rows(self) -> AccountStore:
        return face.account_rows(self)


class _StoreLog:
    """A production's stored log up to a head, as a fold reads it outside a transaction."""

    def __init__(self, store: Store, production_id: str, upto: int) -> None:
        self.store, self.production_id, self.upto = store, production_id, upto

    def events_after(self, seq: int) -> Iterable[StoredEvent]:
        return self.store.read_events(self.production_id, seq, self.upto)

    def checkpoints_after(self, size: int) -> list[SignedCheckpoint]:
        # A checkpoint past the head read may be a concurrent append's: not ours to check.
        return [cp for cp in self.store.checkpoints(self.production_id, size)
                if cp.size <= self.upto]

    def recorded_key(self) -> bytes:
        return self.store.public_key(self.production_id)


def _nothing_past(store: Store, production_id: str, head: Head) -> None:
    """IntegrityError if an event is stored after the signed head, unless an append has
    committed it (with its head) since `head` was read."""
    beyond = store.last_seq(production_id)
    if beyond > head.seq and store.head(production_id).seq < beyond:
        raise IntegrityError(f"the record of {production_id} does not verify: event "
                             f"#{beyond} is stored after the signed chain head (#{head.seq}) "
                             "and nothing signs it; run `coldcheck verify`", head.seq + 1)


class _Pending:
    """The rows of one transaction's events, built as each command is decided."""

    def __init__(self, head: Head, frontier: Frontier, last_leaf: bytes | None = None) -> None:
        self.production_id = head.checkpoint.production
        self.frontier = frontier
        self.last_leaf = last_leaf
        self.at = head.checkpoint.at
        self.rows: list[StoredEvent] = []
        self.marks: list[Frontier] = []
        self.by_command: dict[str, tuple[ev.Recorded, ...]] = {}
        self.closes_day = False

    def prepare(self, decision: Decision, cmd: c.Command, command_id: str,
                request: str | None = None) -> list[tuple[ev.Recorded, bytes]]:
        """The command's records and their bytes; changes nothing (may raise). The first
        event carries what its command id is bound to (`request`)."""
        actor = None if decision.anonymous else cmd.actor
        warnings = tuple(w.code for w in decision.warnings)
        out = []
        for i, event in enumerate(decision.events):
            rec = ev.Recorded(self.frontier.size + 1 + i, f"{command_id}.{i}", cmd.at, actor,
                              event, warnings, cmd.claimed_at,
                              request=request if i == 0 else None)
            out.append((rec, envelope.encode(self.production_id, rec)))
        return out

    def add(self, state: State, prepared: list[tuple[ev.Recorded, bytes]],
            command_id: str) -> tuple[ev.Recorded, ...]:
        """Record a prepared command's events: rows to insert, and `state` evolved."""
        for rec, body in prepared:
            lh = leaf_hash(body)
            self.frontier.append(lh)
            self.last_leaf = lh
            marks_of(self.frontier, self.marks)
            self.rows.append(StoredEvent(self.production_id, rec.seq, rec.event_id, rec.type,
                                         rec.at, rec.actor, body, lh, self.frontier.root()))
            evolve(state, rec)
            self.closes_day = self.closes_day or isinstance(rec.event, ev.DayClosed)
            self.at = max(self.at, rec.at)
        records = tuple(rec for rec, _ in prepared)
        self.by_command[command_id] = records
        return records

    def known(self, state: State, head: Head, marks: Marks) -> Known:
        """The committed state once these rows are committed under `head`."""
        marks.add(self.marks)
        return Known(state, self.frontier, head, self.last_leaf, marks)
