"""How each sender proved who they are is recorded with what they sent, on SQLite and
PostgreSQL: a password log-in's session, a device token, or the console; no one's proof on
an anonymous concern; and no caller can claim one in a command's body."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from coldcheck.access.identity import Proof
from coldcheck.api.schemas import ProofName
from coldcheck.bootstrap import open_app
from coldcheck.cli import app as cli_app
from coldcheck.config import Settings
from support import web_client
from support.api_client import BASE, PID, PREFIX, Api

CONCERN = {"text": "The cart's lock is loose."}


def _last(api: Api, kind: str = "ConcernRaised") -> dict[str, Any]:
    return [e for e in api.events() if e["type"] == kind][-1]


def test_the_names_the_api_publishes_are_the_proofs_the_door_records() -> None:
    assert set(typing.get_args(ProofName)) == {p.value for p in Proof}


def test_a_session_and_a_device_token_are_told_apart(api: Api) -> None:
    assert api.command("raise-concern", CONCERN, "lane").status_code == 200
    assert _last(api)["proof"] == "session"
    r = api.client.post(
        f"{PREFIX}/auth/tokens", json={"label": "cart tablet"}, headers=api.auth("lane")
    )
    assert r.status_code == 201, r.text
    device = {"Authorization": f"Bearer {r.json()['token']}"}
    r = api.client.post(f"{BASE}/commands/raise-concern", json=CONCERN, headers=device)
    assert r.status_code == 200, r.text
    last = _last(api)
    assert last["proof"] == "device"
    assert last["actor"] == "lane"


def test_the_tablet_records_its_session(api: Api) -> None:
    client = api.new_client()
    assert web_client.login(client, "lane").status_code == 303
    r = web_client.post(client, f"/p/{PID}/concerns", {"text": "Cable run across the exit."})
    assert r.status_code == 200, r.text
    assert _last(api)["proof"] == "session"


def test_an_anonymous_concern_carries_no_proof_and_no_name(api: Api) -> None:
    body = {"text": "Nobody watched the cart at lunch.", "anonymous": True}
    assert api.command("raise-concern", body, "mia").status_code == 200
    last = _last(api)
    assert last["actor"] is None
    assert last["proof"] is None


def test_no_caller_can_claim_a_proof_in_the_body(api: Api) -> None:
    r = api.command("raise-concern", {**CONCERN, "proof": "console"}, "lane")
    assert r.status_code == 422, r.text
    assert "proof" in r.text


def test_the_console_is_recorded_as_the_console(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli_app, ["demo"]).exit_code == 0
    done = runner.invoke(cli_app, ["--as", "lane", "concern", "raise", "Ear plugs ran out."])
    assert done.exit_code == 0, done.output
    log = runner.invoke(cli_app, ["log", "--type", "ConcernRaised"], env={"COLUMNS": "200"})
    assert log.exit_code == 0, log.output
    assert "lane (console)" in log.output  # the console's claim, said as one
    app = open_app(Settings("sqlite:///coldcheck.db", Path("coldcheck-signing.key")))
    raised = [r for r in app.records(PID) if r.type == "ConcernRaised"][-1]
    assert (raised.actor, raised.proof) == ("lane", "console")
    app.store.close()


def test_the_dossier_says_how_each_sender_proved_who_they_are(api: Api) -> None:
    r = api.command("move-item", {"item_id": "colt-1", "location_id": "truck-safe"}, "rosa")
    assert r.status_code == 200, r.text
    r = api.get(f"{BASE}/dossier", "paula", item="colt-1")
    assert r.status_code == 200, r.text
    assert "rosa (password log-in)" in r.text
    assert "a claim, not a proof" in r.text
