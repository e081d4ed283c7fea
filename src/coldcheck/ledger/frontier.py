"""The compact range of a Merkle tree: the roots of the perfect subtrees along its right
edge, enough to append leaves and compute the RFC 9162 root without the leaves. This is
what gets stored next to a production's chain head.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from coldcheck.ledger.canonical import canonical_json, parse_json
from coldcheck.ledger.hashing import EMPTY_ROOT, NODE_PREFIX, check_hash, node_hash

__all__ = ["Frontier"]

_HEX_HASH = re.compile(r"[0-9a-f]{64}")


class Frontier:
    """The compact right edge of a Merkle tree: roots of its maximal perfect subtrees.

    For a tree of ``size`` leaves, ``size`` written in binary has one set bit per
    perfect subtree on the right edge (a Merkle mountain range); ``nodes`` holds their
    roots from the largest (leftmost) to the smallest (rightmost). Appending a leaf
    merges equal-sized subtrees like a binary counter carrying: O(log n) worst case,
    O(1) amortised. The RFC 9162 root is the right fold of the nodes.
    """

    __slots__ = ("_nodes", "_size")

    def __init__(self, size: int, nodes: Iterable[bytes]) -> None:
        """Build a frontier from a size and its perfect-subtree roots (largest first)."""
        node_list = [bytes(node) for node in nodes]
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError("frontier size must be a non-negative integer")
        if len(node_list) != size.bit_count():
            raise ValueError(
                f"frontier of size {size} needs {size.bit_count()} nodes, got {len(node_list)}"
            )
        for node in node_list:
            check_hash(node, "frontier node")
        self._size = size
        self._nodes = node_list

    @classmethod
    def empty(cls) -> Frontier:
        """Return the frontier of the empty tree."""
        return cls(0, [])

    @classmethod
    def from_leaf_hashes(cls, hashes: Iterable[bytes]) -> Frontier:
        """Return the frontier of a tree with the given leaf hashes."""
        frontier = cls.empty()
        for h in hashes:
            frontier.append(h)
        return frontier

    @property
    def size(self) -> int:
        """Number of leaves appended so far."""
        return self._size

    @property
    def nodes(self) -> tuple[bytes, ...]:
        """Perfect-subtree roots, largest (leftmost) first."""
        return tuple(self._nodes)

    def append(self, leaf_hash: bytes) -> None:
        """Append one leaf hash, merging completed perfect subtrees."""
        check_hash(leaf_hash, "leaf hash")
        carry = bytes(leaf_hash)
        # Each trailing 1-bit of the old size is a perfect subtree of the same height as
        # ``carry``; adding a leaf "carries" through them exactly like binary increment.
        size = self._size
        while size & 1:
            carry = node_hash(self._nodes.pop(), carry)
            size >>= 1
        self._nodes.append(carry)
        self._size += 1

    def root(self) -> bytes:
        """Return the RFC 9162 root over all leaves appended so far."""
        if not self._nodes:
            return EMPTY_ROOT
        # MTH splits at the largest power of two below n, which is exactly the leftmost
        # (largest) perfect subtree; recursing on the rest gives a right fold.
        nodes = self._nodes
        acc = nodes[-1]
        sha256 = hashlib.sha256  # node_hash inlined: this runs after every append and read
        for i in range(len(nodes) - 2, -1, -1):
            acc = sha256(NODE_PREFIX + nodes[i] + acc).digest()
        return acc

    def copy(self) -> Frontier:
        """Return an independent copy."""
        return Frontier(self._size, self._nodes)

    def to_json(self) -> str:
        """Return a compact, stable text form: ``{"nodes":[hex,...],"size":n}``."""
        data = {"size": self._size, "nodes": [node.hex() for node in self._nodes]}
        return canonical_json(data).decode("ascii")

    @classmethod
    def from_json(cls, text: str) -> Frontier:
        """Parse :meth:`to_json` output, raising ValueError if it is malformed."""
        data: Any = parse_json(text.encode("utf-8"))
        if not isinstance(data, dict) or set(data) != {"size", "nodes"}:
            raise ValueError("frontier JSON must be an object with exactly 'size' and 'nodes'")
        size, nodes = data["size"], data["nodes"]
        # Exactly the spelling to_json writes (64 lowercase hex digits): bytes.fromhex
        # alone would also accept uppercase and embedded whitespace, and a stored value
        # should have a single spelling.
        if not isinstance(nodes, list) or not all(
            isinstance(n, str) and _HEX_HASH.fullmatch(n) for n in nodes
        ):
            raise ValueError("frontier 'nodes' must be a list of 64-digit lowercase hex strings")
        return cls(size, [bytes.fromhex(n) for n in nodes])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Frontier):
            return NotImplemented
        return self._size == other._size and self._nodes == other._nodes

    # Mutable, so deliberately unhashable.
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Frontier(size={self._size}, root={self.root().hex()})"
