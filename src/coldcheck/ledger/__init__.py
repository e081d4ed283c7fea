"""The tamper-evident ledger: canonical JSON, RFC 9162 Merkle trees, signed checkpoints.

One module per concept: hashing (leaf and node hashes), frontier (the compact range kept
with a chain head), tree (proof building), proofs (proof checking, typed errors),
checkpoint and signing; C2SP signed notes (note) and checkpoints in them (tlog).
"""

from coldcheck.ledger.canonical import CanonicalizationError, canonical_json, parse_json
from coldcheck.ledger.checkpoint import CHECKPOINT_TYPE, SignedCheckpoint
from coldcheck.ledger.cosignature import CosignatureVerifier, cosign, cosigned_at
from coldcheck.ledger.frontier import Frontier
from coldcheck.ledger.hashing import EMPTY_ROOT, HASH_SIZE, leaf_hash, node_hash
from coldcheck.ledger.note import (
    Ed25519Verifier,
    InvalidSignatureError,
    MalformedNoteError,
    Note,
    NoteError,
    NoteSignature,
    NoteVerifier,
    UnverifiedNoteError,
    open_note,
    parse_note,
    sign_note,
)
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
from coldcheck.ledger.tlog import (
    TreeHead,
    check_deployment,
    checkpoint_note,
    log_verifier,
    open_checkpoint,
    origin_for,
)
from coldcheck.ledger.tree import MerkleTree

__all__ = [
    "CHECKPOINT_TYPE",
    "EMPTY_ROOT",
    "HASH_SIZE",
    "PUBLIC_KEY_SIZE",
    "CanonicalizationError",
    "CosignatureVerifier",
    "Ed25519Verifier",
    "Frontier",
    "IndexOutOfRangeError",
    "InvalidSignatureError",
    "MalformedNoteError",
    "MalformedProofError",
    "MerkleTree",
    "Note",
    "NoteError",
    "NoteSignature",
    "NoteVerifier",
    "ProofError",
    "RootMismatchError",
    "SignedCheckpoint",
    "SigningKey",
    "TreeHead",
    "UnverifiedNoteError",
    "WrongProofSizeError",
    "canonical_json",
    "check_deployment",
    "checkpoint_note",
    "cosign",
    "cosigned_at",
    "key_id_for",
    "leaf_hash",
    "log_verifier",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "origin_for",
    "parse_json",
    "parse_note",
    "sign_note",
    "verify_consistency",
    "verify_inclusion",
    "verify_signature",
]
