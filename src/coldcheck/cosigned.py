"""The production's checkpoints with the cosignatures its witnesses gave them: the head's
note with the lines for its size, and for a proof bundle each witness's latest cosigned
checkpoint the log still agrees with."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from coldcheck.ledger import MerkleTree, TreeHead, parse_note
from coldcheck.ledger.checkpoint import SignedCheckpoint
from coldcheck.ledger.cosignature import CosignatureVerifier
from coldcheck.ledger.note import NoteError, open_note
from coldcheck.store.witnessed import Cosignature
from coldcheck.verify_since import Vouched

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


def vouched(service: ColdCheck, production_id: str) -> Vouched | None:
    """The largest checkpoint a witness of the production cosigned, its cosignature
    checked under the witness's vkey as stored (None: no witness cosigned one that
    checks)."""
    if not service.keeps_witnesses:
        return None
    rows = service.witness_rows()
    keys = {w.name: w.vkey for w in rows.named(production_id)}
    for c in sorted(rows.cosignatures(production_id), key=lambda c: -c.tree_size):
        if c.tree_size == 0 or c.witness not in keys:
            continue
        try:
            verifier = CosignatureVerifier.from_vkey(keys[c.witness])
            note = service.log_note(production_id, c.tree_size, c.root)
            open_note(note + c.line, [verifier])
        except (NoteError, ValueError):
            continue  # not the witness's cosignature over that root: vouches for nothing
        return Vouched(c.tree_size, c.root, f"witness {c.witness}")
    return None


def exported(service: ColdCheck, production_id: str, text: str, name: str) -> Vouched:
    """The checkpoint `coldcheck checkpoint --export` wrote (`text`, its JSON), signed by
    this deployment's key; ValueError naming why it vouches for nothing (one signed
    before a key rotation is refused: export one again)."""
    cp = SignedCheckpoint.from_dict(json.loads(text))
    if cp.production != production_id:
        raise ValueError(f"it is a checkpoint of {cp.production}")
    if not cp.verify(service.public_key()):
        raise ValueError("its signature does not hold under this deployment's key")
    return Vouched(cp.size, cp.root, f"the checkpoint in {name}")


def _latest_lines(cosignatures: Iterable[Cosignature]) -> list[str]:
    latest: dict[str, Cosignature] = {}
    for c in cosignatures:
        if c.witness not in latest or c.cosigned_at >= latest[c.witness].cosigned_at:
            latest[c.witness] = c
    return [latest[w].line for w in sorted(latest)]
