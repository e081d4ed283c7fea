"""C2SP checkpoints (c2sp.org/tlog-checkpoint): a signed head as a signed note that any
transparency-log tool reads, beside our own `SignedCheckpoint`.

    coldcheck.<deployment>/<production id>
    <tree size, decimal>
    <root hash, base64>

    — coldcheck.<deployment>/<production id> base64(key ID || Ed25519 signature)

The origin names the log: one per production, under the deployment's name. The name is
configured (`COLDCHECK_DEPLOYMENT`), or else the signing key's id, because the key is what
a restored or moved deployment keeps, while its host name changes. The key name in the
signature line is the origin, as the spec recommends, so one vkey per production.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass

from coldcheck.ledger.checkpoint import SignedCheckpoint
from coldcheck.ledger.hashing import HASH_SIZE
from coldcheck.ledger.note import (
    Ed25519Verifier,
    MalformedNoteError,
    Note,
    NoteVerifier,
    check_key_name,
    open_note,
    sign_note,
)
from coldcheck.ledger.signing import SigningKey

__all__ = [
    "ORIGIN_PREFIX",
    "TreeHead",
    "check_deployment",
    "checkpoint_note",
    "log_verifier",
    "open_checkpoint",
    "origin_for",
]

ORIGIN_PREFIX = "coldcheck."
# A host-like name: it stands in the origin, which must hold no space and no plus.
_DEPLOYMENT = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,98}[a-z0-9])?")
_SIZE = re.compile(r"0|[1-9][0-9]*")
_MAX_SIZE = 2**63 - 1  # what the spec's readers (Go's int64) can hold


def check_deployment(name: str) -> None:
    """ValueError unless ``name`` can name a deployment in an origin."""
    if not isinstance(name, str) or not _DEPLOYMENT.fullmatch(name):
        raise ValueError(
            "a deployment name is 1-100 lowercase letters, digits, '.' and '-', "
            f"starting and ending with a letter or digit, not {name!r}"
        )


def origin_for(deployment: str, production: str) -> str:
    """The origin line (and key name) of a production's log: coldcheck.<deployment>/<id>."""
    check_deployment(deployment)
    origin = f"{ORIGIN_PREFIX}{deployment}/{production}"
    check_key_name(origin)
    return origin


@dataclass(frozen=True, slots=True)
class TreeHead:
    """A checkpoint's body: the origin, the tree size, the RFC 6962 root, and any
    extension lines (ColdCheck writes none)."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.origin, str) or not self.origin or "\n" in self.origin:
            raise ValueError("a checkpoint's origin is one non-empty line")
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise TypeError("a checkpoint's tree size is an int")
        if not 0 <= self.size <= _MAX_SIZE:
            raise ValueError(f"a checkpoint's tree size is from 0 to {_MAX_SIZE}")
        if not isinstance(self.root, bytes) or len(self.root) != HASH_SIZE:
            raise ValueError(f"a checkpoint's root is {HASH_SIZE} bytes")
        if any(not line or "\n" in line for line in self.extensions):
            raise ValueError("a checkpoint's extension lines are non-empty lines")

    def body(self) -> str:
        """The note text: one line each, every one ending in a newline."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "".join(f"{line}\n" for line in (*lines, *self.extensions))

    @classmethod
    def parse(cls, text: str) -> TreeHead:
        """Parse a note text as a checkpoint, raising ValueError naming what is wrong."""
        if not text.endswith("\n"):
            raise ValueError("a checkpoint's text ends in a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise ValueError("a checkpoint has an origin, a tree size and a root hash")
        origin, size, root, *extensions = lines
        if not _SIZE.fullmatch(size):
            raise ValueError("a checkpoint's tree size is decimal with no leading zeroes")
        try:
            raw = base64.b64decode(root, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("a checkpoint's root hash is standard base64") from None
        return cls(origin, int(size), raw, tuple(extensions))

    @classmethod
    def of(cls, origin: str, signed: SignedCheckpoint) -> TreeHead:
        """The body of one of our signed heads, under ``origin``."""
        return cls(origin, signed.size, signed.root)


def checkpoint_note(key: SigningKey, origin: str, signed: SignedCheckpoint) -> str:
    """The signed head as a C2SP checkpoint, signed by ``key`` under the origin.

    Ed25519 is deterministic, so one head always gives the same note."""
    body = TreeHead.of(origin, signed).body()
    return str(Note(body, (sign_note(body, origin, key),)))


def log_verifier(origin: str, public_key: bytes) -> Ed25519Verifier:
    """The key a production's checkpoints verify under (its vkey: ``.vkey()``)."""
    return Ed25519Verifier(origin, public_key)


def open_checkpoint(
    data: str | bytes, verifiers: Iterable[NoteVerifier], origin: str | None = None
) -> tuple[TreeHead, Note]:
    """A checkpoint note opened with ``verifiers`` (note.open_note) and its body parsed;
    with ``origin``, MalformedNoteError unless the body is of that log."""
    note = open_note(data, verifiers)
    try:
        head = TreeHead.parse(note.text)
    except (TypeError, ValueError) as exc:
        raise MalformedNoteError(f"not a checkpoint: {exc}") from None
    if origin is not None and head.origin != origin:
        raise MalformedNoteError(f"a checkpoint of {head.origin!r}, not of {origin!r}")
    return head, note
