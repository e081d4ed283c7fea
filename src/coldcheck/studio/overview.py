"""The studio's view across productions: for each copy it keeps, what it last took in,
how far it cosigned, what stands open on set, and the alarms its pushes raised.

Read only from the copy as verified now, never from the rows as they lie: every copied
event goes through `verify`'s own checks (`LogCheck`: the bytes, the columns, leaf hashes,
roots, every kept checkpoint, the signed head, under the key pinned on the first push),
no event may be stored past the head, and the cosigned note must be the pinned key's
checkpoint of that head with the studio's own cosignature. The copy is folded into the
production's state as it is checked, and the state is shown only once every check has
passed. A copy that fails is listed as failing, with the first bad
seq and why, and nothing read from it; a copy that has had no push yet is listed as
waiting for one.

Cost: each read folds every copy from its first event (the studio keeps no state between
reads, so a row changed underneath is caught at the next read): about 20 µs an event
(a copy of 10,099 events, 0.2 s on SQLite), so linear in all the studio holds.

An alarm's offered checkpoint (kept as evidence) is opened under the pinned key and set
against the verified copy: the first inconsistent size is the size of the offered
checkpoint when the copy has another root there; the size after it when it is a shorter
prefix of the copy (the copy holds events the set no longer shows); the copy's size when
the offered checkpoint reaches past the copy without extending it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coldcheck.domain.errors import IntegrityError
from coldcheck.domain.state import State, evolve
from coldcheck.ledger import (
    CosignatureVerifier,
    Ed25519Verifier,
    MerkleTree,
    NoteError,
    NoteVerifier,
    SignedCheckpoint,
    SigningKey,
    cosigned_at,
    log_verifier,
    open_checkpoint,
)
from coldcheck.store.port import Head
from coldcheck.store.studio import Replica, StudioAlarm, StudioStore
from coldcheck.store.studio_watch import Watched, WatchStore, WitnessAlarm, WitnessCheckpoint
from coldcheck.studio import witness_view
from coldcheck.studio.ingest import default_name
from coldcheck.studio.witness_view import WitnessAlarmView, WitnessSeen
from coldcheck.verification import LogCheck

PAGE = 2000  # copied events read at a time
MAX_SEQ = 2**62  # past any seq: what is stored after the head


@dataclass(frozen=True, slots=True)
class OpenConcern:
    id: str
    text: str  # as the person typed it: printed as text, never markup
    blocking: bool
    raised_at: int  # microseconds


@dataclass(frozen=True, slots=True)
class OpenIncident:
    id: str
    kind: str
    description: str  # as typed
    at: int  # microseconds
    reviewed: bool  # signed off, awaiting the armorer's countersignature


@dataclass(frozen=True, slots=True)
class Alarm:
    id: int
    at: int  # microseconds
    kind: str  # smaller, fork, inconsistent
    detail: str
    offered_size: int | None  # None: the evidence does not open under the pinned key
    first_inconsistent: int | None


@dataclass(frozen=True, slots=True)
class ProductionView:
    """One production as the studio's verified copy shows it."""

    production_id: str
    status: str  # verified, failed, awaiting (no push yet)
    problem: str | None  # why the copy fails verification
    first_bad_seq: int | None
    name: str | None
    size: int  # events held (0 when the copy fails: none of them is trusted)
    head_signed_at: int | None  # microseconds: when the set signed the head held
    last_sync_at: int | None  # POSIX seconds: the studio's cosignature of that head
    cosigned_size: int | None
    cosigned_by: tuple[str, ...]  # whose cosignatures of it verify
    stand_down: tuple[str, ...]  # incidents whose review lacks a signature
    concerns: tuple[OpenConcern, ...]
    incidents: tuple[OpenIncident, ...]
    alarms: tuple[Alarm, ...]
    witnesses: tuple[WitnessSeen, ...] = ()  # each watched witness (witness_view.py)
    witness_alarms: tuple[WitnessAlarmView, ...] = ()

    @property
    def alarmed(self) -> bool:
        """An alarm of the studio's or a witness's, or a witness cosigned another root."""
        disagrees = any(w.agrees == "disagrees" for w in self.witnesses)
        return bool(self.alarms or self.witness_alarms or disagrees)


@dataclass(frozen=True, slots=True)
class Watching:
    """What the watched witnesses said, as kept (the read sets it against each copy)."""

    watched: list[Watched]
    alarms: dict[str, list[WitnessAlarm]]  # by production
    checkpoints: dict[str, dict[str, WitnessCheckpoint]]  # by production, then witness

    @classmethod
    def of(cls, rows: WatchStore | None) -> Watching:
        if rows is None:
            return cls([], {}, {})
        alarms: dict[str, list[WitnessAlarm]] = {}
        for a in rows.alarms():
            alarms.setdefault(a.production_id, []).append(a)
        checkpoints: dict[str, dict[str, WitnessCheckpoint]] = {}
        for cp in rows.checkpoints():
            checkpoints.setdefault(cp.production_id, {})[cp.witness] = cp
        return cls(rows.watched(), alarms, checkpoints)


def cosigner_of(key_file: Path) -> CosignatureVerifier | None:
    """The studio's cosigning key, if it has one yet (a read never makes it)."""
    if not key_file.exists():
        return None
    key = SigningKey.load(key_file)
    return CosignatureVerifier(default_name(key), key.public_key_bytes())


def productions(
    rows: StudioStore, cosigner: CosignatureVerifier | None, watch: WatchStore | None = None
) -> list[ProductionView]:
    """Every production the studio keeps a copy of, in id order, with what the witnesses
    it watches (`watch`) say of each."""
    alarms: dict[str, list[StudioAlarm]] = {}
    for a in rows.alarms():
        alarms.setdefault(a.production_id, []).append(a)
    said = Watching.of(watch)
    return [view(rows, r, cosigner, alarms.get(r.production_id, []), said) for r in rows.replicas()]


def view(
    rows: StudioStore,
    replica: Replica,
    cosigner: CosignatureVerifier | None,
    alarms: list[StudioAlarm],
    said: Watching | None = None,
) -> ProductionView:
    pid, key, origin, head = (
        replica.production_id,
        replica.public_key,
        replica.origin,
        replica.head,
    )
    said = said or Watching.of(None)

    def witnesses(
        tree: MerkleTree | None, pinned: Ed25519Verifier | None
    ) -> dict[str, tuple[Any, ...]]:
        cps = said.checkpoints.get(pid, {})
        return {
            "witnesses": witness_view.seen(said.watched, cps, tree),
            "witness_alarms": tuple(
                witness_view.alarm(a, tree, pinned) for a in said.alarms.get(pid, [])
            ),
        }

    unread = tuple(_alarm(a, None, None) for a in alarms)  # as kept: nothing to set against
    if key is None or origin is None or head is None:
        return _empty(pid, "awaiting", None, None, unread, witnesses(None, None))
    try:
        pinned = log_verifier(origin, key)
    except ValueError as exc:
        problem = f"the pinned key is not a log key: {exc}"
        return _empty(pid, "failed", problem, 0, unread, witnesses(None, None))
    try:
        state, tree = _verified(rows, replica, key, head)
        at, by = _cosigned(replica.note or "", head, pinned, cosigner)
    except IntegrityError as exc:
        return _empty(pid, "failed", str(exc), exc.seq, unread, witnesses(None, pinned))
    return ProductionView(
        pid,
        "verified",
        None,
        None,
        state.name,
        tree.size,
        head.at,
        at,
        head.size,
        by,
        state.stand_down,
        tuple(
            OpenConcern(c.id, c.text, c.blocking, c.raised_at)
            for c in state.concerns.values()
            if c.open
        ),
        tuple(
            OpenIncident(i.id, str(i.kind), i.description, i.at, i.review is not None)
            for i in state.incidents.values()
            if not i.closed
        ),
        tuple(_alarm(a, tree, pinned) for a in alarms),
        **witnesses(tree, pinned),
    )


def _empty(
    pid: str,
    status: str,
    problem: str | None,
    seq: int | None,
    alarms: tuple[Alarm, ...],
    witnesses: dict[str, tuple[Any, ...]],
) -> ProductionView:
    return ProductionView(
        pid, status, problem, seq, None, 0, None, None, None, (), (), (), (), alarms, **witnesses
    )


def _verified(
    rows: StudioStore, replica: Replica, key: bytes, head: SignedCheckpoint
) -> tuple[State, MerkleTree]:
    """The copy folded with `verify`'s checks; IntegrityError naming the first bad seq."""
    pid = replica.production_id
    check = LogCheck(pid, key, rows.checkpoints(pid, replica.seq))
    state, tree = State(pid), MerkleTree()
    after = 0
    while after < replica.seq:
        page = rows.events(pid, after, replica.seq, PAGE)
        if not page:
            break  # `finish` names the missing events
        for stored in page:
            rec = check.event(stored)
            try:
                evolve(state, rec)
            except (KeyError, TypeError, ValueError) as exc:
                # Signed by the set, yet not a record its own fold takes (a set with a bug,
                # or one of another version): this copy is shown failing, the others not.
                raise IntegrityError(
                    f"event #{stored.seq} verifies but does not fold: {exc!r}", stored.seq
                ) from None
            tree.append(stored.leaf_hash)
        after = page[-1].seq
    check.finish(Head(head, ""))
    if rows.events(pid, replica.seq, MAX_SEQ, 1):
        raise IntegrityError(
            f"an event is stored after the signed head (#{replica.seq}); nothing signs it",
            replica.seq + 1,
        )
    return state, tree


def _cosigned(
    note: str,
    head: SignedCheckpoint,
    pinned: Ed25519Verifier,
    cosigner: CosignatureVerifier | None,
) -> tuple[int | None, tuple[str, ...]]:
    """When the studio cosigned the note it holds, and whose cosignatures of it verify;
    IntegrityError unless the note is the pinned key's checkpoint of the verified head."""
    verifiers: list[NoteVerifier] = [pinned, *([cosigner] if cosigner else [])]
    try:
        tree, opened = open_checkpoint(note, verifiers, pinned.name)
    except NoteError as exc:
        raise IntegrityError(f"the cosigned checkpoint held does not open: {exc}", 0) from None
    if (tree.size, tree.root) != (head.size, head.root):
        raise IntegrityError("the cosigned checkpoint held is not the signed head's", head.size)
    by = tuple(s.name for s in opened.signatures if s.name != pinned.name)
    if cosigner is None:
        return None, by  # no key yet: nothing of it can be checked, nothing claimed
    mine = [s for s in opened.signatures if s.name == cosigner.name]
    if not mine:
        # Whoever holds the database can re-sign a copy with a key of their own, never
        # with the studio's: its own cosignature is what ties the copy to what it took in.
        raise IntegrityError(
            "the studio's own cosignature of the checkpoint held does not verify", head.size
        )
    return cosigned_at(mine[-1]), by


def _alarm(a: StudioAlarm, tree: MerkleTree | None, pinned: Ed25519Verifier | None) -> Alarm:
    """The alarm, its offered checkpoint set against the verified copy."""
    if tree is None or pinned is None:
        return Alarm(a.id, a.at, a.kind, a.detail, None, None)
    try:
        offered, _ = open_checkpoint(a.note, [pinned], pinned.name)
    except NoteError:
        return Alarm(a.id, a.at, a.kind, a.detail, None, None)
    n, size = offered.size, tree.size
    first: int | None
    if n > size:
        first = size  # it does not extend the copy: the proof from the copy's size failed
    elif tree.root(n) != offered.root:
        first = n
    elif n < size:
        first = n + 1
    else:
        first = None  # the copy has since come to agree with it
    return Alarm(a.id, a.at, a.kind, a.detail, n, first)
