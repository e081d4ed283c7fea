"""Reports over HTTP when people typed something hostile: the PDF dossier is still a PDF
(a word of 2,000 characters once made it a 500, for ever), the HTML escapes, the bound
book's cells never start a spreadsheet formula."""

from __future__ import annotations

import csv
import io

from support.api_client import BASE, Api

LONG_WORD = "W" * 1990 + "abcdefghij"  # 2,000 characters, most of them wide
HOSTILE = f"long: {LONG_WORD} <script>alert(1)</script> \U0001f52b 中文 \x1b[2J \u202eevil"
FORMULA = '=HYPERLINK("https://example.invalid","x")'


def test_dossiers_of_hostile_text_are_served(api: Api) -> None:
    r = api.command("raise-concern", {"text": HOSTILE, "anonymous": True}, "jack")
    assert r.status_code == 200, r.text
    r = api.get(f"{BASE}/dossier", "rosa", format="pdf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    assert r.content.rstrip().endswith(b"%%EOF")
    r = api.get(f"{BASE}/dossier", "rosa", format="html")
    assert r.status_code == 200, r.text
    assert LONG_WORD in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "<script>" not in r.text
    assert "\\x1b[2J \\u202eevil" in r.text
    assert "\x1b" not in r.text


def test_bound_book_csv_quotes_formulas(api: Api) -> None:
    r = api.command(
        "register-item",
        {
            "item_id": "odd-csv",
            "kind": "firearm",
            "serial": FORMULA,
            "tag": "odd-csv",
            "description": "-1+1",
            "location_id": "truck-safe",
            "manufacturer": "@SUM(1)",
            "model": "+1",
            "source": "\t=1",
            "caliber": ".45",
        },
        "rosa",
    )
    assert r.status_code == 200, r.text
    r = api.get(f"{BASE}/bound-book.csv", "rosa")
    assert r.status_code == 200, r.text
    row = next(row for row in csv.DictReader(io.StringIO(r.text)) if row["item_id"] == "odd-csv")
    assert row["serial_number"] == "'" + FORMULA
    assert row["manufacturer"] == "'@SUM(1)"
    assert row["model"] == "'+1"
    assert row["acquired_from"] == "'\t=1"
    assert row["caliber_or_gauge"] == ".45"
