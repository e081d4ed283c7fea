"""An id with a trailing newline from the command line: refused as malformed (exit 2),
recorded nowhere, on both backends; and the service and accounts refuse it as theirs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldcheck import demo
from coldcheck.cli import app
from coldcheck.domain import commands as c
from coldcheck.domain.errors import InvalidCommand
from coldcheck.ledger import SigningKey
from coldcheck.store import SqlStore
from support.service_db import BACKENDS, databases_for, open_app

runner = CliRunner()


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The demo seeded by the CLI once per module, on each backend: the refused commands
    below change nothing, so they share it."""
    folder = tmp_path_factory.mktemp("cli-ids")
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


@pytest.mark.parametrize(
    "args",
    [
        ("--as", "rosa", "move", "colt-1\n", "truck-safe"),
        ("--as", "rosa", "move", "colt-1", "truck-safe\n"),
        ("--as", "rosa\n", "move", "colt-1", "truck-safe"),
        (
            "--as",
            "rosa",
            "item",
            "register",
            "colt-9\n",
            "replica",
            "--serial",
            "s",
            "--tag",
            "t-9",
            "--description",
            "d",
            "--location",
            "truck-safe",
        ),
        ("--as", "rosa", "inspect", "colt-1", *["--chamber", "dummy:dum-45\n"] * 6),
    ],
    ids=["item", "location", "actor", "new-item", "chamber-lot"],
)
def test_the_cli_refuses_a_look_alike_id(seeded: tuple[str, Path], args: tuple[str, ...]) -> None:
    store = SqlStore(seeded[0])
    before = store.head(demo.PRODUCTION).seq
    code, out = _cli(*seeded, *args)
    assert code == 2, out
    assert "is not a valid id" in out
    assert store.head(demo.PRODUCTION).seq == before
    store.close()


def test_the_cli_refuses_a_look_alike_username(seeded: tuple[str, Path]) -> None:
    code, out = _cli(*seeded, "account", "create", "rosa\n")
    assert code == 2, out
    assert "username" in out


def test_the_service_refuses_a_look_alike_production_or_command_id(backend: str) -> None:
    service = open_app(backend, SigningKey.generate())
    with pytest.raises(InvalidCommand, match="not a valid id"):
        service.create_production("cold-creek\n", c.CreateProduction(name="Cold Creek"))
    assert service.store.production_ids() == []
    service.create_production("cold-creek", c.CreateProduction(name="Cold Creek"))
    with pytest.raises(InvalidCommand, match="command id"):
        service.execute(
            "cold-creek",
            c.AddPerson(person_id="paula", name="Paula", roles=()),
            command_id="retry-1\n",
        )
    service.store.close()
