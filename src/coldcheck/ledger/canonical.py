"""Canonical JSON (RFC 8785, JSON Canonicalization Scheme) for ledger hashing and signing.

Every byte that is hashed into the Merkle tree or signed in a checkpoint goes through
:func:`canonical_json`, so two processes (or two languages) serialising the same value
always produce the same bytes.

Domain convention: times are integer microseconds since the Unix epoch (UTC), never
floats. RFC 8785 serialises numbers as IEEE 754 doubles, so integers are only exact up to
2**53 - 1 (``rfc8785`` raises ``IntegerDomainError`` beyond that); microsecond timestamps
stay inside that range until roughly the year 2255. Floats are accepted and canonicalised
by ``rfc8785`` (NaN and infinities are rejected, and ``3.0`` becomes ``3``), but the
domain should not use them.
"""

from __future__ import annotations

import json
from typing import Any, cast

import rfc8785

__all__ = ["CanonicalizationError", "canonical_json", "parse_json"]

# Re-exported so callers can catch canonicalisation failures without importing rfc8785.
# It subclasses ValueError.
CanonicalizationError = rfc8785.CanonicalizationError


def canonical_json(obj: object) -> bytes:
    """Serialise ``obj`` as RFC 8785 canonical JSON bytes (UTF-8)."""
    # rfc8785 types its argument as a recursive JSON union; callers pass plain
    # dict/list/str/int values, and anything else (bytes, sets, non-str keys) is
    # rejected at run time by rfc8785 with CanonicalizationError.
    return rfc8785.dumps(cast(Any, obj))


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate JSON object key: {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant: {name}")


def parse_json(data: bytes) -> Any:
    """Parse JSON bytes (e.g. from :func:`canonical_json`) strictly, raising ValueError."""
    # Stricter than a bare json.loads on purpose: a record that is hashed and signed must
    # not mean different things to different readers, so duplicate keys (where parsers
    # disagree on which value wins) and NaN/Infinity (not JSON at all) are errors.
    # json.JSONDecodeError and UnicodeDecodeError are both ValueError subclasses.
    return json.loads(
        data,
        object_pairs_hook=_reject_duplicate_keys,
        parse_constant=_reject_constant,
    )
