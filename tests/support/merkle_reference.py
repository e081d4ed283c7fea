"""The reference the Merkle code is tested against, kept apart from it: the literal
RFC 9162 definitions, the published test vectors, and an independent restatement.

- `root_from_leaf_hashes`, `rfc_inclusion_holds` and `rfc_consistency_holds` are the
  RFC's own text (MTH's recursion, sections 2.1.3.2 and 2.1.4.2 step by step, answering
  a bool and never raising): what the verifiers in coldcheck.ledger.proofs must agree
  with on every input.
- `ref_root`, `ref_path` and `ref_consistency` state the same tree differently (bottom-up
  pairing; PATH and SUBPROOF over list slices), written without the implementation.
- `vectors_path` finds the published RFC 6962 / RFC 9162 vectors in shared/testdata.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

EMPTY = hashlib.sha256(b"").digest()


def ref_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def ref_node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def vectors_path() -> Path:
    """shared/testdata/merkle_vectors.json, beside the checkout or beside a folder of
    checkouts (a worktree); the first place where it is, else the first place looked."""
    repo = Path(__file__).resolve().parents[2]
    candidates = [base / "shared" / "testdata" / "merkle_vectors.json" for base in repo.parents]
    return next((path for path in candidates if path.is_file()), candidates[0])


# ------------------------------------------------------------- the RFC, word for word


def _split(n: int) -> int:
    """The largest power of two strictly smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH over ``hashes`` by the literal recursive definition (RFC 9162 section 2.1.1)."""
    n = len(hashes)
    if n == 0:
        return EMPTY
    if n == 1:
        return bytes(hashes[0])
    k = _split(n)
    return ref_node(root_from_leaf_hashes(hashes[:k]), root_from_leaf_hashes(hashes[k:]))


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes | bytearray) and len(value) == 32


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _all_hashes(values: object) -> bool:
    if not isinstance(values, Sequence) or isinstance(values, str | bytes | bytearray):
        return False
    return all(_is_hash(v) for v in values)


def rfc_inclusion_holds(leaf_hash: Any, index: Any, tree_size: Any, path: Any, root: Any) -> bool:
    """RFC 9162 section 2.1.3.2, step by step; False for anything malformed."""
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
            return False
        if fn & 1 or fn == sn:
            r = ref_node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = ref_node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(r, root)


def rfc_consistency_holds(
    old_size: Any, new_size: Any, old_root: Any, new_root: Any, proof: Any
) -> bool:
    """RFC 9162 section 2.1.4.2, step by step; False for anything malformed."""
    if not (
        _is_size(old_size)
        and _is_size(new_size)
        and _is_hash(old_root)
        and _is_hash(new_root)
        and _all_hashes(proof)
    ):
        return False
    hashes = [bytes(h) for h in proof]
    if old_size > new_size:
        return False
    if old_size == 0:
        return not hashes and hmac.compare_digest(old_root, EMPTY)
    if old_size == new_size:
        return not hashes and hmac.compare_digest(old_root, new_root)
    if not hashes:
        return False
    if old_size & (old_size - 1) == 0:
        hashes = [bytes(old_root), *hashes]
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = hashes[0]
    for c in hashes[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = ref_node(c, fr)
            sr = ref_node(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = ref_node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(fr, old_root) and hmac.compare_digest(sr, new_root)


# ------------------------------------------------------- the same tree, stated anew


def ref_root(hashes: Sequence[bytes]) -> bytes:
    """The root bottom-up: pair adjacent nodes level by level, promoting an odd last node
    unchanged (the RFC 6962 tree shape, stated differently from MTH's recursion)."""
    if not hashes:
        return EMPTY
    level = list(hashes)
    while len(level) > 1:
        paired = [ref_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])  # promoted, not duplicated (unlike Bitcoin)
        level = paired
    return level[0]


def ref_path(m: int, hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) by the RFC's recursion over list slices."""
    n = len(hashes)
    if n <= 1:
        return []
    k = _split(n)
    if m < k:
        return [*ref_path(m, hashes[:k]), ref_root(hashes[k:])]
    return [*ref_path(m - k, hashes[k:]), ref_root(hashes[:k])]


def _ref_subproof(m: int, hashes: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(hashes)
    if m == n:
        return [] if complete else [ref_root(hashes)]
    k = _split(n)
    if m <= k:
        return [*_ref_subproof(m, hashes[:k], complete), ref_root(hashes[k:])]
    return [*_ref_subproof(m - k, hashes[k:], False), ref_root(hashes[:k])]


def ref_consistency(m: int, hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) by the RFC's SUBPROOF recursion (empty for m = 0 or m = n)."""
    if m in (0, len(hashes)):
        return []
    return _ref_subproof(m, hashes, True)


# ---------------------------------------------------------------------------- inputs


def leaf_lists(min_size: int = 0) -> st.SearchStrategy[list[bytes]]:
    """Lists of distinct leaves, their length drawn first.

    Distinct: with duplicates, "verify at the wrong index" can legitimately succeed
    (identical leaves in mirrored positions have identical audit paths). Length first: a
    plain st.lists(max_size=300) almost only produces short lists, and the interesting
    shapes (deep trees, long right edges) need hundreds of leaves."""
    return st.integers(min_size, 300).flatmap(
        lambda n: st.lists(st.binary(max_size=12), unique=True, min_size=n, max_size=n)
    )
