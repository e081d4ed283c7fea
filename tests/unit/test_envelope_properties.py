"""Property: reading stored bytes gives what `ledger.parse_json` and the codec give.

`envelope.decode` reads JSON with a decoder of its own (built once, for speed) and hands
anything it refuses to `parse_json`. The reference here reads every body with
`parse_json` alone. Both read the demo's events, as stored and altered (other encodings,
duplicate keys, NaN, lone surrogates, stray bytes), and must return the same event or
refuse it with the same message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from coldcheck import demo, envelope
from coldcheck.domain.codec import from_data
from coldcheck.domain.errors import IntegrityError
from coldcheck.domain.events import EVENT_TYPES, Recorded
from coldcheck.ledger import parse_json
from support.harness import Harness


def reference_decode(body: bytes) -> tuple[str, Recorded]:
    try:
        doc: dict[str, Any] = parse_json(body)
        event = from_data(EVENT_TYPES[doc["type"]], doc["data"])
        rec = Recorded(
            seq=doc["seq"],
            event_id=doc["id"],
            at=doc["at"],
            actor=doc["actor"],
            event=event,
            warnings=tuple(doc["warnings"]),
            claimed_at=doc.get("claimed_at"),
        )
        return doc["production"], rec
    except Exception as exc:
        raise IntegrityError(f"unreadable event: {exc}") from exc


@cache
def stored() -> tuple[bytes, ...]:
    h = Harness()
    demo.seed(h.run, "2021-10-21")
    return tuple(envelope.encode(demo.PRODUCTION, rec) for rec in h.records)


def outcome(read: Callable[[Any], Any], body: Any) -> tuple[Any, ...]:
    try:
        result = read(body)
    except Exception as exc:  # comparing what each raises is the point
        return ("raised", type(exc), str(exc))
    return ("returned", repr(result), result)


def _reencoded(encoding: str) -> Callable[[bytes], bytes]:
    return lambda body: body.decode().encode(encoding)


ALTERATIONS: dict[str, Callable[[bytes], Any]] = {
    "as stored": lambda body: body,
    **{
        e: _reencoded(e)
        for e in ("utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le")
    },
    "indented": lambda body: json.dumps(json.loads(body), indent=1).encode(),
    "leading space": lambda body: b" \n" + body,
    "duplicate key": lambda body: b'{"seq":0,' + body[1:],
    "duplicate key inside": lambda body: body.replace(b'"data":{', b'"data":{"x":1,"x":1,'),
    "NaN": lambda body: body[:-1] + b',"z":NaN}',
    "Infinity": lambda body: body.replace(b'"seq":', b'"seq":-Infinity,"q":'),
    "lone surrogate": lambda body: body.replace(b'"id":"', b'"id":"\xed\xa0\x80'),
    "escaped surrogate": lambda body: body.replace(b'"id":"', b'"id":"\\ud800'),
    "not UTF-8": lambda body: body.replace(b'"id":"', b'"id":"\xff'),
    "trailing data": lambda body: body + b"{}",
    "truncated": lambda body: body[:-1],
    "a list": lambda body: b"[" + body + b"]",
    "empty": lambda body: b"",
    "str": lambda body: body.decode(),
    "bytearray": bytearray,
    "memoryview": memoryview,
}


def test_reading_altered_bodies_agrees_with_parse_json() -> None:
    for body in stored():
        for name, alter in ALTERATIONS.items():
            altered = alter(body)
            assert outcome(envelope.decode, altered) == outcome(reference_decode, altered), name


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_reading_bodies_with_stray_bytes_agrees_with_parse_json(data: st.DataObject) -> None:
    body = bytearray(data.draw(st.sampled_from(stored()), label="body"))
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        at = data.draw(st.integers(0, len(body)), label="at")
        new = data.draw(
            st.binary(min_size=0, max_size=2)
            | st.sampled_from(
                [b"\x00", b",", b'"', b"{", b"}", b"\\", b"\xc3", b"\xe9", b"\xef\xbb\xbf"]
            )
        )
        body[at : at + data.draw(st.integers(0, 2), label="cut")] = new
    altered = bytes(body)
    assert outcome(envelope.decode, altered) == outcome(reference_decode, altered)
