"""The push's wire format: one JSON body carries a run of events, the checkpoints kept
among them, the signed head at their end (ColdCheck's `SignedCheckpoint`, what a restored
chain head needs) and the same head as a C2SP checkpoint note (what the studio cosigns),
with the consistency proof from the size the studio said it holds.

Events travel as the set's log holds them: the canonical bytes (base64) with their
columns, leaf hash and root, so the studio checks them with `verify`'s own checks.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from coldcheck.ledger import SignedCheckpoint
from coldcheck.store.port import StoredEvent

MAX_EVENTS = 20_000
MAX_PROOF = 63  # a consistency proof of a tree of 2**63 leaves has at most 63+ hashes


@dataclass(frozen=True, slots=True)
class Push:
    """What a set sends: events after `old_size` up to `head.size`, and their proofs."""

    production_id: str
    old_size: int
    public_key: bytes
    origin: str
    note: str
    head: SignedCheckpoint
    proof: tuple[bytes, ...]
    checkpoints: tuple[SignedCheckpoint, ...]
    events: tuple[StoredEvent, ...]


def event_to_json(e: StoredEvent) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "event_id": e.event_id,
        "type": e.type,
        "at": e.at,
        "actor": e.actor,
        "body": base64.b64encode(e.body).decode(),
        "leaf_hash": e.leaf_hash.hex(),
        "root": e.root.hex(),
    }


def event_from_json(production_id: str, data: object) -> StoredEvent:
    """An event of the wire format, ValueError naming what is wrong with it."""
    if not isinstance(data, Mapping):
        raise ValueError("an event is an object")
    seq, at, actor = data.get("seq"), data.get("at"), data.get("actor")
    event_id, type_ = data.get("event_id"), data.get("type")
    if not _is_int(seq) or not _is_int(at):
        raise ValueError("an event's seq and at are integers")
    if not isinstance(event_id, str) or not isinstance(type_, str):
        raise ValueError(f"event #{seq}: event_id and type are strings")
    if actor is not None and not isinstance(actor, str):
        raise ValueError(f"event #{seq}: actor is a string or null")
    return StoredEvent(
        production_id,
        seq,
        event_id,
        type_,
        at,
        actor,
        _b64(data.get("body"), f"event #{seq}'s body"),
        _hex(data.get("leaf_hash"), f"event #{seq}'s leaf_hash"),
        _hex(data.get("root"), f"event #{seq}'s root"),
    )


def encode(push: Push) -> bytes:
    """The request body of a push."""
    return json.dumps(
        {
            "production": push.production_id,
            "old_size": push.old_size,
            "public_key": push.public_key.hex(),
            "origin": push.origin,
            "note": push.note,
            "head": push.head.to_dict(),
            "proof": [base64.b64encode(h).decode() for h in push.proof],
            "checkpoints": [cp.to_dict() for cp in push.checkpoints],
            "events": [event_to_json(e) for e in push.events],
        },
        separators=(",", ":"),
    ).encode()


def decode(production_id: str, body: bytes) -> Push:
    """A push of `production_id`, ValueError naming what is malformed."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"a push is JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError("a push is a JSON object")
    if data.get("production") != production_id:
        raise ValueError(f"a push to {production_id}'s address is of {production_id}")
    old_size, origin, note = data.get("old_size"), data.get("origin"), data.get("note")
    if not _is_int(old_size) or old_size < 0:
        raise ValueError("old_size is a non-negative integer")
    if not isinstance(origin, str) or not isinstance(note, str):
        raise ValueError("origin and note are strings")
    proof, cps, events = data.get("proof"), data.get("checkpoints"), data.get("events")
    if not isinstance(proof, list) or len(proof) > MAX_PROOF:
        raise ValueError(f"proof is a list of at most {MAX_PROOF} hashes")
    if not isinstance(cps, list) or not isinstance(events, list) or len(events) > MAX_EVENTS:
        raise ValueError(f"checkpoints is a list; events a list of at most {MAX_EVENTS}")
    return Push(
        production_id,
        old_size,
        _hex(data.get("public_key"), "public_key"),
        origin,
        note,
        _checkpoint(data.get("head"), "head"),
        tuple(_b64(h, "a proof hash") for h in proof),
        tuple(_checkpoint(cp, "a checkpoint") for cp in cps),
        tuple(event_from_json(production_id, e) for e in events),
    )


def _checkpoint(data: object, what: str) -> SignedCheckpoint:
    if not isinstance(data, Mapping):
        raise ValueError(f"{what} is a signed checkpoint object")
    try:
        return SignedCheckpoint.from_dict(data)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what}: {exc}") from None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _b64(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{what} is base64 text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} is not standard base64") from None


def _hex(value: object, what: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{what} is hex text")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise ValueError(f"{what} is not hex") from None
