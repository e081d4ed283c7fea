"""The production's checkpoints with the cosignatures its witnesses gave them: the head's
note with the lines for its size, and for a proof bundle each witness's latest cosigned
checkpoint the log still agrees with."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from coldcheck.ledger import MerkleTree, TreeHead, parse_note
from coldcheck.store.witnessed import Cosignature

if TYPE_CHECKING:
    from coldcheck.service import ColdCheck


def cosigned_note(service: ColdCheck, production_id: str) -> str:
    """The head's C2SP note with each witness's latest cosignature line of its size."""
    note = service.checkpoint_note(production_id)
    if not service.keeps_witnesses:
        return note
    head = TreeHead.parse(parse_note(note).text)
    lines = _latest_lines(
        c
        for c in service.witness_rows().cosignatures(production_id)
        if (c.tree_size, c.root) == (head.size, head.root)
    )
    return note + "".join(lines)


def witnessed(service: ColdCheck, production_id: str, tree: MerkleTree, size: int) -> list[str]:
    """Per witness, the largest checkpoint it cosigned that the log of ``size`` events
    (``tree``) agrees with, as notes: one note per size, with every such witness's line.
    A cosignature the log contradicts is left out: it vouches for another history."""
    if not service.keeps_witnesses:
        return []
    best: dict[str, Cosignature] = {}
    for c in service.witness_rows().cosignatures(production_id):  # by size: the last wins
        if 0 < c.tree_size <= size and tree.root(c.tree_size) == c.root:
            best[c.witness] = c
    by_size: dict[int, list[Cosignature]] = {}
    for c in best.values():
        by_size.setdefault(c.tree_size, []).append(c)
    return [
        service.log_note(production_id, at, tree.root(at)) + "".join(_latest_lines(cs))
        for at, cs in sorted(by_size.items())
    ]


def _latest_lines(cosignatures: Iterable[Cosignature]) -> list[str]:
    latest: dict[str, Cosignature] = {}
    for c in cosignatures:
        if c.witness not in latest or c.cosigned_at >= latest[c.witness].cosigned_at:
            latest[c.witness] = c
    return [latest[w].line for w in sorted(latest)]
