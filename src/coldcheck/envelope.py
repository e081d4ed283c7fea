"""The bytes of a recorded event: canonical JSON of its envelope, the Merkle leaf."""

from __future__ import annotations

from typing import Any

from coldcheck.domain.codec import from_data, to_data
from coldcheck.domain.errors import IntegrityError
from coldcheck.domain.events import EVENT_TYPES, Recorded
from coldcheck.ledger import canonical_json, parse_json

VERSION = 1


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
    if rec.request is not None:
        doc["request"] = rec.request
    if rec.proof is not None:
        doc["proof"] = rec.proof
    return canonical_json(doc)


# What a row's columns repeat of its body: (production, seq, id, type, at, actor).
Header = tuple[Any, Any, Any, Any, Any, Any]


def header(body: bytes) -> Header:
    """What a stored event's columns must repeat, without the typed decode of its data
    (the costly part of `decode`, left to a second pass by verify); IntegrityError if
    unreadable. Whatever it refuses, `decode` refuses too."""
    try:
        doc: dict[str, Any] = parse_json(body)
        EVENT_TYPES[doc["type"]]
        return doc["production"], doc["seq"], doc["id"], doc["type"], doc["at"], doc["actor"]
    except Exception as exc:  # any malformation means the bytes were altered
        raise IntegrityError(f"unreadable event: {exc}") from exc


def decode(body: bytes) -> tuple[str, Recorded]:
    """The production id and recorded event in stored bytes; IntegrityError if unreadable."""
    try:
        doc: dict[str, Any] = parse_json(body)
        event_cls = EVENT_TYPES[doc["type"]]
        event = from_data(event_cls, doc["data"])
        rec = Recorded(
            seq=doc["seq"],
            event_id=doc["id"],
            at=doc["at"],
            actor=doc["actor"],
            event=event,
            warnings=tuple(doc["warnings"]),
            claimed_at=doc.get("claimed_at"),
            request=doc.get("request"),
            proof=doc.get("proof"),
        )
        return doc["production"], rec
    except Exception as exc:  # any malformation means the bytes were altered
        raise IntegrityError(f"unreadable event: {exc}") from exc
