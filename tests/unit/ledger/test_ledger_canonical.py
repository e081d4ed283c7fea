"""Canonical JSON (RFC 8785) helpers."""

from __future__ import annotations

import pytest

from coldcheck.ledger import CanonicalizationError, canonical_json, parse_json


def test_sorted_keys_no_whitespace() -> None:
    assert canonical_json({"b": 1, "a": [True, None, "x"]}) == b'{"a":[true,null,"x"],"b":1}'


def test_keys_sorted_by_utf16_code_units() -> None:
    # RFC 8785 sorts by UTF-16 code units, not code points: U+1F600 (surrogates D83D...)
    # sorts before U+FB01 although its code point is larger.
    assert canonical_json({"\ufb01": 1, "\U0001f600": 2}) == (
        '{"\U0001f600":2,"\ufb01":1}'.encode()
    )


def test_microsecond_integers_are_exact() -> None:
    assert canonical_json({"at": 1_732_470_000_123_456}) == b'{"at":1732470000123456}'
    with pytest.raises(CanonicalizationError):
        canonical_json(2**53)


@pytest.mark.parametrize("value", [b"bytes", {1, 2}, {1: "int key"}, float("nan")])
def test_rejects_non_json(value: object) -> None:
    with pytest.raises(CanonicalizationError):
        canonical_json(value)


def test_round_trip() -> None:
    value = {"event": "handover", "at": 1, "items": [{"id": "é"}, {"id": "✓"}]}
    assert parse_json(canonical_json(value)) == value


@pytest.mark.parametrize("data", [b'{"a":1,"a":2}', b"NaN", b'{"a":Infinity}', b"{", b"\xff"])
def test_parse_json_is_strict(data: bytes) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 -- any ValueError, the message varies
        parse_json(data)
