"""`coldcheck studio …` in-process against a real studio (the same server, on loopback in
a thread): the credential printed once and whole, a link that never shows it, a sync, the
status, the alarms and a restore; bad input refused by name (exit 2); with `--json`
exactly one JSON document on stdout. Set and studio are on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner

from coldcheck.api.schemas import Problem, VerifyOut
from coldcheck.cli import app
from coldcheck.config import ENV_STUDIO_KEY_FILE
from coldcheck.http.app import create_app
from coldcheck.ledger import CosignatureVerifier, open_note
from support.api_client import PID, build, close, seeded
from support.service_db import Databases
from support.threaded import served

runner = CliRunner()


def cc(*args: str, env: dict[str, str] | None = None, columns: int = 40) -> tuple[int, str, str]:
    """A 40-column terminal by default: a credential or a note must still come out whole."""
    done = runner.invoke(app, list(args), env={"COLUMNS": str(columns), **(env or {})})
    return done.exit_code, done.stdout, done.stderr


def document(*args: str, exit_code: int = 0, env: dict[str, str] | None = None) -> Any:
    code, out, err = cc("--json", *args, env=env)
    assert code == exit_code, out + err
    return json.loads(out)


def refused(*args: str, says: str, exit_code: int = 2) -> None:
    code, out, err = cc(*args, columns=200)  # prose for people may wrap; read it unwrapped
    assert code == exit_code, out + err
    assert says in err, err
    assert says in Problem.model_validate(document(*args, exit_code=exit_code)).detail


def test_credential_link_sync_status_alarms_and_restore(
    databases: Databases, tmp_path: Path
) -> None:
    set_db, studio_db, restored_db = databases.create(), databases.create(), databases.create()
    the_set, studio = seeded(set_db), build(studio_db)
    set_key, studio_key = tmp_path / "set.key", tmp_path / "studio-signing.key"
    the_set.service.key.save(set_key)
    studio.service.key.save(studio_key)
    on_set = ["--database-url", set_db, "--key-file", str(set_key)]
    on_studio = ["--database-url", studio_db, "--key-file", str(studio_key)]
    cosigning = tmp_path / "studio-cosigning.key"
    env = {ENV_STUDIO_KEY_FILE: str(cosigning)}
    try:
        # On the studio: the credential, whole on a 40-column terminal, and as JSON.
        code, token, _ = cc(*on_studio, "studio", "credential", PID, env=env)
        assert code == 0
        assert token.startswith("ccs_")
        assert token.count("\n") == 1
        again = document(*on_studio, "studio", "credential", PID, env=env)
        assert again["production_id"] == PID
        token = again["credential"]  # the first is replaced
        refused(*on_studio, "studio", "credential", "Not An Id!", says="is not a valid id")
        token_file = tmp_path / "studio.token"
        token_file.write_text(token + "\n")

        app_ = create_app(studio.service, studio.accounts, studio_key=cosigning)
        with served(app_) as url:
            # On the set: the link, refused by name, then made; never the credential.
            tf = ["--token-file", str(token_file)]
            refused(*on_set, "studio", "link", PID, "ftp://x", *tf, says="ftp://x")
            refused(
                *on_set,
                "studio",
                "link",
                PID,
                url,
                "--token-file",
                str(tmp_path / "none"),
                says="cannot read the studio credential file",
            )
            refused(
                *on_set,
                "studio",
                "link",
                PID,
                url,
                *tf,
                "--studio-vkey",
                "nope",
                says="--studio-vkey:",
            )
            code, out, _ = cc(*on_set, "studio", "link", PID, url, *tf)
            assert (code, out) == (0, f"{PID} is pushed to {url}\n")
            linked = document(*on_set, "studio", "link", PID, url, *tf)
            assert token not in json.dumps(linked)
            assert (linked["url"], linked["token_file"]) == (url, str(token_file.resolve()))
            head = the_set.service.signed_head(PID).size
            assert linked["to_send"] == head

            synced = document(*on_set, "studio", "sync", PID)
            assert (synced["production_id"], synced["size"], synced["sent"]) == (PID, head, head)
            cosigner = CosignatureVerifier.from_vkey(_studio_vkey(url, token))
            assert len(open_note(synced["note"], [cosigner]).signatures) == 1
            code, out, _ = cc(*on_set, "studio", "sync", PID)
            assert code == 0
            assert "sent 0 now" in out
            refused(*on_set, "studio", "sync", "elsewhere", says="elsewhere", exit_code=4)

            (status,) = document(*on_set, "studio", "status")
            assert (status["synced_size"], status["to_send"], status["last_error"]) == (
                head,
                0,
                None,
            )
            assert status["studio_vkey"] == cosigner.vkey()
            code, out, _ = cc(*on_set, "studio", "status")
            assert (code, "(0 to send)" in out) == (0, True)

            assert document(*on_studio, "studio", "alarms", env=env) == []
            assert cc(*on_studio, "studio", "alarms", env=env)[:2] == (0, "")

            # A lost set: restored from the studio, verified with the set's key file.
            refused(
                "--key-file",
                str(tmp_path / "lost.key"),
                "studio",
                "restore",
                PID,
                url,
                *tf,
                "--database",
                restored_db,
                says="no signing key",
            )
            done = VerifyOut.model_validate(
                document(
                    "--key-file",
                    str(set_key),
                    "studio",
                    "restore",
                    PID,
                    url,
                    *tf,
                    "--database",
                    restored_db,
                )
            )
            assert (done.ok, done.events, done.production_id) == (True, head, PID)
    finally:
        close(the_set)
        close(studio)


def _studio_vkey(url: str, token: str) -> str:
    answer = httpx.get(
        f"{url}/api/v1/studio/productions/{PID}", headers={"Authorization": f"Bearer {token}"}
    )
    vkey: str = answer.json()["cosigner"]
    return vkey
