"""A dossier's consistency proof from a kept checkpoint: refused, naming why, when the
log does not extend that checkpoint, on both backends."""

from __future__ import annotations

import dataclasses

import pytest

from coldcheck import bundle, demo
from coldcheck.domain import commands as c
from coldcheck.domain.errors import IntegrityError
from coldcheck.ledger import SignedCheckpoint, SigningKey
from coldcheck.service import ColdCheck
from support.service_db import PID, Databases, open_app, runner


def _kept(app: ColdCheck, production_id: str = PID) -> SignedCheckpoint:
    return app.checkpoint(production_id)


def _set_up(databases: Databases, key: SigningKey, concern: str) -> ColdCheck:
    """The demo production set up, then one concern: logs of one size, told apart by it."""
    app = open_app(databases.create(), key)
    demo.setup(runner(app))
    app.execute(PID, c.RaiseConcern(actor="lane", text=concern))
    return app


def _refusal(app: ColdCheck, since: SignedCheckpoint) -> str:
    head = app.store.head(PID).seq
    with pytest.raises(IntegrityError) as refused:
        bundle.build(app, PID, [head], since=since)
    return str(refused.value)


def test_a_checkpoint_the_log_extends_still_proves_consistency(
    planned: ColdCheck, key: SigningKey
) -> None:
    kept = _kept(planned)
    planned.execute(PID, c.RaiseConcern(actor="lane", text="later"))
    report = bundle.verify_bundle(
        bundle.dumps(bundle.build(planned, PID, [1], since=kept)), key.public_key_bytes()
    )
    assert report.ok, report.problem
    assert report.consistent_since == kept.size


def test_a_checkpoint_of_a_longer_log_is_refused(databases: Databases, key: SigningKey) -> None:
    longer = _set_up(databases, key, "cart")
    longer.execute(PID, c.RaiseConcern(actor="lane", text="and more"))
    shorter = _set_up(databases, key, "cart")
    problem = _refusal(shorter, _kept(longer))
    assert "does not extend the checkpoint" in problem
    assert f"it is of {longer.store.head(PID).seq} events" in problem


def test_a_checkpoint_of_another_history_is_refused(databases: Databases, key: SigningKey) -> None:
    one = _set_up(databases, key, "the cart was left alone")
    other = _set_up(databases, key, "the safe was open")
    assert one.store.head(PID).seq == other.store.head(PID).seq
    problem = _refusal(other, _kept(one))
    assert "do not hash to its root" in problem


def test_a_checkpoint_of_another_production_is_refused(planned: ColdCheck) -> None:
    planned.execute(
        "other-show", c.CreateProduction(name="Other", profile="bulletin1", timezone="UTC")
    )
    problem = _refusal(planned, _kept(planned, "other-show"))
    assert "it is of production 'other-show', not cold-creek" in problem


def test_a_checkpoint_signed_by_another_key_or_altered_is_refused(
    databases: Databases,
    key: SigningKey,
) -> None:
    app = _set_up(databases, key, "cart")
    elsewhere = _set_up(databases, SigningKey.generate(), "cart")
    assert "signature does not verify" in _refusal(app, _kept(elsewhere))
    kept = _kept(app)
    later = dataclasses.replace(kept, at=kept.at + 1)
    assert "signature does not verify" in _refusal(app, later)
