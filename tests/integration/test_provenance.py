"""Provenance through the service, on SQLite and PostgreSQL: the demo's evening lot held
and verified round by round, replayed from the database alike; a weapon refused a
round from a held lot; a split of a held lot held in both boxes; the daily report and the
dossier say where each lot came from and its quarantine in words."""

from __future__ import annotations

import pytest

from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.errors import Refused
from coldcheck.domain.state import replay
from coldcheck.domain.values import AmmoType, Barrel, Chamber, Content, ItemKind, RoundCheck
from coldcheck.ledger import SigningKey
from coldcheck.reports import daily, daily_words, dossier
from coldcheck.service import ColdCheck
from support.service_db import PID, TODAY, seed_demo

KEY = SigningKey.generate()


@pytest.fixture
def app(backend: str) -> ColdCheck:
    return seed_demo(backend, KEY)


def _types(app: ColdCheck, cmd: c.Command) -> list[str]:
    return [r.type for r in app.execute(PID, cmd).records]


def test_the_demo_lot_was_held_and_lifted_round_by_round(app: ColdCheck) -> None:
    records = list(app.records(PID))
    held = [r.seq for r in records if isinstance(r.event, ev.LotQuarantined)]
    lifted = [r.seq for r in records if isinstance(r.event, ev.QuarantineLifted)]
    verified = [r.event for r in records if isinstance(r.event, ev.RoundsVerified)]
    assert len(held) == len(lifted) == 1
    assert held[0] < lifted[0]
    assert [(e.first, e.last) for e in verified] == [(1, 12), (13, 13), (14, 24)]
    lot = app.state(PID).lots["dum-38"]
    assert (lot.quarantined, lot.rounds_checked, lot.verified_by) == (
        False,
        24,
        "inert primer, rattle test, each round",
    )
    assert replay(PID, records).lots["dum-38"] == lot  # the database's log folds alike


def test_a_round_from_a_held_lot_is_refused_and_a_split_keeps_the_hold(app: ColdCheck) -> None:
    receive = c.ReceiveLot(
        actor="rosa",
        lot_id="dum-x",
        ammo_type=AmmoType.DUMMY,
        caliber=".45 LC",
        count=6,
        invoice="none",
        source="found in the prop truck",
    )
    assert _types(app, receive) == ["LotReceived", "LotQuarantined"]
    _types(app, c.VerifyLot(actor="rosa", lot_id="dum-x", method="rattle test"))
    dummy = Chamber(Content.DUMMY, "dum-x", checked=True)
    inspect = c.InspectItem(
        actor="rosa", item_id="colt-1", barrel=Barrel.CLEAR, chambers=(dummy,) * 6
    )
    with pytest.raises(Refused) as refused:
        app.execute(PID, inspect)
    assert [v.code for v in refused.value.violations] == ["PRV-2"]
    split = c.SplitLot(actor="rosa", lot_id="dum-x", into=("dum-x1", "dum-x2"), rounds=(3, 3))
    assert _types(app, split) == ["LotSplit", "LotQuarantined", "LotQuarantined"]
    check = c.VerifyRounds(
        actor="rosa",
        lot_id="dum-x1",
        first=1,
        last=3,
        method=RoundCheck.DRILLED_CASE,
        verified_by="rosa",
    )
    assert _types(app, check) == ["RoundsVerified", "QuarantineLifted"]
    state = app.state(PID)
    assert not state.lots["dum-x1"].quarantined
    assert state.lots["dum-x2"].quarantined
    table = {t.title: t for t in daily_words.tables(state, daily.build(app, PID, TODAY), [])}[
        "Where the ammunition came from"
    ]
    rows = {row[0]: row for row in table.rows}
    assert rows["dum-38"][1] == (
        "High Desert Pictures (another production); last served Dry Wells (wrapped in "
        "September); repackaged by Starline Props; headstamp “R-P 38 SPL”"
    )
    assert rows["dum-38"][2] == "quarantine lifted: every round verified one by one"
    assert rows["dum-x"][1] == "found in the prop truck"
    assert rows["dum-x2"][1] == "found in the prop truck; from lot dum-x"
    assert rows["dum-x2"][2] == (
        "in quarantine (origin unknown (no registered supplier)): 0 of 3 rounds verified"
    )
    assert rows["dum-45"][2] == "not held"
    report = daily.build(app, PID, TODAY)
    assert {lot.lot_id: lot.balanced for lot in report.lots}["dum-x"]  # moved out, counted


def test_the_chambers_answer_says_where_the_rounds_had_been(app: ColdCheck) -> None:
    three = (Chamber(Content.DUMMY, "dum-38", checked=True),) * 3
    app.execute(
        PID,
        c.RegisterItem(
            actor="rosa",
            item_id="sw-38",
            kind=ItemKind.FIREARM,
            serial="SW-1",
            tag="CC-0038",
            description="S&W Model 10",
            location_id="truck-safe",
            chambers=3,
            caliber=".38 Special",
        ),
    )
    app.execute(
        PID, c.InspectItem(actor="rosa", item_id="sw-38", barrel=Barrel.CLEAR, chambers=three)
    )
    d = dossier.build(app, PID, item="sw-38")
    text = " ".join(s.text for sec in d.sections for a in sec.answers for s in a.steps)
    assert (
        "dummy from lot dum-38 (.38 Special, High Desert Pictures, invoice HDP-0193, "
        "individually checked; lot verified: inert primer, rattle test, each round; last "
        "served Dry Wells (wrapped in September); repackaged by Starline Props; quarantine "
        "lifted: every round verified one by one)"
    ) in text
