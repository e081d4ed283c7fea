"""The CLI as a user drives it: a real SQLite file and key in a temporary folder."""

from __future__ import annotations

import re
import sqlite3
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


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo")


@pytest.fixture
def seeded(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(demo_dir)
    if not (demo_dir / "coldcheck.db").exists():
        code, out = cc("demo")
        assert code == 0, out
    return demo_dir


def test_commands_need_init_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = cc("status")
    assert code == 1
    assert "coldcheck init" in out


def test_demo_is_intact_and_answers_all_seven_questions(seeded: Path) -> None:
    code, out = cc("verify")
    assert code == 0, out
    assert "intact" in out
    answers = {
        ("who-held", "colt-1"): "colt-1 was with location:ranch-safe",
        ("declared", "colt-1"): "shown to jack, dan",
        ("chambers", "colt-1", "--at", "2100-01-01 00:00"): "chamber 6: empty",
        ("trained", "mia"): "cross_draw: declined",
        ("concerns", "--before", "incident-1"): "never acknowledged by: concern-1: gil, paula",
        ("authority",): "firearm_safety: rosa; hiring: paula",
        ("incidents",): "misfire reported by sam",
    }
    for args, expected in answers.items():
        code, out = cc(*args)
        assert code == 0, out
        assert expected in out, (args, out)
        assert re.search(r"rests on events #\d+", out), (args, out)


@pytest.mark.parametrize(
    ("args", "code_expected"),
    [
        (
            (
                "--as",
                "dan",
                "issue",
                "colt-1",
                "--to",
                "jack",
                "--scene",
                "sc-12",
            ),
            "IssueItem needs",  # the role table, as at the API: no PIN is asked for
        ),
        (
            (
                "--as",
                "rosa",
                "lot",
                "receive",
                "live-1",
                "live",
                "--caliber",
                ".45 LC",
                "--count",
                "6",
                "--source",
                "unknown",
                "--invoice",
                "none",
            ),
            "AMM-1",
        ),
    ],
)
def test_unsafe_steps_are_refused_and_only_their_attempt_is_written(
    seeded: Path, args: tuple[str, ...], code_expected: str
) -> None:
    before = _event_count(seeded)
    code, out = cc(*args)
    assert code == 3, out
    assert code_expected in out
    assert f"the attempt is on the record (#{before + 1})" in out
    # A live lot's attempt opens an incident and its stand-down with it.
    assert _event_count(seeded) == before + (3 if code_expected == "AMM-1" else 1)


def test_untrained_cross_draw_and_stand_down_are_refused(seeded: Path) -> None:
    as_rosa = ("--as", "rosa")
    ok = [
        (
            "--as",
            "dan",
            "scene",
            "plan",
            "sc-30",
            "--title",
            "Mia's cross-draw",
            "--item",
            "colt-1",
            "--performer",
            "mia",
            "--ammo",
            "none",
            "--manoeuvre",
            "cross_draw",
        ),
        (*as_rosa, "scene", "approve", "sc-30"),
        ("--as", "dan", "scene", "approve", "sc-30"),
        ("--as", "dan", "meeting", "sc-30", "--attendee", "mia", "--attendee", "rosa"),
        (*as_rosa, "inspect", "colt-1", *(["--chamber", "empty"] * 6), "--shown-to", "mia"),
    ]
    for args in ok:
        code, out = cc(*args)
        assert code == 0, (args, out)
    code, out = cc(*as_rosa, "issue", "colt-1", "--to", "mia", "--scene", "sc-30", pin="2468")
    assert code == 3
    assert "TRN-2" in out
    assert "declined" in out
    code, out = cc("--as", "lane", "incident", "misfire", "--description", "misfire, sc-14")
    assert code == 0, out
    code, out = cc(*as_rosa, "issue", "colt-1", "--to", "mia", "--scene", "sc-30", pin="2468")
    assert code == 3
    assert "INC-1" in out
    code, out = cc("status")
    assert "STAND-DOWN" in out


def test_bad_input_names_the_problem(seeded: Path) -> None:
    code, out = cc("--as", "rosa", "inspect", "colt-1", "--chamber", "bullet")
    assert code == 2
    assert "chamber 'bullet'" in out
    code, out = cc("--as", "nobody", "move", "colt-1", "truck-safe")
    assert code == 4
    assert "unknown person 'nobody'" in out


def test_verify_names_the_tampered_event(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cc("demo")[0] == 0
    db = sqlite3.connect(tmp_path / "coldcheck.db")
    db.execute("DROP TRIGGER events_no_update")
    # The first event after the set-up that names lane: one flipped letter in it.
    seq, body = next(
        (s, bytes(b))
        for s, b in db.execute("SELECT seq, body FROM events WHERE seq > 40 ORDER BY seq")
        if b'"lane"' in bytes(b)
    )
    flipped = body.replace(b'"lane"', b'"lanf"', 1)
    db.execute("UPDATE events SET body = ? WHERE seq = ?", (flipped, seq))
    db.commit()
    db.close()
    code, out = cc("verify")
    assert code == 5
    assert f"first bad event #{seq}" in out


def test_log_filters_and_rules_list(seeded: Path) -> None:
    code, out = cc("log", "--item", "colt-2", "--type", "ItemIssued")
    assert code == 0
    assert "ItemIssued" in out
    assert "ItemRegistered" not in out
    code, out = cc("rules")
    assert code == 0
    assert "CUS-1" in out


def _event_count(folder: Path) -> int:
    with sqlite3.connect(folder / "coldcheck.db") as db:
        return int(db.execute("SELECT count(*) FROM events").fetchone()[0])


def test_the_console_applies_the_role_table_as_the_api_does(seeded: Path) -> None:
    before = _event_count(seeded)
    attempts = [
        (
            "training",
            "record",
            "mia",
            "--topic",
            "cross_draw",
            "--minutes",
            "30",
            "--trainer",
            "rosa",
        ),
        (
            "scene",
            "plan",
            "sc-40",
            "--title",
            "Lane's idea",
            "--item",
            "colt-1",
            "--performer",
            "mia",
            "--ammo",
            "none",
        ),
    ]
    for args in attempts:  # a camera operator, acting as themself on the console
        code, out = cc("--as", "lane", *args)
        assert code == 3, out
        assert "not allowed:" in out
        assert "nothing was recorded" in out
    assert _event_count(seeded) == before
    code, out = cc("--as", "lane", "concern", "raise", "Cable run across the fire exit.")
    assert code == 0, out  # what crew may do, they still can


def test_fitness_and_contacts_from_the_console(seeded: Path) -> None:
    code, out = cc(
        "--as", "paula", "person", "add", "kit", "--name", "Kit Lane", "--role", "armorer"
    )
    assert code == 0, out
    code, out = cc("--as", "paula", "person", "authority", "kit", "firearm_safety")
    assert code == 0, out
    assert "Kit Lane has no industry training on record" in out  # FIT-1, a warning
    assert "Kit Lane has no credit as head armorer on record" in out  # FIT-2
    for args in (
        ("person", "qualify", "kit", "--kind", "industry_training", "--number", "S-9"),
        ("person", "experience", "kit", "head_armorer", "--production", "Red Mesa"),
    ):
        extra = ("--expires", "2030-01-01", "--issuer", "CSATF")
        if "experience" in args:
            extra = ("--started", "2019-04-01", "--ended", "2019-06-30")
        code, out = cc("--as", "paula", *args, *extra)
        assert code == 0, out
    code, out = cc("status")
    assert code == 0, out
    assert "credentials lapsed" not in out
    code, out = cc(
        "--as", "paula", "production", "contacts", "--compliance", "nora",
        "--escalation", "dan", "--kind", "union_representative", "--hotline", "+1 505 555 0123",
    )  # fmt: skip
    assert code != 0
    assert "Dan Ortiz works on the set as 1st AD" in out


def test_verify_since_cosigned_refuses_with_the_reason_when_no_witness_cosigned(
    seeded: Path,
) -> None:
    code, out = cc("verify", "--since-cosigned")
    assert code != 0
    assert "no witness" in out
    assert "full `coldcheck verify`" in out


def test_verify_from_an_exported_checkpoint_says_what_it_did_not_recheck(
    seeded: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "checkpoint.txt"
    code, out = cc("checkpoint", "--export", str(exported))
    assert code == 0, out
    code, out = cc("verify", "--from", str(exported))
    assert code == 0, out
    assert "intact" in out
    assert "were not re-checked" in out
    assert "the checkpoint in" in out
