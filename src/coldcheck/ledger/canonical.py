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


_SAFE_INT = 2**53 - 1

# The standard library's C encoder writes exactly the RFC 8785 bytes for the values the
# ledger hashes (objects with ASCII keys, strings, safe integers, booleans, null, arrays):
# the same escapes (\" \\ \b \f \n \r \t, \u00xx lowercase for other controls, every
# other character as UTF-8), no whitespace, and keys sorted by code point, which for ASCII
# keys is the UTF-16 order RFC 8785 asks for. Anything else (floats, non-ASCII keys,
# unsafe integers, non-JSON types, lone surrogates) goes to the reference implementation.
_fast_dumps = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
).encode


# Object keys already seen to be ASCII strings (field names, mostly: a few hundred),
# so checking an object's keys is usually one set operation.
_ascii_keys: set[str] = set()
_ASCII_KEYS_KEPT = 10_000


def _ascii_str_keys(obj: dict[Any, Any]) -> bool:
    if _ascii_keys.issuperset(obj):
        return True
    if not all(type(k) is str and k.isascii() for k in obj):
        return False
    if len(_ascii_keys) < _ASCII_KEYS_KEPT:
        _ascii_keys.update(obj)
    return True


def _plain(obj: object) -> bool:
    """Whether ``obj`` holds only values the fast path writes exactly as RFC 8785 does."""
    stack: list[Any] = [obj]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is str or value is None or kind is bool:
            continue
        if kind is dict:
            if not _ascii_str_keys(value):
                return False
            stack.extend(value.values())
        elif kind is list or kind is tuple:
            stack.extend(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            if not -_SAFE_INT <= value <= _SAFE_INT:
                return False
        elif not isinstance(value, str):
            return False  # floats, bytes, sets, subclasses of containers: the reference
    return True


def canonical_json(obj: object) -> bytes:
    """Serialise ``obj`` as RFC 8785 canonical JSON bytes (UTF-8)."""
    if _plain(obj):
        try:
            return _fast_dumps(obj).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: the reference implementation names the error
    # rfc8785 types its argument as a recursive JSON union; callers pass plain
    # dict/list/str/int values, and anything else (bytes, sets, non-str keys) is
    # rejected at run time by rfc8785 with CanonicalizationError.
    return rfc8785.dumps(cast(Any, obj))


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):  # rare: find the key to name it
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate JSON object key: {key!r}")
            seen.add(key)
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant: {name}")


# Built once: json.loads with hooks builds a new decoder on every call, which was most of
# the cost of reading a stored event.
_decode = json.JSONDecoder(
    object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant
).decode


def _strict_decode(text: str) -> Any:
    try:
        return _decode(text)
    except RecursionError:  # a file of 100,000 "[": malformed input, not a crash
        raise ValueError("JSON nested too deeply") from None


def parse_json(data: bytes) -> Any:
    """Parse JSON bytes (e.g. from :func:`canonical_json`) strictly, raising ValueError
    (also for nesting too deep for the parser)."""
    # Stricter than a bare json.loads on purpose: a record that is hashed and signed must
    # not mean different things to different readers, so duplicate keys (where parsers
    # disagree on which value wins) and NaN/Infinity (not JSON at all) are errors.
    # json.JSONDecodeError and UnicodeDecodeError are both ValueError subclasses. The
    # bytes are decoded exactly as json.loads decodes bytes.
    if isinstance(data, str):
        if data.startswith("\ufeff"):
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", data, 0)
        return _strict_decode(data)
    if not isinstance(data, bytes | bytearray):
        raise TypeError(
            f"the JSON object must be str, bytes or bytearray, not {type(data).__name__}"
        )
    # An object whose second byte is not NUL can only be UTF-8 to detect_encoding (no BOM
    # starts with "{"): every stored event, so skip the detection for those.
    utf8 = len(data) > 1 and data[0] == 0x7B and data[1] != 0
    encoding = "utf-8" if utf8 else json.detect_encoding(data)
    return _strict_decode(bytes(data).decode(encoding, "surrogatepass"))
