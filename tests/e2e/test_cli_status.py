"""`coldcheck status` tells the truth about each item: the label the last inspection or a
later return supports, and every flag in a whole sentence. On SQLite and on PostgreSQL.

The day is recorded through the service on the tests' clock (21 October 2021); the CLI
reads the board at the real time, so that day is long past."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from coldcheck import demo
from coldcheck.cli import app
from coldcheck.domain import commands as c
from coldcheck.domain.values import Barrel, Chamber, Content
from coldcheck.ledger import SigningKey
from coldcheck.reports.text import visible
from support.clock import TODAY
from support.service_db import open_app, runner

CART = "cart \x1b[2J [bold]by the well"  # a name as typed, control sequence and all
EMPTY = Chamber(Content.EMPTY)


def _inspect(item_id: str, chambers: tuple[Chamber, ...], *shown: str) -> c.InspectItem:
    return c.InspectItem(
        actor="rosa", item_id=item_id, barrel=Barrel.CLEAR, chambers=chambers, shown_to=shown
    )


def _issue(item_id: str, to: str, scene: str) -> c.IssueItem:
    return c.IssueItem(
        actor="rosa", item_id=item_id, recipient_id=to, scene_id=scene, recipient_acknowledged=True
    )


@pytest.fixture
def cli_args(backend: str, tmp_path: Path) -> list[str]:
    key = SigningKey.generate()
    key.save(tmp_path / "signing.key")
    service = open_app(backend, key)
    run = runner(service)
    # The demo's day up to wrap: the rifle not yet back at the rental house, the rubber
    # Colt not yet lost.
    demo.setup(run)
    demo.plan_day(run, TODAY)
    demo.shoot(run, TODAY)
    demo.evening(run)
    demo.evidence(run)
    # colt-1: six dummies out to jack, taken back with every chamber empty.
    run(_inspect("colt-1", (demo.DUMMY,) * 6, "jack", "dan"))
    run(_issue("colt-1", "jack", "sc-12"))
    run(c.ReturnItem(actor="rosa", item_id="colt-1", chambers=(EMPTY,) * 6))
    # rifle-1: a blank in it, out to sam for the saloon scene and never taken back.
    run(_inspect("rifle-1", (demo.BLANK,), "sam", "dan"))
    run(_issue("rifle-1", "sam", "sc-14"))
    # colt-2: inspected empty, then left on a cart nobody locks.
    run(c.AddLocation(actor="rosa", location_id="odd-cart", name=CART, secure=False))
    run(c.MoveItem(actor="rosa", item_id="colt-2", location_id="odd-cart"))
    service.store.close()
    return ["--database-url", backend, "--key-file", str(tmp_path / "signing.key")]


def _status(args: list[str]) -> str:
    result = CliRunner().invoke(app, [*args, "status"], env={"COLUMNS": "100000"})
    assert result.exit_code == 0, result.output
    return result.output


def test_status_prints_every_flag_in_words(cli_args: list[str]) -> None:
    out = _status(cli_args)
    lines = out.splitlines()
    colt1 = next(line for line in lines if line.startswith("│ colt-1"))
    assert "not inspected since it came back empty" in colt1
    assert "cold" not in colt1
    assert "MISSING ROUNDS" in colt1
    assert (
        "colt-1 MISSING ROUNDS: 6 rounds of lot dum-45 did not come back when it was "
        "taken back: find them, or report them as an incident"
    ) in lines
    assert (
        "rifle-1 HOT OUTSIDE STORAGE: blanks are loaded and it is with Sam Cole, not in "
        "locked storage" in lines
    )
    assert any(
        line.startswith("rifle-1 PAST ITS SCENE: issued for scene sc-14, dated 2021-10-21")
        for line in lines
    )
    assert any(line.startswith("rifle-1 STALE INSPECTION: last inspected ") for line in lines)
    # The cart's name is printed as typed, its control sequence spelled out.
    assert "\x1b" not in out
    unattended = f"colt-2 UNATTENDED: left in {visible(CART)}, which is not locked storage"
    assert any(line.startswith(unattended) for line in lines)
    rubber = next(line for line in lines if line.startswith("│ rubber-1"))
    assert "never inspected" in rubber
    assert not any(line.startswith("rubber-1 ") for line in lines)  # nothing wrong with it
