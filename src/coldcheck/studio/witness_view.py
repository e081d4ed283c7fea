"""What the witnesses the studio watches say of one production, set against its copy as
verified at the read (overview.py): each watched witness's latest verified cosigned size
and whether it agrees with the copy, and every alarm a witness raised about the
production.

A witness's cosigned checkpoint agrees when the copy has the same root at its size; it
is `beyond` when it cosigned more events than the copy holds (the studio cannot check it
yet: the set has not pushed them); `disagrees` when the copy has another root there (a
fork: the production is flagged). A witness's alarm holds the checkpoint the log offered
it; opened under the pinned key, its first inconsistent size is the offered size when
the copy has another root there, the size after it when it is a shorter prefix of the
copy, and unknown when it reaches past the copy (the witness judged it against a
checkpoint the studio has not been shown).
"""

from __future__ import annotations

from dataclasses import dataclass

from coldcheck.ledger import Ed25519Verifier, MerkleTree, NoteError, open_checkpoint
from coldcheck.store.studio_watch import Watched, WitnessAlarm, WitnessCheckpoint


@dataclass(frozen=True, slots=True)
class WitnessSeen:
    """A watched witness, as its last poll left it, for one production."""

    name: str
    url: str
    reachable: bool | None  # None: never polled yet
    last_error: str | None
    polled_at: int | None  # microseconds
    cosigned_size: int | None  # its latest verified cosigned size (None: none)
    agrees: str | None  # agrees, beyond, disagrees (None: no cosigned checkpoint)
    first_inconsistent: int | None  # when it disagrees: its size


@dataclass(frozen=True, slots=True)
class WitnessAlarmView:
    id: int
    witness: str
    at: int  # microseconds: when the studio took it in
    kind: str  # the witness's (smaller, fork, inconsistent) or the studio's (unsigned…)
    detail: str
    offered_size: int | None  # None: the evidence does not open under the pinned key
    first_inconsistent: int | None


def seen(
    watched: list[Watched],
    checkpoints: dict[str, WitnessCheckpoint],
    tree: MerkleTree | None,
) -> tuple[WitnessSeen, ...]:
    """Each watched witness for a production (`checkpoints` by witness name); `tree` the
    verified copy (None when it is not: nothing is set against it)."""
    out = []
    for w in watched:
        cp = checkpoints.get(w.name)
        agrees, first = None, None
        if cp is not None and tree is not None:
            if cp.size > tree.size:
                agrees = "beyond"
            elif cp.size == 0 or tree.root(cp.size) == cp.root:
                agrees = "agrees"
            else:
                agrees, first = "disagrees", cp.size
        reachable = None if w.polled_at is None else w.last_error is None
        out.append(
            WitnessSeen(
                w.name,
                w.url,
                reachable,
                w.last_error,
                w.polled_at,
                None if cp is None else cp.size,
                agrees,
                first,
            )
        )
    return tuple(out)


def alarm(
    a: WitnessAlarm, tree: MerkleTree | None, pinned: Ed25519Verifier | None
) -> WitnessAlarmView:
    """The witness's alarm, its offered checkpoint set against the verified copy."""
    offered_size, first = None, None
    if pinned is not None:
        try:
            offered, _ = open_checkpoint(a.note, [pinned], pinned.name)
            offered_size = offered.size
        except NoteError:
            offered = None
        if offered is not None and tree is not None and offered.size <= tree.size:
            n = offered.size
            if n > 0 and tree.root(n) != offered.root:
                first = n
            elif n < tree.size:
                first = n + 1
    return WitnessAlarmView(a.id, a.witness, a.at, a.kind, a.detail, offered_size, first)
