"""`scene plan` with tiers and a public-view notice, and `scene approve` with the reason a
rehearsal needs a firing weapon: a real SQLite file and key in a temporary folder."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldcheck.cli import app

runner = CliRunner()


def cc(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo")


@pytest.fixture
def seeded(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(demo_dir)
    if not (demo_dir / "coldcheck.db").exists():
        code, out = cc("demo")
        assert code == 0, out
    return demo_dir


def _events(folder: Path) -> int:
    with sqlite3.connect(folder / "coldcheck.db") as db:
        (n,) = db.execute("SELECT count(*) FROM events").fetchone()
    return int(n)


PLAN = (
    *("--as", "dan", "scene", "plan", "sc-30", "--title", "Main street: the draw"),
    *("--item", "colt-1", "--performer", "jack", "--ammo", "dummy", "--rehearsal"),
    *("--tier", "colt-1=hero", "--public-view", "--permit", "SFFO-2026-0901"),
    *("--permit-authority", "Santa Fe Film Office", "--police-notified", "SFPD watch"),
    *("--notified-at", "2026-12-02T06:30", "--police-reference", "SFPD-FN-3402"),
    *("--officer-required", "--officer", "Officer Ray Baca"),
)


def test_a_firing_rehearsal_in_public_view_is_planned_and_approved_with_reasons(
    seeded: Path,
) -> None:
    code, out = cc(*PLAN)
    assert code == 0, out
    before = _events(seeded)
    code, out = cc("--as", "rosa", "scene", "approve", "sc-30")
    assert code == 3, out
    assert "RHR-2" in out
    for who in ("rosa", "dan"):
        code, out = cc(
            *("--as", who, "scene", "approve", "sc-30"),
            *("--firing-rehearsal-reason", "the recoil on the mark"),
        )
        assert code == 0, out
    assert _events(seeded) == before + 3  # the refused attempt, then the two approvals


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--tier", "colt-1=prop"), "--tier 'colt-1=prop'"),
        (("--permit", "X-1"), "the permit and police options need --public-view"),
        (("--tier", "colt-1=replica"), "RHR-1"),
    ],
)
def test_a_bad_tier_or_a_stray_permit_is_refused(
    seeded: Path, args: tuple[str, ...], said: str
) -> None:
    before = _events(seeded)
    code, out = cc(
        *("--as", "dan", "scene", "plan", "sc-31", "--title", "t", "--item", "colt-1"),
        *("--performer", "jack", *args),
    )
    assert code != 0
    assert said in out
    assert _events(seeded) == before
