"""Signed heads and kept checkpoints: what an append signs, and when it keeps one.

Every append signs a new head over the log's Merkle root; some heads are also kept for
good as checkpoints (where a day closes, and every `checkpoint_every` events), so that a
verifier and a reader in the middle of a long log have a signed root to start from. The
two decisions live here, apart from the batch that builds the rows.
"""

from __future__ import annotations

from coldcheck.ledger import Frontier, SignedCheckpoint, SigningKey
from coldcheck.store import Head


def signed_head(key: SigningKey, production_id: str, frontier: Frontier, at: int) -> Head:
    """The head of a log whose Merkle frontier is `frontier`, signed with `key`."""
    signed = SignedCheckpoint.sign(key, production_id, frontier.size, frontier.root(), at)
    return Head(signed, frontier.to_json())


def keeps_checkpoint(before: int, after: int, every: int, closes_day: bool) -> bool:
    """Whether the head after an append from size `before` to `after` is kept as a
    checkpoint: the append closed a day, or crossed a multiple of `every`."""
    return closes_day or before // every != after // every
