"""Checking RFC 9162 proofs: every proof the tree builds holds, every change to one is
refused with the error naming what no longer matches, and on any input whatsoever the
verifiers agree with the RFC's own steps (support.merkle_reference) and raise nothing but
a ProofError.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from coldcheck.ledger import (
    EMPTY_ROOT,
    IndexOutOfRangeError,
    MalformedProofError,
    MerkleTree,
    ProofError,
    RootMismatchError,
    WrongProofSizeError,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)
from coldcheck.ledger.proofs import consistency_proof_size, inclusion_proof_size
from support.merkle_reference import (
    leaf_lists,
    ref_root,
    rfc_consistency_holds,
    rfc_inclusion_holds,
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


def inclusion(
    leaf: object, index: object, size: object, proof: object, root: object
) -> ProofError | None:
    """What verify_inclusion raises (None: the proof holds), checked against the RFC."""
    error = None
    try:
        verify_inclusion(leaf, index, size, proof, root)  # type: ignore[arg-type]
    except ProofError as exc:
        error = exc
    assert (error is None) == rfc_inclusion_holds(leaf, index, size, proof, root), error
    return error


def consistency(
    old: object, new: object, old_root: object, new_root: object, proof: object
) -> ProofError | None:
    """What verify_consistency raises (None: the proof holds), checked against the RFC."""
    error = None
    try:
        verify_consistency(old, new, old_root, new_root, proof)  # type: ignore[arg-type]
    except ProofError as exc:
        error = exc
    assert (error is None) == rfc_consistency_holds(old, new, old_root, new_root, proof), error
    return error


# -------------------------------------------------------------------------- inclusion


@PROPERTY_SETTINGS
@given(leaves=leaf_lists(min_size=1), data=st.data())
def test_inclusion_proofs(leaves: list[bytes], data: st.DataObject) -> None:
    hashes = _hashes(leaves)
    tree = MerkleTree.from_leaf_hashes(hashes)
    size = data.draw(st.integers(1, len(hashes)), label="tree size")
    root = tree.root(size)
    for index in range(size):
        assert (
            inclusion(hashes[index], index, size, tree.inclusion_proof(index, size), root) is None
        )

    index = data.draw(st.integers(0, size - 1), label="index")
    proof = tree.inclusion_proof(index, size)
    leaf = hashes[index]

    if proof:
        assert isinstance(
            inclusion(leaf, index, size, _flip_in_proof(proof, data), root), RootMismatchError
        )
        short = inclusion(leaf, index, size, proof[:-1], root)
        assert isinstance(short, WrongProofSizeError)
        assert (short.got, short.want) == (len(proof) - 1, len(proof))
    assert isinstance(inclusion(leaf, index, size, [*proof, leaf], root), WrongProofSizeError)
    wrong = _wrong_hash(root, data)
    mismatch = inclusion(leaf, index, size, proof, wrong)
    assert isinstance(mismatch, RootMismatchError)
    assert (mismatch.expected, mismatch.computed) == (wrong, root)
    assert wrong.hex() in str(mismatch)
    assert root.hex() in str(mismatch)
    assert isinstance(
        inclusion(_wrong_hash(leaf, data), index, size, proof, root), RootMismatchError
    )
    if size > 1:
        other = data.draw(st.integers(0, size - 1).filter(lambda i: i != index), label="other")
        # Another index has a path of another length, or the same length and other sides.
        assert isinstance(
            inclusion(leaf, other, size, proof, root), WrongProofSizeError | RootMismatchError
        )
    assert isinstance(inclusion(leaf, size, size, proof, root), IndexOutOfRangeError)
    assert isinstance(inclusion(leaf, -1, size, proof, root), IndexOutOfRangeError)


def test_inclusion_edge_cases() -> None:
    h = leaf_hash(b"only")
    assert inclusion(h, 0, 1, [], h) is None
    assert isinstance(inclusion(h, 0, 0, [], h), IndexOutOfRangeError)
    assert isinstance(inclusion(h, 1, 1, [], h), IndexOutOfRangeError)
    assert isinstance(inclusion(h, 0, 1, [h], h), WrongProofSizeError)  # proof too long
    assert isinstance(inclusion(h, True, 2, [h], h), MalformedProofError)  # bool: no index
    assert "index must be an integer, not bool" in str(inclusion(h, True, 2, [h], h))
    assert "hash 1 must be 32 bytes, not 31 bytes" in str(inclusion(h, 0, 4, [h, h[1:]], h))


def test_inclusion_path_length_is_bound_to_tree_size() -> None:
    # Without the RFC's "sn must reach exactly 0" checks, these would verify: the hashes
    # do combine to the root, but the claimed (index, size) puts the leaf elsewhere.
    h0, h1, h2, h3 = (leaf_hash(bytes([i])) for i in range(4))
    root2 = node_hash(h0, h1)
    root4 = node_hash(root2, node_hash(h2, h3))
    assert inclusion(h1, 1, 2, [h0], root2) is None
    too_long = inclusion(h1, 0, 1, [h0], root2)  # path longer than size allows
    assert isinstance(too_long, WrongProofSizeError)
    assert str(too_long) == "wrong proof size: 1 hashes, the sizes call for 0"
    # An interior node presented as a leaf, with the path shortened to match.
    assert isinstance(inclusion(root2, 0, 4, [node_hash(h2, h3)], root4), WrongProofSizeError)


# ------------------------------------------------------------------------ consistency


@PROPERTY_SETTINGS
@given(leaves=leaf_lists(), data=st.data())
def test_consistency_proofs(leaves: list[bytes], data: st.DataObject) -> None:
    hashes = _hashes(leaves)
    tree = MerkleTree.from_leaf_hashes(hashes)
    new = data.draw(st.integers(0, len(hashes)), label="new size")
    new_root = tree.root(new)
    for old in range(new + 1):
        assert (
            consistency(old, new, tree.root(old), new_root, tree.consistency_proof(old, new))
            is None
        )

    old = data.draw(st.integers(0, new), label="old size")
    old_root = tree.root(old)
    proof = tree.consistency_proof(old, new)

    if proof:
        assert isinstance(
            consistency(old, new, old_root, new_root, _flip_in_proof(proof, data)),
            RootMismatchError,
        )
        assert isinstance(
            consistency(old, new, old_root, new_root, proof[:-1]), WrongProofSizeError
        )
    assert isinstance(
        consistency(old, new, old_root, new_root, [*proof, old_root]), WrongProofSizeError
    )
    wrong_old = _wrong_hash(old_root, data)
    # (A perfect old tree's root seeds the proof: then it is the new root that is missed.)
    assert isinstance(consistency(old, new, wrong_old, new_root, proof), RootMismatchError)
    if old > 0:
        # (With old == 0 any new root is consistent: the empty tree is everyone's prefix.)
        wrong_new = _wrong_hash(new_root, data)
        mismatch = consistency(old, new, old_root, wrong_new, proof)
        assert isinstance(mismatch, RootMismatchError)
        assert wrong_new in (mismatch.expected, mismatch.computed)
    if new < len(hashes) and old > 0:
        # The proof does not carry over to a larger tree's root.
        assert isinstance(
            consistency(old, new + 1, old_root, tree.root(new + 1), proof),
            WrongProofSizeError | RootMismatchError,
        )
    if old > 0:
        assert isinstance(
            consistency(new, old - 1, new_root, tree.root(old - 1), proof), IndexOutOfRangeError
        )


def test_consistency_edge_cases() -> None:
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    assert consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, []) is None
    assert consistency(0, 5, EMPTY_ROOT, a, []) is None
    empty = consistency(0, 5, a, a, [])  # a size-0 head must be the empty root
    assert isinstance(empty, RootMismatchError)
    assert (empty.expected, empty.computed) == (EMPTY_ROOT, a)
    assert isinstance(consistency(0, 5, EMPTY_ROOT, a, [a]), WrongProofSizeError)
    assert consistency(3, 3, a, a, []) is None
    assert isinstance(consistency(3, 3, a, b, []), RootMismatchError)
    assert isinstance(consistency(3, 3, a, a, [a]), WrongProofSizeError)
    assert isinstance(consistency(2, 3, a, b, []), WrongProofSizeError)  # 0 < old < new
    backwards = consistency(4, 3, a, b, [a])
    assert isinstance(backwards, IndexOutOfRangeError)
    assert str(backwards) == "old size 4 is out of range for a tree of 3 leaves"
    assert isinstance(consistency(-1, 3, a, b, []), MalformedProofError)
    assert isinstance(consistency(1, 3, a, b, a), MalformedProofError)  # bytes: no list


def test_consistency_proof_length_is_bound_to_sizes() -> None:
    # Inputs crafted so that the hashes combine to the given roots, and only the RFC's
    # "sn must reach exactly 0" checks reject the mismatched sizes.
    hashes = [leaf_hash(bytes([i])) for i in range(4)]
    tree = MerkleTree.from_leaf_hashes(hashes)
    h0, h1 = hashes[0], hashes[1]
    root2, root3, root4 = tree.root(2), tree.root(3), tree.root(4)
    assert consistency(1, 2, h0, root2, [h1]) is None
    # Proof too short for size 4.
    assert isinstance(consistency(1, 4, h0, root2, [h1]), WrongProofSizeError)
    extra = leaf_hash(b"extra")
    proof = tree.consistency_proof(3, 4)
    assert consistency(3, 4, root3, root4, proof) is None
    # One element too many, with roots chosen to match what a lax verifier computes.
    assert isinstance(
        consistency(3, 4, node_hash(extra, root3), node_hash(extra, root4), [*proof, extra]),
        WrongProofSizeError,
    )


# ------------------------------------------------------------------------ proof sizes


def test_proof_sizes_are_the_lengths_of_the_proofs_the_tree_builds() -> None:
    # The verifiers check a proof's length up front (where the RFC checks sn reaching 0
    # as it goes): every size the formulas give must be the RFC's own, exhaustively on
    # small trees and on sampled sizes of a larger one.
    tree = MerkleTree.from_leaf_hashes(leaf_hash(i.to_bytes(4, "big")) for i in range(5000))
    small = [(i, n) for n in range(1, 130) for i in range(n)]
    large = [
        (i, n)
        for n in (1023, 1024, 1025, 2047, 4096, 4097, 4999, 5000)
        for i in {0, 1, n // 3, n // 2, n - 2, n - 1}
    ]
    for index, size in small + large:
        assert inclusion_proof_size(index, size) == len(tree.inclusion_proof(index, size)), (
            index,
            size,
        )
    for old, new in [(m, n) for n in range(2, 130) for m in range(1, n)] + [
        (m, n) for (_, n) in large for m in {1, 2, 3, n // 3, n // 2, n - 1}
    ]:
        assert consistency_proof_size(old, new) == len(tree.consistency_proof(old, new)), (old, new)


def test_exhaustive_small_trees() -> None:
    hashes = [leaf_hash(i.to_bytes(2, "big")) for i in range(40)]
    tree = MerkleTree.from_leaf_hashes(hashes)
    for size in range(41):
        root = ref_root(hashes[:size])
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert inclusion(hashes[index], index, size, proof, root) is None
        for old in range(size + 1):
            proof = tree.consistency_proof(old, size)
            assert consistency(old, size, ref_root(hashes[:old]), root, proof) is None


# --------------------------------------------------------- total: only ProofError, ever

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
def test_verify_inclusion_raises_only_proof_errors(
    leaf: object, index: object, size: object, proof: object, root: object
) -> None:
    inclusion(leaf, index, size, proof, root)  # anything but a ProofError propagates


@settings(max_examples=200, deadline=None)
@given(old=junk_size, new=junk_size, old_root=junk_hash, new_root=junk_hash, proof=junk_proof)
def test_verify_consistency_raises_only_proof_errors(
    old: object, new: object, old_root: object, new_root: object, proof: object
) -> None:
    consistency(old, new, old_root, new_root, proof)


@settings(max_examples=300, deadline=None)
@given(leaves=leaf_lists(min_size=1), data=st.data())
def test_verifiers_agree_with_the_rfc_on_near_miss_proofs(
    leaves: list[bytes], data: st.DataObject
) -> None:
    # Real proofs with their sizes, index and hashes nudged: the inputs where a verifier
    # that only mostly follows the RFC would go wrong.
    hashes = _hashes(leaves)
    tree = MerkleTree.from_leaf_hashes(hashes)
    size = data.draw(st.integers(1, len(hashes)), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = tree.inclusion_proof(index, size)
    nudge = st.integers(-2, 2)
    picked = data.draw(
        st.lists(st.sampled_from([*proof, *hashes[:4], tree.root(size)]), max_size=len(proof) + 2),
        label="proof",
    )
    inclusion(
        hashes[index],
        index + data.draw(nudge),
        size + data.draw(nudge),
        data.draw(st.sampled_from([proof, picked])),
        tree.root(size),
    )
    old = data.draw(st.integers(0, size), label="old")
    cproof = tree.consistency_proof(old, size)
    consistency(
        old + data.draw(nudge),
        size + data.draw(nudge),
        tree.root(old),
        tree.root(size),
        data.draw(st.sampled_from([cproof, cproof[1:], picked])),
    )
