"""`coldcheck restore` as an operator runs it: what it refuses, resets and restores, said
line by line (a real SQLite file and key in a temporary folder)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldcheck.cli import app

runner = CliRunner()


def cc(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "250"})
    return result.exit_code, result.output


@pytest.fixture
def backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A backup of the demo, taken after someone planted a trigger, a device token and a
    second account for the armorer."""
    monkeypatch.chdir(tmp_path)
    code, out = cc("demo")
    assert code == 0, out
    with sqlite3.connect("coldcheck.db") as conn:
        conn.execute(
            "CREATE TRIGGER grant_admin AFTER INSERT ON events "
            "BEGIN UPDATE accounts SET is_admin = 1; END"
        )
        conn.execute(
            "INSERT INTO tokens VALUES ('0123456789abcdef', x'00', 'admin', "
            "'device', 'planted', 0, 9000000000000000000, NULL)"
        )
        conn.execute("UPDATE memberships SET person_id = 'rosa' WHERE username = 'lane'")
    conn.close()
    code, out = cc("backup", "demo.backup")
    assert code == 0, out
    return tmp_path / "demo.backup"


def test_restore_asks_who_is_administrator_then_says_what_it_did(backup: Path) -> None:
    into = ("--database-url", "sqlite:///restored.db")
    code, out = cc(*into, "restore", str(backup))
    assert code == 2, out
    assert "the backup has 1 administrator account(s): admin" in out
    assert "--admin NAME" in out
    assert not Path("restored.db").exists(), "a refused restore leaves nothing behind"

    code, out = cc(*into, "restore", str(backup), "--admin", "admin")
    assert code == 0, out
    text = " ".join(out.split())  # however wide the console is, lines may wrap
    for expected in (
        "restored and verified: cold-creek, 127 events, 1 signed checkpoint(s)",
        "schema: trigger grant_admin on events: in the backup but not made by the "
        "migrations; not restored",
        "not restored: tokens (1 row(s)): every session and device token is void after a "
        "restore: everyone logs in again",
        "administrator: admin",
        "refused: memberships: lane as rosa on cold-creek: 2 accounts (lane, rosa) claim "
        "rosa; link the right one with `coldcheck account link`",
    ):
        assert expected in text, (expected, out)
    code, out = cc(*into, "verify")
    assert code == 0, out


def test_restore_options_are_documented_and_exclusive(backup: Path) -> None:
    code, out = cc("restore", "--help")
    assert code == 0
    assert "--admin" in out
    assert "--no-admin" in out
    code, out = cc(
        "--database-url",
        "sqlite:///restored.db",
        "restore",
        str(backup),
        "--admin",
        "admin",
        "--no-admin",
    )
    assert code == 2
    assert "exclude each other" in out


def test_a_tampered_log_is_refused_with_exit_5_and_nothing_kept(backup: Path) -> None:
    with sqlite3.connect(backup) as conn:
        conn.execute("DROP TRIGGER events_no_update")
        conn.execute("UPDATE events SET actor = 'rosa' WHERE seq = 44")
    conn.close()
    code, out = cc("--database-url", "sqlite:///restored.db", "restore", str(backup), "--no-admin")
    assert code == 5, out
    assert "first bad event #44" in out
    assert not Path("restored.db").exists()
