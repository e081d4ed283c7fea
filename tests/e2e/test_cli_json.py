"""`coldcheck --json`: one JSON document on stdout for every command and question, in the
API's own shapes, with the same exit codes; prompts on stderr; new ids in plain output."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from coldcheck.api.handoff import PreCheckOut
from coldcheck.api.schemas import AnswerOut, Board, CommandResult, Problem, RuleOut, VerifyOut
from coldcheck.bootstrap import open_accounts, open_app
from coldcheck.cli import app
from coldcheck.config import Settings
from coldcheck.demo import DEMO_PIN

runner = CliRunner()
EMPTY_SIX = [arg for _ in range(6) for arg in ("--chamber", "empty")]


def cc(*args: str, typed: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=typed, env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


def document(*args: str, typed: str | None = None, exit_code: int = 0) -> Any:
    """The one JSON document a --json command prints; nothing else on stdout."""
    code, out, err = cc("--json", *args, typed=typed)
    assert code == exit_code, out + err
    return json.loads(out)  # the whole of stdout parses: no prose, no prompt in it


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-json")


@pytest.fixture
def seeded(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(demo_dir)
    if not (demo_dir / "coldcheck.db").exists():
        assert document("demo")["seeded"] is True
    return demo_dir


def test_a_command_prints_what_it_recorded_as_the_api_does(seeded: Path) -> None:
    done = CommandResult.model_validate(
        document("--as", "lane", "concern", "raise", "the revolver's cylinder looked loaded")
    )
    raised = done.events[0]
    assert raised.type == "ConcernRaised"
    assert raised.actor == "lane"
    assert raised.proof == "console"
    concern = raised.data["concern_id"]
    # …and it is what the log holds at that seq.
    logged = document("log", "--since", str(raised.seq - 1), "--limit", "1")
    assert logged[0]["event_id"] == raised.event_id
    assert logged[0]["data"]["concern_id"] == concern


def test_plain_output_names_the_new_ids(seeded: Path) -> None:
    code, out, _ = cc("--as", "lane", "concern", "raise", "a box of rounds with no label")
    assert code == 0
    assert re.search(r"^#\d+ ConcernRaised concern-\d+$", out, re.MULTILINE), out


def test_a_refusal_is_the_problem_document_with_its_rules_and_attempt(seeded: Path) -> None:
    before = document("verify")["events"]
    refused = Problem.model_validate(
        document(
            "--as",
            "rosa",
            "handover",
            "colt-1",
            "--to",
            "mia",
            "--scene",
            "sc-12",
            "--barrel",
            "clear",
            *EMPTY_SIX,
            typed=f"{DEMO_PIN}\n",
            exit_code=3,
        )
    )
    assert refused.type == "/problems/refused"
    assert refused.status == 409
    assert {"SCN-2", "TRN-2"} <= {v.code for v in refused.violations}
    # The attempt it names is the one event the refusal added.
    assert refused.attempt == before + 1
    assert document("verify")["events"] == before + 1
    attempt = document("log", "--since", str(before), "--limit", "1")[0]
    assert attempt["type"] == "AttemptRefused"


def test_errors_keep_their_exit_codes(seeded: Path) -> None:
    missing = document("who-held", "no-such-item", exit_code=4)
    assert missing["type"] == "/problems/not-found"
    assert "no-such-item" in missing["detail"]
    forbidden = document("--as", "lane", "move", "colt-1", "truck-safe", exit_code=3)
    assert forbidden["type"] == "/problems/forbidden"
    wrong = document(
        "--as",
        "rosa",
        "handover",
        "colt-1",
        "--to",
        "jack",
        "--scene",
        "sc-12",
        "--barrel",
        "clear",
        *EMPTY_SIX,
        typed="0000\n",
        exit_code=2,
    )
    assert wrong["type"] == "/problems/wrong-pin"
    assert wrong["tries_left"] >= 1


def test_questions_and_reads_in_the_apis_shapes(seeded: Path) -> None:
    held = AnswerOut.model_validate(document("who-held", "colt-1"))
    assert held.steps
    assert set(held.seqs) >= {s.seq for s in held.steps}
    board = Board.model_validate(document("status"))
    assert "colt-1" in {i.item_id for i in board.items}
    assert VerifyOut.model_validate(document("verify")).ok
    rules = [RuleOut.model_validate(r) for r in document("rules")]
    assert "SCN-2" in {r.code for r in rules}
    ready = PreCheckOut.model_validate(document("--as", "rosa", "precheck", "sc-12"))
    assert ready.scene_id == "sc-12"
    daily = document("daily-report")
    assert daily["production_id"] == "cold-creek"
    book = document("bound-book")
    assert book
    assert "colt-1" in {row["item_id"] for row in book}
    key = document("key", "show")
    assert key["fingerprint"].startswith("SHA256:")
    assert "cold-creek" in key["vkeys"]
    checkpoint = document("checkpoint")
    assert checkpoint["note"].startswith("coldcheck.")


def test_a_blocked_precheck_is_still_one_document_and_exit_3(seeded: Path) -> None:
    blocked = PreCheckOut.model_validate(
        document("--as", "rosa", "precheck", "sc-12", "--to", "mia", exit_code=3)
    )
    assert not blocked.ready


def test_typed_text_cannot_reach_the_terminal_as_a_control_sequence(seeded: Path) -> None:
    code, out, _ = cc("--json", "--as", "lane", "concern", "raise", "clear\x1b[2Jscreen\x9b31m")
    assert code == 0
    assert "\x1b" not in out
    assert "\x9b" not in out
    assert json.loads(out)["events"][0]["data"]["text"] == "clear\x1b[2Jscreen\x9b31m"


def test_set_pin_needs_the_password_and_the_pin_twice(seeded: Path) -> None:
    settings = Settings.load(None, None)
    accounts = open_accounts(open_app(settings))
    accounts.create("newhand", "correct horse battery")
    wrong = document("account", "set-pin", "newhand", typed="not it\n", exit_code=2)
    assert "password" in wrong["detail"]
    mismatch = document(
        "account", "set-pin", "newhand", typed="correct horse battery\n1357\n7531\n", exit_code=2
    )
    assert "not the same" in mismatch["detail"]
    row = accounts.rows.get("newhand")
    assert row is not None
    assert row.pin_hash is None
    assert document(
        "account", "set-pin", "newhand", typed="correct horse battery\n1357\n1357\n"
    ) == {"account": "newhand", "pin_set": True}
    row = accounts.rows.get("newhand")
    assert row is not None
    assert row.pin_hash is not None
    code, out, err = cc("account", "set-pin", "newhand", typed="correct horse battery\n12\n")
    assert code == 2
    assert "4 to 8 digits" in err
    assert "1357" not in out + err  # a PIN is never echoed back
