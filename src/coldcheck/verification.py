"""`verify`: recompute a production's whole log and check it against its signatures.

Checks, for every stored event in seq order: no gap, the body's own seq/production/id
agree with the row, the body decodes, its leaf hash and the running Merkle root equal the
stored ones; every checkpoint's root equals the recomputed root at its size and its
signature holds; the chain head's root and signature match the end of the log, and no event
is stored past it. The first failure names its sequence number.

Verify may run while the service appends: checkpoints are read before the head and events
only up to it, and every append commits its events, head and checkpoint together, so the
three reads agree without one snapshot.

Limit: an attacker who rewrites events *and* every stored hash after them can only be
caught at the next signed root, i.e. the next checkpoint or the signed head; verify then
names the first seq after the last root that still matched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coldcheck import envelope
from coldcheck.domain.errors import IntegrityError
from coldcheck.ledger import Checkpoint, Frontier, SignedCheckpoint, leaf_hash
from coldcheck.store import Head, SqlStore, StoredCheckpoint

Progress = Callable[[int, int], None]  # (events checked, events in all)


@dataclass(frozen=True, slots=True)
class VerifyReport:
    production_id: str
    events: int
    checkpoints: int
    root: bytes
    ok: bool
    first_bad_seq: int | None = None
    problem: str = ""


def _signed(cp: StoredCheckpoint | Head, size: int, public_key: bytes) -> bool:
    try:
        checkpoint = Checkpoint(cp.production_id, size, cp.root, _at(cp), cp.key_id)
    except (TypeError, ValueError):
        return False
    return SignedCheckpoint(checkpoint, cp.signature).verify(public_key)


def _at(cp: StoredCheckpoint | Head) -> int:
    return cp.at if isinstance(cp, StoredCheckpoint) else cp.signed_at


def verify_log(store: SqlStore, production_id: str, public_key: bytes,
               progress: Progress | None = None) -> VerifyReport:
    """Verify one production's log; the report names the first bad seq, if any."""
    # This order (checkpoints, head, events up to it) is what makes a concurrent append
    # harmless: each checkpoint read is covered by the head read after it.
    pending = store.checkpoints(production_id)
    total = len(pending)
    head = store.head(production_id)
    frontier = Frontier.empty()
    last_good = 0  # the last size at which a signed root matched

    def bad(seq: int, problem: str) -> VerifyReport:
        return VerifyReport(production_id, frontier.size, total - len(pending),
                            frontier.root(), False, seq, problem)

    for cp in [p for p in pending if p.tree_size == 0]:
        if not _signed(cp, 0, public_key):
            return bad(0, "checkpoint at size 0 has a bad signature")
    pending = [p for p in pending if p.tree_size > 0]

    for stored in store.read_events(production_id, upto=head.seq):
        expected = frontier.size + 1
        if stored.seq != expected:
            return bad(expected, f"event #{expected} is missing (next stored is #{stored.seq})")
        try:
            owner, rec = envelope.decode(stored.body)
        except IntegrityError as exc:
            return bad(stored.seq, f"event #{stored.seq} is unreadable: {exc}")
        if (owner, rec.seq, rec.event_id, rec.type, rec.at, rec.actor) != (
            production_id, stored.seq, stored.event_id, stored.type, stored.at, stored.actor
        ):
            return bad(stored.seq, f"event #{stored.seq} does not match its own row")
        lh = leaf_hash(stored.body)
        if lh != stored.leaf_hash:
            return bad(stored.seq, f"event #{stored.seq} was altered (leaf hash differs)")
        frontier.append(lh)
        root = frontier.root()
        if root != stored.root:
            return bad(stored.seq, f"event #{stored.seq}: the stored root differs from the "
                                   "recomputed one (events before it were altered)")
        while pending and pending[0].tree_size == frontier.size:
            cp = pending.pop(0)
            if cp.root != root or not _signed(cp, cp.tree_size, public_key):
                return bad(last_good + 1, f"signed checkpoint at size {cp.tree_size} does not "
                           f"match the log; the log was rewritten after #{last_good}")
            last_good = frontier.size
        if progress and stored.seq % 1000 == 0:
            progress(stored.seq, head.seq)

    if pending:
        cp = pending[0]
        return bad(frontier.size + 1, f"a signed checkpoint covers {cp.tree_size} events but "
                   f"only {frontier.size} are stored: events were deleted")
    if head.seq != frontier.size:
        return bad(frontier.size + 1, f"the chain head says {head.seq} events, "
                   f"{frontier.size} are stored")
    if head.root != frontier.root() or not _signed(head, head.seq, public_key):
        if last_good == head.seq:
            # A signed checkpoint already vouches for every event: the head row was altered.
            return bad(head.seq, f"the signed chain head at #{head.seq} was altered; the "
                       "checkpoint at that size still matches the log")
        return bad(last_good + 1, "the signed chain head does not match the log; the log was "
                   f"rewritten after #{last_good}")
    # An event past the head is signed by nothing, unless an append has committed it
    # (with its head) since the head was read.
    beyond = min((e.seq for e in store.read_events(production_id, after=head.seq)),
                 default=None)
    if beyond is not None and store.head(production_id).seq < beyond:
        return bad(beyond, f"event #{beyond} is stored after the signed chain head "
                   f"(#{head.seq}); nothing signs it")
    if progress:
        progress(head.seq, head.seq)
    return VerifyReport(production_id, frontier.size, total, frontier.root(), True)
