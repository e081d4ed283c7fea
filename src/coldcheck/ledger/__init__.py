"""The tamper-evident ledger: canonical JSON, RFC 9162 Merkle trees, signed checkpoints.

One module per concept: hashing (leaf and node hashes), frontier (the compact range kept
with a chain head), tree (proof building), proofs (proof checking, typed errors),
checkpoint and signing.
"""

from coldcheck.ledger.canonical import CanonicalizationError, canonical_json, parse_json
from coldcheck.ledger.checkpoint import CHECKPOINT_TYPE, SignedCheckpoint
from coldcheck.ledger.frontier import Frontier
from coldcheck.ledger.hashing import EMPTY_ROOT, HASH_SIZE, leaf_hash, node_hash
from coldcheck.ledger.proofs import (
    IndexOutOfRangeError,
    MalformedProofError,
    ProofError,
    RootMismatchError,
    WrongProofSizeError,
    verify_consistency,
    verify_inclusion,
)
from coldcheck.ledger.signing import (
    PUBLIC_KEY_SIZE,
    SigningKey,
    key_id_for,
    verify_signature,
)
from coldcheck.ledger.tree import MerkleTree

__all__ = [
    "CHECKPOINT_TYPE",
    "EMPTY_ROOT",
    "HASH_SIZE",
    "PUBLIC_KEY_SIZE",
    "CanonicalizationError",
    "Frontier",
    "IndexOutOfRangeError",
    "MalformedProofError",
    "MerkleTree",
    "ProofError",
    "RootMismatchError",
    "SignedCheckpoint",
    "SigningKey",
    "WrongProofSizeError",
    "canonical_json",
    "key_id_for",
    "leaf_hash",
    "node_hash",
    "parse_json",
    "verify_consistency",
    "verify_inclusion",
    "verify_signature",
]
