"""The daily report as a PDF for the production office's files (fpdf2, as the dossier):
the same titled tables the tablet shows."""

from __future__ import annotations

from fpdf import FPDF

from coldcheck.reports.daily_words import Table
from coldcheck.reports.render import _t


def pdf(title: str, subtitle: str, sections: list[Table]) -> bytes:
    """One A4 document: the title, then each table, or what its absence means."""
    doc = FPDF(format="A4")
    doc.set_auto_page_break(True, margin=15)
    doc.set_title(_t(title))
    doc.add_page()
    doc.set_font("Helvetica", "B", 16)
    doc.multi_cell(0, 9, _t(title), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 10)
    doc.multi_cell(0, 5, _t(subtitle), new_x="LMARGIN", new_y="NEXT")
    for sec in sections:
        doc.ln(4)
        doc.set_font("Helvetica", "B", 13)
        doc.multi_cell(0, 7, _t(sec.title), new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", "", 9)
        if not sec.rows:
            doc.multi_cell(0, 5, _t(sec.empty), new_x="LMARGIN", new_y="NEXT")
            continue
        with doc.table(text_align="LEFT", line_height=5) as table:
            table.row([_t(h) for h in sec.head])
            for row in sec.rows:
                table.row([_t(cell) for cell in row])
    return bytes(doc.output())
