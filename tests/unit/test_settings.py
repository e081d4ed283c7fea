"""The escalation interval: once a minute unless set, slower if asked, never off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from coldcheck.config import (
    ENV_ESCALATE_EVERY,
    ENV_WITNESS_EVERY,
    escalate_every_s,
    witness_every_s,
)
from support.server import seed


def test_overdue_concerns_are_swept_once_a_minute_unless_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENV_ESCALATE_EVERY, raising=False)
    assert escalate_every_s() == 60.0
    monkeypatch.setenv(ENV_ESCALATE_EVERY, " 300 ")
    assert escalate_every_s() == 300.0


@pytest.mark.parametrize("raw", ["0", "-5", "0.5", "86401", "soon", "nan", "inf"])
def test_an_interval_that_would_stop_escalation_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv(ENV_ESCALATE_EVERY, raw)
    with pytest.raises(ValueError, match=f"{ENV_ESCALATE_EVERY} must be a number of seconds"):
        escalate_every_s()


def test_serve_refuses_to_start_with_an_interval_it_cannot_keep(tmp_path: Path) -> None:
    key = tmp_path / "signing.key"
    url = f"sqlite:///{tmp_path / 'set.db'}"
    seed(url, key)
    env = {
        **os.environ,
        "COLDCHECK_DATABASE_URL": url,
        "COLDCHECK_KEY_FILE": str(key),
        ENV_ESCALATE_EVERY: "0",
    }
    done = subprocess.run(
        [sys.executable, "-m", "coldcheck", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert f"{ENV_ESCALATE_EVERY} must be a number of seconds from 1 to 86400" in done.stderr


def test_witnesses_are_asked_every_ten_seconds_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_WITNESS_EVERY, raising=False)
    assert witness_every_s() == 10.0
    monkeypatch.setenv(ENV_WITNESS_EVERY, "0.5")
    assert witness_every_s() == 0.5


@pytest.mark.parametrize("raw", ["0", "0.1", "-1", "3601", "often", "nan", "inf"])
def test_a_witness_interval_out_of_range_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv(ENV_WITNESS_EVERY, raw)
    with pytest.raises(ValueError, match=f"{ENV_WITNESS_EVERY} must be a number of seconds"):
        witness_every_s()
