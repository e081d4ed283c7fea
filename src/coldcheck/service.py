"""load → decide → append: the only place the domain meets storage.

Per production the service keeps the last committed state in memory, proven against the
signed head (projection.py, committed.py); each append catches it up with the events after
it (written by another process, say) inside the same locked transaction, with every check
`verify` makes, and checks that the stored log ends where that state does. So rules are
always checked against the state at exactly the head being appended to, of a log that
verifies. Reads answer from that state, or from stored events re-proven against it. The
state is never rebuilt per command.

The parts, one module each: lanes.py (who leads a batch, who waits), batches.py (a batch
decided and appended), idempotency.py (command ids and retries), heads.py (signed heads
and kept checkpoints), committed.py (the proven state per production), store_log.py (the
store as a read outside a transaction sees it). This module composes them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace

from coldcheck import batches, envelope, face
from coldcheck.batches import Outcome, Pending
from coldcheck.committed import Committed
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.decide import decide
from coldcheck.domain.errors import Conflict, IntegrityError, InvalidCommand
from coldcheck.domain.state import State
from coldcheck.domain.validate import is_id
from coldcheck.heads import signed_head
from coldcheck.idempotency import ProvenAfter, ReusedCommandId, earlier, fingerprint
from coldcheck.lanes import Lanes, Request
from coldcheck.ledger import Ed25519Verifier, Frontier, SignedCheckpoint, SigningKey
from coldcheck.ledger.rotation import KeyRotation
from coldcheck.projection import Known, Marks
from coldcheck.store import Store, StoredEvent
from coldcheck.store.accounts import AccountStore
from coldcheck.store.attachments import AttachmentStore
from coldcheck.store.studio import StudioStore
from coldcheck.store.studio_links import LinkStore
from coldcheck.store.studio_watch import WatchStore
from coldcheck.store.witnessed import WitnessRows
from coldcheck.verification import KeyHistory, Progress, VerifyReport
from coldcheck.verify_since import Vouched

__all__ = ["Clock", "ColdCheck", "Outcome", "ReusedCommandId", "fingerprint", "utc_now_us"]

Clock = Callable[[], int]


def utc_now_us() -> int:
    """Wall-clock time in UTC microseconds: the server's clock is the record's."""
    return time.time_ns() // 1000


class ColdCheck:
    """The application service: runs commands against one store with one signing key.

    Group commit: a command joins its production's queue (lanes.py: who leads, who
    waits). The leading thread's batch is decided in order (batches.py), each command
    against the state the commands before it leave, and appended in one transaction under
    one signed head and one durable commit. A refused command refuses only itself. If the
    transaction fails, every command in it fails and nothing of it is recorded.

    Per production the service keeps the last committed state (committed.py) and never
    changes it: a batch is decided on a fork, which replaces it after the commit. So
    `state()` reads without waiting for a writer.
    """

    def __init__(
        self,
        store: Store,
        key: SigningKey,
        clock: Clock = utc_now_us,
        checkpoint_every: int = 1000,
        deployment: str | None = None,
        first_key: SigningKey | None = None,
    ) -> None:
        self.store = store
        self.key = key
        # The deployment's first signing key (the key itself until it is first rotated):
        # what the PIN pepper, the form secret and the default deployment name derive
        # from, so that none of them changes when the key rotates.
        self.first_key = first_key or key
        # The name in every checkpoint's origin (ledger/tlog.py): configured, or the first
        # key's.
        self.deployment = deployment or self.first_key.key_id()
        self.clock = clock
        self.checkpoint_every = checkpoint_every
        self._public_key = key.public_key_bytes()
        self.lanes: Lanes[c.Command, Outcome] = Lanes()
        self.committed = Committed(store, self._public_key, self.lanes)
        # Originals the log names by hash (store/attachments.py); None: none kept here.
        self.attachments: AttachmentStore | None = None

    def create_production(self, production_id: str, cmd: c.CreateProduction) -> Outcome:
        """Create a production: its row, its chain head and its first event, together."""
        if not is_id(production_id):
            raise InvalidCommand(f"production id {production_id!r} is not a valid id")
        cmd = replace(cmd, at=self.clock())
        state = State(production_id)
        decision = decide(state, cmd)
        head = signed_head(self.key, production_id, Frontier.empty(), cmd.at)
        with self.lanes.lane(production_id).writer:
            with self.store.creating(production_id, cmd.at, self._public_key, head) as tx:
                pending = Pending(tx.head, Frontier.empty())
                command_id = uuid.uuid4().hex
                records = pending.add(state, pending.prepare(decision, cmd, command_id), command_id)
                batches.append(tx, pending, self.key, self.checkpoint_every)
                known = pending.known(state, tx.head, Marks(), ((0, self._public_key),))
            self.committed.publish(production_id, known, force=True)
        return Outcome(records, decision.warnings)

    def execute(
        self,
        production_id: str,
        cmd: c.Command,
        command_id: str | None = None,
        door: str | None = None,
    ) -> Outcome:
        """Check a command against the rules and record its events, or raise Refused.

        A refused safety-critical command records its attempt (domain/attempts.py; the
        refusal's `attempt` is its seq). `door`: why the door refused the command; it is
        not decided, only its attempt recorded, and Refused raised (with a DOOR
        violation saying `door`).

        `command_id` is the idempotency key: a retry of the same command with the same id
        returns the events the first attempt recorded, and records nothing new (a refused
        one is refused again, citing its attempt); the same id with a different command is
        refused (ReusedCommandId), and records nothing.
        """
        if isinstance(cmd, c.CreateProduction):
            return self.create_production(production_id, cmd)
        if command_id is not None and not is_id(command_id):
            raise InvalidCommand("a command id is 1-64 letters, digits, '.', '_' or '-'")
        if isinstance(cmd, c.RecordOutsideConcern):
            self._attached(cmd)
        request: Request[c.Command, Outcome] = Request(
            cmd, command_id or uuid.uuid4().hex, retry_possible=command_id is not None, door=door
        )
        return self.lanes.run(
            production_id, request, lambda batch: self._commit(production_id, batch)
        )

    def _attached(self, cmd: c.RecordOutsideConcern) -> None:
        """Refuse a command naming an original the attachment store does not hold: the
        log would point at nothing (upload first: `POST …/attachments`)."""
        for a in cmd.attachments:
            if self.attachments is None:
                raise InvalidCommand("attachments: this server keeps no attachment store")
            if not self.attachments.has(a.sha256):
                raise InvalidCommand(
                    f"attachment {a.sha256} ({a.filename}) is not in the attachment store: "
                    "upload the file first"
                )

    def state(self, production_id: str) -> State:
        """The production's current state, caught up with the store and proven against
        its signed head (IntegrityError, naming the first bad seq, if the log does not
        verify).

        Never waits for a writer: it is the last committed state, which nothing changes
        (treat it as read-only); a newer one replaces it.
        """
        return self.committed.verified(production_id).state

    def signed_head(self, production_id: str) -> SignedCheckpoint:
        """The signed head the current state was proven against."""
        return self.committed.verified(production_id).head.checkpoint

    def public_key(self) -> bytes:
        """The deployment's public key: the one every signed head must verify under."""
        return self._public_key

    def records(
        self, production_id: str, after: int = 0, upto: int | None = None
    ) -> Iterator[ev.Recorded]:
        """The production's recorded events in order, after `after` and up to `upto`
        (default: the signed head), each proven to be the event under the signed root."""
        for _, rec in self.proven_events(production_id, after, upto):
            yield rec

    def proven_events(
        self, production_id: str, after: int = 0, upto: int | None = None
    ) -> Iterator[tuple[StoredEvent, ev.Recorded]]:
        """`records`, with each event's stored row (its exact bytes, for proofs)."""
        known = self.committed.verified(production_id)
        end = known.seq if upto is None else min(upto, known.seq)
        return self.committed.proven(production_id, known, after, end)

    def proven_rows(
        self, production_id: str, after: int = 0, upto: int | None = None
    ) -> Iterator[StoredEvent]:
        """`proven_events`' rows alone, undecoded: for what sends or hashes the exact bytes
        (sync, proofs, bundles)."""
        known = self.committed.verified(production_id)
        end = known.seq if upto is None else min(upto, known.seq)
        return self.committed.proven_rows(production_id, known, after, end)

    def checkpoint(self, production_id: str) -> SignedCheckpoint:
        """Sign and store a checkpoint of the production's log as it stands now."""
        with self.lanes.lane(production_id).writer, self.store.writing(production_id) as tx:
            known = self.committed.caught_up(production_id, tx)
            # The head is signed on every append; a checkpoint keeps that signed head for
            # good.
            cp = known.head.checkpoint
            if all(kept.size != cp.size for kept in tx.checkpoints_after(cp.size - 1)):
                tx.add_checkpoint(cp)
            return cp

    def rotate_key(self, new_key: SigningKey) -> list[tuple[str, ev.Recorded]]:
        """Rotate every production's log to `new_key`, and sign with it from now on.

        Each production gets a `SigningKeyRotated` event, signed by the key in force and
        by `new_key` (ledger/rotation.py), under a head signed by `new_key` and kept as a
        checkpoint, in one transaction of its own: it lands whole or not at all. A
        production already rotated to `new_key` (a rotation interrupted part way, run
        again) is left as it is. Other processes signing with the old key refuse to
        append until they are restarted with the new one."""
        new_public = new_key.public_key_bytes()
        if new_public == self._public_key:
            raise InvalidCommand("the new key is the key in force")
        rotated: list[tuple[str, ev.Recorded]] = []
        for production_id in self.store.production_ids():
            with self.lanes.lane(production_id).writer, self.store.writing(production_id) as tx:
                self.committed.public_key = self._public_key
                try:
                    known = self.committed.caught_up(production_id, tx)
                except IntegrityError:
                    self.committed.public_key = new_public
                    try:
                        if self.committed.caught_up(production_id, tx).keys[-1][1] == new_public:
                            continue  # rotated already
                    finally:
                        self.committed.public_key = self._public_key
                    raise
                seq = known.seq + 1
                rotation = KeyRotation.sign(
                    production_id, seq, known.frontier.root(), self.key, new_key
                )
                event = ev.SigningKeyRotated(
                    old_key=rotation.old_key.hex(),
                    new_key=rotation.new_key.hex(),
                    root=rotation.root.hex(),
                    old_signature=rotation.old_signature.hex(),
                    new_signature=rotation.new_signature.hex(),
                )
                at = max(self.clock(), tx.head.checkpoint.at)
                rec = ev.Recorded(seq, f"{uuid.uuid4().hex}.0", at, None, event)
                work = known.state.fork()
                pending = Pending(tx.head, known.frontier.copy(), known.last_leaf)
                pending.add(work, [(rec, envelope.encode(production_id, rec))], rec.event_id)
                batches.append(tx, pending, new_key, self.checkpoint_every)
                if not any(cp.size == seq for cp in tx.checkpoints_after(seq - 1)):
                    tx.add_checkpoint(tx.head.checkpoint)  # where the new key starts
                keys = (*known.keys, (seq, new_public))
            self.committed.publish(
                production_id, pending.known(work, tx.head, known.marks, keys), force=True
            )
            rotated.append((production_id, rec))
        self.key, self._public_key = new_key, new_public
        self.committed.public_key = new_public
        return rotated

    def key_history(self, production_id: str) -> KeyHistory:
        """The production's proven key history: (the size from which each key signs, its
        public key), oldest first; the last is the key in force."""
        return self.committed.verified(production_id).keys

    def audit(self) -> list[IntegrityError]:
        """Re-check the next segment of every production this process has proven (see
        projection.audit). A production changed underneath is forgotten, so that nothing
        more is served from it until it verifies again; what was found is returned."""
        return self.committed.audit()

    # -- the face the edges see, beyond commands and state (face.py) ----------------------

    def production_ids(self) -> list[str]:
        return face.production_ids(self)

    def head_seq(self, production_id: str) -> int:
        return face.head_seq(self, production_id)

    def verify(
        self,
        production_id: str,
        progress: Progress | None = None,
        public_key: bytes | None = None,
    ) -> VerifyReport:
        return face.verify(self, production_id, progress, public_key)

    def verify_since(
        self, production_id: str, vouched: Vouched, progress: Progress | None = None
    ) -> VerifyReport:
        return face.verify_since(self, production_id, vouched, progress)

    @property
    def background_wal(self) -> bool:
        return face.background_wal(self)

    def checkpoint_wal(self) -> None:
        face.checkpoint_wal(self)

    def account_rows(self) -> AccountStore:
        return face.account_rows(self)

    def studio_rows(self) -> StudioStore:
        return face.studio_rows(self)

    def watch_rows(self) -> WatchStore:
        return face.watch_rows(self)

    def studio_links(self) -> LinkStore:
        return face.studio_links(self)

    def checkpoints(self, production_id: str, after: int, upto: int) -> list[SignedCheckpoint]:
        return face.checkpoints(self, production_id, after, upto)

    def log_key(self, production_id: str) -> Ed25519Verifier:
        return face.log_key(self, production_id)

    def witness_rows(self) -> WitnessRows:
        return face.witness_rows(self)

    @property
    def keeps_witnesses(self) -> bool:
        return face.keeps_witnesses(self)

    def log_note(self, production_id: str, size: int, root: bytes) -> str:
        return face.log_note(self, production_id, size, root)

    def checkpoint_note(self, production_id: str) -> str:
        return face.checkpoint_note(self, production_id)

    # -- internals -------------------------------------------------------------------

    def _proven_after(self, production_id: str, known: Known) -> ProvenAfter:
        """The events of `known`'s log after a seq, up to its head, proven."""
        return lambda after: self.committed.proven(production_id, known, after, known.seq)

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
                        known = self.committed.caught_up(production_id, tx)
                        work = known.state.fork()
                        found = earlier(
                            tx,
                            [r.command_id for r in batch if r.retry_possible],
                            self._proven_after(production_id, known),
                        )
                        at = max(self.clock(), tx.head.checkpoint.at)
                        pending = Pending(tx.head, known.frontier.copy(), known.last_leaf)
                        for i, request in enumerate(batch):
                            batches.decide_one(work, pending, request, found, at)
                            if pending.closes_day:
                                taken = i + 1  # a closed day ends the batch: its
                                break  # checkpoint is its own
                        batches.append(tx, pending, self.key, self.checkpoint_every)
                    break
                except Conflict:
                    # A command id committed meanwhile on another production (PostgreSQL:
                    # nothing locks ids across productions): once more, and `earlier`
                    # now refuses just that command.
                    if attempt == 2 or not any(r.retry_possible for r in batch):
                        raise
            self.committed.publish(
                production_id, pending.known(work, tx.head, known.marks, known.keys), force=True
            )
        except BaseException as exc:
            for request in batch[:taken]:
                request.settle(error=exc)
            if not isinstance(exc, Exception):
                raise
