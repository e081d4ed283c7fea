"""The CLI never prints a record that does not verify: every reading command exits 5 and
names the first bad event (a real SQLite file changed through the driver)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldcheck import envelope
from coldcheck.cli import app
from coldcheck.domain import events as ev
from coldcheck.ledger import leaf_hash

runner = CliRunner()
READS = [
    ("who-held", "colt-1"),
    ("declared", "colt-1"),
    ("chambers", "colt-1"),
    ("trained", "jack"),
    ("concerns",),
    ("authority",),
    ("incidents",),
    ("log",),
    ("log", "--since", "5"),
    ("status",),
    ("daily-report",),
    ("bound-book",),
]


def cc(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_every_reading_command_refuses_a_forged_handover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cc("demo")[0] == 0
    db = sqlite3.connect(tmp_path / "coldcheck.db")
    for trigger in ("events_no_update", "events_no_delete"):
        db.execute(f"DROP TRIGGER {trigger}")
    seq, body = next(
        (s, bytes(b))
        for s, b in db.execute(
            "SELECT seq, body FROM events WHERE type = 'ItemIssued' ORDER BY seq"
        )
    )
    production, rec = envelope.decode(body)
    assert isinstance(rec.event, ev.ItemIssued)
    forged = envelope.encode(
        production,
        rec.__class__(
            rec.seq,
            rec.event_id,
            rec.at,
            rec.actor,
            rec.event.__class__(
                **{**{f: getattr(rec.event, f) for f in rec.event.__slots__}, "recipient_id": "mia"}
            ),
            rec.warnings,
            rec.claimed_at,
        ),
    )
    db.execute(
        "UPDATE events SET body = ?, leaf_hash = ? WHERE seq = ?", (forged, leaf_hash(forged), seq)
    )
    db.commit()
    db.close()
    for args in READS:
        code, out = cc(*args)
        assert code == 5, (args, out)
        assert f"#{seq}" in out, (args, out)
    code, out = cc("verify")
    assert code == 5
    assert f"first bad event #{seq}" in out
