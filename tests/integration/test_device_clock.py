"""An offline tablet replaying late cannot reorder history: the server's order stands."""

from __future__ import annotations

import json

from coldcheck.domain import commands as c
from coldcheck.ledger import SigningKey
from support.service_db import PID, seed_demo

KEY = SigningKey.generate()


def test_late_replay_keeps_the_server_order_and_the_device_time_as_a_claim(
    backend: str,
) -> None:
    app = seed_demo(backend, KEY)
    last = list(app.records(PID))[-1]
    two_hours_ago = last.at - 2 * 3600 * 1_000_000
    out = app.execute(
        PID, c.RaiseConcern(actor="lane", text="queued offline at lunch", claimed_at=two_hours_ago)
    )
    rec = out.records[0]
    assert rec.seq == last.seq + 1
    assert rec.at > last.at
    assert rec.claimed_at == two_hours_ago
    assert "CLK-1" in rec.warnings
    stored = next(app.store.read_events(PID, after=last.seq))
    assert json.loads(stored.body)["claimed_at"] == two_hours_ago
    assert list(app.records(PID))[-1] == out.records[-1]
