"""`coldcheck concern record-outside --attach`: the receiver records it, the original kept
beside the database by hash, and `concern check-attachments` reports one altered."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldcheck.cli import app

runner = CliRunner()
EMAIL = b"From: camera crew\n\nWe are walking off: two discharges, no safety meeting."


def cc(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_record_outside_with_an_attachment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = cc("demo")
    assert code == 0, out
    (tmp_path / "walk-off.eml").write_bytes(EMAIL)
    now = dt.datetime.now(dt.UTC).isoformat()
    code, out = cc(
        "--json", "--as", "dan", "concern", "record-outside",
        "The camera crew walked off over safety.",
        "--channel", "walk-off", "--said-at", now, "--author", "the camera crew",
        "--attach", "walk-off.eml",
    )  # fmt: skip
    assert code == 0, out
    events = json.loads(out)["events"]
    assert [e["type"] for e in events[:2]] == ["ConcernRaised", "ConcernReceivedOutside"]
    assert events[0]["data"]["blocking"] is True  # a walk-off always blocks
    sha = hashlib.sha256(EMAIL).hexdigest()
    assert events[1]["data"]["attachments"] == [
        {"sha256": sha, "filename": "walk-off.eml", "media_type": "message/rfc822"}
    ]
    kept = tmp_path / "coldcheck.db.attachments" / sha[:2] / sha
    assert kept.read_bytes() == EMAIL
    code, out = cc("concern", "check-attachments")
    assert code == 0, out
    assert f"{sha}  intact" in out
    kept.chmod(0o644)
    kept.write_bytes(b"altered")
    code, out = cc("concern", "check-attachments")
    assert code == 5, out
    assert f"{sha}  altered" in out


def test_a_missing_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cc("demo")[0] == 0
    now = dt.datetime.now(dt.UTC).isoformat()
    code, out = cc(
        "--as", "dan", "concern", "record-outside", "x", "--channel", "email",
        "--said-at", now, "--attach", "nope.eml",
    )  # fmt: skip
    assert code == 2, out
    assert "nope.eml" in out
