"""Key rotation statements: a production's log moving from one signing key to the next.

A rotation is an event in the log (`SigningKeyRotated`) at some seq. Its statement names
the production, that seq, the Merkle root of the log before it, the old public key and the
new one, and is signed by both keys: the old key's signature says its holder handed over,
the new key's that its holder took over (so no one rotates to a key they do not hold).
Every signed head and checkpoint at the rotation's seq or later is signed by the new key.

The type tag gives domain separation from checkpoints signed by the same keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from coldcheck.ledger.canonical import canonical_json
from coldcheck.ledger.hashing import HASH_SIZE
from coldcheck.ledger.signing import PUBLIC_KEY_SIZE, SigningKey, key_id_for, verify_signature

__all__ = ["ROTATION_TYPE", "KeyRotation", "RotationError"]

ROTATION_TYPE = "coldcheck-key-rotation/v1"


class RotationError(ValueError):
    """A rotation statement that does not hold: names what is wrong with it."""


@dataclass(frozen=True, slots=True)
class KeyRotation:
    """The move of `production`'s log from `old_key` to `new_key` at `seq`, over the root
    of its first `seq - 1` events, with both keys' signatures over :meth:`message`."""

    production: str
    seq: int
    root: bytes
    old_key: bytes
    new_key: bytes
    old_signature: bytes = b""
    new_signature: bytes = b""

    @classmethod
    def sign(
        cls, production: str, seq: int, root: bytes, old: SigningKey, new: SigningKey
    ) -> KeyRotation:
        """The rotation from `old` to `new`, signed by both."""
        unsigned = cls(production, seq, root, old.public_key_bytes(), new.public_key_bytes())
        message = unsigned.message()
        return cls(
            production,
            seq,
            root,
            unsigned.old_key,
            unsigned.new_key,
            old.sign(message),
            new.sign(message),
        )

    def message(self) -> bytes:
        """The canonical JSON bytes both keys sign."""
        return canonical_json(
            {
                "type": ROTATION_TYPE,
                "production": self.production,
                "seq": self.seq,
                "root": self.root.hex(),
                "old_key": self.old_key.hex(),
                "new_key": self.new_key.hex(),
            }
        )

    def check(self, production: str, seq: int, root: bytes, key_in_force: bytes) -> None:
        """RotationError unless this is a rotation of `production` at `seq` over `root`,
        from the key in force, to another key, signed by both."""
        if self.production != production:
            raise RotationError(f"the rotation names production {self.production!r}")
        if self.seq != seq:
            raise RotationError(f"the rotation is signed for seq {self.seq}, it stands at {seq}")
        if len(self.root) != HASH_SIZE or self.root != root:
            raise RotationError("the rotation is signed over another root than the log's")
        if len(self.old_key) != PUBLIC_KEY_SIZE or len(self.new_key) != PUBLIC_KEY_SIZE:
            raise RotationError(f"a rotation's keys are {PUBLIC_KEY_SIZE} bytes")
        if self.old_key != key_in_force:
            raise RotationError(
                f"the rotation is from key {key_id_for(self.old_key)}, but the key in force "
                f"is {key_id_for(key_in_force)}"
            )
        if self.new_key == self.old_key:
            raise RotationError("the rotation is to the key already in force")
        message = self.message()
        if not verify_signature(self.old_key, self.old_signature, message):
            raise RotationError(
                f"the old key's ({key_id_for(self.old_key)}) signature fails over this "
                "rotation's production, seq, root before it and keys (forged, or moved "
                "from another place)"
            )
        if not verify_signature(self.new_key, self.new_signature, message):
            raise RotationError(
                f"the new key's ({key_id_for(self.new_key)}) signature fails over this "
                "rotation's production, seq, root before it and keys (forged, or moved "
                "from another place)"
            )
