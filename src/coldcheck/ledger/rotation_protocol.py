"""A key rotation proven to a witness: `POST /rotate`, beside add-checkpoint (which stays
exactly as c2sp.org/tlog-witness has it). A ColdCheck log that rotates its signing key
(ledger/rotation.py) shows the witness, in one JSON body:

    {"old": <the size the witness last cosigned>,
     "rotations": [{"leaf": <base64 of the SigningKeyRotated event's bytes>,
                    "inclusion": [<base64 hash>, …]}, …],
     "consistency": [<base64 hash>, …],
     "checkpoint": <a checkpoint note signed by the last rotation's new key>}

Each rotation is the event's leaf itself: the witness decodes it and reads the statement
(production, seq, root before it, old and new key, both signatures) from it, so the
statement it checks is the one in the log. Each inclusion proof is of that leaf (index
seq - 1) in the checkpoint; the consistency proof is from the size the witness cosigned to
the checkpoint, as add-checkpoint's. Several rotations since what the witness cosigned
come in order, each from the key the one before rotated to.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from coldcheck.ledger.hashing import HASH_SIZE
from coldcheck.ledger.witness_protocol import MAX_PROOF_LINES

MAX_ROTATIONS = 16


@dataclass(frozen=True, slots=True)
class ProvenRotation:
    leaf: bytes
    inclusion: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class RotateRequest:
    old_size: int
    rotations: tuple[ProvenRotation, ...]
    consistency: tuple[bytes, ...]
    checkpoint: str


def format_rotate(
    old_size: int,
    rotations: Sequence[tuple[bytes, Sequence[bytes]]],
    consistency: Sequence[bytes],
    checkpoint: str,
) -> str:
    """The body of a `POST /rotate`: each rotation as (its leaf, its inclusion proof)."""
    return json.dumps(
        {
            "old": old_size,
            "rotations": [
                {"leaf": _b64(leaf), "inclusion": [_b64(h) for h in proof]}
                for leaf, proof in rotations
            ],
            "consistency": [_b64(h) for h in consistency],
            "checkpoint": checkpoint,
        }
    )


def parse_rotate(body: bytes) -> RotateRequest:
    """The request, or ValueError naming what is malformed (the witness's 400)."""
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise ValueError("a rotation request is a JSON object") from None
    if not isinstance(doc, dict) or set(doc) != {"old", "rotations", "consistency", "checkpoint"}:
        raise ValueError("a rotation request has old, rotations, consistency and checkpoint")
    old, rotations, checkpoint = doc["old"], doc["rotations"], doc["checkpoint"]
    if isinstance(old, bool) or not isinstance(old, int) or old < 0:
        raise ValueError("old is the size the witness cosigned, a whole number")
    if not isinstance(checkpoint, str):
        raise ValueError("checkpoint is a note's text")
    if not isinstance(rotations, list) or not 1 <= len(rotations) <= MAX_ROTATIONS:
        raise ValueError(f"rotations is a list of 1 to {MAX_ROTATIONS}")
    proven = []
    for r in rotations:
        if not isinstance(r, dict) or set(r) != {"leaf", "inclusion"}:
            raise ValueError("each rotation has a leaf and an inclusion proof")
        leaf = _bytes(r["leaf"], "a rotation's leaf")
        proven.append(ProvenRotation(leaf, _hashes(r["inclusion"], "an inclusion proof")))
    return RotateRequest(
        old, tuple(proven), _hashes(doc["consistency"], "the consistency proof"), checkpoint
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _bytes(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{what} is base64")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} is standard base64") from None


def _hashes(value: Any, what: str) -> tuple[bytes, ...]:
    if not isinstance(value, list) or len(value) > MAX_PROOF_LINES:
        raise ValueError(f"{what} is a list of at most {MAX_PROOF_LINES} hashes")
    hashes = tuple(_bytes(h, f"{what}'s hash") for h in value)
    if any(len(h) != HASH_SIZE for h in hashes):
        raise ValueError(f"{what}'s hashes are {HASH_SIZE} bytes")
    return hashes
