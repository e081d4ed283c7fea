"""Checking RFC 9162 proofs: inclusion (section 2.1.3.2) and consistency (2.1.4.2).

A verifier answers nothing when the proof holds and raises a :class:`ProofError` naming
what did not match when it does not: the root (:class:`RootMismatchError`, with the root
expected and the one the proof computes), the number of hashes
(:class:`WrongProofSizeError`), an index or size out of range
(:class:`IndexOutOfRangeError`), or an argument that is no hash or size at all
(:class:`MalformedProofError`). They are total: whatever they are given, they raise
nothing but a ProofError.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence

from coldcheck.ledger.hashing import EMPTY_ROOT, HASH_SIZE, is_hash, node_hash

__all__ = [
    "IndexOutOfRangeError",
    "MalformedProofError",
    "ProofError",
    "RootMismatchError",
    "WrongProofSizeError",
    "consistency_proof_size",
    "inclusion_proof_size",
    "verify_consistency",
    "verify_inclusion",
]


class ProofError(ValueError):
    """A Merkle proof does not check; the message names what did not match."""


class MalformedProofError(ProofError):
    """An argument is not what a proof is made of (a 32-byte hash, a size, a list)."""


class IndexOutOfRangeError(ProofError):
    """An index (or older size) that does not lie inside the tree it is proven against."""

    def __init__(self, index: int, size: int, what: str = "index") -> None:
        super().__init__(f"{what} {index} is out of range for a tree of {size} leaves")
        self.index, self.size = index, size


class WrongProofSizeError(ProofError):
    """A proof with more or fewer hashes than the sizes it is for call for."""

    def __init__(self, got: int, want: int) -> None:
        super().__init__(f"wrong proof size: {got} hashes, the sizes call for {want}")
        self.got, self.want = got, want


class RootMismatchError(ProofError):
    """The root a proof computes is not the root it was to reach."""

    def __init__(self, expected: bytes, computed: bytes, what: str = "root") -> None:
        super().__init__(
            f"{what} mismatch: the proof computes {computed.hex()}, expected {expected.hex()}"
        )
        self.expected, self.computed = bytes(expected), bytes(computed)


def inclusion_proof_size(index: int, size: int) -> int:
    """How many hashes the audit path of leaf ``index`` in a tree of ``size`` has
    (``0 <= index < size``)."""
    # Below the level where the paths to `index` and to the last leaf part, every level
    # has a sibling ("inner"); above it, only the levels where `index` is a right child
    # do ("border": the rest of the path runs along the tree's right edge).
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def consistency_proof_size(old_size: int, new_size: int) -> int:
    """How many hashes the consistency proof from ``old_size`` to ``new_size`` has
    (``0 < old_size < new_size``; none otherwise)."""
    # The inclusion path of the old tree's last leaf in the new tree, less the levels
    # inside the old tree's last perfect subtree (whose root the proof gives at once),
    # plus that root itself, unless the old tree is that subtree (then it is old_root).
    inner = ((old_size - 1) ^ (new_size - 1)).bit_length()
    border = ((old_size - 1) >> inner).bit_count()
    shift = (old_size & -old_size).bit_length() - 1
    seed = 0 if old_size == 1 << shift else 1
    return seed + (inner - shift) + border


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, path: Sequence[bytes], root: bytes
) -> None:
    """Check that ``path`` proves leaf ``index`` of a tree of ``tree_size`` leaves has
    ``leaf_hash`` under ``root``; raises a ProofError naming what does not match."""
    _require_hash(leaf_hash, "leaf hash")
    index = _require_int(index, "index")
    tree_size = _require_size(tree_size, "tree size")
    _require_hash(root, "root")
    hashes = _require_hashes(path, "inclusion proof")
    if not 0 <= index < tree_size:
        raise IndexOutOfRangeError(index, tree_size)
    want = inclusion_proof_size(index, tree_size)
    if len(hashes) != want:
        raise WrongProofSizeError(len(hashes), want)
    # RFC 9162 section 2.1.3.2. The size check above is what its "sn must reach exactly
    # 0" steps check: a path binds the leaf to its (index, size), not just to the root.
    fn, sn = index, tree_size - 1
    r = bytes(leaf_hash)
    for p in hashes:
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
    _require_match(root, r, "root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that ``proof`` shows the tree of ``new_size`` leaves under ``new_root`` only
    appended to the one of ``old_size`` under ``old_root``; raises a ProofError naming
    what does not match."""
    old_size = _require_size(old_size, "old size")
    new_size = _require_size(new_size, "new size")
    _require_hash(old_root, "old root")
    _require_hash(new_root, "new root")
    hashes = _require_hashes(proof, "consistency proof")
    if old_size > new_size:
        raise IndexOutOfRangeError(old_size, new_size, "old size")
    if old_size == 0 or old_size == new_size:
        # The empty tree is a prefix of every tree, but its head must still be the
        # genuine empty root; a tree is a prefix of itself only under the same root.
        # Either way there is nothing a non-empty proof could prove.
        if hashes:
            raise WrongProofSizeError(len(hashes), 0)
        if old_size == 0:
            _require_match(EMPTY_ROOT, old_root, "old root (of the empty tree)")
        else:
            _require_match(new_root, old_root, "root")
        return
    # 0 < old_size < new_size: RFC 9162 section 2.1.4.2 step by step, the size check
    # standing for its "sn must reach exactly 0" steps.
    want = consistency_proof_size(old_size, new_size)
    if len(hashes) != want:
        raise WrongProofSizeError(len(hashes), want)
    if old_size & (old_size - 1) == 0:
        # The old tree is a perfect left subtree of the new one, so its root is a node of
        # the new tree and the prover omits it; the verifier supplies it.
        hashes = [bytes(old_root), *hashes]
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = hashes[0]
    for c in hashes[1:]:
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
    _require_match(old_root, fr, "old root")
    _require_match(new_root, sr, "new root")


def _require_match(expected: bytes, computed: bytes, what: str) -> None:
    if not hmac.compare_digest(expected, computed):
        raise RootMismatchError(expected, computed, what)


def _require_hash(value: object, what: str) -> None:
    if not is_hash(value):
        raise MalformedProofError(f"{what} must be {HASH_SIZE} bytes, not {_kind(value)}")


def _require_int(value: object, what: str) -> int:
    # bool is an int subclass; True must not silently become index 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedProofError(f"{what} must be an integer, not {_kind(value)}")
    return value


def _require_size(value: object, what: str) -> int:
    size = _require_int(value, what)
    if size < 0:
        raise MalformedProofError(f"{what} must not be negative, not {size}")
    return size


def _require_hashes(values: object, what: str) -> list[bytes]:
    # A bytes object is itself a Sequence (of ints): reject it explicitly.
    if not isinstance(values, Sequence) or isinstance(values, str | bytes | bytearray):
        raise MalformedProofError(f"{what} must be a list of hashes, not {_kind(values)}")
    hashes = list(values)
    for i, value in enumerate(hashes):
        if not is_hash(value):
            raise MalformedProofError(
                f"{what}: hash {i} must be {HASH_SIZE} bytes, not {_kind(value)}"
            )
    return [bytes(h) for h in hashes]


def _kind(value: object) -> str:
    """A short description of a value that is not what was asked for (never the value
    itself: it may be large, or not printable)."""
    if isinstance(value, bytes | bytearray):
        return f"{len(value)} bytes"
    return type(value).__name__
