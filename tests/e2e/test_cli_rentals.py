"""Rentals from the CLI, on the demo's SQLite file: a revolver picked up from the rental
house (one not on the invoice refused), returned with the armorer's PIN typed (a wrong
PIN records nothing), and the bound book showing the acquisition and the return."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldcheck import demo
from coldcheck.cli import app

runner = CliRunner()


def cc(*args: str, typed: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), input=typed, env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    code, out = cc("demo")
    assert code == 0, out
    return tmp_path


REGISTER = (
    "item", "register", "colt-3", "firearm", "--serial", "SA-32001", "--tag",
    "CC-0005", "--description", "Colt SAA, 4.75 in", "--location", "truck-safe",
    "--chambers", "6", "--manufacturer", "Colt", "--model", "Single Action Army",
    "--caliber", ".45 LC",
)  # fmt: skip
PICK_UP = (
    "rental", "pick-up", "wpr-0419", "--house", "western", "--agreement", "WPR-2026-0419",
    "--item", "colt-3", "--by", "rosa",
)  # fmt: skip
RETURN = (
    "rental", "return", "colt-3", "--house", "western", "--receiver", "Luis Baca",
    "--reference", "WPR-RET-0419-1",
)  # fmt: skip


def test_pick_up_return_and_the_bound_book(seeded: Path) -> None:
    code, out = cc("--as", "rosa", *REGISTER)
    assert code == 0, out
    code, out = cc("--as", "rosa", *PICK_UP, "--serial", "SA-32010")
    assert code == 3, out
    assert "RNT-2" in out
    code, out = cc("--json", "--as", "rosa", *PICK_UP, "--serial", "SA-32001")
    assert code == 0, out
    assert "RentalPickedUp" in out
    code, out = cc("--as", "rosa", *RETURN, typed="0000\n")
    assert code != 0, out
    assert "Rosa Vega, type your PIN to sign" in out
    code, out = cc("--as", "rosa", *RETURN, typed=f"{demo.DEMO_PIN}\n")
    assert code == 0, out
    code, out = cc("--as", "rosa", "move", "colt-3", "gun-cart")
    assert code == 3, out
    assert "RNT-6" in out
    code, out = cc("bound-book")
    assert code == 0, out
    rows = {r["item_id"]: r for r in csv.DictReader(io.StringIO(out))}
    colt3 = rows["colt-3"]
    assert colt3["acquired_from"].startswith("Western Prop Rentals, 1120 Second St SW")
    assert colt3["acquisition_reference"] == "rental agreement WPR-2026-0419"
    assert colt3["disposed_to"].startswith("Returned to Western Prop Rentals, 1120 Second St")
    assert colt3["disposed_to"].endswith("(received by Luis Baca)")
    # The demo's own: the rifle returned at wrap.
    assert rows["rifle-1"]["disposition_reference"] == "WPR-RET-0412-1"
    assert colt3["disposition_reference"] == "WPR-RET-0419-1"
