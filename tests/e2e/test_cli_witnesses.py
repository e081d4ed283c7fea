"""`coldcheck witness …` (the witness's side), `coldcheck witnesses …` (the production's
witnesses) and `verify-bundle --witness/--quorum`, in-process against a real witness on
loopback: each command's success, its bad input refused by name (exit 2), and with
`--json` exactly one JSON document on stdout. The log is on SQLite and PostgreSQL; the
witness keeps its own SQLite file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from coldcheck.api.schemas import Problem
from coldcheck.api.witnesses import WitnessOut
from coldcheck.cli import app
from coldcheck.ledger import CosignatureVerifier, SigningKey, open_note
from coldcheck.store.witness import WitnessStore
from coldcheck.witness.core import Witness
from coldcheck.witness.http import create_witness_app
from support.api_client import PID, Api, close, seeded
from support.threaded import served

runner = CliRunner()


@dataclass(frozen=True)
class Log:
    api: Api
    shell: list[str]  # --database-url and --key-file of the log


@dataclass(frozen=True)
class Served:
    url: str
    vkey: str
    options: list[str]  # the witness's own --database and --key-file


def cc(*args: str, columns: int = 200) -> tuple[int, str, str]:
    done = runner.invoke(app, list(args), env={"COLUMNS": str(columns)})
    return done.exit_code, done.stdout, done.stderr


def document(*args: str, exit_code: int = 0) -> Any:
    """The one JSON document a --json command prints; nothing else on stdout."""
    code, out, err = cc("--json", *args)
    assert code == exit_code, out + err
    return json.loads(out)


def refused(*args: str, says: str, exit_code: int = 2) -> None:
    """Bad input: the words name the problem on stderr, the problem document with --json."""
    code, out, err = cc(*args)
    assert code == exit_code, out + err
    assert says in err, err
    problem = Problem.model_validate(document(*args, exit_code=exit_code))
    assert says in problem.detail


@pytest.fixture
def log(backend: str, tmp_path: Path) -> Iterator[Log]:
    made = seeded(backend)
    key = tmp_path / "log.key"
    made.service.key.save(key)
    yield Log(made, ["--database-url", backend, "--key-file", str(key)])
    close(made)


@pytest.fixture
def witness(tmp_path: Path) -> Iterator[Served]:
    database, key = f"sqlite:///{tmp_path / 'witness.db'}", tmp_path / "witness.key"
    w = Witness(WitnessStore(database), SigningKey.load_or_create(key))
    with served(create_witness_app(w)) as url:
        yield Served(url, w.verifier.vkey(), ["--database", database, "--key-file", str(key)])


def test_witness_key_is_printed_whole_on_a_narrow_terminal(tmp_path: Path) -> None:
    key = str(tmp_path / "w.key")
    name = "witness.insurer.example/cold-creek-production"
    code, out, _ = cc("witness", "key", "--key-file", key, "--name", name, columns=40)
    assert code == 0
    assert out.count("\n") == 1  # one line, never wrapped at 40 columns
    assert CosignatureVerifier.from_vkey(out.strip()).name == name
    shown = document("witness", "key", "--key-file", key, "--name", name)
    assert shown == {"name": name, "vkey": out.strip()}
    refused("witness", "key", "--key-file", key, "--name", "a b", says="--name:")


def test_a_production_names_asks_and_removes_its_witnesses(log: Log, witness: Served) -> None:
    vkey = document(*log.shell, "key", "show")["vkeys"][PID]
    code, out, _ = cc("witness", "trust", vkey, *witness.options, columns=40)
    assert (code, out) == (0, f"trusted: {vkey.split('+')[0]}\n")
    assert document("witness", "trust", vkey, *witness.options)["trusted"] == vkey.split("+")[0]
    refused("witness", "trust", "nope", *witness.options, says="not a log's vkey")
    assert document("witness", "alarms", *witness.options[:2]) == []
    assert cc("witness", "alarms", *witness.options[:2])[:2] == (0, "")
    sh = log.shell
    refused(*sh, "witnesses", "add", PID, "Studio!", witness.url, witness.vkey, says="witness name")
    refused(*sh, "witnesses", "add", PID, "studio", "ftp://x", witness.vkey, says="witness URL")
    refused(*sh, "witnesses", "add", PID, "studio", witness.url, "nope", says="witness vkey")
    refused(*sh, "witnesses", "list", "no-such-production", says="no-such-production", exit_code=4)
    forbidden = document(
        *sh,
        "--as",
        "lane",
        "witnesses",
        "add",
        PID,
        "studio",
        witness.url,
        witness.vkey,
        exit_code=3,
    )
    assert forbidden["type"] == "/problems/forbidden"

    code, out, _ = cc(
        *sh, "--as", "rosa", "witnesses", "add", PID, "studio", witness.url, witness.vkey
    )
    assert (code, out) == (0, f"witness studio of {PID}: {witness.url}\n")
    named = WitnessOut.model_validate(
        document(*sh, "witnesses", "add", PID, "insurer", witness.url + "/", witness.vkey)
    )
    assert (named.url, named.cosigned_size, named.outcome) == (witness.url, None, None)
    code, out, _ = cc(*sh, "witnesses", "list", PID, columns=40)
    assert out.splitlines() == [
        f"insurer  {witness.url}  {witness.vkey}",
        f"studio  {witness.url}  {witness.vkey}",
    ]  # whole lines: a vkey is copied from them

    size = log.api.service.signed_head(PID).size
    asked = [WitnessOut.model_validate(w) for w in document(*sh, "witnesses", "ask", PID)]
    assert [(w.name, w.outcome, w.cosigned_size) for w in asked] == [
        ("insurer", "cosigned", size),
        ("studio", "cosigned", size),
    ]
    code, out, _ = cc(*sh, "witnesses", "status", PID)
    assert code == 0
    assert f"studio  {witness.url}: cosigned size {size} at " in out
    assert [WitnessOut.model_validate(w) for w in document(*sh, "witnesses", "status", PID)] == (
        asked
    )

    assert document(*sh, "witnesses", "remove", PID, "insurer") == {
        "production_id": PID,
        "removed": "insurer",
    }
    refused(*sh, "witnesses", "remove", PID, "insurer", says="no witness 'insurer'", exit_code=4)
    assert [w["name"] for w in document(*sh, "witnesses", "list", PID)] == ["studio"]


def test_submit_and_a_bundle_verified_by_its_witness(
    log: Log, witness: Served, tmp_path: Path
) -> None:
    sh = log.shell
    shown = document(*sh, "key", "show")
    assert cc("witness", "trust", shown["vkeys"][PID], *witness.options)[0] == 0
    refused(*sh, "witness", "submit", witness.url, "--witness-vkey", "nope", says="--witness-vkey")
    sent = document(*sh, "witness", "submit", witness.url, "--witness-vkey", witness.vkey)
    cosigner = CosignatureVerifier.from_vkey(witness.vkey)
    assert (sent["url"], sent["checked"]) == (witness.url, True)
    assert len(open_note(sent["note"], [cosigner]).signatures) == 1

    assert cc(*sh, "witnesses", "add", PID, "studio", witness.url, witness.vkey)[0] == 0
    assert cc(*sh, "witnesses", "ask", PID)[0] == 0
    out = tmp_path / "dossier"
    assert cc(*sh, "dossier", "--incident", "incident-1", "--out", str(out))[0] == 0
    bundle = str(out / "bundle.json")
    key = shown["public_key"]
    checked = document(
        "verify-bundle", bundle, "--key", key, "--witness", witness.vkey, "--quorum", "1"
    )
    size = log.api.service.signed_head(PID).size
    named = cosigner.name  # the witness's own key name: the verifier knows keys, not roles
    assert (checked["ok"], checked["witnessed"], checked["quorum"]) == (True, {named: size}, 1)
    code, said, _ = cc("verify-bundle", bundle, "--key", key, "--witness", witness.vkey)
    assert code == 0
    assert f"witness {named} cosigned size {size}, which this checkpoint extends" in said

    refused("verify-bundle", bundle, "--witness", "nope", says="--witness 'nope'")
    refused("verify-bundle", bundle, "--witness", witness.vkey, "--quorum", "2", says="--quorum 2")
    stranger = Witness(WitnessStore("sqlite://"), SigningKey.generate())
    short = document(
        "verify-bundle",
        bundle,
        "--witness",
        stranger.verifier.vkey(),
        "--quorum",
        "1",
        exit_code=5,
    )
    assert "quorum" in short["detail"]
