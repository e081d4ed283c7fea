"""A safety review from the CLI, on the demo's SQLite file: the signer types their own
PIN (hidden, never an option); a producer is refused and the attempt is on the record; a
discharge lifts its stand-down only once the armorer has countersigned."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldcheck.cli import app

runner = CliRunner()
REVIEW = (
    "--findings",
    "The strap caught the trigger.",
    "--cause",
    "A cocked revolver holstered.",
    "--actions",
    "Open-top holster; the armorer takes it at every cut.",
    "--involved",
    "sam",
)


def cc(*args: str, pin: str | None = None) -> tuple[int, str]:
    """Run the CLI; `pin` is what the signer types when the CLI asks for it."""
    typed = None if pin is None else f"{pin}\n"
    result = runner.invoke(app, list(args), input=typed, env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    code, out = cc("demo")
    assert code == 0, out
    code, out = cc(
        "--as", "dan", "incident", "accidental_discharge", "--item", "colt-2",
        "--description", "a blank fired on holstering",
    )  # fmt: skip
    assert code == 0, out
    return tmp_path


def test_a_discharge_is_signed_off_and_countersigned_with_pins(seeded: Path) -> None:
    code, out = cc("--as", "paula", "review", "incident-3", *REVIEW, pin="2468")
    assert code == 3, out  # the producer: refused at the door, before any PIN is asked
    assert "the attempt is on the record" in out
    assert "type your PIN" not in out
    code, out = cc("--as", "nora", "review", "incident-3", *REVIEW, pin="1111")
    assert code == 2, out
    assert "tries left" in out
    code, out = cc("--as", "nora", "review", "incident-3", *REVIEW, pin="2468")
    assert code == 0, out
    assert "Nora Finch, type your PIN to sign" in out
    assert "2468" not in out  # typed hidden
    assert "StandDownLifted" not in out
    code, out = cc("--as", "rosa", "review", "incident-3", "--countersign", pin="2468")
    assert code == 0, out
    assert "ReviewCountersigned" in out
    assert "StandDownLifted" in out


def test_a_review_names_what_it_lacks(seeded: Path) -> None:
    code, out = cc("--as", "nora", "review", "incident-3", "--findings", "x")
    assert code == 2
    assert "a review needs --cause, --actions" in out
    code, out = cc("--as", "rosa", "review", "incident-3", "--countersign", "--cause", "x")
    assert code == 2
    assert "give no --findings, --cause, --actions or --involved" in out
