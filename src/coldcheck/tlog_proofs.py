"""Inclusion and consistency proofs of a production's log at any size up to its signed
head: what a reader checks against a signed head, or its C2SP checkpoint, with RFC 9162
(RFC 6962) alone.

Every proof is built from the events the service has proven against the head, so nothing
is proven that the deployment's signature does not cover. The tree is built from the
stored leaf bytes on each request: O(events), like a proof bundle.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from coldcheck.domain.errors import InvalidCommand
from coldcheck.ledger import MerkleTree, leaf_hash

if TYPE_CHECKING:
    from coldcheck.service import ColdCheck


@dataclass(frozen=True, slots=True)
class Inclusion:
    """Event ``seq`` (leaf ``seq - 1``, whose bytes are ``body``) in the tree of
    ``tree_size`` leaves under ``root``, by the audit path ``proof`` (bottom-up)."""

    seq: int
    tree_size: int
    body: bytes
    root: bytes
    proof: list[bytes]


@dataclass(frozen=True, slots=True)
class Consistency:
    """The tree of ``old_size`` leaves under ``old_root`` is a prefix of the tree of
    ``tree_size`` leaves under ``root``, by ``proof`` (RFC 9162 section 2.1.4)."""

    old_size: int
    old_root: bytes
    tree_size: int
    root: bytes
    proof: list[bytes]


def inclusion(
    service: ColdCheck, production_id: str, seq: int, tree_size: int | None = None
) -> Inclusion:
    """The inclusion proof of event ``seq`` in the log at ``tree_size`` (default: the
    signed head's size); InvalidCommand naming the number that does not fit."""
    tree, bodies, size = _tree(service, production_id, tree_size, keep=seq)
    if not 1 <= seq <= size:
        raise InvalidCommand(f"seq {seq} is not an event of a tree of {size} events")
    return Inclusion(seq, size, bodies[seq], tree.root(size), tree.inclusion_proof(seq - 1, size))


def consistency(
    service: ColdCheck, production_id: str, old_size: int, tree_size: int | None = None
) -> Consistency:
    """The consistency proof from the log at ``old_size`` to the log at ``tree_size``
    (default: the signed head's size); InvalidCommand naming the size that does not fit."""
    tree, _, size = _tree(service, production_id, tree_size, keep=None)
    if not 1 <= old_size <= size:
        raise InvalidCommand(f"old_size {old_size} must be from 1 to the tree size {size}")
    return Consistency(
        old_size,
        tree.root(old_size),
        size,
        tree.root(size),
        tree.consistency_proof(old_size, size),
    )


def _tree(
    service: ColdCheck, production_id: str, tree_size: int | None, keep: int | None
) -> tuple[MerkleTree, dict[int, bytes], int]:
    head = service.signed_head(production_id)
    size = head.size if tree_size is None else tree_size
    if not 1 <= size <= head.size:
        raise InvalidCommand(
            f"tree_size {size} must be from 1 to the signed head's size {head.size}"
        )
    tree = MerkleTree()
    bodies: dict[int, bytes] = {}
    for stored in service.proven_rows(production_id, upto=size):
        tree.append(leaf_hash(stored.body))
        if stored.seq == keep:
            bodies[stored.seq] = stored.body
    return tree, bodies, size


def tree(service: ColdCheck, production_id: str, tree_size: int | None = None) -> MerkleTree:
    """The tree of the proven log at ``tree_size`` (default: the signed head's size), for a
    caller that needs many proofs of one log: each of `consistency`'s builds it anew."""
    return _tree(service, production_id, tree_size, keep=None)[0]
