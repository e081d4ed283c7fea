"""The CLI's one way of printing: any text at all comes out as text."""

from __future__ import annotations

import ast
import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from rich.table import Table

import coldcheck.cli
from coldcheck.cli.output import PlainConsole, styled
from coldcheck.reports.text import visible

ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]))


def _printed(*renderables: object) -> str:
    console = PlainConsole()
    console.file = io.StringIO()
    console.width = 100_000
    for r in renderables:
        console.print(r)
    out = console.file.getvalue()
    assert isinstance(out, str)
    return out


@given(ANY_TEXT)
def test_any_text_prints_without_markup_or_control_characters(text: str) -> None:
    table = Table()
    table.add_column("what")
    table.add_row(text)
    table.add_row(styled((text, "bold"), text))
    out = _printed(text, styled("by ", (text, "green")), table)
    assert visible(out) == out
    if "\t" not in text:  # Rich lays tabs out as spaces
        assert visible(text) in out


@given(ANY_TEXT)
def test_visible_spells_out_once_and_keeps_the_rest(text: str) -> None:
    shown = visible(text)
    assert visible(shown) == shown
    kept = [ch for ch in text if ch.isprintable() or ch in "\n\t \\"]
    assert all(ch in shown for ch in kept)


def test_control_characters_are_spelled_out() -> None:
    assert visible("a\x1b[2J\x07\x9b\u202e\nb\tc\x00") == "a\\x1b[2J\\x07\\x9b\\u202e\nb\tc\\x00"
    assert visible("[/bold] ünïcödé 中文 🔫") == "[/bold] ünïcödé 中文 🔫"


def test_every_cli_module_prints_through_the_plain_consoles() -> None:
    """A Console made elsewhere, or rich's own print, would read markup again."""
    cli = Path(coldcheck.cli.__file__).parent
    offenders = []
    for path in sorted(cli.glob("*.py")):
        if path.name == "output.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in ("rich", "rich.console"):
                offenders += [
                    f"{path.name}:{node.lineno} from {node.module} import {a.name}"
                    for a in node.names
                ]
            elif isinstance(node, ast.Import):
                offenders += [
                    f"{path.name}:{node.lineno} import {a.name}"
                    for a in node.names
                    if a.name in ("rich", "rich.console")
                ]
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and (node.func.id == "print")
            ):
                offenders.append(f"{path.name}:{node.lineno} print()")
    assert not offenders, offenders
