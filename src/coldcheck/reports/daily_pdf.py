"""The daily report as a PDF for the production office's files, in the dossier's
embedded fonts and layout (render.Document): the same titled tables the tablet shows."""

from __future__ import annotations

from coldcheck.reports.daily_words import Table
from coldcheck.reports.render import Document


def pdf(title: str, subtitle: str, sections: list[Table]) -> bytes:
    """One A4 document: the title, then each table, or what its absence means."""
    doc = Document(title)
    doc.set_title(doc.t(title))
    doc.add_page()
    doc.use("B", 16)
    doc.para(9, title)
    doc.use("", 10)
    doc.para(5, subtitle)
    across = doc.w - doc.l_margin - doc.r_margin
    for sec in sections:
        doc.ln(4)
        doc.use("B", 13)
        doc.para(7, sec.title)
        doc.use("", 9)
        if not sec.rows:
            doc.para(5, sec.empty)
            continue
        doc.grid([across / len(sec.head)] * len(sec.head), sec.head, sec.rows)
    return bytes(doc.output())
