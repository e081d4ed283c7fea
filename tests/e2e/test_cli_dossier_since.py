"""`coldcheck dossier --since FILE` with a checkpoint that is not one the log extends:
exit 5 naming why, or exit 2 for a file that is no checkpoint at all; never a traceback,
and no dossier written. On SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldcheck.cli import app
from coldcheck.ledger import SigningKey
from support.service_db import Databases, seed_demo

runner = CliRunner()


@dataclass(frozen=True)
class Shell:
    url: str
    key: Path

    def run(self, *args: str) -> tuple[int, str]:
        result = runner.invoke(
            app,
            ["--database-url", self.url, "--key-file", str(self.key), *args],
            env={"COLUMNS": "200"},
        )
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        return result.exit_code, result.output

    def ok(self, *args: str) -> str:
        code, out = self.run(*args)
        assert code == 0, (args, out)
        return out


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "signing.key"
    SigningKey.generate().save(path)
    return path


def _seeded(databases: Databases, key: Path) -> Shell:
    """The demo day in a database of its own (through the service: the CLI's `demo` also
    hashes a password for every account, which these tests do not need)."""
    url = databases.create()
    seed_demo(url, SigningKey.load(key)).store.close()
    return Shell(url, key)


@pytest.fixture
def shell(databases: Databases, key: Path) -> Shell:
    return _seeded(databases, key)


def _export(shell: Shell, path: Path, *options: str) -> Path:
    shell.ok(*options, "checkpoint", "--export", str(path))
    return path


def _refused(shell: Shell, since: Path, out: Path, code: int, *options: str) -> str:
    got, text = shell.run(*options, "dossier", "--since", str(since), "--out", str(out))
    assert got == code, text
    assert not out.exists(), "a refused dossier must not be written"
    return " ".join(text.split())  # Rich wraps long messages


def test_a_checkpoint_the_log_extends_is_proven(shell: Shell, tmp_path: Path) -> None:
    kept = _export(shell, tmp_path / "kept.json")
    shell.ok("--as", "lane", "concern", "raise", "later")
    shell.ok("dossier", "--since", str(kept), "--out", str(tmp_path / "d"))
    out = shell.ok("verify-bundle", str(tmp_path / "d" / "bundle.json"))
    assert "the log only grew since the earlier checkpoint" in out


def test_a_checkpoint_of_a_longer_log_exits_5(
    databases: Databases, key: Path, shell: Shell, tmp_path: Path
) -> None:
    shell.ok("--as", "lane", "concern", "raise", "one more")
    kept = _export(shell, tmp_path / "longer.json")
    shorter = _seeded(databases, key)  # the same production, key and demo, less
    text = _refused(shorter, kept, tmp_path / "d", 5)
    assert "error: the record does not extend the checkpoint: it is of" in text
    assert "events were removed, or it is of a longer log" in text


def test_a_checkpoint_of_another_log_of_the_same_size_exits_5(
    databases: Databases,
    key: Path,
    shell: Shell,
    tmp_path: Path,
) -> None:
    shell.ok("--as", "lane", "concern", "raise", "the cart was left alone")
    kept = _export(shell, tmp_path / "kept.json")
    again = _seeded(databases, key)
    again.ok("--as", "lane", "concern", "raise", "the safe was open")
    text = _refused(again, kept, tmp_path / "d", 5)
    assert "do not hash to its root" in text


def test_a_checkpoint_of_another_production_exits_5(shell: Shell, tmp_path: Path) -> None:
    shell.ok("production", "create", "other-show", "--name", "Other")
    kept = _export(shell, tmp_path / "other.json", "--production", "other-show")
    text = _refused(shell, kept, tmp_path / "d", 5, "--production", "cold-creek")
    assert "it is of production 'other-show', not cold-creek" in text


def test_an_altered_checkpoint_exits_5(shell: Shell, tmp_path: Path) -> None:
    kept = _export(shell, tmp_path / "kept.json")
    doc = json.loads(kept.read_text())
    doc["at_us"] += 1
    kept.write_text(json.dumps(doc))
    text = _refused(shell, kept, tmp_path / "d", 5)
    assert "its signature does not verify" in text


NOT_CHECKPOINTS = {
    "garbage": (b"garbage", "Expecting value"),
    "binary": (b"\xff\xfe\x00garbage", "not a checkpoint file"),
    "deep": (b"[" * 100_000, "nested too deeply"),
    "partial": (b'{"tree_size": 3}', "must have exactly the keys"),
    "list": (b"[1, 2]", "must have exactly the keys"),
    "types": (
        b'{"production_id": "cold-creek", "tree_size": "3", "root": "00", '
        b'"at_us": 1, "key_id": "0000000000000000", "signature": "00"}',
        "tree_size must be an int",
    ),
    "duplicate": (b'{"production_id": "x", "production_id": "y"}', "duplicate JSON object key"),
}


def test_a_file_that_is_no_checkpoint_exits_2(shell: Shell, tmp_path: Path) -> None:
    text = _refused(shell, tmp_path / "missing.json", tmp_path / "d", 2)
    assert "error: --since" in text
    assert "not a checkpoint file (" in text
    assert "No such file" in text
    text = _refused(shell, tmp_path, tmp_path / "d", 2)  # a folder
    assert "not a checkpoint file (" in text
    for name, (content, problem) in NOT_CHECKPOINTS.items():
        since = tmp_path / f"{name}.json"
        since.write_bytes(content)
        text = _refused(shell, since, tmp_path / "d", 2)
        assert f"error: --since {since}: not a checkpoint file (" in text, name
        assert problem in text, (name, text)
