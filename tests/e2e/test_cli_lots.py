"""Provenance from the command line, on both backends: a supplier registered, a lot from
another production received and held, refused for loading (exit 3, PRV-2) until its
rounds are verified one by one, a reloaded dummy lot refused (PRV-1), a split and a
merge that name their parents."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldcheck.cli import app
from support.service_db import BACKENDS, databases_for

runner = CliRunner()


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("cli-lots")
    with databases_for(request, request.param, folder) as made:
        url, key = made.create(), folder / "key"
        code, out = _cli(url, key, "demo")
        assert code == 0, out
        yield url, key


def _cli(url: str, key: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(
        app,
        ["--database-url", url, "--key-file", str(key), *args],
        env={"COLUMNS": "200", "COLDCHECK_ADMIN_PASSWORD": "long enough"},
    )
    return result.exit_code, result.output


def _rosa(seeded: tuple[str, Path], *args: str) -> tuple[int, str]:
    return _cli(*seeded, "--as", "rosa", *args)


RECEIVE = ("lot", "receive", "dum-hd", "dummy", "--caliber", ".45 LC", "--count", "3")


def test_a_held_lot_is_loaded_only_once_every_round_is_verified(
    seeded: tuple[str, Path],
) -> None:
    code, out = _rosa(
        seeded,
        "supplier",
        "register",
        "hdp2",
        "--kind",
        "production",
        "--name",
        "Dust Devil Films",
        "--contact",
        "props office",
    )
    assert code == 0, out
    code, out = _rosa(
        seeded, *RECEIVE, "--invoice", "DDF-1", "--supplier", "hdp2", "--repackaged-by", "Ace"
    )
    assert code == 0, out
    assert "LotQuarantined" in out
    code, out = _rosa(seeded, "lot", "verify", "dum-hd", "--method", "rattle test")
    assert code == 0, out
    inspect = ("inspect", "colt-1", "--barrel", "clear", *["--chamber", "dummy:dum-hd"] * 3)
    code, out = _rosa(seeded, *inspect, *["--chamber", "empty"] * 3, "--shown-to", "dan")
    assert code == 3, out
    assert "PRV-2" in out
    assert "lot dum-hd is in quarantine" in out
    verify = ("lot", "verify-rounds", "dum-hd", "--method", "rattle test", "--by", "rosa")
    code, out = _rosa(seeded, *verify, "--first", "1", "--last", "2")
    assert code == 0, out
    code, out = _rosa(seeded, *verify, "--first", "2")
    assert code == 2, out
    assert "rounds 2 to 2 of lot dum-hd are already verified" in out
    code, out = _rosa(seeded, *verify, "--first", "3")
    assert code == 0, out
    assert "QuarantineLifted" in out
    code, out = _rosa(seeded, *inspect, *["--chamber", "empty"] * 3, "--shown-to", "dan")
    assert code == 0, out


def test_reloaded_dummies_are_refused(seeded: tuple[str, Path]) -> None:
    code, out = _rosa(
        seeded,
        *RECEIVE[:2],
        "dum-rl",
        *RECEIVE[3:],
        "--invoice",
        "X-1",
        "--supplier",
        "starline",
        "--reloaded-by",
        "Ace Reloads",
    )
    assert code == 3, out
    assert "PRV-1" in out


def test_a_split_and_a_merge_name_their_parents(seeded: tuple[str, Path]) -> None:
    # blk-45 holds 47 rounds in its box at the end of the demo's day: 40 and 7.
    split = ("lot", "split", "blk-45", "--first", "blk-a", "--first-rounds", "40")
    code, out = _rosa(seeded, *split, "--second", "blk-b", "--second-rounds", "7")
    assert code == 0, out
    code, out = _rosa(seeded, "lot", "merge", "blk-a", "blk-b", "--into", "blk-m")
    assert code == 0, out
    assert "LotsMerged" in out
