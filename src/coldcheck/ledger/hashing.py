"""RFC 9162 (Certificate Transparency v2) hashing over SHA-256: leaf and node hashes, the
empty root, and the checks that a value is a hash.

Every other Merkle module works on *leaf hashes* (32 bytes, from :func:`leaf_hash`), never
on raw leaf data, so callers cannot accidentally mix the two domains.
"""

from __future__ import annotations

import hashlib

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "LEAF_PREFIX",
    "NODE_PREFIX",
    "check_hash",
    "is_hash",
    "largest_power_of_two_below",
    "leaf_hash",
    "node_hash",
]

HASH_SIZE = 32

# Domain-separation prefixes (RFC 9162 section 2.1.1): a leaf can never be confused with
# an interior node, which is what stops second-preimage attacks on the tree shape.
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"

EMPTY_ROOT: bytes = hashlib.sha256(b"").digest()
"""MTH({}) -- the root of the empty tree, SHA-256 of the empty string."""


def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 9162 leaf hash SHA-256(0x00 || data)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 9162 interior node hash SHA-256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def is_hash(value: object) -> bool:
    """Whether ``value`` is a hash: bytes (or a bytearray) of exactly HASH_SIZE."""
    return isinstance(value, bytes | bytearray) and len(value) == HASH_SIZE


def check_hash(value: object, what: str) -> None:
    """ValueError naming ``what`` unless ``value`` is a hash."""
    if not is_hash(value):
        raise ValueError(f"{what} must be {HASH_SIZE} bytes")


def largest_power_of_two_below(n: int) -> int:
    """Largest power of two strictly smaller than ``n`` (requires ``n > 1``): where the
    RFC 9162 definition MTH(D[n]) splits a tree of ``n`` leaves."""
    return 1 << ((n - 1).bit_length() - 1)
