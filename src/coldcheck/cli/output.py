"""The one way the CLI prints. What people typed (concerns, names, serials, findings) is
shown as text: never read as Rich markup, which would let `[/bold]` crash every later
report or `[white on white]` hide words, and never passed to the terminal as a control
sequence. Style comes only from `styled`, never from markup in a string."""

from __future__ import annotations

import json
from typing import Any

import typer
from pydantic_core import to_jsonable_python
from rich.console import Console
from rich.text import Text

from coldcheck.reports.text import visible


class PlainConsole(Console):
    """A console on which every str is plain text with its control characters spelled
    out; this covers what is printed and every str cell of a table."""

    def __init__(self, *, stderr: bool = False) -> None:
        super().__init__(stderr=stderr, markup=False, emoji=False)
        # Rich fixes the width from $COLUMNS when a console is made; these live as long as
        # the process, so the width is read (terminal, then $COLUMNS) at each print.
        self._width = None

    def render_str(self, text: str, **options: Any) -> Text:
        options["markup"] = options["emoji"] = False
        return super().render_str(visible(text), **options)


console = PlainConsole()
err = PlainConsole(stderr=True)


def styled(*parts: object | tuple[object, str]) -> Text:
    """A line from parts, each a value or (value, Rich style), every one shown as text:
    styled(("#12", "green"), " ", rec.type)."""
    line = Text()
    for part in parts:
        value, style = part if isinstance(part, tuple) else (part, "")
        line.append(visible(str(value)), style)
    return line


class _Mode:
    """`coldcheck --json`: each command prints one JSON document on stdout instead."""

    json = False


def use_json(on: bool) -> None:
    _Mode.json = on


def json_mode() -> bool:
    return _Mode.json


def emit(document: object) -> None:
    """Print one JSON document (the API's own shapes where it has one: pydantic models,
    the reports' dataclasses). ASCII only, so no text anyone typed can reach the terminal
    as a control sequence."""
    data = to_jsonable_python(document)
    typer.echo(json.dumps(data, ensure_ascii=True, indent=2))
