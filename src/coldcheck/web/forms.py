"""Turning posted form fields into domain values: a bad value is an InvalidCommand (422)
that names the field, read before any command runs, so nothing is recorded."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.validate import MAX_INT
from coldcheck.domain.values import Chamber, Content

E = TypeVar("E", bound=StrEnum)
# Digits as typed on a keypad: `str.isdigit` also takes '²' and other scripts' digits,
# and int() of thousands of digits is slow or refused, so at most 16 ASCII digits.
WHOLE = re.compile(r"-?[0-9]{1,16}")


def _field(name: str) -> str:
    return name.replace("_", " ")


def text(form: Mapping[str, Any], name: str, default: str = "") -> str:
    """A text field (an uploaded file where text belongs is refused)."""
    value = form.get(name, default)
    if not isinstance(value, str):
        raise InvalidCommand(f"{_field(name)}: send text, not a file")
    return value


def optional(form: Mapping[str, Any], name: str) -> str | None:
    """A text field where empty means none."""
    return text(form, name) or None


def texts(form: Any, name: str) -> tuple[str, ...]:
    """Every non-empty value of a repeated field (checkboxes)."""
    values = form.getlist(name)
    if not all(isinstance(v, str) for v in values):
        raise InvalidCommand(f"{_field(name)}: send text, not a file")
    return tuple(v for v in values if v)


def flag(form: Mapping[str, Any], name: str) -> bool:
    """A checkbox: ticked when sent with any value."""
    return bool(text(form, name))


def choice(form: Mapping[str, Any], name: str, kind: type[E], default: E) -> E:
    """One of an enumeration's values (a radio group); empty means the default."""
    return _member(kind, name, text(form, name) or default.value)


def choices(form: Any, name: str, kind: type[E]) -> tuple[E, ...]:
    """Several of an enumeration's values (a group of checkboxes)."""
    return tuple(_member(kind, name, raw) for raw in texts(form, name))


def _member(kind: type[E], name: str, raw: str) -> E:
    try:
        return kind(raw)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise InvalidCommand(f"{_field(name)}: {raw[:40]!r} is not one of {allowed}") from None


def number(form: Mapping[str, Any], name: str, default: int = 0, minimum: int = 0) -> int:
    """A whole number from `minimum` to the largest the record holds; empty means the
    default."""
    raw = text(form, name).strip() or str(default)
    if not WHOLE.fullmatch(raw):
        raise InvalidCommand(f"{_field(name)} must be a whole number, got {raw[:20]!r}")
    value = int(raw)
    if not minimum <= value <= MAX_INT:
        raise InvalidCommand(f"{_field(name)} must be from {minimum} to {MAX_INT}, got {value}")
    return value


def chambers(form: Mapping[str, Any], count: int, prefix: str = "chamber") -> tuple[Chamber, ...]:
    """Chamber i is `chamber-i` (empty, dummy, blank, live, spent) and `lot-i`."""
    out = []
    for i in range(1, count + 1):
        raw = text(form, f"{prefix}-{i}")
        try:
            content = Content(raw)
        except ValueError:
            raise InvalidCommand(f"chamber {i}: choose what is in it") from None
        lot = optional(form, f"lot-{i}")
        if content in (Content.EMPTY, Content.LIVE):
            lot = None
        elif lot is None:
            raise InvalidCommand(f"chamber {i}: say which lot the {content} came from")
        out.append(Chamber(content, lot, checked=content is Content.DUMMY))
    return tuple(out)


def device_time(form: Mapping[str, Any]) -> int | None:
    """When the device says the form was filled (UTC microseconds, `device_time`): a
    concern kept on the device while offline carries it; kept as a claim."""
    if not text(form, "device_time").strip():
        return None
    return number(form, "device_time")


def device_key(form: Mapping[str, Any]) -> str | None:
    """A key the device gives a form it may send more than once (a kept concern, sent
    again when no answer came): the same key is recorded once."""
    key = text(form, "device_key")
    if len(key) > 100 or not key.isascii() or not key.isprintable():
        raise InvalidCommand("device key: at most 100 printable ASCII characters")
    return key or None
