"""Plain-data encoding of commands and events (dicts, lists, str, int, bool, None).

Hand-written rather than a library because the domain core is standard library only; it
covers exactly the shapes the core uses: dataclasses, StrEnums, tuples, optionals.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from enum import Enum
from functools import cache
from typing import Any, TypeVar, Union

from coldcheck.domain.errors import InvalidCommand

T = TypeVar("T")


def _key(name: str) -> str:
    # `from_` is spelled with an underscore only because `from` is a Python keyword.
    return name.rstrip("_")


def to_data(value: object) -> Any:
    """Encode a domain value as plain JSON-ready data."""
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            _key(f.name): to_data(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
    if isinstance(value, tuple | list):
        return [to_data(v) for v in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def from_data(cls: type[T], data: Any, where: str = "") -> T:
    """Decode plain data into a dataclass, checking every field's type."""
    return typing.cast(T, _decode(cls, data, where or cls.__name__))


def _decode(tp: Any, data: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        options = typing.get_args(tp)
        if data is None and type(None) in options:
            return None
        (inner,) = [o for o in options if o is not type(None)]
        return _decode(inner, data, where)
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(data, list | tuple):
            raise InvalidCommand(f"{where}: expected a list, got {_name(data)}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v, f"{where}[{i}]") for i, v in enumerate(data))
        if len(args) != len(data):
            raise InvalidCommand(f"{where}: expected {len(args)} values, got {len(data)}")
        pairs = enumerate(zip(args, data, strict=True))
        return tuple(_decode(a, v, f"{where}[{i}]") for i, (a, v) in pairs)
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(data)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in tp)
            raise InvalidCommand(f"{where}: {data!r} is not one of: {allowed}") from None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise InvalidCommand(f"{where}: expected an object, got {_name(data)}")
        hints = _hints(tp)
        fields = {_key(f.name): f for f in dataclasses.fields(tp)}
        unknown = set(data) - set(fields)
        if unknown:
            raise InvalidCommand(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        kwargs = {}
        for key, f in fields.items():
            if key in data:
                kwargs[f.name] = _decode(hints[f.name], data[key], f"{where}.{key}")
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise InvalidCommand(f"{where}: missing field {key!r}")
        return tp(**kwargs)
    if tp is bool:
        if not isinstance(data, bool):
            raise InvalidCommand(f"{where}: expected true or false, got {_name(data)}")
        return data
    if tp is int:
        if not isinstance(data, int) or isinstance(data, bool):
            raise InvalidCommand(f"{where}: expected a whole number, got {_name(data)}")
        return data
    if tp is str:
        if not isinstance(data, str):
            raise InvalidCommand(f"{where}: expected text, got {_name(data)}")
        return data
    raise TypeError(f"cannot decode into {tp!r}")


def _name(data: Any) -> str:
    return "nothing" if data is None else type(data).__name__
