"""Property and edge-case tests for building RFC 9162 trees: hashing, Frontier and
MerkleTree roots and proofs, against the reference in support.merkle_reference.

Checking proofs is tested in test_ledger_proofs.py.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coldcheck.ledger.tree as tree_module
from coldcheck.ledger import EMPTY_ROOT, Frontier, MerkleTree, leaf_hash, node_hash
from support.merkle_reference import (
    leaf_lists,
    ref_consistency,
    ref_leaf,
    ref_node,
    ref_path,
    ref_root,
    root_from_leaf_hashes,
)

PROPERTY_SETTINGS = settings(max_examples=100, deadline=None)


def _hashes(leaves: list[bytes]) -> list[bytes]:
    return [leaf_hash(d) for d in leaves]


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


# --------------------------------------------------------------------------- frontier


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


# ------------------------------------------------------------------------------ proofs


@PROPERTY_SETTINGS
@given(leaves=leaf_lists(min_size=1), data=st.data())
def test_proofs_are_the_rfc_paths_and_subproofs(leaves: list[bytes], data: st.DataObject) -> None:
    hashes = _hashes(leaves)
    tree = MerkleTree.from_leaf_hashes(hashes)
    size = data.draw(st.integers(1, len(hashes)), label="tree size")
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = tree.inclusion_proof(index, size)
    assert proof == ref_path(index, hashes[:size])
    # Leaves on a short right edge have shorter paths, never longer.
    assert len(proof) <= math.ceil(math.log2(size))
    old = data.draw(st.integers(0, size), label="old size")
    assert tree.consistency_proof(old, size) == ref_consistency(old, hashes[:size])


def test_exhaustive_small_trees() -> None:
    hashes = [leaf_hash(i.to_bytes(2, "big")) for i in range(40)]
    tree = MerkleTree.from_leaf_hashes(hashes)
    for size in range(41):
        assert tree.root(size) == ref_root(hashes[:size])
        for index in range(size):
            assert tree.inclusion_proof(index, size) == ref_path(index, hashes[:size]), (
                index,
                size,
            )
        for old in range(size + 1):
            assert tree.consistency_proof(old, size) == ref_consistency(old, hashes[:size]), (
                old,
                size,
            )


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
    real_node_hash = tree_module.node_hash

    def counting_node_hash(left: bytes, right: bytes) -> bytes:
        nonlocal calls
        calls += 1
        return real_node_hash(left, right)

    monkeypatch.setattr(tree_module, "node_hash", counting_node_hash)
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
