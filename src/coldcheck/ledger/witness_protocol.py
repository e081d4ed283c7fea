"""The add-checkpoint request body (c2sp.org/tlog-witness): an old size line, up to 63
consistency proof lines (base64 hashes), a blank line, then the checkpoint note.

    old 20852014
    PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
    …

    example.com/behind-the-sofa
    …
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

from coldcheck.ledger.hashing import HASH_SIZE

MAX_PROOF_LINES = 63
SIZE_TYPE = "text/x.tlog.size"  # the 409 answer's content type: the size, a newline
_OLD = re.compile(r"old (0|[1-9][0-9]{0,18})")


@dataclass(frozen=True, slots=True)
class AddCheckpoint:
    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: str


def format_request(old_size: int, proof: Sequence[bytes], checkpoint: str) -> str:
    """The request body that asks a witness to cosign ``checkpoint``."""
    lines = [f"old {old_size}", *(base64.b64encode(h).decode() for h in proof), ""]
    return "".join(f"{line}\n" for line in lines) + checkpoint


def parse_request(body: bytes) -> AddCheckpoint:
    """The request, or ValueError naming what is malformed (the witness's 400)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the request is UTF-8 text") from None
    head, sep, checkpoint = text.partition("\n\n")
    if not sep:
        raise ValueError("the proof lines end in a blank line before the checkpoint")
    first, *lines = head.split("\n")
    old = _OLD.fullmatch(first)
    if old is None:
        raise ValueError("the first line is 'old <size>', decimal with no leading zeroes")
    if len(lines) > MAX_PROOF_LINES:
        raise ValueError(f"at most {MAX_PROOF_LINES} consistency proof lines")
    proof = []
    for i, line in enumerate(lines, 1):
        try:
            raw = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != HASH_SIZE:
            raise ValueError(f"proof line {i} is not a base64 {HASH_SIZE}-byte hash")
        proof.append(raw)
    return AddCheckpoint(int(old.group(1)), tuple(proof), checkpoint)
