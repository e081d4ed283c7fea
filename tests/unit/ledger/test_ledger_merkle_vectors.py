"""The Merkle tree against the published RFC 6962 / RFC 9162 test vectors in shared/testdata."""

from __future__ import annotations

import json
from typing import Any

import pytest

from coldcheck.ledger import (
    EMPTY_ROOT,
    Frontier,
    MerkleTree,
    ProofError,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from support.merkle_reference import root_from_leaf_hashes, vectors_path

# The repository is cloned next to a ``shared/`` folder, locally and in CI.
VECTORS_PATH = vectors_path()


@pytest.fixture(scope="module")
def vectors() -> dict[str, Any]:
    # Deliberately fail (not skip) when the file is missing: silently skipping the only
    # check against an external reference would hide a broken checkout.
    if not VECTORS_PATH.is_file():
        pytest.fail(f"Merkle test vectors not found at {VECTORS_PATH.resolve()}")
    data: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def hashes(vectors: dict[str, Any]) -> list[bytes]:
    return [leaf_hash(bytes.fromhex(leaf)) for leaf in vectors["leaves"]]


@pytest.fixture(scope="module")
def tree(hashes: list[bytes]) -> MerkleTree:
    return MerkleTree.from_leaf_hashes(hashes)


def _unhex(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


def test_vectors_are_complete(vectors: dict[str, Any]) -> None:
    # Guard against a truncated file making the other tests vacuous.
    assert len(vectors["leaves"]) == 8
    assert sorted(int(n) for n in vectors["roots"]) == list(range(9))
    assert len(vectors["inclusion"]) == 36  # every (index, size) with index < size <= 8
    assert len(vectors["consistency"]) == 36  # every (old, new) with 1 <= old <= new <= 8


def test_empty_root(vectors: dict[str, Any]) -> None:
    assert vectors["roots"]["0"] == EMPTY_ROOT.hex()


def test_roots(vectors: dict[str, Any], hashes: list[bytes], tree: MerkleTree) -> None:
    frontier = Frontier.empty()
    for n in range(len(hashes) + 1):
        expected = bytes.fromhex(vectors["roots"][str(n)])
        assert root_from_leaf_hashes(hashes[:n]) == expected, n
        assert frontier.root() == expected, n
        assert MerkleTree.from_leaf_hashes(hashes[:n]).root() == expected, n
        assert tree.root(n) == expected, n
        if n < len(hashes):
            frontier.append(hashes[n])


def test_inclusion_proofs(vectors: dict[str, Any], hashes: list[bytes], tree: MerkleTree) -> None:
    for entry in vectors["inclusion"]:
        index, size, path = entry["index"], entry["tree_size"], _unhex(entry["path"])
        root = bytes.fromhex(vectors["roots"][str(size)])
        assert tree.inclusion_proof(index, size) == path, entry
        try:
            verify_inclusion(hashes[index], index, size, path, root)
        except ProofError as exc:
            pytest.fail(f"{entry}: {exc}")


def test_consistency_proofs(vectors: dict[str, Any], hashes: list[bytes], tree: MerkleTree) -> None:
    for entry in vectors["consistency"]:
        old, new, proof = entry["old_size"], entry["new_size"], _unhex(entry["proof"])
        old_root = bytes.fromhex(vectors["roots"][str(old)])
        new_root = bytes.fromhex(vectors["roots"][str(new)])
        assert tree.consistency_proof(old, new) == proof, entry
        try:
            verify_consistency(old, new, old_root, new_root, proof)
        except ProofError as exc:
            pytest.fail(f"{entry}: {exc}")
