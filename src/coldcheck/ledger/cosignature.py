"""C2SP Ed25519 cosignatures (c2sp.org/tlog-cosignature, `cosignature/v1`): a witness's
timestamped statement that a checkpoint is the largest consistent one it has seen.

A cosignature is a note signature line whose key ID uses signature type 0x04 and whose
bytes are an 8-byte big-endian POSIX time followed by the Ed25519 signature over

    cosignature/v1
    time <the same time, decimal>
    <the checkpoint's whole note text>
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from coldcheck.ledger.note import (
    NoteSignature,
    check_key_name,
    format_vkey,
    note_key_id,
    parse_vkey,
)
from coldcheck.ledger.signing import PUBLIC_KEY_SIZE, SigningKey, verify_signature

__all__ = ["COSIGNATURE_V1", "CosignatureVerifier", "cosign", "cosigned_at", "cosigned_message"]

COSIGNATURE_V1 = 0x04
_MAX_TIME = 2**63 - 1
_SIGNATURE_SIZE = 8 + 64


def cosigned_message(text: str | bytes, timestamp: int) -> bytes:
    """The bytes a v1 cosignature signs: header, time line, then the checkpoint text."""
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise TypeError("a cosignature's time is an int")
    if not 0 <= timestamp <= _MAX_TIME:
        raise ValueError(f"a cosignature's time is from 0 to {_MAX_TIME}")
    body = text.encode() if isinstance(text, str) else text
    return b"cosignature/v1\ntime %d\n" % timestamp + body


def cosign(text: str, name: str, key: SigningKey, timestamp: int) -> NoteSignature:
    """The cosignature line of ``key`` under ``name`` over a checkpoint's note text."""
    check_key_name(name)
    if timestamp <= 0:
        raise ValueError("a witness's cosignature carries a time after the epoch")
    signature = key.sign(cosigned_message(text, timestamp))
    key_id = note_key_id(name, COSIGNATURE_V1, key.public_key_bytes())
    return NoteSignature(name, key_id, struct.pack(">Q", timestamp) + signature)


def cosigned_at(signature: NoteSignature) -> int:
    """The POSIX time a cosignature line says it was made (ValueError if it is none)."""
    if len(signature.signature) != _SIGNATURE_SIZE:
        raise ValueError(f"a cosignature is {_SIGNATURE_SIZE} bytes after its key ID")
    (timestamp,) = struct.unpack(">Q", signature.signature[:8])
    return int(timestamp)


@dataclass(frozen=True, slots=True)
class CosignatureVerifier:
    """A witness's cosigning key: a name and a 32-byte Ed25519 public key (a NoteVerifier
    for note.open_note)."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        check_key_name(self.name)
        if not isinstance(self.public_key, bytes) or len(self.public_key) != PUBLIC_KEY_SIZE:
            raise ValueError(f"an Ed25519 public key is {PUBLIC_KEY_SIZE} bytes")

    @property
    def key_id(self) -> bytes:
        return note_key_id(self.name, COSIGNATURE_V1, self.public_key)

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether ``signature`` (time and signature) is this witness's over ``text``."""
        if len(signature) != _SIGNATURE_SIZE:
            return False
        (timestamp,) = struct.unpack(">Q", signature[:8])
        if timestamp > _MAX_TIME:
            return False
        return verify_signature(self.public_key, signature[8:], cosigned_message(text, timestamp))

    def vkey(self) -> str:
        """``<name>+<hex key ID>+<base64(0x04 || public key)>``."""
        return format_vkey(self.name, COSIGNATURE_V1, self.public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> CosignatureVerifier:
        """Parse a cosigner vkey, raising ValueError naming what is wrong with it."""
        return cls(*parse_vkey(vkey, COSIGNATURE_V1))
