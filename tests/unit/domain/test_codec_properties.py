"""Property: the compiled codec gives exactly what a plain walk over the type hints gives.

The codec builds one encoder or decoder per type and caches it (it is on every append and
every read of the log). The reference here is the straightforward version it replaced:
reflection on every value, the `where` path carried down. Both are run on generated
events, commands and values, as they are and changed, and must agree on the result (types
included: a StrEnum is not its text, a tuple is not a list) or on the error, word for word.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from enum import Enum
from functools import cache
from typing import Any, Union

from hypothesis import given, settings
from hypothesis import strategies as st

from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.codec import from_data, to_data
from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.values import Barrel, Chamber, Content, Custodian, Role

# ---------------------------------------------------------------- the reference walk


def ref_to_data(value: object) -> Any:
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name.rstrip("_"): ref_to_data(getattr(value, f.name))
            for f in dataclasses.fields(value)
        }
    if isinstance(value, tuple | list):
        return [ref_to_data(v) for v in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


def ref_from_data(cls: type, data: Any, where: str = "") -> Any:
    return _ref_decode(cls, data, where or cls.__name__)


def _ref_decode(tp: Any, data: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        options = typing.get_args(tp)
        if data is None and type(None) in options:
            return None
        (inner,) = [o for o in options if o is not type(None)]
        return _ref_decode(inner, data, where)
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(data, list | tuple):
            raise InvalidCommand(f"{where}: expected a list, got {_name(data)}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_ref_decode(args[0], v, f"{where}[{i}]") for i, v in enumerate(data))
        if len(args) != len(data):
            raise InvalidCommand(f"{where}: expected {len(args)} values, got {len(data)}")
        pairs = enumerate(zip(args, data, strict=True))
        return tuple(_ref_decode(a, v, f"{where}[{i}]") for i, (a, v) in pairs)
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(data)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in tp)
            raise InvalidCommand(f"{where}: {data!r} is not one of: {allowed}") from None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise InvalidCommand(f"{where}: expected an object, got {_name(data)}")
        hints = _ref_hints(tp)
        fields = {f.name.rstrip("_"): f for f in dataclasses.fields(tp)}
        unknown = set(data) - set(fields)
        if unknown:
            raise InvalidCommand(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        kwargs = {}
        for key, f in fields.items():
            if key in data:
                kwargs[f.name] = _ref_decode(hints[f.name], data[key], f"{where}.{key}")
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


@cache
def _ref_hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _name(data: Any) -> str:
    return "nothing" if data is None else type(data).__name__


# ---------------------------------------------------------------- generated values

COMMANDS = [cls for cls in vars(c).values() if isinstance(cls, type) and issubclass(cls, c.Command)]
CLASSES: list[type] = [*ev.EVENT_TYPES.values(), *COMMANDS, Chamber, Custodian]

# Data that may sit where a field or list item should: every JSON type, some of them
# right for one field and wrong for the next.
JUNK = [
    None,
    True,
    False,
    0,
    7,
    -1,
    1.5,
    "",
    "clear",
    "dummy",
    "crew",
    [],
    ["x"],
    [7],
    [True, "x"],
    [["lot", 1]],
    ["dummy"],
    {},
    {"content": "dummy"},
    {"kind": "person", "id": "x"},
]
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.sampled_from(JUNK)
    | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["content", "lot", "kind", "id", "item_id", "x"]) | st.text(max_size=3),
            inner,
            max_size=3,
        )
    ),
    max_leaves=6,
)
# Keys that are often a field of the class in hand, so an addition is not always unknown.
EXTRA_KEYS = [
    "actor",
    "at",
    "item_id",
    "from",
    "from_",
    "kind",
    "chambers",
    "lot",
    "checked",
    "counts",
    "x",
]

Path = tuple[str | int, ...]


def paths(data: Any, at: Path = ()) -> list[Path]:
    """Where in `data` something can be changed: the root and every value inside."""
    found = [at]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*at, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += paths(value, (*at, i))
    return found


def changed(data: Any, path: Path, change: Callable[[Any], Any]) -> Any:
    """A copy of `data` with the value at `path` replaced by `change(value)`."""
    if not path:
        return change(data)
    head, *rest = path
    copy: Any = dict(data) if isinstance(data, dict) else list(data)
    copy[head] = changed(data[head], tuple(rest), change)
    return copy


def to(new: Any) -> Callable[[Any], Any]:
    return lambda _: new


def without(key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda obj: {k: v for k, v in obj.items() if k != key}


def plus(key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda obj: {**obj, key: "x"}


def variants(data: Any) -> list[Any]:
    """`data` changed in one place, every way: each value replaced by each piece of junk,
    each key dropped, each object given an extra key, each list made a tuple."""
    found = []
    for path in paths(data):
        target = data
        for step in path:
            target = target[step]
        found += [changed(data, path, to(junk)) for junk in JUNK]
        if isinstance(target, dict):
            found += [changed(data, path, without(key)) for key in target]
            found += [changed(data, path, plus(key)) for key in EXTRA_KEYS]
        if isinstance(target, list):
            found.append(changed(data, path, tuple))
    return found


def outcome(fn: Callable[..., Any], *args: Any) -> tuple[Any, ...]:
    try:
        result = fn(*args)
    except Exception as exc:  # comparing what each raises is the point
        return ("raised", type(exc), str(exc))
    # repr tells a StrEnum from its text, a tuple from a list and True from 1.
    return ("returned", repr(result), result)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(CLASSES).flatmap(st.from_type), st.sampled_from(["", "body"]))
def test_decoding_data_changed_in_one_place_agrees_with_the_reference(
    value: Any, where: str
) -> None:
    cls = type(value)
    for plain in [ref_to_data(value), *variants(ref_to_data(value))]:
        assert outcome(from_data, cls, plain, where) == outcome(ref_from_data, cls, plain, where)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_decoding_random_data_agrees_with_the_reference(data: st.DataObject) -> None:
    value = data.draw(st.sampled_from(CLASSES).flatmap(st.from_type), label="value")
    plain = ref_to_data(value)
    for _ in range(data.draw(st.integers(0, 3), label="changes")):
        path = data.draw(st.sampled_from(paths(plain)), label="path")
        new = data.draw(JSON, label="new")
        plain = changed(plain, path, to(new))
    cls = type(value)
    assert outcome(from_data, cls, plain) == outcome(ref_from_data, cls, plain)


@given(st.sampled_from(CLASSES).flatmap(st.from_type))
def test_every_value_decodes_to_itself(value: Any) -> None:
    assert from_data(type(value), to_data(value)) == value


ODD_VALUES = st.one_of(
    st.floats(allow_nan=False),
    st.binary(max_size=2),
    st.just({"a": 1}),
    st.just({1}),
    st.just(Chamber),
    st.sampled_from([Barrel.CLEAR, Content.SPENT, Role.ARMORER]),
    st.builds(Custodian, st.sampled_from(["location", Role.CREW]), st.text(max_size=3)),
)


@settings(max_examples=200)
@given(
    st.recursive(
        st.sampled_from(CLASSES).flatmap(st.from_type) | JSON | ODD_VALUES,
        lambda inner: st.lists(inner, max_size=3) | st.lists(inner, max_size=3).map(tuple),
        max_leaves=4,
    )
)
def test_encoding_agrees_with_the_reference(value: Any) -> None:
    assert outcome(to_data, value) == outcome(ref_to_data, value)
