"""The studio's side of a push: every event, the chain, the signed head and the
consistency proof checked before anything is stored, all of it in one transaction
holding the production's replica row, then the checkpoint cosigned.

Order: the credential (401 none, 403 another production's); the push's format (400); the
key (403 unless it is the one pinned on the first push, or on that first push, a key whose
origin names this production); the note and the signed head (403 unless the pinned key
signed both, over the same size and root); what the studio holds (below); the consistency
proof from the held checkpoint to the new one (422, an alarm); every event folded from the
held frontier with `verify`'s own checks (`LogCheck`: bytes, leaf hashes, roots, each
kept checkpoint, the head) (422 naming the first bad seq). Only then the rows and the
cosignature, together.

What the studio holds is never overwritten. A push its pinned key really signed that
does not fit is an alarm, kept with the note as evidence (after the push's transaction
is rolled back, so an alarm never comes with stored events): `smaller` (the set holds
fewer events than the studio), `fork` (another root at the held size), `inconsistent`
(the proof from the held checkpoint fails). A stale `old_size` is the set's mistake, not
an alarm: 409 with the size held, and the set sends from there.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from coldcheck.domain.errors import IntegrityError, InvalidCommand
from coldcheck.domain.validate import is_id
from coldcheck.ledger import (
    CosignatureVerifier,
    Frontier,
    NoteError,
    ProofError,
    SigningKey,
    cosign,
    log_verifier,
    open_checkpoint,
    parse_note,
    verify_consistency,
)
from coldcheck.store.port import Head
from coldcheck.store.studio import Replica, ReplicaTx, StudioStore
from coldcheck.studio import protocol
from coldcheck.verification import LogCheck, initial_key

CREDENTIAL_PREFIX = "ccs_"


@dataclass
class Refusal(Exception):
    """A push or read the studio refuses: the HTTP status, why, the size it holds."""

    status: int
    detail: str
    size: int | None = None
    alarm: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.detail)


def credential_hash(token: str) -> bytes:
    """A credential is 256 random bits: SHA-256 is enough to keep it unreadable at rest."""
    return hashlib.sha256(token.encode()).digest()


def default_name(key: SigningKey) -> str:
    return f"coldcheck-studio.{key.key_id()}"


class Studio:
    """A studio: its rows, its cosigning key and name."""

    def __init__(
        self,
        rows: StudioStore,
        key: SigningKey,
        name: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.rows = rows
        self.key = key
        self.name = name or default_name(key)
        self.clock = clock
        self.verifier = CosignatureVerifier(self.name, key.public_key_bytes())

    def make_credential(self, production_id: str) -> str:
        """A new credential for the production (replacing any); shown once, kept hashed."""
        if not is_id(production_id):
            raise InvalidCommand(f"production id {production_id!r} is not a valid id")
        token = CREDENTIAL_PREFIX + secrets.token_urlsafe(32)
        self.rows.credential(production_id, credential_hash(token), self._now_us())
        return token

    def authorise(self, production_id: str, token: str | None) -> Replica:
        """The replica the credential opens; 401 for none, 403 for another production's."""
        replica = self.rows.by_credential(credential_hash(token)) if token else None
        if replica is None:
            raise Refusal(401, "not a studio credential: send 'Authorization: Bearer <it>'")
        if replica.production_id != production_id:
            raise Refusal(403, f"this credential is not {production_id}'s")
        return replica

    def receive(self, production_id: str, token: str | None, body: bytes) -> str:
        """Check and store a push; the studio's cosignature line of its checkpoint."""
        self.authorise(production_id, token)
        try:
            push = protocol.decode(production_id, body)
        except ValueError as exc:
            raise Refusal(400, str(exc)) from None
        try:
            with self.rows.holding(production_id) as tx:
                return self._check_and_store(tx, push)
        except Refusal as refusal:
            if refusal.alarm is not None:  # the transaction is gone: nothing was stored
                self.rows.alarm(
                    production_id, self._now_us(), refusal.alarm, refusal.detail, push.note
                )
            raise

    def _check_and_store(self, tx: ReplicaTx, push: protocol.Push) -> str:
        held = tx.replica
        pid = push.production_id
        pinned, origin = self._pin(held, push)
        # The key the push is signed with: the pinned one, or the one a rotation in the
        # pushed events moves to (checked below, by the history walk, before anything is
        # stored); the production is then pinned to it.
        key = push.public_key
        try:
            tree, note = open_checkpoint(push.note, [log_verifier(origin, key)], origin)
        except NoteError as exc:
            raise Refusal(403, f"the checkpoint is not signed by {pid}'s key: {exc}") from None
        head = push.head
        if (head.production, head.size, head.root) != (pid, tree.size, tree.root):
            raise Refusal(403, "the signed head and the checkpoint note disagree")
        if not head.verify(key):
            raise Refusal(403, f"the signed head is not signed by {pid}'s key")
        if tree.size == 0:
            raise Refusal(422, "a production's log has at least one event")
        if tree.size < held.seq:
            raise Refusal(409, f"{tree.size} events after {held.seq} kept", held.seq, "smaller")
        if tree.size == held.seq:
            if key != pinned:
                raise Refusal(403, f"signed with a key other than {pid}'s")
            if tree.root != held.root:
                raise Refusal(409, f"another root at the kept size {held.seq}", held.seq, "fork")
            return _last_line(held.note)  # sent again: the same answer, nothing stored
        if push.old_size != held.seq:
            raise Refusal(409, f"the studio holds {held.seq} events of {pid}", held.seq)
        if held.seq == 0 and push.proof:
            raise Refusal(422, "from size 0 the consistency proof is empty")
        if held.seq > 0:
            try:
                verify_consistency(held.seq, tree.size, held.root, tree.root, list(push.proof))
            except ProofError as exc:
                raise Refusal(
                    422,
                    f"not consistent with the kept size {held.seq}: {exc}",
                    held.seq,
                    "inconsistent",
                ) from None
        kept = [cp for cp in push.checkpoints if held.seq < cp.size <= tree.size]
        if any(cp.production != pid for cp in kept):
            raise Refusal(422, f"a checkpoint of another production than {pid}")
        start = pinned if held.public_key is not None else initial_key(push.events, key)
        check = LogCheck(pid, start, kept, Frontier.from_json(held.frontier))
        try:
            for event in push.events:
                check.event(event)
            check.finish(Head(head, ""))
        except IntegrityError as exc:
            if held.public_key is not None and key != pinned:
                raise Refusal(
                    403, f"signed with a key other than {pid}'s, and no rotation to it: {exc}"
                ) from None
            raise Refusal(422, f"refused, nothing stored: {exc}") from None
        if check.public_key != key:
            raise Refusal(403, f"signed with a key other than {pid}'s: no rotation to it")
        line = cosign(note.text, self.name, self.key, max(1, int(self.clock())))
        moved = Replica(
            pid,
            held.credential_hash,
            key,
            origin,
            tree.size,
            check.frontier.to_json(),
            head,
            push.note + line.line(),
        )
        tx.store(push.events, kept, moved)
        return line.line()

    def _pin(self, held: Replica, push: protocol.Push) -> tuple[bytes, str]:
        """The production's key and origin: pinned on the first push, the same after."""
        if held.public_key is not None and held.origin is not None:
            if push.origin != held.origin:
                raise Refusal(403, f"signed with a key other than {held.production_id}'s")
            return held.public_key, held.origin
        if not push.origin.endswith("/" + push.production_id):
            raise Refusal(403, f"the origin {push.origin!r} is not {push.production_id}'s log")
        try:
            log_verifier(push.origin, push.public_key)
        except ValueError as exc:
            raise Refusal(400, f"not a log key: {exc}") from None
        return push.public_key, push.origin

    def _now_us(self) -> int:
        return int(self.clock() * 1_000_000)


def _last_line(note: str | None) -> str:
    if note is None:
        raise Refusal(409, "nothing cosigned yet")
    return parse_note(note).signatures[-1].line()
