"""The service refuses to append onto a log that does not verify, and says so."""

from __future__ import annotations

import pytest

from coldcheck.domain import commands as c
from coldcheck.domain.errors import IntegrityError
from coldcheck.ledger import Frontier, SigningKey, leaf_hash
from support.service_db import PID, drop_append_only_triggers, open_app, raw, seed_demo

KEY = SigningKey.generate()


def _rewrite_event_consistently(url: str, seq: int) -> None:
    """Change one event and recompute every leaf hash and root after it: only the signed
    head can tell."""
    with raw(url) as conn:
        drop_append_only_triggers(conn)
        rows = conn.execute("SELECT seq, body FROM events ORDER BY seq").fetchall()
        frontier = Frontier.empty()
        for s, body in rows:
            body = bytes(body)
            if s == seq:
                body = body.replace(b'"lane"', b'"joel"')
                conn.execute(
                    "UPDATE events SET body = ?, actor = ? WHERE seq = ?", (body, "joel", s)
                )
            lh = leaf_hash(body)
            frontier.append(lh)
            if s >= seq:
                conn.execute(
                    "UPDATE events SET leaf_hash = ?, root = ? WHERE seq = ?",
                    (lh, frontier.root(), s),
                )


def test_a_fresh_process_refuses_to_append_onto_a_rewritten_log(backend: str) -> None:
    seed_demo(backend, KEY).store.close()
    _rewrite_event_consistently(backend, 40)
    app = open_app(backend, KEY)
    before = app.store.head(PID)
    with pytest.raises(IntegrityError, match="does not verify"):
        app.execute(PID, c.RaiseConcern(actor="lane", text="after tampering"))
    assert app.store.head(PID) == before


def test_a_head_signed_by_another_key_is_refused(backend: str) -> None:
    seed_demo(backend, KEY).store.close()
    app = open_app(backend, SigningKey.generate())
    with pytest.raises(IntegrityError, match="not this deployment's key"):
        app.execute(PID, c.RaiseConcern(actor="lane", text="wrong key"))
