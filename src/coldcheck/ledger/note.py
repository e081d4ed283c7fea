"""C2SP signed notes (c2sp.org/signed-note): text signed by one or more keys, each
signature on a line of its own, and verifier keys (vkeys) that name a key as text.

    <text, ending in a newline>
    <a blank line>
    — <key name> base64(4-byte key ID || signature)

This module knows the format and the Ed25519 signature type (0x01); a verifier for
another type (the cosignatures of cosignature.py) is anything with a name, a key ID and
a ``verify(text, signature)``. Opening a note follows the spec as golang.org/x/mod's
``note.Open`` reads it: signatures from unknown keys are ignored, one from a known key
that fails refuses the whole note, and a note no known key signed is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from coldcheck.ledger.signing import PUBLIC_KEY_SIZE, SigningKey, verify_signature

__all__ = [
    "ED25519",
    "MAX_SIGNATURES",
    "Ed25519Verifier",
    "InvalidSignatureError",
    "MalformedNoteError",
    "Note",
    "NoteError",
    "NoteSignature",
    "NoteVerifier",
    "UnverifiedNoteError",
    "check_key_name",
    "format_vkey",
    "note_key_id",
    "open_note",
    "parse_note",
    "parse_vkey",
    "sign_note",
]

ED25519 = 0x01
# The spec asks verifiers to accept at least 16; Go's reader refuses past 100.
MAX_SIGNATURES = 100
_DASH = "\u2014 "
# Any ASCII control character but the newline (the spec forbids them in a note).
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


class NoteError(ValueError):
    """A note that cannot be accepted; the subclass says why."""


class MalformedNoteError(NoteError):
    """Not a signed note at all (its format is wrong)."""


class InvalidSignatureError(NoteError):
    """A signature by a known key that does not verify: the note was altered."""


class UnverifiedNoteError(NoteError):
    """No signature by any known key."""


def check_key_name(name: str) -> None:
    """ValueError unless ``name`` may name a key: non-empty, no spaces, no plus."""
    if not isinstance(name, str) or not name:
        raise ValueError("a key name must be a non-empty string")
    if any(ch.isspace() for ch in name) or "+" in name:
        raise ValueError(f"a key name has no spaces and no '+': {name!r}")
    if _CONTROL.search(name):
        raise ValueError(f"a key name has no control characters: {name!r}")


def note_key_id(name: str, signature_type: int, public_key: bytes) -> bytes:
    """The 4-byte key ID: SHA-256(name || 0x0A || type || public key)[:4]."""
    check_key_name(name)
    return hashlib.sha256(name.encode() + b"\n" + bytes([signature_type]) + public_key).digest()[:4]


class NoteVerifier(Protocol):
    """A key a note's signatures are checked against."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...

    def verify(self, text: bytes, signature: bytes) -> bool: ...


@dataclass(frozen=True, slots=True)
class Ed25519Verifier:
    """An Ed25519 note key (signature type 0x01): a name and a 32-byte public key."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        check_key_name(self.name)
        if not isinstance(self.public_key, bytes) or len(self.public_key) != PUBLIC_KEY_SIZE:
            raise ValueError(f"an Ed25519 public key is {PUBLIC_KEY_SIZE} bytes")

    @property
    def key_id(self) -> bytes:
        return note_key_id(self.name, ED25519, self.public_key)

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's Ed25519 signature of the note text."""
        return verify_signature(self.public_key, signature, text)

    def vkey(self) -> str:
        """The verifier key: ``<name>+<hex key ID>+<base64(0x01 || public key)>``."""
        return format_vkey(self.name, ED25519, self.public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> Ed25519Verifier:
        """Parse a vkey, raising ValueError naming what is wrong with it."""
        return cls(*parse_vkey(vkey, ED25519))


def format_vkey(name: str, signature_type: int, public_key: bytes) -> str:
    """A vkey: ``<name>+<hex key ID>+<base64(type || public key)>``."""
    encoded = base64.b64encode(bytes([signature_type]) + public_key).decode()
    return f"{name}+{note_key_id(name, signature_type, public_key).hex()}+{encoded}"


def parse_vkey(vkey: str, signature_type: int) -> tuple[str, bytes]:
    """The name and 32-byte public key of a vkey of this signature type, raising
    ValueError naming what is wrong with it."""
    # Split at the first two pluses only: base64 has pluses of its own.
    parts = vkey.split("+", 2) if isinstance(vkey, str) else []
    if len(parts) != 3:
        raise ValueError("a vkey is <name>+<hex key ID>+<base64 key>")
    name, key_hex, key_b64 = parts
    check_key_name(name)
    if not re.fullmatch(r"[0-9a-f]{8}", key_hex):
        raise ValueError("a vkey's key ID is 8 lowercase hex digits")
    raw = _b64(key_b64, "a vkey's key")
    if len(raw) != 1 + PUBLIC_KEY_SIZE or raw[0] != signature_type:
        raise ValueError(
            f"a vkey's key is 0x{signature_type:02x} followed by a 32-byte Ed25519 public key"
        )
    if note_key_id(name, signature_type, raw[1:]).hex() != key_hex:
        raise ValueError("a vkey's key ID does not match its name and key")
    return name, raw[1:]


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line: the key's name, its 4-byte ID and the signature bytes."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        """The line as it stands in a note, newline included."""
        encoded = base64.b64encode(self.key_id + self.signature).decode()
        return f"{_DASH}{self.name} {encoded}\n"


@dataclass(frozen=True, slots=True)
class Note:
    """A note's text (ending in a newline) and its signature lines, in order."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def __str__(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)


def sign_note(text: str, name: str, key: SigningKey) -> NoteSignature:
    """The Ed25519 signature line of ``key`` under ``name`` over ``text``."""
    _check_text(text)
    verifier = Ed25519Verifier(name, key.public_key_bytes())
    return NoteSignature(name, verifier.key_id, key.sign(text.encode()))


def parse_note(data: str | bytes) -> Note:
    """A note's text and signature lines, checking the format only (no signature)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedNoteError("a note is UTF-8 text") from None
    elif not isinstance(data, str):
        raise TypeError("a note is str or bytes")
    else:
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            raise MalformedNoteError("a note is UTF-8 text") from None
    if _CONTROL.search(data):
        raise MalformedNoteError("a note has no control characters but newlines")
    # The text ends at the last blank line: the text itself may hold blank lines.
    split = data.rfind("\n\n")
    if split < 0:
        raise MalformedNoteError("a note's signatures follow a blank line")
    text, block = data[: split + 1], data[split + 2 :]
    if not block.endswith("\n"):
        raise MalformedNoteError("a note ends in a signature line and a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(f"a note has at most {MAX_SIGNATURES} signatures")
    return Note(text, tuple(_signature(line) for line in lines))


def open_note(data: str | bytes, verifiers: Iterable[NoteVerifier]) -> Note:
    """The note, with only the signatures of ``verifiers`` that verify; NoteError if it is
    malformed, a known key's signature fails, or no known key signed it."""
    note = parse_note(data)
    known = {(v.name, v.key_id): v for v in verifiers}
    text = note.text.encode()
    good: list[NoteSignature] = []
    seen: set[tuple[str, bytes]] = set()
    for sig in note.signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None or (sig.name, sig.key_id) in seen:
            continue  # unknown keys are ignored; a key's first signature is the one read
        seen.add((sig.name, sig.key_id))
        if not verifier.verify(text, sig.signature):
            raise InvalidSignatureError(
                f"the signature of {sig.name} ({sig.key_id.hex()}) does not verify"
            )
        good.append(sig)
    if not good:
        raise UnverifiedNoteError("no signature by a known key")
    return Note(note.text, tuple(good))


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise ValueError("a note's text ends in a newline")
    if _CONTROL.search(text):
        raise ValueError("a note's text has no control characters but newlines")


def _signature(line: str) -> NoteSignature:
    if not line.startswith(_DASH):
        raise MalformedNoteError("a signature line starts with an em dash and a space")
    name, _, encoded = line[len(_DASH) :].partition(" ")
    try:
        check_key_name(name)
        raw = _b64(encoded, "a signature")
    except ValueError as exc:
        raise MalformedNoteError(str(exc)) from None
    if len(raw) < 5:
        raise MalformedNoteError("a signature is a 4-byte key ID and the signature")
    return NoteSignature(name, raw[:4], raw[4:])


def _b64(text: str, what: str) -> bytes:
    if not text:
        raise ValueError(f"{what} is empty")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} is not standard base64") from None
