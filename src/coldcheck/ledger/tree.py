"""An in-memory RFC 9162 Merkle tree over leaf hashes, and the proofs it builds: the
root of any prefix, inclusion proofs (audit paths) and consistency proofs.

Notation follows RFC 9162 section 2.1: ``MTH(D[n])`` is the Merkle Tree Hash of the
first ``n`` leaves; for ``n > 1`` it splits at ``k``, the largest power of two smaller
than ``n``: ``MTH(D[n]) = node_hash(MTH(D[0:k]), MTH(D[k:n]))``. Checking a proof needs
none of this (proofs.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from coldcheck.ledger.frontier import Frontier
from coldcheck.ledger.hashing import (
    EMPTY_ROOT,
    check_hash,
    largest_power_of_two_below,
    node_hash,
)

__all__ = ["MerkleTree"]


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
        check_hash(leaf_hash, "leaf hash")
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
            k = largest_power_of_two_below(end - start)
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
            k = largest_power_of_two_below(end - start)
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
