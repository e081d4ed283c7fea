"""Dossier as HTML (Jinja2, readable on a phone) and PDF (fpdf2, pure Python, for filing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import cast

from fpdf import FPDF
from jinja2 import Environment, FileSystemLoader, select_autoescape

from coldcheck.reports.dossier import Dossier
from coldcheck.reports.text import visible


def _shown(value: object) -> object:
    return visible(value) if isinstance(value, str) else value


# Every value a template prints is HTML-escaped, and its control characters spelled out.
_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    finalize=_shown,
)

# The PDF's built-in fonts are Latin-1; these are the few other characters our text uses.
_LATIN1 = str.maketrans(
    {
        "\u2014": "-",
        "\u2013": "-",
        "\u2192": "->",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00d7": "x",
        "\u00b7": "-",
    }
)


def html(d: Dossier) -> str:
    """The dossier as one self-contained HTML page."""
    return _ENV.get_template("dossier.html").render(d=d)


# The steps' table, in mm across the page between its margins, and the most lines one
# row holds: fpdf2 cannot break a row across pages, so a longer text continues in the
# next row (under the same event number), and no row is ever taller than a page.
_COLUMNS = (12, 38, 18, 122)
_LINE = 5
_ROW_LINES = 25


def _t(text: str) -> str:
    """Text the PDF's font can draw: control characters and the characters it lacks
    spelled out as escapes (\\x1b, \\u4e2d), visibly, never dropped or failed on."""
    latin1 = visible(text).translate(_LATIN1).encode("latin-1", "backslashreplace")
    return latin1.decode("latin-1")


def _para(doc: FPDF, height: float, text: str) -> None:
    doc.multi_cell(0, height, new_x="LMARGIN", new_y="NEXT", text=_t(text))


def _lines(doc: FPDF, width: float, text: str) -> list[str]:
    # 2 mm narrower than the column: each line then fits the table's cell as it is.
    lines = doc.multi_cell(width - 2, _LINE, _t(text), dry_run=True, output="LINES")
    return cast(list[str], lines)  # output="LINES" returns just the lines


def _rows(doc: FPDF, event: str, cells: tuple[str, ...]) -> Iterator[list[str]]:
    """One step as table rows of at most _ROW_LINES lines each, wrapped the way fpdf2
    wraps (a word longer than its column is broken between characters)."""
    columns = [_lines(doc, width, text) for width, text in zip(_COLUMNS[1:], cells, strict=True)]
    for start in range(0, max(1, *(len(lines) for lines in columns)), _ROW_LINES):
        yield [event, *("\n".join(lines[start : start + _ROW_LINES]) for lines in columns)]


def pdf(d: Dossier) -> bytes:
    """The dossier as a PDF: a title page, then one part per question."""
    doc = FPDF(format="A4")
    doc.set_auto_page_break(True, margin=15)
    doc.set_title(_t(f"Dossier: {d.name} - {d.scope}"))
    doc.add_page()
    doc.set_font("Helvetica", "B", 18)
    _para(doc, 10, f"Dossier: {d.name} ({d.production_id})")
    doc.set_font("Helvetica", "", 11)
    _para(
        doc,
        6,
        (
            f"Scope: {d.scope}.\nGenerated {d.when(d.generated_at)} from the record at event "
            f"#{d.head_seq}. Every statement cites the events (#seq) it rests on; the proof "
            'bundle proves each cited event against a signed checkpoint. "By" names the '
            "sender and how they proved who they are: a password log-in, a device token, or "
            "the server's console (whoever holds the database: a claim, not a proof).\n"
            "Characters this "
            "PDF's font cannot draw, and control characters, are written as escapes (\\u4e2d, "
            "\\x1b); the HTML dossier shows the others as recorded."
        ),
    )
    for sec in d.sections:
        doc.add_page()
        doc.set_font("Helvetica", "B", 14)
        _para(doc, 8, f"{sec.number}. {sec.title}")
        if not sec.answers:
            doc.set_font("Helvetica", "", 10)
            _para(doc, 6, "Nothing in the record for this scope.")
        for a in sec.answers:
            doc.set_font("Helvetica", "B", 11)
            _para(doc, 6, a.question)
            cites = ", ".join(f"#{n}" for n in sorted(set(a.seqs)))
            # A flagged summary (evidence filed elsewhere) in bold red, as the HTML draws it.
            doc.set_font("Helvetica", "B" if a.flagged else "", 10)
            doc.set_text_color(*((176, 0, 32) if a.flagged else (0, 0, 0)))
            _para(doc, 5, a.summary + (f" [{cites}]" if cites else ""))
            doc.set_text_color(0)
            doc.set_font("Helvetica", "", 10)
            if a.steps:
                with doc.table(col_widths=_COLUMNS, text_align="LEFT", line_height=_LINE) as table:
                    table.row(["Event", "When", "By", "What the record says"])
                    for s in a.steps:
                        for row in _rows(
                            doc, f"#{s.seq}", (d.when(s.at) if s.at else "", s.by, s.text)
                        ):
                            table.row(row)
            doc.ln(3)
    return bytes(doc.output())
