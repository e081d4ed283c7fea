"""Signed checkpoints: a production's tree size and root at a moment, signed by the deployment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coldcheck.ledger.canonical import canonical_json
from coldcheck.ledger.hashing import HASH_SIZE
from coldcheck.ledger.signing import SigningKey, key_id_for, verify_signature

__all__ = ["CHECKPOINT_TYPE", "Checkpoint", "SignedCheckpoint", "sign_checkpoint"]

CHECKPOINT_TYPE = "coldcheck-checkpoint/v1"

_SIGNATURE_SIZE = 64
_KEY_ID = re.compile(r"[0-9a-f]{16}")
# RFC 8785 numbers are IEEE 754 doubles: only integers of magnitude < 2**53 are exact
# (canonical_json raises beyond that). Checking here makes message() total.
_MAX_SAFE_INT = 2**53 - 1


def _require_int(value: object, what: str, *, minimum: int) -> None:
    # bool is an int subclass; True must not silently become size 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int")
    if not minimum <= value <= _MAX_SAFE_INT:
        raise ValueError(f"{what} must be between {minimum} and {_MAX_SAFE_INT}")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A production's Merkle tree head (size and root) at ``at_us`` UTC microseconds."""

    production_id: str
    tree_size: int
    root: bytes
    at_us: int
    key_id: str

    def __post_init__(self) -> None:
        """Validate field types and ranges so every checkpoint has a canonical message."""
        if not isinstance(self.production_id, str):
            raise TypeError("production_id must be a str")
        if not self.production_id:
            raise ValueError("production_id must not be empty")
        _require_int(self.tree_size, "tree_size", minimum=0)
        _require_int(self.at_us, "at_us", minimum=-_MAX_SAFE_INT)
        if not isinstance(self.root, bytes):
            raise TypeError("root must be bytes")
        if len(self.root) != HASH_SIZE:
            raise ValueError(f"root must be {HASH_SIZE} bytes")
        if not isinstance(self.key_id, str):
            raise TypeError("key_id must be a str")
        if not _KEY_ID.fullmatch(self.key_id):
            raise ValueError("key_id must be 16 lowercase hex characters")

    def message(self) -> bytes:
        """Return the canonical JSON bytes that are signed for this checkpoint."""
        # The type tag gives domain separation: a signature over a checkpoint can never
        # be replayed as a signature over some other structure signed with the same key.
        return canonical_json(
            {
                "type": CHECKPOINT_TYPE,
                "production": self.production_id,
                "size": self.tree_size,
                "root": self.root.hex(),
                "at": self.at_us,
                "key": self.key_id,
            }
        )


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A :class:`Checkpoint` with the Ed25519 signature over its :meth:`Checkpoint.message`."""

    checkpoint: Checkpoint
    signature: bytes

    @classmethod
    def sign(cls, checkpoint: Checkpoint, key: SigningKey) -> SignedCheckpoint:
        """Sign ``checkpoint`` with ``key``, whose id must match ``checkpoint.key_id``."""
        if checkpoint.key_id != key.key_id():
            raise ValueError(
                f"checkpoint names key {checkpoint.key_id} but is being signed with {key.key_id()}"
            )
        return cls(checkpoint, key.sign(checkpoint.message()))

    def verify(self, public_key: bytes) -> bool:
        """Return whether the signature is valid under ``public_key``; never raises."""
        # The key id is inside the signed message, so also require that it names this
        # public key: otherwise a checkpoint could claim one key and be signed by another.
        if not isinstance(public_key, bytes) or key_id_for(public_key) != self.checkpoint.key_id:
            return False
        return verify_signature(public_key, self.signature, self.checkpoint.message())

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (bytes as lowercase hex) for export bundles."""
        cp = self.checkpoint
        return {
            "production_id": cp.production_id,
            "tree_size": cp.tree_size,
            "root": cp.root.hex(),
            "at_us": cp.at_us,
            "key_id": cp.key_id,
            "signature": self.signature.hex(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SignedCheckpoint:
        """Parse :meth:`to_dict` output, raising ValueError if it is malformed."""
        expected = {"production_id", "tree_size", "root", "at_us", "key_id", "signature"}
        if not isinstance(data, Mapping) or set(data) != expected:
            raise ValueError(f"signed checkpoint must have exactly the keys {sorted(expected)}")
        root, signature = data["root"], data["signature"]
        if not isinstance(root, str) or not isinstance(signature, str):
            raise ValueError("root and signature must be hex strings")
        try:
            checkpoint = Checkpoint(
                production_id=data["production_id"],
                tree_size=data["tree_size"],
                root=bytes.fromhex(root),
                at_us=data["at_us"],
                key_id=data["key_id"],
            )
        except TypeError as exc:
            raise ValueError(str(exc)) from exc
        sig = bytes.fromhex(signature)
        if len(sig) != _SIGNATURE_SIZE:
            raise ValueError(f"signature must be {_SIGNATURE_SIZE} bytes")
        return cls(checkpoint, sig)


def sign_checkpoint(checkpoint: Checkpoint, key: SigningKey) -> SignedCheckpoint:
    """Sign ``checkpoint`` with ``key`` (same as :meth:`SignedCheckpoint.sign`)."""
    return SignedCheckpoint.sign(checkpoint, key)
