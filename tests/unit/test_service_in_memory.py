"""The domain core and the service end to end on a store in memory, no database: the demo
day recorded, verified, read back proven, bundled, and folded again by a second
service on the same store."""

from __future__ import annotations

import itertools

import pytest

from coldcheck import bundle, demo
from coldcheck.bootstrap import open_accounts
from coldcheck.domain import events as ev
from coldcheck.domain.errors import ColdCheckError
from coldcheck.domain.state import replay
from coldcheck.ledger import SigningKey
from coldcheck.service import ColdCheck
from coldcheck.store.memory import MemoryStore
from coldcheck.verification import verify_log
from support.clock import START_US, TODAY

PID = demo.PRODUCTION


def test_the_demo_day_through_the_service_in_memory_verifies() -> None:
    store, key = MemoryStore(), SigningKey.generate()
    app = ColdCheck(store, key, clock=itertools.count(START_US, 1_000_000).__next__)
    demo.seed(lambda cmd: app.execute(PID, cmd), TODAY)

    head = store.head(PID)
    report = verify_log(store, PID, key.public_key_bytes())
    assert report.ok, report.problem
    assert report.events == head.seq > 50
    closed = [r.seq for r in app.records(PID) if isinstance(r.event, ev.DayClosed)]
    assert closed
    assert [cp.size for cp in store.checkpoints(PID)] == closed  # checkpointed there

    state = app.state(PID)
    assert state == replay(PID, app.records(PID))
    assert state.seq == head.seq
    # A second service on the same store (a restart, as far as it knows) folds the same.
    assert ColdCheck(store, key).state(PID) == state

    proof = bundle.verify_bundle(
        bundle.dumps(bundle.build(app, PID, [1, head.seq])), key.public_key_bytes()
    )
    assert proof.ok, proof.problem
    assert proof.proven == [1, head.seq]


def test_accounts_need_a_sql_store_and_say_so() -> None:
    app = ColdCheck(MemoryStore(), SigningKey.generate())
    with pytest.raises(
        ColdCheckError,
        match=r"accounts are kept in a SQL database; .* "
        r"MemoryStore",
    ):
        open_accounts(app)
