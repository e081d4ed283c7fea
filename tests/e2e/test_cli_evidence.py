"""Evidence and theft from the CLI, on the demo's SQLite file: a hand-in, its handover to
the sheriff with the sender on the record, a transfer; a theft refused without its reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldcheck.cli import app

runner = CliRunner()


def cc(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    code, out = cc("demo")
    assert code == 0, out
    return tmp_path


SHERIFF = ("--investigator", "Deputy Ana Cruz", "--agency", "Sheriff", "--case", "SFSO-1")


def test_hand_in_hand_over_and_transfer(seeded: Path) -> None:
    found = ("--by", "Mia Long", "--what", "one round", "--found-where", "costume trailer")
    code, out = cc("--as", "lane", "evidence", "hand-in", "incident-1", *found)
    assert code == 3, out  # the door: the armorer or a producer records it
    code, out = cc("--as", "rosa", "evidence", "hand-in", "incident-1", *found, "--rounds", "1")
    assert code == 0, out
    code, out = cc("--as", "paula", "evidence", "hand-over", "incident-1", *SHERIFF)
    assert code == 2, out
    assert "name one piece to hand over" in out
    hand_over = ("evidence", "hand-over", "incident-1", "--hand-in", "handin-3", *SHERIFF)
    code, out = cc("--as", "paula", *hand_over)
    assert code == 0, out
    code, out = cc("--as", "paula", *hand_over)
    assert code == 3, out
    assert "EVD-3" in out
    lab = ("--investigator", "J. Ortega", "--agency", "State lab", "--case", "LAB-1")
    code, out = cc("--as", "rosa", "evidence", "transfer", "evidence-3", *lab)
    assert code == 0, out
    code, out = cc("log")
    assert "EvidenceTransferred" in out


def test_a_stolen_revolver_needs_its_reports(seeded: Path) -> None:
    stolen = ("item", "dispose", "colt-1", "--disposition", "theft")
    code, out = cc("--as", "rosa", *stolen)
    assert code == 3, out
    assert "CUS-7" in out
    code, out = cc("--as", "rosa", *stolen, "--police-report", "P-1", "--atf-report", "A-1")
    assert code == 0, out
