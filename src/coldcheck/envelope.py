"""The bytes of a recorded event: canonical JSON of its envelope, the Merkle leaf."""

from __future__ import annotations

import json
from typing import Any

from coldcheck.domain.codec import from_data, to_data
from coldcheck.domain.errors import IntegrityError
from coldcheck.domain.events import EVENT_TYPES, Recorded
from coldcheck.ledger import canonical_json, parse_json

VERSION = 1


# Every load and every verification reads every stored event, and `parse_json` builds a
# JSON decoder on each call and checks keys in a Python loop: most of the cost of reading
# an event once the codec is compiled. This decoder is built once and checks keys with
# one dict() and a count. It accepts only what `parse_json` accepts (UTF-8 with no BOM,
# which is what json.loads detects for such bytes; no duplicate keys; no NaN or
# Infinity) and then returns the same document; whatever it refuses goes to
# `parse_json`, which decides and words the error exactly as before.
def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise ValueError("duplicate key")
    return obj


def _no_constants(name: str) -> Any:
    raise ValueError(name)


_read_json = json.JSONDecoder(object_pairs_hook=_no_duplicate_keys,
                              parse_constant=_no_constants).decode


def _parse(body: bytes) -> Any:
    try:
        return _read_json(body.decode())
    except Exception:  # parse_json reads it again and has the last word
        return parse_json(body)


def encode(production_id: str, rec: Recorded) -> bytes:
    """Canonical bytes of one recorded event (RFC 8785): what is stored and hashed."""
    doc = {
        "v": VERSION,
        "production": production_id,
        "seq": rec.seq,
        "id": rec.event_id,
        "at": rec.at,
        "actor": rec.actor,
        "type": rec.type,
        "data": to_data(rec.event),
        "warnings": list(rec.warnings),
    }
    if rec.claimed_at is not None:
        doc["claimed_at"] = rec.claimed_at
    return canonical_json(doc)


def decode(body: bytes) -> tuple[str, Recorded]:
    """The production id and recorded event in stored bytes; IntegrityError if unreadable."""
    try:
        doc: dict[str, Any] = _parse(body)
        event_cls = EVENT_TYPES[doc["type"]]
        event = from_data(event_cls, doc["data"])
        rec = Recorded(seq=doc["seq"], event_id=doc["id"], at=doc["at"], actor=doc["actor"],
                       event=event, warnings=tuple(doc["warnings"]),
                       claimed_at=doc.get("claimed_at"))
        return doc["production"], rec
    except Exception as exc:  # any malformation means the bytes were altered
        raise IntegrityError(f"unreadable event: {exc}") from exc
