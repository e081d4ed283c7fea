"""`coldcheck demo` records its story as the server's console does: every event says it
came from the console (a claim, not a proof), and every acknowledgement and signature in
it was made by that person's own PIN, checked as at every door, not set by the story."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from coldcheck import demo
from coldcheck.bootstrap import open_accounts, open_app
from coldcheck.cli import app
from coldcheck.config import Settings

runner = CliRunner()


def _cc(folder: Path, *args: str) -> tuple[int, str]:
    db, key = f"sqlite:///{folder / 'd.db'}", str(folder / "k.key")
    done = runner.invoke(app, ["--database-url", db, "--key-file", key, *args])
    return done.exit_code, done.output


def test_the_demo_is_recorded_at_the_console_with_real_pins(tmp_path: Path) -> None:
    code, out = _cc(tmp_path, "demo")
    assert code == 0, out
    code, out = _cc(tmp_path, "--json", "log")
    assert code == 0, out
    events = json.loads(out)
    # An anonymous concern names no sender, so no proof of one; all else, the console.
    anonymous = [e for e in events if e["type"] == "ConcernRaised" and e["data"]["anonymous"]]
    assert anonymous
    assert {e["proof"] for e in anonymous} == {None}
    assert {e["proof"] for e in events if e["actor"]} == {"console"}
    acknowledged = [e for e in events if e["data"].get("recipient_acknowledged")]
    signed = [e for e in events if e["data"].get("signer_confirmed")]
    assert acknowledged
    assert signed
    code, out = _cc(tmp_path, "dossier", "--incident", "incident-2", "--out", str(tmp_path))
    assert code == 0, out
    page = (tmp_path / "dossier.html").read_text()
    assert "server console" in page
    assert "with their own PIN" in page


def test_a_pin_that_does_not_match_stops_the_demo_at_that_step(tmp_path: Path) -> None:
    settings = Settings(f"sqlite:///{tmp_path / 'd.db'}", tmp_path / "k.key")
    service = open_app(settings, create=True)
    accounts = open_accounts(service)
    accounts.create("jack", demo.DEMO_PASSWORD)
    accounts.set_pin("jack", "13579")  # not the demo's PIN: jack never typed 2468
    service.store.close()
    code, out = _cc(tmp_path, "demo")
    assert code != 0
    assert "PIN" in out
    with sqlite3.connect(tmp_path / "d.db") as db:
        (issued,) = db.execute(
            "SELECT count(*) FROM events WHERE type = 'ItemIssued' AND body LIKE '%\"jack\"%'"
        ).fetchone()
    assert issued == 0  # no handover to jack recorded without his PIN
