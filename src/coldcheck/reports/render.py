"""Dossier as HTML (Jinja2, readable on a phone) and PDF (fpdf2, pure Python, for filing)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from jinja2 import Environment, FileSystemLoader, select_autoescape

from coldcheck.reports.dossier import Dossier

_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                   autoescape=select_autoescape(["html"]))

# The PDF's built-in fonts are Latin-1; these are the few other characters our text uses.
_LATIN1 = str.maketrans({"\u2014": "-", "\u2013": "-", "\u2192": "->", "\u2018": "'",
                         "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2026": "...",
                         "\u00d7": "x", "\u00b7": "-"})


def html(d: Dossier) -> str:
    """The dossier as one self-contained HTML page."""
    return _ENV.get_template("dossier.html").render(d=d)


def _t(text: str) -> str:
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def _para(doc: FPDF, height: float, text: str) -> None:
    doc.multi_cell(0, height, new_x="LMARGIN", new_y="NEXT", text=_t(text))


def pdf(d: Dossier) -> bytes:
    """The dossier as a PDF: a title page, then one part per question."""
    doc = FPDF(format="A4")
    doc.set_auto_page_break(True, margin=15)
    doc.set_title(_t(f"Dossier: {d.name} - {d.scope}"))
    doc.add_page()
    doc.set_font("Helvetica", "B", 18)
    _para(doc, 10, f"Dossier: {d.name} ({d.production_id})")
    doc.set_font("Helvetica", "", 11)
    _para(doc, 6, (
        f"Scope: {d.scope}.\nGenerated {d.when(d.generated_at)} from the record at event "
        f"#{d.head_seq}. Every statement cites the events (#seq) it rests on; the proof "
        "bundle proves each cited event against a signed checkpoint."))
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
            doc.set_font("Helvetica", "", 10)
            _para(doc, 5, a.summary + (f" [{cites}]" if cites else ""))
            if a.steps:
                with doc.table(col_widths=(12, 38, 18, 122), text_align="LEFT",
                               line_height=5) as table:
                    table.row(["Event", "When", "By", "What the record says"])
                    for s in a.steps:
                        table.row([f"#{s.seq}", _t(d.when(s.at)) if s.at else "",
                                   _t(s.actor or ""), _t(s.text)])
            doc.ln(3)
    return bytes(doc.output())
