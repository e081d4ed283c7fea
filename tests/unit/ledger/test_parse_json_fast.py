"""parse_json's decoder is built once (speed); it must decide exactly as the strict
json.loads it replaced: same documents, same errors, for bytes in any JSON encoding and
for text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coldcheck.ledger import parse_json


def _reference(data: str | bytes) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result:
                raise ValueError(f"duplicate JSON object key: {key!r}")
            result[key] = value
        return result

    def constant(name: str) -> Any:
        raise ValueError(f"non-standard JSON constant: {name}")

    return json.loads(data, object_pairs_hook=pairs, parse_constant=constant)


def _outcome(parse: Any, data: str | bytes) -> tuple[str, Any]:
    try:
        return "ok", parse(data)
    except Exception as exc:
        return type(exc).__name__, str(exc)


@pytest.mark.parametrize(
    "data",
    [
        b'{"a":1,"a":2}',
        b'{"a":{"b":1,"b":1}}',
        b'\xef\xbb\xbf{"a":1}',
        "\ufeff{}",
        b"NaN",
        b"[1,-Infinity]",
        '{"x":[1,2]}',
        b"\xff",
        b'{"a":"\xed\xa0\x80"}',
        '{"a":1}'.encode("utf-16"),
        '{"a":1}'.encode("utf-32-le"),
        b"",
        b"{} x",
    ],
)
def test_edge_cases_decide_as_strict_json_loads(data: str | bytes) -> None:
    assert _outcome(parse_json, data) == _outcome(_reference, data)


@settings(max_examples=500)
@given(
    st.binary(max_size=40)
    | st.text(max_size=30).map(str.encode)
    | st.text(max_size=30)
    | st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
        ),
        max_leaves=8,
    ).map(lambda v: json.dumps(v).encode())
)
def test_any_input_decides_as_strict_json_loads(data: str | bytes) -> None:
    assert _outcome(parse_json, data) == _outcome(_reference, data)
