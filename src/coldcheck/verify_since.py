"""Verify from a root someone else already vouches for: a witness's cosignature (checked
under the witness's vkey as stored) or a checkpoint exported earlier (checked under the
log's key). A daily check then re-checks only the events after it.

What is and is not re-checked: the events up to the trusted size are not decoded, and
their running roots and the checkpoints among them are not looked at; their stored leaf
hashes are read (no bodies decoded) and folded into the Merkle frontier at that size,
which is trusted only if it folds to the vouched-for root (so a leaf hash altered below
it is refused, without naming which). Key rotations below it are taken from the stored
rotation events the root covers, their signatures not re-checked. Every event after it is
checked as `verify` checks it, and the signed head must extend the vouched-for root.

The frontier is rebuilt from leaf hashes each time (reading 32 bytes a row, no decode):
far cheaper than a full verify, still linear in the log's size; a persisted frontier
would make it O(new events) (not done yet).
"""

from __future__ import annotations

from dataclasses import dataclass

from coldcheck import envelope
from coldcheck.domain import events as ev
from coldcheck.domain.errors import IntegrityError
from coldcheck.ledger import Frontier
from coldcheck.ledger.rotation import RotationError
from coldcheck.store import Store
from coldcheck.verification import (
    KeyHistory,
    LogCheck,
    Progress,
    VerifyReport,
    check_public_key,
    nothing_past_head,
    rotation_of,
)


@dataclass(frozen=True, slots=True)
class Vouched:
    """A root of the log at `size` that `by` vouches for ("witness X", "the checkpoint
    in FILE")."""

    size: int
    root: bytes
    by: str


def verify_since(
    store: Store,
    production_id: str,
    public_key: bytes,
    vouched: Vouched,
    progress: Progress | None = None,
) -> VerifyReport:
    """Verify the events after `vouched.size`, from the frontier the stored leaf hashes
    give at that size once it folds to the vouched-for root."""
    checkpoints = store.checkpoints(production_id, after=vouched.size)
    head = store.head(production_id)
    frontier = Frontier.empty()
    check = LogCheck(production_id, public_key, [])
    try:
        if vouched.size > head.seq:
            raise IntegrityError(
                f"{vouched.by} vouches for {vouched.size} events but the chain head says "
                f"{head.seq}: the log was cut back",
                head.seq + 1,
            )
        history = _prefix(store, production_id, vouched, frontier)
        check = LogCheck(production_id, history, checkpoints, frontier)
        for stored in store.read_events(production_id, after=vouched.size, upto=head.seq):
            check.event(stored)
            if progress and stored.seq % 1000 == 0:
                progress(stored.seq - vouched.size, head.seq - vouched.size)
        check.finish(head)
        nothing_past_head(store, production_id, head)
        check_public_key(check.public_key, production_id, public_key)
    except IntegrityError as exc:
        return VerifyReport(
            production_id,
            check.frontier.size,
            check.checked_checkpoints,
            check.frontier.root(),
            False,
            exc.seq,
            str(exc),
            vouched_size=vouched.size,
        )
    return VerifyReport(
        production_id,
        check.frontier.size,
        check.checked_checkpoints,
        check.frontier.root(),
        True,
        keys=check.history,
        vouched_size=vouched.size,
    )


def _prefix(store: Store, production_id: str, vouched: Vouched, frontier: Frontier) -> KeyHistory:
    """Fold the stored leaf hashes up to the vouched-for size into `frontier`; the key
    history they carry. IntegrityError unless they fold to the vouched-for root."""
    history: list[tuple[int, bytes]] = [(0, store.public_key(production_id))]
    for stored in store.read_events(production_id, upto=vouched.size):
        if stored.seq != frontier.size + 1:
            break  # the root below cannot match
        frontier.append(stored.leaf_hash)
        if stored.type == "SigningKeyRotated":
            e = envelope.decode(stored.body)[1].event
            if isinstance(e, ev.SigningKeyRotated):
                try:
                    new_key = rotation_of(production_id, stored.seq, e).new_key
                except RotationError as exc:
                    raise IntegrityError(str(exc), stored.seq) from None
                history.append((stored.seq, new_key))
    if frontier.size != vouched.size or frontier.root() != vouched.root:
        raise IntegrityError(
            f"the stored leaf hashes of events 1..{vouched.size} do not fold to the root "
            f"{vouched.by} vouches for: the log before #{vouched.size + 1} was rewritten "
            "(a full verify names the first altered event)",
            1,
        )
    return tuple(history)
