"""The hand-over and the pre-check from the CLI, on the demo's SQLite file: one step,
both recorded or neither; the dry run exits 3 while anything blocks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldcheck.cli import app

runner = CliRunner()


def cc(*args: str, pin: str | None = None) -> tuple[int, str]:
    """Run the CLI; `pin` is what the recipient types when the CLI asks for it."""
    typed = None if pin is None else f"{pin}\n"
    result = runner.invoke(app, list(args), input=typed, env={"COLUMNS": "200"})
    return result.exit_code, result.output


def _head() -> int:
    code, out = cc("status")
    assert code == 0, out
    found = re.search(r"event #(\d+)", out)
    assert found, out
    return int(found.group(1))


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    code, out = cc("demo")
    assert code == 0, out
    return tmp_path


HAND_OVER = ("handover", "colt-1", "--to", "jack", "--scene", "sc-12", "--barrel", "clear")


def test_precheck_then_hand_over_in_one_step(seeded: Path) -> None:
    code, out = cc("--as", "rosa", "precheck", "sc-12")
    assert code == 0, out
    assert "READY   colt-1 → Jack Reyes" in out
    code, out = cc("--as", "dan", "precheck", "sc-12")
    assert code == 3
    assert "INS-1" in out
    assert "Dan Ortiz does not hold firearm-safety authority" in out
    code, out = cc("--as", "rosa", "precheck", "sc-12", "--item", "colt-2")
    assert code == 3
    assert "SCN-2" in out
    before = _head()
    dummies = [arg for _ in range(6) for arg in ("--chamber", "dummy:dum-45")]
    code, out = cc("--as", "rosa", *HAND_OVER, *dummies, pin="")  # Jack types nothing
    assert code == 2
    assert "PIN" in out
    assert _head() == before  # not even the inspection
    code, out = cc("--as", "rosa", *HAND_OVER, *dummies, pin="1111")  # not Jack's PIN
    assert code == 2
    assert "tries left" in out
    assert _head() == before
    code, out = cc("--as", "rosa", *HAND_OVER, "--chamber", "empty", pin="2468")  # five missing
    assert code == 3
    assert "INS-2" in out
    assert f"the attempt is on the record (#{before + 1})" in out
    assert _head() == before + 1  # its attempt alone: no inspection, no issue
    code, out = cc("--as", "rosa", *HAND_OVER, *dummies, "--shown-to", "dan", pin="2468")
    assert code == 0, out
    assert "Jack Reyes, type your PIN to confirm you were shown it clear" in out
    assert "2468" not in out  # typed hidden
    assert "ItemInspected" in out
    assert "ItemIssued" in out
    assert _head() == before + 3
    code, out = cc("declared", "colt-1")
    assert code == 0, out
    assert "shown to jack, dan" in out


def test_the_barrel_is_never_assumed(seeded: Path) -> None:
    code, out = cc("--as", "rosa", "handover", "colt-1", "--to", "jack", "--scene", "sc-12")
    assert code == 2
    assert "--barrel" in out
