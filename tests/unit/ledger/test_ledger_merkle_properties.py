"""Property and edge-case tests for the RFC 9162 Merkle tree, proofs and Frontier.

The reference used here (``ref_*``) is written independently of the implementation: the
root is computed bottom-up by pairing adjacent nodes level by level and promoting an odd
last node unchanged (the RFC 6962 tree shape, stated differently from the recursive MTH
definition), and proofs follow the RFC's recursive PATH / SUBPROOF text over list slices.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coldcheck.ledger.merkle as merkle_module
from coldcheck.ledger import (
    EMPTY_ROOT,
    Frontier,
    MerkleTree,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

# ---------------------------------------------------------------- independent reference


def ref_leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def ref_node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def ref_root(hashes: Sequence[bytes]) -> bytes:
    if not hashes:
        return hashlib.sha256(b"").digest()
    level = list(hashes)
    while len(level) > 1:
        paired = [ref_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])  # promoted, not duplicated (unlike Bitcoin)
        level = paired
    return level[0]


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_path(m: int, hashes: Sequence[bytes]) -> list[bytes]:
    n = len(hashes)
    if n <= 1:
        return []
    k = _split(n)
    if m < k:
        return [*ref_path(m, hashes[:k]), ref_root(hashes[k:])]
    return [*ref_path(m - k, hashes[k:]), ref_root(hashes[:k])]


def ref_subproof(m: int, hashes: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(hashes)
    if m == n:
        return [] if complete else [ref_root(hashes)]
    k = _split(n)
    if m <= k:
        return [*ref_subproof(m, hashes[:k], complete), ref_root(hashes[k:])]
    return [*ref_subproof(m - k, hashes[k:], False), ref_root(hashes[:k])]


def ref_consistency(m: int, hashes: Sequence[bytes]) -> list[bytes]:
    if m in (0, len(hashes)):
        return []
    return ref_subproof(m, hashes, True)


# ------------------------------------------------------------------------ strategies


# Unique leaves: with duplicates, "verify at the wrong index" can legitimately succeed
# (identical leaves in mirrored positions have identical audit paths).
# Draw the length first: a plain st.lists(max_size=300) almost only produces short lists,
# and the interesting shapes (deep trees, long right edges) need hundreds of leaves.
def leaf_lists(min_size: int = 0) -> st.SearchStrategy[list[bytes]]:
    return st.integers(min_size, 300).flatmap(
        lambda n: st.lists(st.binary(max_size=12), unique=True, min_size=n, max_size=n)
    )


PROPERTY_SETTINGS = settings(max_examples=100, deadline=None)


def _hashes(leaves: list[bytes]) -> list[bytes]:
    return [leaf_hash(d) for d in leaves]


def _flip(value: bytes, position: int, mask: int) -> bytes:
    out = bytearray(value)
    out[position] ^= mask
    return bytes(out)


def _flip_in_proof(proof: list[bytes], data: st.DataObject) -> list[bytes]:
    item = data.draw(st.integers(0, len(proof) - 1), label="flip item")
    byte = data.draw(st.integers(0, 31), label="flip byte")
    mask = data.draw(st.integers(1, 255), label="flip mask")
    return [_flip(p, byte, mask) if i == item else p for i, p in enumerate(proof)]


def _wrong_hash(value: bytes, data: st.DataObject) -> bytes:
    return _flip(value, data.draw(st.integers(0, 31)), data.draw(st.integers(1, 255)))


# ------------------------------------------------------------------------------ roots


def test_hash_primitives() -> None:
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT
    assert leaf_hash(b"abc") == ref_leaf(b"abc")
    assert node_hash(b"a" * 32, b"b" * 32) == ref_node(b"a" * 32, b"b" * 32)
    # Domain separation: a leaf whose data looks like two child hashes is not a node.
    assert leaf_hash(b"a" * 32 + b"b" * 32) != node_hash(b"a" * 32, b"b" * 32)


@PROPERTY_SETTINGS
@given(leaves=leaf_lists(), data=st.data())
def test_all_roots_agree(leaves: list[bytes], data: st.DataObject) -> None:
    hashes = _hashes(leaves)
    assert hashes == [ref_leaf(d) for d in leaves]
    frontier = Frontier.empty()
    tree = MerkleTree()
    prefix_roots = [frontier.root()]
    for h in hashes:
        frontier.append(h)
        tree.append(h)
        prefix_roots.append(frontier.root())
    assert frontier.size == tree.size == len(hashes)
    expected = ref_root(hashes)
    assert root_from_leaf_hashes(hashes) == expected
    assert frontier.root() == expected
    assert tree.root() == expected
    assert MerkleTree.from_leaf_hashes(hashes).root() == expected
    assert Frontier.from_leaf_hashes(hashes) == frontier
    # Every historical root of the tree equals the incrementally built frontier's root
    # at that size, and the tree's frontier at that size is the same frontier.
    for k, root in enumerate(prefix_roots):
        assert tree.root(k) == root
    k = data.draw(st.integers(0, len(hashes)), label="prefix")
    assert tree.root(k) == ref_root(hashes[:k]) == root_from_leaf_hashes(hashes[:k])
    assert tree.frontier(k) == Frontier.from_leaf_hashes(hashes[:k])


@PROPERTY_SETTINGS
@given(leaves=leaf_lists())
def test_frontier_json_round_trip(leaves: list[bytes]) -> None:
    frontier = Frontier.from_leaf_hashes(_hashes(leaves))
    text = frontier.to_json()
    restored = Frontier.from_json(text)
    assert restored == frontier
    assert restored.root() == frontier.root()
    assert restored.to_json() == text
    assert " " not in text  # compact
    # The restored frontier keeps working: appending to both stays in step.
    extra = leaf_hash(b"one more")
    copy = frontier.copy()
    frontier.append(extra)
    restored.append(extra)
    assert restored == frontier
    assert copy.size == len(leaves)  # the copy was not affected
    assert frontier.root() == ref_root([*_hashes(leaves), extra])


def test_frontier_json_shape() -> None:
    frontier = Frontier.from_leaf_hashes([leaf_hash(b"x"), leaf_hash(b"y"), leaf_hash(b"z")])
    assert frontier.to_json() == (
        '{"nodes":["'
        + node_hash(leaf_hash(b"x"), leaf_hash(b"y")).hex()
        + '","'
        + leaf_hash(b"z").hex()
        + '"],"size":3}'
    )
    assert Frontier.empty().to_json() == '{"nodes":[],"size":0}'
    assert Frontier.empty().root() == EMPTY_ROOT


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        "null",
        '{"size":0}',
        '{"nodes":[]}',
        '{"size":-1,"nodes":[]}',
        '{"size":1.0,"nodes":["' + "00" * 32 + '"]}',
        '{"size":true,"nodes":["' + "00" * 32 + '"]}',
        '{"size":1,"nodes":[]}',  # one node per set bit of size
        '{"size":2,"nodes":["' + "00" * 32 + '","' + "11" * 32 + '"]}',
        '{"size":1,"nodes":["' + "00" * 31 + '"]}',
        '{"size":1,"nodes":["' + "AB" * 32 + '"]}',
        '{"size":1,"nodes":["' + "zz" * 32 + '"]}',
        '{"size":1,"nodes":[' + "1" * 64 + "]}",
        '{"size":0,"nodes":[],"extra":1}',
        '{"size":0,"size":0,"nodes":[]}',
    ],
)
def test_frontier_from_json_rejects_malformed(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 -- any ValueError, the message varies
        Frontier.from_json(text)


def test_frontier_equality_and_validation() -> None:
    a = Frontier.from_leaf_hashes([leaf_hash(b"1"), leaf_hash(b"2")])
    b = Frontier.from_leaf_hashes([leaf_hash(b"1"), leaf_hash(b"2")])
    c = Frontier.from_leaf_hashes([leaf_hash(b"1")])
    assert a == b
    assert a != c
    assert a != "not a frontier"
    with pytest.raises(TypeError):
        hash(a)  # mutable, hence unhashable
    with pytest.raises(ValueError, match="32 bytes"):
        a.append(b"short")
    with pytest.raises(ValueError, match="needs 1 nodes"):
        Frontier(1, [])


# -------------------------------------------------------------------------- inclusion


@PROPERTY_SETTINGS
@given(leaves=leaf_lists(min_size=1), data=st.data())
def test_inclusion_proofs(leaves: list[bytes], data: st.DataObject) -> None:
    hashes = _hashes(leaves)
    tree = MerkleTree.from_leaf_hashes(hashes)
    size = data.draw(st.integers(1, len(hashes)), label="tree size")
    root = tree.root(size)
    for index in range(size):
        proof = tree.inclusion_proof(index, size)
        assert verify_inclusion(hashes[index], index, size, proof, root)

    index = data.draw(st.integers(0, size - 1), label="index")
    proof = tree.inclusion_proof(index, size)
    assert proof == ref_path(index, hashes[:size])
    assert len(proof) == (math.ceil(math.log2(size)) if size > 1 else 0) or (
        # Leaves on a short right edge have shorter paths, never longer.
        len(proof) < math.ceil(math.log2(size))
    )
    leaf = hashes[index]

    if proof:
        assert not verify_inclusion(leaf, index, size, _flip_in_proof(proof, data), root)
        assert not verify_inclusion(leaf, index, size, proof[:-1], root)
    assert not verify_inclusion(leaf, index, size, [*proof, leaf], root)
    assert not verify_inclusion(leaf, index, size, proof, _wrong_hash(root, data))
    assert not verify_inclusion(_wrong_hash(leaf, data), index, size, proof, root)
    if size > 1:
        other = data.draw(st.integers(0, size - 1).filter(lambda i: i != index), label="other")
        assert not verify_inclusion(leaf, other, size, proof, root)
    assert not verify_inclusion(leaf, size, size, proof, root)
    assert not verify_inclusion(leaf, -1, size, proof, root)


def test_inclusion_edge_cases() -> None:
    h = leaf_hash(b"only")
    assert verify_inclusion(h, 0, 1, [], h)
    assert not verify_inclusion(h, 0, 0, [], h)
    assert not verify_inclusion(h, 1, 1, [], h)
    assert not verify_inclusion(h, 0, 1, [h], h)  # proof too long
    assert not verify_inclusion(h, True, 2, [h], h)  # bool is not an index


def test_inclusion_path_length_is_bound_to_tree_size() -> None:
    # Without the RFC's "sn must reach exactly 0" checks, these would verify: the hashes
    # do combine to the root, but the claimed (index, size) puts the leaf elsewhere.
    h0, h1, h2, h3 = (leaf_hash(bytes([i])) for i in range(4))
    root2 = node_hash(h0, h1)
    root4 = node_hash(root2, node_hash(h2, h3))
    assert verify_inclusion(h1, 1, 2, [h0], root2)
    assert not verify_inclusion(h1, 0, 1, [h0], root2)  # path longer than size allows
    # An interior node presented as a leaf, with the path shortened to match.
    assert not verify_inclusion(root2, 0, 4, [node_hash(h2, h3)], root4)


# ------------------------------------------------------------------------ consistency


@PROPERTY_SETTINGS
@given(leaves=leaf_lists(), data=st.data())
def test_consistency_proofs(leaves: list[bytes], data: st.DataObject) -> None:
    hashes = _hashes(leaves)
    tree = MerkleTree.from_leaf_hashes(hashes)
    new = data.draw(st.integers(0, len(hashes)), label="new size")
    new_root = tree.root(new)
    for old in range(new + 1):
        proof = tree.consistency_proof(old, new)
        assert verify_consistency(old, new, tree.root(old), new_root, proof)

    old = data.draw(st.integers(0, new), label="old size")
    old_root = tree.root(old)
    proof = tree.consistency_proof(old, new)
    assert proof == ref_consistency(old, hashes[:new])

    if proof:
        assert not verify_consistency(old, new, old_root, new_root, _flip_in_proof(proof, data))
        assert not verify_consistency(old, new, old_root, new_root, proof[:-1])
    assert not verify_consistency(old, new, old_root, new_root, [*proof, old_root])
    assert not verify_consistency(old, new, _wrong_hash(old_root, data), new_root, proof)
    if old > 0:
        # (With old == 0 any new root is consistent: the empty tree is everyone's prefix.)
        assert not verify_consistency(old, new, old_root, _wrong_hash(new_root, data), proof)
    if new < len(hashes):
        # The proof does not carry over to a larger tree's root.
        assert old == 0 or not verify_consistency(old, new + 1, old_root, tree.root(new + 1), proof)
    if old > 0:
        assert not verify_consistency(new, old - 1, new_root, tree.root(old - 1), proof)


def test_consistency_edge_cases() -> None:
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(0, 5, EMPTY_ROOT, a, [])
    assert not verify_consistency(0, 5, a, a, [])  # a size-0 head must be the empty root
    assert not verify_consistency(0, 5, EMPTY_ROOT, a, [a])
    assert verify_consistency(3, 3, a, a, [])
    assert not verify_consistency(3, 3, a, b, [])
    assert not verify_consistency(3, 3, a, a, [a])
    assert not verify_consistency(2, 3, a, b, [])  # 0 < old < new needs a proof
    assert not verify_consistency(4, 3, a, b, [a])


def test_consistency_proof_length_is_bound_to_sizes() -> None:
    # Inputs crafted so that the hashes combine to the given roots, and only the RFC's
    # "sn must reach exactly 0" checks reject the mismatched sizes.
    hashes = [leaf_hash(bytes([i])) for i in range(4)]
    tree = MerkleTree.from_leaf_hashes(hashes)
    h0, h1 = hashes[0], hashes[1]
    root2, root3, root4 = tree.root(2), tree.root(3), tree.root(4)
    assert verify_consistency(1, 2, h0, root2, [h1])
    assert not verify_consistency(1, 4, h0, root2, [h1])  # proof too short for size 4
    extra = leaf_hash(b"extra")
    proof = tree.consistency_proof(3, 4)
    assert verify_consistency(3, 4, root3, root4, proof)
    # One element too many, with roots chosen to match what a lax verifier computes.
    assert not verify_consistency(
        3, 4, node_hash(extra, root3), node_hash(extra, root4), [*proof, extra]
    )


# --------------------------------------------------------- exhaustive on small trees


def test_exhaustive_small_trees() -> None:
    hashes = [leaf_hash(i.to_bytes(2, "big")) for i in range(40)]
    tree = MerkleTree.from_leaf_hashes(hashes)
    for size in range(41):
        root = ref_root(hashes[:size])
        assert tree.root(size) == root
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert proof == ref_path(index, hashes[:size]), (index, size)
            assert verify_inclusion(hashes[index], index, size, proof, root)
        for old in range(size + 1):
            proof = tree.consistency_proof(old, size)
            assert proof == ref_consistency(old, hashes[:size]), (old, size)
            assert verify_consistency(old, size, ref_root(hashes[:old]), root, proof)


# ---------------------------------------------------------------- never raise on junk

junk_hash = st.one_of(st.binary(max_size=40), st.none(), st.integers(), st.text(max_size=4))
junk_proof = st.one_of(
    st.lists(st.binary(min_size=30, max_size=34), max_size=12),
    st.lists(junk_hash, max_size=4),
    st.binary(max_size=64),
    st.text(max_size=8),
    st.none(),
    st.integers(),
)
junk_size = st.one_of(st.integers(-3, 2**64), st.booleans(), st.none(), st.floats())


@settings(max_examples=200, deadline=None)
@given(leaf=junk_hash, index=junk_size, size=junk_size, proof=junk_proof, root=junk_hash)
def test_verify_inclusion_never_raises(
    leaf: object, index: object, size: object, proof: object, root: object
) -> None:
    result = verify_inclusion(leaf, index, size, proof, root)  # type: ignore[arg-type]
    assert isinstance(result, bool)


@settings(max_examples=200, deadline=None)
@given(old=junk_size, new=junk_size, old_root=junk_hash, new_root=junk_hash, proof=junk_proof)
def test_verify_consistency_never_raises(
    old: object, new: object, old_root: object, new_root: object, proof: object
) -> None:
    result = verify_consistency(old, new, old_root, new_root, proof)  # type: ignore[arg-type]
    assert isinstance(result, bool)


# ------------------------------------------------------------------ argument checking


def test_tree_rejects_out_of_range_arguments() -> None:
    tree = MerkleTree.from_leaf_hashes(leaf_hash(bytes([i])) for i in range(5))
    assert tree.root(0) == EMPTY_ROOT
    assert tree.leaf_hash(4) == leaf_hash(bytes([4]))
    bad_calls: list[Callable[[], object]] = [
        lambda: tree.root(6),
        lambda: tree.root(-1),
        lambda: tree.inclusion_proof(5, 5),
        lambda: tree.inclusion_proof(-1, 5),
        lambda: tree.inclusion_proof(0, 6),
        lambda: tree.inclusion_proof(0, 0),
        lambda: tree.consistency_proof(4, 3),
        lambda: tree.consistency_proof(-1, 3),
        lambda: tree.consistency_proof(1, 6),
        lambda: tree.leaf_hash(5),
        lambda: tree.append(b"\x00" * 31),
    ]
    for call in bad_calls:
        with pytest.raises(ValueError):  # noqa: PT011 -- any ValueError, the message varies
            call()
    assert tree.size == 5


# ------------------------------------------------------------------------ cost bound


def test_proofs_use_logarithmic_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    n = 5000
    tree = MerkleTree.from_leaf_hashes(leaf_hash(i.to_bytes(4, "big")) for i in range(n))
    calls = 0
    real_node_hash = merkle_module.node_hash

    def counting_node_hash(left: bytes, right: bytes) -> bytes:
        nonlocal calls
        calls += 1
        return real_node_hash(left, right)

    monkeypatch.setattr(merkle_module, "node_hash", counting_node_hash)
    bound = n.bit_length()  # about log2(n): a linear algorithm would need thousands
    for size in (1, 2, 3, 1023, 1024, 1025, 4097, 4999, 5000):
        calls = 0
        tree.root(size)
        assert calls <= bound, ("root", size, calls)
        for index in {0, size // 3, size - 1}:
            calls = 0
            tree.inclusion_proof(index, size)
            assert calls <= bound, ("inclusion", index, size, calls)
        for old in {1, size // 2 or 1, size - 1 or 1}:
            calls = 0
            tree.consistency_proof(old, size)
            assert calls <= bound, ("consistency", old, size, calls)
