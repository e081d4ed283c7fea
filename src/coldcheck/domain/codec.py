"""Plain-data encoding of commands and events (dicts, lists, str, int, bool, None).

Hand-written rather than a library because the domain core is standard library only; it
covers exactly the shapes the core uses: dataclasses, StrEnums, tuples, optionals.

Every event passes through here (encoded on append, decoded on every load and every
verification), so the reflection on types happens once per type, not once per value:
`_encoder(cls)` and `_decoder(tp)` build a function for a class or type hint and cache
it. Decoders do not carry the `where` path down either, because building a path string
for every field and list element cost more than checking the value: a value that does
not fit raises `_Mismatch`, each container it sits in adds its step (`.rounds`, `[2]`)
on the way out, and `from_data` writes the message only then.

Why one module over 300 lines: the encoder and decoder of each shape sit side by side,
so that they cannot drift apart.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import types
import typing
from collections.abc import Callable, Iterable
from enum import Enum
from functools import cache
from typing import Any, TypeVar, Union

from coldcheck.domain.errors import InvalidCommand

T = TypeVar("T")
Codec = Callable[[Any], Any]

_NONE = type(None)
# Classes whose values are their own plain data; checked first because most values are.
_PLAIN = frozenset({str, int, bool, _NONE})


def _key(name: str) -> str:
    # `from_` is spelled with an underscore only because `from` is a Python keyword.
    return name.rstrip("_")


def to_data(value: object) -> Any:
    """Encode a domain value as plain JSON-ready data."""
    cls = type(value)
    encode = _ENCODERS.get(cls) or _encoder(cls)
    return encode(value)


# Encoders by class. A dict rather than functools.cache: it is looked up for every value
# that is not plain, and mypy does not accept a class as a cached function's argument.
_ENCODERS: dict[type, Codec] = {}


def _encoder(cls: type) -> Codec:
    # What a value becomes depends only on its class, tested in this order.
    encoder: Codec
    if issubclass(cls, Enum):
        encoder = _enum_value
    elif dataclasses.is_dataclass(cls) and not issubclass(cls, type):
        encoder = _dataclass_encoder(cls)
    elif issubclass(cls, tuple | list):
        encoder = _list_encoder
    elif cls is _NONE or issubclass(cls, str | int | bool):
        encoder = _same
    else:
        encoder = _refuse_encoding(cls)
    _ENCODERS[cls] = encoder
    return encoder


def _enum_value(value: Enum) -> Any:
    return value.value


def _same(value: object) -> object:
    return value


def _list_encoder(values: tuple[Any, ...] | list[Any]) -> list[Any]:
    return [v if type(v) in _PLAIN else to_data(v) for v in values]


def _dataclass_encoder(cls: type) -> Codec:
    pairs = tuple((_key(f.name), f.name) for f in dataclasses.fields(cls))

    def encode(value: object) -> dict[str, Any]:
        data = {}
        for key, name in pairs:
            v = getattr(value, name)
            data[key] = v if type(v) in _PLAIN else to_data(v)
        return data

    return encode


def _refuse_encoding(cls: type) -> Codec:
    def refuse(value: object) -> Any:
        raise TypeError(f"cannot encode {cls.__name__}")

    return refuse


class _Mismatch(Exception):
    """Data that does not fit its type; containers add their steps as it passes out."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.steps: list[str] = []  # innermost first


def from_data(cls: type[T], data: Any, where: str = "") -> T:
    """Decode plain data into a dataclass, checking every field's type."""
    where = where or cls.__name__
    hint: Any = cls  # mypy does not accept a class as a cached function's argument
    try:
        return typing.cast(T, _decoder(hint)(data))
    except _Mismatch as bad:
        path = where + "".join(reversed(bad.steps))
        raise InvalidCommand(f"{path}: {bad.problem}") from None


@cache
def _decoder(tp: Any) -> Codec:
    # Building a decoder never fails: a type the codec cannot decode into gets a decoder
    # that raises when used, so only data that reaches it fails, as before.
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        return _union_decoder(typing.get_args(tp))
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return _tuple_of_decoder(_decoder(args[0]), _unchanged(args[0]))
        return _fixed_tuple_decoder(tuple(_decoder(a) for a in args))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_decoder(tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    if tp is bool:
        return _decode_bool
    if tp is int:
        return _decode_int
    if tp is str:
        return _decode_str
    return _refuse_decoding(tp)


@cache
def _unchanged(tp: Any) -> frozenset[type]:
    """The exact classes of data that `_decoder(tp)` returns as they are (for a fast path)."""
    if tp in (str, int, bool):
        return frozenset({tp})
    if typing.get_origin(tp) in (Union, types.UnionType):
        others = [o for o in typing.get_args(tp) if o is not _NONE]
        if len(others) == 1 and others[0] in (str, int, bool):
            return frozenset({others[0], _NONE})
    return frozenset()


def _union_decoder(options: tuple[Any, ...]) -> Codec:
    nullable = _NONE in options
    others = [o for o in options if o is not _NONE]
    if len(others) == 1:
        inner = _decoder(others[0])

        def decode_optional(data: Any) -> Any:
            return None if data is None and nullable else inner(data)

        return decode_optional

    def decode_ambiguous(data: Any) -> Any:
        if data is None and nullable:
            return None
        (only,) = others  # ValueError: the codec does not guess between alternatives
        return _decoder(only)(data)

    return decode_ambiguous


def _expect_list(data: Any) -> None:
    if not isinstance(data, list | tuple):
        raise _Mismatch(f"expected a list, got {_name(data)}")


def _tuple_of_decoder(item: Codec, unchanged: frozenset[type]) -> Codec:
    def decode_tuple_of(data: Any) -> tuple[Any, ...]:
        _expect_list(data)
        if unchanged and all(type(v) in unchanged for v in data):
            return tuple(data)
        return _each(itertools.repeat(item), data)

    return decode_tuple_of


def _fixed_tuple_decoder(items: tuple[Codec, ...]) -> Codec:
    def decode_fixed_tuple(data: Any) -> tuple[Any, ...]:
        _expect_list(data)
        if len(items) != len(data):
            raise _Mismatch(f"expected {len(items)} values, got {len(data)}")
        return _each(items, data)

    return decode_fixed_tuple


def _each(decoders: Iterable[Codec], data: list[Any] | tuple[Any, ...]) -> tuple[Any, ...]:
    values = []
    # Not strict: `decoders` is endless for tuple[X, ...]; a fixed tuple's length is checked.
    for i, (decode, v) in enumerate(zip(decoders, data, strict=False)):
        try:
            values.append(decode(v))
        except _Mismatch as bad:
            bad.steps.append(f"[{i}]")
            raise
    return tuple(values)


def _enum_decoder(cls: type[Enum]) -> Codec:
    # A dict lookup finds what `cls(value)` would for any hashable value; anything else
    # (unhashable data, `_missing_` hooks, no such value) goes through `cls(value)` itself.
    members: dict[Any, Enum] = {}
    for member in cls:
        with contextlib.suppress(TypeError):
            members.setdefault(member.value, member)

    def decode_enum(data: Any) -> Enum:
        try:
            return members[data]
        except (KeyError, TypeError):
            pass
        try:
            return cls(data)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in cls)
            raise _Mismatch(f"{data!r} is not one of: {allowed}") from None

    return decode_enum


# One field of a dataclass as data: its key, attribute name, decoder, whether it is
# required, and the classes of data its decoder would return unchanged.
_Field = tuple[str, str, Codec, bool, frozenset[type]]


def _fields(cls: type) -> tuple[tuple[_Field, ...], frozenset[str]]:
    hints = typing.get_type_hints(cls)
    by_key = {_key(f.name): f for f in dataclasses.fields(cls)}
    fields = tuple(
        (
            key,
            f.name,
            _decoder(hints[f.name]),
            f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
            _unchanged(hints[f.name]),
        )
        for key, f in by_key.items()
    )
    return fields, frozenset(by_key)


def _dataclass_decoder(cls: type) -> Codec:
    # The fields are looked up on first use, not now: a dataclass may refer to itself or
    # to a class defined after it. One assignment, so a concurrent first use is harmless.
    layout: tuple[tuple[_Field, ...], frozenset[str]] | None = None

    def decode_dataclass(data: Any) -> Any:
        nonlocal layout
        if not isinstance(data, dict):
            raise _Mismatch(f"expected an object, got {_name(data)}")
        if layout is None:
            layout = _fields(cls)
        fields, known = layout
        if not known.issuperset(data):
            unknown = set(data) - known
            raise _Mismatch(f"unknown field(s) {', '.join(sorted(unknown))}")
        kwargs = {}
        for key, name, decode, required, unchanged in fields:
            if key in data:
                value = data[key]
                if type(value) in unchanged:
                    kwargs[name] = value
                    continue
                try:
                    kwargs[name] = decode(value)
                except _Mismatch as bad:
                    bad.steps.append(f".{key}")
                    raise
            elif required:
                raise _Mismatch(f"missing field {key!r}")
        return cls(**kwargs)

    return decode_dataclass


def _decode_bool(data: Any) -> bool:
    if isinstance(data, bool):
        return data
    raise _Mismatch(f"expected true or false, got {_name(data)}")


def _decode_int(data: Any) -> int:
    if isinstance(data, int) and not isinstance(data, bool):
        return data
    raise _Mismatch(f"expected a whole number, got {_name(data)}")


def _decode_str(data: Any) -> str:
    if isinstance(data, str):
        return data
    raise _Mismatch(f"expected text, got {_name(data)}")


def _refuse_decoding(tp: Any) -> Codec:
    def refuse(data: Any) -> Any:
        raise TypeError(f"cannot decode into {tp!r}")

    return refuse


def _name(data: Any) -> str:
    return "nothing" if data is None else type(data).__name__
