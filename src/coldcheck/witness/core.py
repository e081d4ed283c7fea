"""The witness's checks (c2sp.org/tlog-witness, add-checkpoint), in the spec's order, and
its cosignature. Each refusal is a `Refusal` carrying the HTTP status the spec gives it.

Alarms: a checkpoint the log really signed (its signature verifies) that does not fit
what this witness cosigned is evidence that the log misbehaved, and is kept with the
note itself (the spec allows logging it): `smaller` (fewer leaves than cosigned: a
truncated log, or an old checkpoint sent again), `fork` (the cosigned size with another
root), `inconsistent` (a consistency proof from the cosigned checkpoint that fails). A
malformed request or a wrong old size is the client's mistake and raises none.

A key rotation (`rotate`, ledger/rotation_protocol.py): the witness follows a log to a new key
only when the rotation is proven to it: the rotation event's statement is from the key it
trusts, signed by that key and the new one; the event is included in a checkpoint the new
key signed; that checkpoint is consistent with what it cosigned, which the rotation comes
after. Then it trusts the new vkey (the old one stays in its rotations) and cosigns the
checkpoint. Alarms: `rotation-forged` (a statement whose signature fails: anyone can send
one, so it says someone tried, not that the log did), `rotation-unproven` (both keys
signed it, but the checkpoint the new key signed does not include it, or the rotation is
at or below a size the old key had the witness cosign), `inconsistent`, `smaller` and
`fork` as add-checkpoint's, and `rotation-from-retired` (a rotation both keys signed from
a key the witness already followed a rotation away from: a second rotation by the retired
key, which someone else holds; refused, the witness stays with the rotation it followed).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from coldcheck import envelope
from coldcheck.domain import events as ev
from coldcheck.domain.errors import IntegrityError
from coldcheck.ledger import (
    EMPTY_ROOT,
    Ed25519Verifier,
    NoteError,
    ProofError,
    SigningKey,
    TreeHead,
    leaf_hash,
    open_note,
    parse_note,
    verify_consistency,
    verify_inclusion,
)
from coldcheck.ledger.cosignature import CosignatureVerifier, cosign
from coldcheck.ledger.rotation import KeyRotation, RotationError
from coldcheck.ledger.rotation_protocol import ProvenRotation, parse_rotate
from coldcheck.ledger.witness_protocol import SIZE_TYPE, parse_request
from coldcheck.store.witness import Cosigned, Followed, WitnessStore
from coldcheck.verification import rotation_of


@dataclass
class Refusal(Exception):
    """An add-checkpoint the witness does not cosign: the status and why."""

    status: int
    detail: str
    body: str = ""
    content_type: str = "text/plain"

    def __post_init__(self) -> None:
        super().__init__(self.detail)


def default_name(key: SigningKey) -> str:
    """A witness is a deployment of its own: without a configured name, its key names it."""
    return f"coldcheck-witness.{key.key_id()}"


class Witness:
    """One witness: a name, a cosigning key, and its state."""

    def __init__(
        self,
        store: WitnessStore,
        key: SigningKey,
        name: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.key = key
        self.name = name or default_name(key)
        self.clock = clock
        self.verifier = CosignatureVerifier(self.name, key.public_key_bytes())

    def trust(self, vkey: str) -> str:
        """Trust a log by its vkey (its checkpoints' key name is its origin)."""
        log = Ed25519Verifier.from_vkey(vkey)
        self.store.trust(log.name, vkey)
        return log.name

    def add_checkpoint(self, body: bytes) -> str:
        """The cosignature line for a checkpoint consistent with the last one cosigned."""
        try:
            request = parse_request(body)
            note = parse_note(request.checkpoint)
            head = TreeHead.parse(note.text)
        except ValueError as exc:
            raise Refusal(400, str(exc)) from None
        vkey = self.store.vkey(head.origin)
        if vkey is None:
            raise Refusal(404, f"unknown log {head.origin!r}")
        try:
            open_note(request.checkpoint, [Ed25519Verifier.from_vkey(vkey)])
        except NoteError as exc:
            raise Refusal(403, f"not signed by {head.origin}'s key: {exc}") from None
        latest = self.store.latest(head.origin)
        self._alarm_if_misfit(head, latest, request.checkpoint)
        if request.old_size > head.size:
            raise Refusal(400, f"old size {request.old_size} is past the checkpoint's")
        known = latest.size if latest else 0
        if request.old_size != known:
            raise Refusal(409, f"cosigned size is {known}", f"{known}\n", SIZE_TYPE)
        self._check_consistent(head, latest, request.proof, request.checkpoint)
        line = cosign(note.text, self.name, self.key, max(1, int(self.clock())))
        new = Cosigned(head.size, head.root, request.checkpoint + line.line())
        if not self.store.advance(head.origin, latest, new):
            now = self.store.latest(head.origin)
            size = now.size if now else 0
            raise Refusal(409, f"cosigned size is now {size}", f"{size}\n", SIZE_TYPE)
        return line.line()

    def rotate(self, body: bytes) -> str:
        """Follow a proven key rotation: the cosignature line for the new key's checkpoint."""
        try:
            request = parse_rotate(body)
            note = parse_note(request.checkpoint)
            head = TreeHead.parse(note.text)
        except ValueError as exc:
            raise Refusal(400, str(exc)) from None
        vkey = self.store.vkey(head.origin)
        if vkey is None:
            raise Refusal(404, f"unknown log {head.origin!r}")
        trusted = Ed25519Verifier.from_vkey(vkey)
        latest = self.store.latest(head.origin)
        key, followed = trusted.public_key, []
        for proven in request.rotations:
            seq, new_key = self._rotation(head, key, proven, latest, request.checkpoint)
            new_vkey = Ed25519Verifier(head.origin, new_key).vkey()
            old_vkey = Ed25519Verifier(head.origin, key).vkey()
            followed.append(Followed(head.origin, seq, old_vkey, new_vkey, proven.leaf))
            key = new_key
        try:
            open_note(request.checkpoint, [Ed25519Verifier(head.origin, key)])
        except NoteError as exc:
            raise Refusal(403, f"the checkpoint is not signed by the new key: {exc}") from None
        for proven, rotated in zip(request.rotations, followed, strict=True):
            try:
                verify_inclusion(
                    leaf_hash(proven.leaf), rotated.seq - 1, head.size, proven.inclusion, head.root
                )
            except ProofError as exc:
                detail = f"the rotation at #{rotated.seq} is not in the checkpoint: {exc}"
                self._alarm(head, "rotation-unproven", detail, request.checkpoint)
                raise Refusal(422, detail) from None
        self._alarm_if_misfit(head, latest, request.checkpoint)
        known = latest.size if latest else 0
        if request.old_size != known:
            raise Refusal(409, f"cosigned size is {known}", f"{known}\n", SIZE_TYPE)
        self._check_consistent(head, latest, request.consistency, request.checkpoint)
        line = cosign(note.text, self.name, self.key, max(1, int(self.clock())))
        new = Cosigned(head.size, head.root, request.checkpoint + line.line())
        if not self.store.rotate(head.origin, followed, latest, new):
            raise Refusal(409, "the log moved meanwhile; ask again")
        return line.line()

    def _rotation(
        self,
        head: TreeHead,
        key: bytes,
        proven: ProvenRotation,
        latest: Cosigned | None,
        note: str,
    ) -> tuple[int, bytes]:
        """The seq and new key of one proven rotation from ``key``, its statement checked."""
        try:
            owner, rec = envelope.decode(proven.leaf)
        except IntegrityError as exc:
            raise Refusal(400, f"the leaf is not an event: {exc}") from None
        if not isinstance(rec.event, ev.SigningKeyRotated):
            raise Refusal(400, f"the leaf is a {rec.type} event, not a key rotation")
        if not head.origin.endswith("/" + owner):
            raise Refusal(400, f"the rotation is of {owner!r}, not of {head.origin!r}")
        try:
            rotation = rotation_of(owner, rec.seq, rec.event)
        except RotationError as exc:
            raise Refusal(400, str(exc)) from None
        if rotation.old_key != key:
            self._alarm_if_retired(head, owner, rec.seq, rotation, note)
            raise Refusal(403, "the rotation is not from the key this witness trusts for the log")
        try:
            rotation.check(owner, rec.seq, rotation.root, key)
        except RotationError as exc:
            detail = f"the rotation at #{rec.seq} does not hold: {exc}"
            self._alarm(head, "rotation-forged", detail, note)
            raise Refusal(403, detail) from None
        if latest is not None and rec.seq <= latest.size:
            detail = f"a rotation at #{rec.seq}, but the old key had {latest.size} events cosigned"
            self._alarm(head, "rotation-unproven", detail, note)
            raise Refusal(422, detail)
        if rec.seq > head.size:
            raise Refusal(422, f"the rotation at #{rec.seq} is past the checkpoint's size")
        return rec.seq, rotation.new_key

    def _alarm_if_retired(
        self, head: TreeHead, owner: str, seq: int, rotation: KeyRotation, note: str
    ) -> None:
        """A rotation both keys signed from a key this witness already rotated away from:
        the retired key signed a second rotation, so someone else holds it."""
        retired = {
            Ed25519Verifier.from_vkey(f.old_vkey).public_key
            for f in self.store.followed(head.origin)
        }
        if rotation.old_key not in retired:
            return
        try:
            rotation.check(owner, seq, rotation.root, rotation.old_key)
        except RotationError:
            return  # a forgery of a retired key's rotation: says nothing of the key
        detail = (
            f"a rotation at #{seq} signed by a key this witness rotated away from "
            "(the retired key is in someone else's hands)"
        )
        self._alarm(head, "rotation-from-retired", detail, note)

    def _alarm_if_misfit(self, head: TreeHead, latest: Cosigned | None, note: str) -> None:
        if latest is None:
            return
        if head.size < latest.size:
            self._alarm(head, "smaller", f"size {head.size} after cosigning {latest.size}", note)
        elif head.size == latest.size and head.root != latest.root:
            self._alarm(head, "fork", f"another root at the cosigned size {head.size}", note)

    def _check_consistent(
        self, head: TreeHead, latest: Cosigned | None, proof: tuple[bytes, ...], note: str
    ) -> None:
        if head.size == 0 and head.root != EMPTY_ROOT:
            raise Refusal(422, "a checkpoint of size 0 has the empty tree's root")
        if latest is None or latest.size == 0:
            if proof:
                raise Refusal(422, "from old size 0 the consistency proof is empty")
            return
        if latest.size == head.size:
            if latest.root != head.root:
                raise Refusal(422, f"another root at the cosigned size {head.size}")
            return
        try:
            verify_consistency(latest.size, head.size, latest.root, head.root, list(proof))
        except ProofError as exc:
            self._alarm(head, "inconsistent", f"from {latest.size} to {head.size}: {exc}", note)
            raise Refusal(422, f"not consistent with the cosigned size {latest.size}") from None

    def _alarm(self, head: TreeHead, kind: str, detail: str, note: str) -> None:
        self.store.alarm(head.origin, int(self.clock()), kind, detail, note)
