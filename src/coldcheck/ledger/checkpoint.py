"""Signed checkpoints: a production's tree size and root at a moment, signed by the
deployment. One type for every signed tree head: the chain head's, a stored checkpoint,
one exported for an auditor, the one a proof bundle is checked against.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coldcheck.ledger.canonical import canonical_json
from coldcheck.ledger.hashing import HASH_SIZE
from coldcheck.ledger.signing import SigningKey, key_id_for, verify_signature

__all__ = ["CHECKPOINT_TYPE", "SignedCheckpoint"]

CHECKPOINT_TYPE = "coldcheck-checkpoint/v1"

_SIGNATURE_SIZE = 64
_KEY_ID = re.compile(r"[0-9a-f]{16}")
# RFC 8785 numbers are IEEE 754 doubles: only integers of magnitude < 2**53 are exact
# (canonical_json raises beyond that). Checking here makes message() total.
_MAX_SAFE_INT = 2**53 - 1
# The names an exported checkpoint has always used (docs/bundle.md), in this order.
_EXPORTED = ("production_id", "tree_size", "root", "at_us", "key_id", "signature")


def _require_int(value: object, what: str, *, minimum: int) -> None:
    # bool is an int subclass; True must not silently become size 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int")
    if not minimum <= value <= _MAX_SAFE_INT:
        raise ValueError(f"{what} must be between {minimum} and {_MAX_SAFE_INT}")


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A production's Merkle tree head (``size`` events under ``root``) at ``at`` UTC
    microseconds, with the Ed25519 signature over its :meth:`message` by the key named
    ``key_id``.

    Making one checks nothing: a row read back from a database may have been altered, and
    must still become a checkpoint that fails to verify rather than an exception.
    :meth:`message` and :meth:`sign` refuse fields that cannot be a checkpoint,
    :meth:`from_dict` refuses a malformed export, :meth:`verify` answers False.
    """

    production: str
    size: int
    root: bytes
    at: int
    key_id: str
    signature: bytes

    @classmethod
    def sign(
        cls, key: SigningKey, production: str, size: int, root: bytes, at: int
    ) -> SignedCheckpoint:
        """The checkpoint of ``size`` events under ``root`` at ``at``, signed by ``key``."""
        unsigned = cls(production, size, root, at, key.key_id(), b"")
        return dataclasses.replace(unsigned, signature=key.sign(unsigned.message()))

    def check(self) -> None:
        """TypeError or ValueError naming the first field that cannot be in a checkpoint
        (the signature aside: any bytes may be checked against a key)."""
        if not isinstance(self.production, str):
            raise TypeError("production_id must be a str")
        if not self.production:
            raise ValueError("production_id must not be empty")
        _require_int(self.size, "tree_size", minimum=0)
        _require_int(self.at, "at_us", minimum=-_MAX_SAFE_INT)
        if not isinstance(self.root, bytes):
            raise TypeError("root must be bytes")
        if len(self.root) != HASH_SIZE:
            raise ValueError(f"root must be {HASH_SIZE} bytes")
        if not isinstance(self.key_id, str):
            raise TypeError("key_id must be a str")
        if not _KEY_ID.fullmatch(self.key_id):
            raise ValueError("key_id must be 16 lowercase hex characters")

    def message(self) -> bytes:
        """The canonical JSON bytes that are signed (TypeError or ValueError if a field
        cannot be in a checkpoint)."""
        self.check()
        # The type tag gives domain separation: a signature over a checkpoint can never
        # be replayed as a signature over some other structure signed with the same key.
        return canonical_json(
            {
                "type": CHECKPOINT_TYPE,
                "production": self.production,
                "size": self.size,
                "root": self.root.hex(),
                "at": self.at,
                "key": self.key_id,
            }
        )

    def verify(self, public_key: bytes) -> bool:
        """Whether the signature is valid under ``public_key``; never raises."""
        # The key id is inside the signed message, so also require that it names this
        # public key: otherwise a checkpoint could claim one key and be signed by another.
        if not isinstance(public_key, bytes) or key_id_for(public_key) != self.key_id:
            return False
        try:
            message = self.message()
        except (TypeError, ValueError):
            return False
        return verify_signature(public_key, self.signature, message)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (bytes as lowercase hex), as exported and in bundles."""
        values = (
            self.production,
            self.size,
            self.root.hex(),
            self.at,
            self.key_id,
            self.signature.hex(),
        )
        return dict(zip(_EXPORTED, values, strict=True))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SignedCheckpoint:
        """Parse :meth:`to_dict` output, raising ValueError if it is malformed."""
        if not isinstance(data, Mapping) or set(data) != set(_EXPORTED):
            raise ValueError(f"signed checkpoint must have exactly the keys {sorted(_EXPORTED)}")
        root, signature = data["root"], data["signature"]
        if not isinstance(root, str) or not isinstance(signature, str):
            raise ValueError("root and signature must be hex strings")
        unsigned = cls(
            data["production_id"],
            data["tree_size"],
            bytes.fromhex(root),
            data["at_us"],
            data["key_id"],
            b"",
        )
        try:
            unsigned.check()
        except TypeError as exc:
            raise ValueError(str(exc)) from exc
        sig = bytes.fromhex(signature)
        if len(sig) != _SIGNATURE_SIZE:
            raise ValueError(f"signature must be {_SIGNATURE_SIZE} bytes")
        return dataclasses.replace(unsigned, signature=sig)
