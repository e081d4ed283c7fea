"""`coldcheck checkpoint` prints the signed head as a C2SP checkpoint note, and
`coldcheck key show` the key that opens it; on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldcheck.cli import app
from coldcheck.ledger import Ed25519Verifier, SigningKey, open_checkpoint
from support.service_db import Databases, seed_demo

runner = CliRunner()


def _run(url: str, key: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(
        app,
        ["--database-url", url, "--key-file", str(key), *args],
        env={"COLUMNS": "300", **(env or {})},
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def seeded(databases: Databases, tmp_path: Path) -> tuple[str, Path]:
    key = tmp_path / "signing.key"
    SigningKey.generate().save(key)
    url = databases.create()
    seed_demo(url, SigningKey.load(key)).store.close()
    return url, key


def test_the_note_opens_with_the_vkey_key_show_prints(seeded: tuple[str, Path]) -> None:
    url, key = seeded
    shown = _run(url, key, "key", "show")
    public = SigningKey.load(key).public_key_bytes()
    assert f"public key: {public.hex()}" in shown
    assert f"fingerprint: SHA256:{hashlib.sha256(public).hexdigest()}" in shown
    vkey = re.search(r"vkey cold-creek: (\S+)", shown)
    assert vkey is not None, shown
    verifier = Ed25519Verifier.from_vkey(vkey.group(1))
    note = _run(url, key, "checkpoint", "--note")
    head, _ = open_checkpoint(note, [verifier], verifier.name)
    assert verifier.name == f"coldcheck.{SigningKey.load(key).key_id()}/cold-creek"
    summary = _run(url, key, "checkpoint")
    assert summary.startswith(f"checkpoint at size {head.size}: root {head.root.hex()}")
    assert summary.endswith(note), "without --note, the note follows the summary line"


def test_a_configured_deployment_names_the_origin(seeded: tuple[str, Path]) -> None:
    url, key = seeded
    env = {"COLDCHECK_DEPLOYMENT": "cold-creek-films.example"}
    note = _run(url, key, "checkpoint", "--note", env=env)
    assert note.startswith("coldcheck.cold-creek-films.example/cold-creek\n")
    assert "vkey cold-creek: coldcheck.cold-creek-films.example/cold-creek+" in _run(
        url, key, "key", "show", env=env
    )


def test_a_deployment_name_that_cannot_be_an_origin_is_refused_by_name(
    seeded: tuple[str, Path],
) -> None:
    url, key = seeded
    result = runner.invoke(
        app,
        ["--database-url", url, "--key-file", str(key), "checkpoint"],
        env={"COLDCHECK_DEPLOYMENT": "Cold Creek", "COLUMNS": "300"},
    )
    assert result.exit_code != 0
    assert "COLDCHECK_DEPLOYMENT: a deployment name is" in result.output
