"""The tamper-evident ledger: canonical JSON, RFC 9162 Merkle trees, signed checkpoints."""

from coldcheck.ledger.canonical import CanonicalizationError, canonical_json, parse_json
from coldcheck.ledger.checkpoint import (
    CHECKPOINT_TYPE,
    Checkpoint,
    SignedCheckpoint,
    sign_checkpoint,
)
from coldcheck.ledger.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    Frontier,
    MerkleTree,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from coldcheck.ledger.signing import (
    PUBLIC_KEY_SIZE,
    SigningKey,
    key_id_for,
    verify_signature,
)

__all__ = [
    "CHECKPOINT_TYPE",
    "EMPTY_ROOT",
    "HASH_SIZE",
    "PUBLIC_KEY_SIZE",
    "CanonicalizationError",
    "Checkpoint",
    "Frontier",
    "MerkleTree",
    "SignedCheckpoint",
    "SigningKey",
    "canonical_json",
    "key_id_for",
    "leaf_hash",
    "node_hash",
    "parse_json",
    "root_from_leaf_hashes",
    "sign_checkpoint",
    "verify_consistency",
    "verify_inclusion",
    "verify_signature",
]
