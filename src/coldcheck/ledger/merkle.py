"""RFC 9162 (Certificate Transparency v2) Merkle trees over SHA-256.

Notation follows RFC 9162 section 2.1: ``MTH(D[n])`` is the Merkle Tree Hash of the
first ``n`` leaves; for ``n > 1`` it splits at ``k``, the largest power of two smaller
than ``n``: ``MTH(D[n]) = node_hash(MTH(D[0:k]), MTH(D[k:n]))``.

Three representations are provided:

* :func:`root_from_leaf_hashes` -- the literal recursive definition, used as reference;
* :class:`Frontier` -- the compact right edge of a tree (one perfect-subtree root per set
  bit of the size), enough to append and to compute the root without the leaves; this is
  what gets stored next to a production's chain head;
* :class:`MerkleTree` -- all leaves plus cached perfect subtrees, for proofs.

Every function here works on *leaf hashes* (32 bytes, from :func:`leaf_hash`), never on
raw leaf data, so callers cannot accidentally mix the two domains.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from typing import Any

from coldcheck.ledger.canonical import canonical_json, parse_json

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Frontier",
    "MerkleTree",
    "leaf_hash",
    "node_hash",
    "root_from_leaf_hashes",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32

# Domain-separation prefixes (RFC 9162 section 2.1.1): a leaf can never be confused with
# an interior node, which is what stops second-preimage attacks on the tree shape.
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

_HEX_HASH = re.compile(r"[0-9a-f]{64}")

EMPTY_ROOT: bytes = hashlib.sha256(b"").digest()
"""MTH({}) -- the root of the empty tree, SHA-256 of the empty string."""


def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 9162 leaf hash SHA-256(0x00 || data)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 9162 interior node hash SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    """Largest power of two strictly smaller than ``n`` (requires ``n > 1``)."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_hash(value: bytes, what: str) -> None:
    if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
        raise ValueError(f"{what} must be {HASH_SIZE} bytes")


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """Return MTH over ``hashes`` by the literal recursive definition (the reference)."""
    n = len(hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return bytes(hashes[0])
    k = _largest_power_of_two_below(n)
    return node_hash(root_from_leaf_hashes(hashes[:k]), root_from_leaf_hashes(hashes[k:]))


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
            _check_hash(node, "frontier node")
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
        _check_hash(leaf_hash, "leaf hash")
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
            acc = sha256(_NODE_PREFIX + nodes[i] + acc).digest()
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


class MerkleTree:
    """An in-memory RFC 9162 tree over leaf hashes, with cached perfect subtrees.

    ``_levels[k][i]`` is the root of the perfect, aligned subtree over leaves
    ``[i * 2**k, (i + 1) * 2**k)``; level ``k`` holds ``size >> k`` entries. Every
    subtree that the RFC recursion visits starts at a multiple of its largest power-of-two
    part, so its hash is the right fold of at most log2(n) cached entries (one per set
    bit of its width). Proofs need at most one such non-perfect subtree each, which keeps
    root, inclusion and consistency proofs at O(log n) hashes.
    """

    __slots__ = ("_levels",)

    def __init__(self) -> None:
        """Create an empty tree."""
        self._levels: list[list[bytes]] = [[]]

    @classmethod
    def from_leaf_hashes(cls, hashes: Iterable[bytes]) -> MerkleTree:
        """Build a tree by appending each leaf hash in order."""
        tree = cls()
        for h in hashes:
            tree.append(h)
        return tree

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self._levels[0])

    def append(self, leaf_hash: bytes) -> None:
        """Append a leaf hash, completing any perfect subtrees it closes."""
        _check_hash(leaf_hash, "leaf hash")
        self._levels[0].append(bytes(leaf_hash))
        level = 0
        # A level with an even number of entries has just completed a pair: its parent
        # is a new perfect subtree one level up (amortised O(1) per append).
        while len(self._levels[level]) % 2 == 0:
            if level + 1 == len(self._levels):
                self._levels.append([])
            pair = self._levels[level][-2:]
            self._levels[level + 1].append(node_hash(pair[0], pair[1]))
            level += 1

    def leaf_hash(self, index: int) -> bytes:
        """Return the leaf hash at ``index`` (``0 <= index < size``)."""
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.size:
            raise ValueError(f"index {index} out of range for tree of {self.size} leaves")
        return self._levels[0][index]

    def frontier(self, size: int | None = None) -> Frontier:
        """Return the :class:`Frontier` of the first ``size`` leaves (default: all)."""
        n = self.size if size is None else size
        self._check_size(n, "size")
        return Frontier(n, self._perfect_pieces(0, n))

    def root(self, size: int | None = None) -> bytes:
        """Return MTH of the first ``size`` leaves (default: all), ``0 <= size <= self.size``."""
        n = self.size if size is None else size
        self._check_size(n, "size")
        if n == 0:
            return EMPTY_ROOT
        return self._subtree(0, n)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Return the RFC 9162 audit path PATH(index, D[size]), bottom-up."""
        n = self.size if size is None else size
        self._check_size(n, "size")
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < n:
            raise ValueError(f"index {index} out of range for tree size {n}")
        # RFC 9162 section 2.1.3.1, unrolled: at each step the current subtree is
        # [start, end) and the proof gains the hash of the sibling we do not descend into.
        # The recursion appends siblings after the sub-path, so collect top-down and
        # reverse at the end.
        path: list[bytes] = []
        start, end = 0, n
        while end - start > 1:
            k = _largest_power_of_two_below(end - start)
            if index < start + k:
                path.append(self._subtree(start + k, end))
                end = start + k
            else:
                path.append(self._subtree(start, start + k))
                start += k
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """Return the RFC 9162 consistency proof PROOF(old_size, D[new_size])."""
        n = self.size if new_size is None else new_size
        self._check_size(n, "new_size")
        m = old_size
        if isinstance(m, bool) or not isinstance(m, int) or not 0 <= m <= n:
            raise ValueError(f"old_size {m} out of range for new size {n}")
        if m in (0, n):
            # m == n: SUBPROOF(n, D[n], true) is empty. m == 0: the empty tree is a
            # prefix of every tree, so there is nothing to prove (RFC 9162 only defines
            # PROOF for 0 < m < n).
            return []
        # SUBPROOF(m, D[start:end], b) from RFC 9162 section 2.1.4.1, unrolled; ``b``
        # records whether the current subtree is still on the left edge of the old tree.
        proof: list[bytes] = []
        start, end, b = 0, n, True
        while True:
            if m == end - start:
                if not b:
                    proof.append(self._subtree(start, end))
                break
            k = _largest_power_of_two_below(end - start)
            if m <= k:
                proof.append(self._subtree(start + k, end))
                end = start + k
            else:
                proof.append(self._subtree(start, start + k))
                start += k
                m -= k
                b = False
        proof.reverse()
        return proof

    def _check_size(self, n: int, what: str) -> None:
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= self.size:
            raise ValueError(f"{what} {n} out of range for tree of {self.size} leaves")

    def _perfect_pieces(self, start: int, end: int) -> list[bytes]:
        """Cached roots of the perfect subtrees tiling [start, end), largest first."""
        pieces: list[bytes] = []
        width = end - start
        pos = start
        # One step per set bit of the width (not per bit), largest piece first: a perfect
        # range, which is most of what a proof asks for, is a single lookup.
        while width:
            level = width.bit_length() - 1
            # Alignment holds for every range the RFC recursion produces (and for any
            # prefix [0, n)); check anyway, a misaligned piece is a logic error.
            if pos & ((1 << level) - 1):
                raise AssertionError(f"misaligned subtree [{start}, {end})")
            pieces.append(self._levels[level][pos >> level])
            pos += 1 << level
            width -= 1 << level
        return pieces

    def _subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a non-empty range visited by the RFC recursion."""
        pieces = self._perfect_pieces(start, end)
        # Same right fold as Frontier.root: the RFC split point of a non-perfect range
        # is always the boundary after its largest perfect piece.
        acc = pieces[-1]
        for piece in reversed(pieces[:-1]):
            acc = node_hash(piece, acc)
        return acc


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes | bytearray) and len(value) == HASH_SIZE


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _all_hashes(values: object) -> bool:
    # A bytes object is itself a Sequence (of ints): reject it explicitly.
    if not isinstance(values, Sequence) or isinstance(values, str | bytes | bytearray):
        return False
    return all(_is_hash(v) for v in values)


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, path: Sequence[bytes], root: bytes
) -> bool:
    """Check an RFC 9162 inclusion proof (section 2.1.3.2); never raises."""
    if not (
        _is_hash(leaf_hash)
        and _is_size(index)
        and _is_size(tree_size)
        and _is_hash(root)
        and _all_hashes(path)
    ):
        return False
    if index >= tree_size:
        return False
    fn, sn = index, tree_size - 1
    r = bytes(leaf_hash)
    for p in path:
        if sn == 0:
            # Proof longer than the path from the leaf to the root.
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                # fn == sn with fn even: we are the last node at this level with no right
                # sibling, so the node is promoted unchanged; skip those levels.
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(r, root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Check an RFC 9162 consistency proof (section 2.1.4.2); never raises."""
    if not (
        _is_size(old_size)
        and _is_size(new_size)
        and _is_hash(old_root)
        and _is_hash(new_root)
        and _all_hashes(proof)
    ):
        return False
    proof = list(proof)
    if old_size > new_size:
        return False
    if old_size == 0:
        # The empty tree is a prefix of every tree, but its head must still be the
        # genuine empty root, and there is nothing a non-empty proof could prove.
        return not proof and hmac.compare_digest(old_root, EMPTY_ROOT)
    if old_size == new_size:
        return not proof and hmac.compare_digest(old_root, new_root)
    # 0 < old_size < new_size: RFC 9162 section 2.1.4.2 step by step.
    if not proof:
        return False
    if old_size & (old_size - 1) == 0:
        # The old tree is a perfect left subtree of the new one, so its root is a node of
        # the new tree and the prover omits it; the verifier supplies it.
        proof = [bytes(old_root), *proof]
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = bytes(proof[0])
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            # Hashes to the right of the old tree's edge feed only the new root.
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(fr, old_root) and hmac.compare_digest(sr, new_root)
