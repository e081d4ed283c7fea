"""Turning posted form fields into domain commands, with clear errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from coldcheck.domain.errors import InvalidCommand
from coldcheck.domain.values import Chamber, Content


def chambers(form: Mapping[str, Any], count: int, prefix: str = "chamber") -> tuple[Chamber, ...]:
    """Chamber i is `chamber-i` (empty, dummy, blank, live, spent) and `lot-i`."""
    out = []
    for i in range(1, count + 1):
        raw = str(form.get(f"{prefix}-{i}", ""))
        try:
            content = Content(raw)
        except ValueError:
            raise InvalidCommand(f"chamber {i}: choose what is in it") from None
        lot = str(form.get(f"lot-{i}", "")) or None
        if content in (Content.EMPTY, Content.LIVE):
            lot = None
        elif lot is None:
            raise InvalidCommand(f"chamber {i}: say which lot the {content} came from")
        out.append(Chamber(content, lot, checked=content is Content.DUMMY))
    return tuple(out)


def listed(values: Sequence[Any]) -> tuple[str, ...]:
    return tuple(str(v) for v in values if str(v))


def number(form: Mapping[str, Any], name: str, default: int = 0) -> int:
    raw = str(form.get(name, "") or default)
    if not raw.lstrip("-").isdigit():
        raise InvalidCommand(f"{name.replace('_', ' ')} must be a whole number")
    return int(raw)
