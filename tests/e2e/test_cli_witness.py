"""`coldcheck witness key` and `trust`: the witness's vkey from its own key file, a name
or a vkey that cannot be refused by name (no database of the log's is involved)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from coldcheck.cli import app
from coldcheck.ledger import CosignatureVerifier, SigningKey

runner = CliRunner()


def test_witness_key_prints_its_cosigning_vkey(tmp_path: Path) -> None:
    key = tmp_path / "w.key"
    out = runner.invoke(app, ["witness", "key", "--key-file", str(key), "--name", "w.example/1"])
    assert out.exit_code == 0, out.output
    verifier = CosignatureVerifier.from_vkey(out.output.strip())
    assert verifier.name == "w.example/1"
    assert verifier.public_key == SigningKey.load(key).public_key_bytes()
    again = runner.invoke(app, ["witness", "key", "--key-file", str(key)])
    assert again.output.startswith(f"coldcheck-witness.{SigningKey.load(key).key_id()}+")


def test_a_name_or_vkey_that_cannot_be_is_refused_by_name(tmp_path: Path) -> None:
    key = str(tmp_path / "w.key")
    out = runner.invoke(app, ["witness", "key", "--key-file", key, "--name", "a b"])
    assert out.exit_code == 2
    assert "--name: a key name has no spaces" in out.output
    db = f"sqlite:///{tmp_path / 'w.db'}"
    out = runner.invoke(app, ["witness", "trust", "nope", "--database", db, "--key-file", key])
    assert out.exit_code == 2
    assert "not a log's vkey: a vkey is <name>+<hex key ID>+<base64 key>" in out.output
