"""`coldcheck account reset-pin` and `account remove` on both backends: recorded with the
operator's person as actor, the account rows changed after; refused ones change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldcheck import demo
from coldcheck.cli import app
from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck
from coldcheck.store import SqlStore
from coldcheck.store.accounts import AccountStore
from support.service_db import BACKENDS, databases_for

runner = CliRunner()
PID = demo.PRODUCTION


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("cli-accounts")
    with databases_for(request, request.param, folder) as made:
        url, key = made.create(), folder / "key"
        code, out = _cli(url, key, "demo")
        assert code == 0, out
        yield url, key


def _cli(url: str, key: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["--database-url", url, "--key-file", str(key), *args], env={"COLUMNS": "200"}
    )
    return result.exit_code, result.output


def _last(url: str, key: Path) -> tuple[int, str, str | None]:
    store = SqlStore(url)
    try:
        service = ColdCheck(store, SigningKey.load(key))
        (last,) = list(service.records(PID))[-1:]
        return last.seq, last.type, last.actor
    finally:
        store.close()


def _rows(url: str) -> tuple[str | None, str | None]:
    """Jack's PIN hash and the person his account acts as on the demo production."""
    store = SqlStore(url)
    try:
        rows = AccountStore(store)
        jack = rows.get("jack")
        assert jack is not None
        return jack.pin_hash, rows.person("jack", PID)
    finally:
        store.close()


def test_reset_pin_then_remove_from_the_console(seeded: tuple[str, Path]) -> None:
    url, key = seeded
    before, _, _ = _last(url, key)
    code, out = _cli(url, key, "--as", "paula", "account", "reset-pin", "jack")
    assert code == 0, out
    assert _last(url, key) == (before + 1, "PinReset", "paula")
    assert _rows(url) == (None, "jack")
    code, out = _cli(url, key, "--as", "paula", "account", "remove", "jack")
    assert code == 0, out
    assert _last(url, key) == (before + 2, "AccessRemoved", "paula")
    assert _rows(url) == (None, None)


def test_a_refused_removal_changes_no_account(seeded: tuple[str, Path]) -> None:
    url, key = seeded
    before = _last(url, key)
    code, out = _cli(url, key, "--as", "paula", "account", "remove", "paula")
    assert code == 2, out
    assert "your own access" in out
    code, out = _cli(url, key, "--as", "paula", "account", "remove", "nobody")
    assert code == 4, out
    assert _last(url, key) == before
    store = SqlStore(url)
    try:
        assert AccountStore(store).person("paula", PID) == "paula"
    finally:
        store.close()
