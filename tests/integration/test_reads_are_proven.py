"""Every read answers only from events proven to lie under the signed head, and every
append refuses a log whose rows, roots, columns or checkpoints disagree: for a process that
opens the database afresh and for one that was running when the change was made.

Each test changes the database as someone holding it would (the append-only triggers
dropped, then plain SQL through the driver), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from coldcheck import bundle, envelope
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain import queries as q
from coldcheck.domain.errors import IntegrityError
from coldcheck.ledger import SigningKey, leaf_hash
from coldcheck.projection import MARK_EVERY
from coldcheck.service import ColdCheck
from coldcheck.store import Head
from coldcheck.verification import verify_log
from support.service_db import PID, Raw, drop_append_only_triggers, open_app, raw, seed_demo

KEY = SigningKey.generate()
Tamper = Callable[[Raw], None]


@pytest.fixture
def seeded(backend: str) -> str:
    seed_demo(backend, KEY).store.close()
    return backend


def _issue(url: str) -> ev.Recorded:
    """The demo's first handover of a weapon (to be forged into another recipient)."""
    app = open_app(url, KEY)
    try:
        return next(r for r in app.records(PID) if isinstance(r.event, ev.ItemIssued))
    finally:
        app.store.close()


def _forge_recipient(conn: Raw, rec: ev.Recorded) -> None:
    """Give the handover another recipient; recompute that row's leaf hash (not the root
    after it, nor the signed head)."""
    assert isinstance(rec.event, ev.ItemIssued)
    forged = replace(rec, event=replace(rec.event, recipient_id="mia"))
    body = envelope.encode(PID, forged)
    drop_append_only_triggers(conn)
    conn.execute(
        "UPDATE events SET body = ?, leaf_hash = ? WHERE production_id = ? AND seq = ?",
        (body, leaf_hash(body), PID, rec.seq),
    )


def _reads(app: ColdCheck) -> list[Callable[[], object]]:
    """Every kind of read the edges make."""
    return [
        lambda: list(app.records(PID)),
        lambda: q.custody(list(app.records(PID)), "colt-1", None),
        lambda: list(app.records(PID, after=30, upto=60)),
        lambda: bundle.build(app, PID, [1, 2]),
    ]


def _unchanged(url: str, before: Head) -> None:
    with raw(url) as conn:
        seq, root = conn.one("SELECT seq, root FROM chain_heads WHERE production_id = ?", (PID,))
        assert (seq, bytes(root)) == (before.seq, before.checkpoint.root)


# -- 1. a fresh process ------------------------------------------------------------------


def test_a_fresh_process_serves_no_read_from_a_forged_body(seeded: str) -> None:
    rec = _issue(seeded)
    with raw(seeded) as conn:
        _forge_recipient(conn, rec)
    app = open_app(seeded, KEY)
    for read in [*_reads(app), lambda: app.state(PID)]:
        with pytest.raises(IntegrityError) as caught:
            read()
        assert caught.value.seq == rec.seq, caught.value
        assert f"#{rec.seq}" in str(caught.value)


def test_an_event_stored_after_the_signed_head_is_neither_served_nor_appended_onto(
    seeded: str,
) -> None:
    app = open_app(seeded, KEY)
    head = app.store.head(PID)
    last = list(app.records(PID))[-1]
    extra = replace(last, seq=head.seq + 1, event_id="planted.0")
    body = envelope.encode(PID, extra)
    with raw(seeded) as conn:
        conn.execute(
            "INSERT INTO events (production_id, seq, event_id, type, at, actor, body,"
            " leaf_hash, root) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                PID,
                extra.seq,
                extra.event_id,
                extra.type,
                extra.at,
                extra.actor,
                body,
                leaf_hash(body),
                head.checkpoint.root,
            ),
        )
    # The running process never serves it, and refuses to append after it.
    assert [r.seq for r in app.records(PID)][-1] == head.seq
    with pytest.raises(IntegrityError, match="changed underneath"):
        app.execute(PID, c.RaiseConcern(actor="lane", text="after the planted row"))
    # A fresh one refuses to read it at all.
    fresh = open_app(seeded, KEY)
    with pytest.raises(IntegrityError, match="after the signed chain head"):
        fresh.state(PID)
    with pytest.raises(IntegrityError):
        fresh.execute(PID, c.RaiseConcern(actor="lane", text="after the planted row"))
    _unchanged(seeded, head)


# -- 3. what a fresh process checks before it appends -------------------------------------


def _row_root(conn: Raw) -> None:
    conn.execute(
        "UPDATE events SET root = ? WHERE production_id = ? AND seq = 20", (b"\x11" * 32, PID)
    )


def _checkpoint_root(conn: Raw) -> None:
    conn.execute("UPDATE checkpoints SET root = ? WHERE production_id = ?", (b"\x22" * 32, PID))


def _checkpoint_signature(conn: Raw) -> None:
    conn.execute(
        "UPDATE checkpoints SET signature = ? WHERE production_id = ?", (b"\x33" * 64, PID)
    )


def _column(name: str, value: object) -> Tamper:
    def change(conn: Raw) -> None:
        conn.execute(
            f"UPDATE events SET {name} = ? WHERE production_id = ? AND seq = 25", (value, PID)
        )

    return change


TAMPERING: dict[str, Tamper] = {
    "row root": _row_root,
    "checkpoint root": _checkpoint_root,
    "checkpoint signature": _checkpoint_signature,
    "actor column": _column("actor", "joel"),
    "type column": _column("type", "ConcernRaised"),
    "at column": _column("at", 1),
}


@pytest.mark.parametrize("how", TAMPERING)
def test_a_fresh_process_refuses_what_verify_refuses(seeded: str, how: str) -> None:
    with raw(seeded) as conn:
        drop_append_only_triggers(conn)
        TAMPERING[how](conn)
    app = open_app(seeded, KEY)
    report = verify_log(app.store, PID, KEY.public_key_bytes())
    assert not report.ok
    before = app.store.head(PID)
    with pytest.raises(IntegrityError) as caught:
        app.execute(PID, c.RaiseConcern(actor="lane", text="onto a changed log"))
    assert caught.value.seq == report.first_bad_seq, (caught.value, report.problem)
    with pytest.raises(IntegrityError):
        list(app.records(PID))
    _unchanged(seeded, before)


# -- 2. a running process ------------------------------------------------------------------


def test_a_running_process_does_not_serve_a_body_changed_underneath(seeded: str) -> None:
    app = open_app(seeded, KEY)
    answer = q.custody(list(app.records(PID)), "colt-1", None)  # read once: all verified
    rec = _issue(seeded)
    with raw(seeded) as conn:
        _forge_recipient(conn, rec)
    for read in _reads(app):
        with pytest.raises(IntegrityError) as caught:
            read()
        assert caught.value.seq == rec.seq, caught.value
    assert answer  # what it answered before came from the verified log


def test_a_running_process_refuses_to_append_onto_a_log_cut_back_underneath(seeded: str) -> None:
    app = open_app(seeded, KEY)
    app.execute(PID, c.RaiseConcern(actor="lane", text="the last one"))
    before = app.store.head(PID)
    with raw(seeded) as conn:
        drop_append_only_triggers(conn)
        conn.execute("DELETE FROM events WHERE production_id = ? AND seq = ?", (PID, before.seq))
    with pytest.raises(IntegrityError, match="changed underneath") as caught:
        app.execute(PID, c.RaiseConcern(actor="lane", text="onto a cut log"))
    assert caught.value.seq == before.seq
    # Once a change is found, the process forgets what it knew: no read is served, not
    # even of the events before the change, until the log verifies again.
    for read in [*_reads(app), lambda: list(app.records(PID, upto=10))]:
        with pytest.raises(IntegrityError):
            read()
    _unchanged(seeded, before)


def test_a_running_process_refuses_to_append_when_the_last_event_was_replaced(seeded: str) -> None:
    app = open_app(seeded, KEY)
    rec = app.execute(PID, c.RaiseConcern(actor="lane", text="the real text")).records[-1]
    before = app.store.head(PID)
    assert rec.seq == before.seq
    forged = replace(rec, at=rec.at + 1)
    body = envelope.encode(PID, forged)
    with raw(seeded) as conn:
        drop_append_only_triggers(conn)
        conn.execute(
            "UPDATE events SET body = ?, leaf_hash = ? WHERE production_id = ? AND seq = ?",
            (body, leaf_hash(body), PID, rec.seq),
        )
    with pytest.raises(IntegrityError):
        app.execute(PID, c.RaiseConcern(actor="lane", text="after a replaced one"))
    _unchanged(seeded, before)


def test_reads_from_the_middle_of_a_long_log_prove_only_their_segment(backend: str) -> None:
    """A page from the middle re-hashes at most one segment before it, and still refuses
    a change anywhere in what it serves."""
    app = open_app(backend, KEY)
    app.create_production(PID, c.CreateProduction(actor=None, name="Long"))
    for i in range(MARK_EVERY + 40):
        app.execute(PID, c.RaiseConcern(actor=None, text=f"note {i}", anonymous=True))
    seqs = [r.seq for r in app.records(PID, after=MARK_EVERY + 3, upto=MARK_EVERY + 9)]
    assert seqs == list(range(MARK_EVERY + 4, MARK_EVERY + 10))
    target = next(app.records(PID, after=MARK_EVERY + 4, upto=MARK_EVERY + 5))
    assert isinstance(target.event, ev.ConcernRaised)
    body = envelope.encode(PID, replace(target, event=replace(target.event, text="forged")))
    with raw(backend) as conn:
        drop_append_only_triggers(conn)
        conn.execute(
            "UPDATE events SET body = ?, leaf_hash = ? WHERE production_id = ? AND seq = ?",
            (body, leaf_hash(body), PID, target.seq),
        )
    assert [r.seq for r in app.records(PID, after=10, upto=20)] == list(range(11, 21))
    with pytest.raises(IntegrityError) as caught:
        list(app.records(PID, after=MARK_EVERY + 1, upto=MARK_EVERY + 8))
    assert caught.value.seq == target.seq


# -- 4. the production's public key --------------------------------------------------------


def test_a_replaced_public_key_fails_verify_and_is_never_put_in_a_bundle(seeded: str) -> None:
    other = SigningKey.generate().public_key_bytes()
    with raw(seeded) as conn:
        conn.execute("UPDATE productions SET public_key = ? WHERE id = ?", (other, PID))
    app = open_app(seeded, KEY)
    report = verify_log(app.store, PID, KEY.public_key_bytes())
    assert not report.ok
    assert "public key" in report.problem
    with pytest.raises(IntegrityError, match="public key"):
        app.state(PID)
    with pytest.raises(IntegrityError, match="public key"):
        bundle.build(app, PID, [1])


def test_bundles_carry_the_deployment_key(seeded: str) -> None:
    app = open_app(seeded, KEY)
    made = bundle.build(app, PID, [1, 5])
    assert made["public_key"] == KEY.public_key_bytes().hex()
    assert bundle.verify_bundle(bundle.dumps(made), KEY.public_key_bytes()).ok


# -- the running server's audit ------------------------------------------------------------


@pytest.mark.parametrize("how", ["body", *TAMPERING])
def test_the_audit_finds_a_change_underneath_that_no_read_touched(seeded: str, how: str) -> None:
    app = open_app(seeded, KEY)
    app.state(PID)
    assert app.audit() == []  # the whole demo is one segment: checked, and nothing found
    with raw(seeded) as conn:
        if how == "body":
            _forge_recipient(conn, _issue(seeded))
        else:
            drop_append_only_triggers(conn)
            TAMPERING[how](conn)
    (found,) = app.audit()
    assert (
        "changed underneath" in str(found) or "does not" in str(found) or "altered" in str(found)
    ), found
    with pytest.raises(IntegrityError):  # forgotten: nothing more is served
        app.state(PID)


def test_the_audit_walks_a_long_log_a_segment_at_a_time(backend: str) -> None:
    app = open_app(backend, KEY)
    app.create_production(PID, c.CreateProduction(actor=None, name="Long"))
    for i in range(MARK_EVERY + 10):
        app.execute(PID, c.RaiseConcern(actor=None, text=f"note {i}", anonymous=True))
    app.checkpoint(PID)
    assert app.audit() == []  # the first segment
    assert app.audit() == []  # the second
    with raw(backend) as conn:
        drop_append_only_triggers(conn)
        conn.execute(
            "UPDATE events SET actor = ? WHERE production_id = ? AND seq = 7", ("joel", PID)
        )
    found = app.audit() + app.audit()
    assert [exc.seq for exc in found] == [7]
