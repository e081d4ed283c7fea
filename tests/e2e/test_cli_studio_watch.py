"""`coldcheck studio watch / watched / unwatch / poll-witnesses` in-process on SQLite and
PostgreSQL: a witness watched, shown, polled (unreachable: exit 5, its error shown, never
"no alarms"), unwatched; bad input refused by name; with `--json` one document."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from coldcheck.cli import app
from coldcheck.ledger import CosignatureVerifier, SigningKey
from support.api_client import close, seeded
from support.service_db import Databases
from support.witness_servers import dead_url

runner = CliRunner()


def test_watching_a_witness_from_the_cli(databases: Databases, tmp_path: Path) -> None:
    db = databases.create()
    api = seeded(db)
    key_file = tmp_path / "set.key"
    api.service.key.save(key_file)
    close(api)
    key = SigningKey.generate()
    vkey = CosignatureVerifier("union.example/witness", key.public_key_bytes()).vkey()
    url = dead_url()
    base = ["--database-url", db, "--key-file", str(key_file)]

    def run(*args: str, code: int = 0) -> str:
        done = runner.invoke(app, [*base, *args], env={"COLUMNS": "300"})
        assert done.exit_code == code, done.output
        return done.output

    assert "union: watched at" in run("studio", "watch", "union", url, vkey)
    assert "already watches a witness named union" in run(
        "studio", "watch", "union", url, vkey, code=7
    )
    assert "not a witness's cosigning vkey" in run(
        "studio", "watch", "insurer", url, "not-a-vkey", code=2
    )
    assert "not an HTTP URL" in run("studio", "watch", "insurer", "ftp://x", vkey, code=2)
    assert "union " + url + ": not polled yet" in run("studio", "watched")

    assert "union: UNREACHABLE: cannot reach the witness" in run("studio", "poll-witnesses", code=5)
    (shown,) = json.loads(run("--json", "studio", "watched"))
    assert (shown["name"], shown["url"], shown["vkey"]) == ("union", url, vkey)
    assert "cannot reach the witness" in shown["last_error"]
    assert shown["reached_at"] is None

    assert "union: no longer watched" in run("studio", "unwatch", "union")
    assert "watches no witness named union" in run("studio", "unwatch", "union", code=4)
    assert json.loads(run("--json", "studio", "watched")) == []
