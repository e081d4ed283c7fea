"""The one way the CLI prints. What people typed (concerns, names, serials, findings) is
shown as text: never read as Rich markup, which would let `[/bold]` crash every later
report or `[white on white]` hide words, and never passed to the terminal as a control
sequence. Style comes only from `styled`, never from markup in a string."""

from __future__ import annotations

from typing import Any

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
