"""Rotating the signing key: an event in every production's log, signed by the old and the
new key; appends carry on under the new key; verify walks the key history and refuses a
forged rotation."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from coldcheck import envelope
from coldcheck.domain import commands as c
from coldcheck.domain import events as ev
from coldcheck.domain.errors import IntegrityError
from coldcheck.heads import signed_head
from coldcheck.ledger import SigningKey, leaf_hash
from coldcheck.ledger.rotation import KeyRotation
from coldcheck.store import StoredEvent
from coldcheck.verification import verify_log
from support.service_db import PID, open_app, seed_demo


def test_a_rotation_is_recorded_and_appends_carry_on_under_the_new_key(backend: str) -> None:
    old, new = SigningKey.generate(), SigningKey.generate()
    app = seed_demo(backend, old)
    before = app.signed_head(PID)
    origin = app.log_key(PID).name
    ((pid, rec),) = app.rotate_key(new)
    assert pid == PID
    assert isinstance(rec.event, ev.SigningKeyRotated)
    assert rec.seq == before.size + 1
    assert rec.event.root == before.root.hex()
    head = app.signed_head(PID)
    assert head.size == rec.seq
    assert head.verify(new.public_key_bytes())
    assert any(cp.size == rec.seq for cp in app.checkpoints(PID, 0, rec.seq))
    app.execute(PID, c.RaiseConcern(actor="lane", text="after the rotation"))
    assert app.signed_head(PID).verify(new.public_key_bytes())
    assert app.log_key(PID).name == origin  # the origin keeps its name
    report = verify_log(app.store, PID, new.public_key_bytes())
    assert report.ok, report.problem
    assert report.keys == ((0, old.public_key_bytes()), (rec.seq, new.public_key_bytes()))
    app.store.close()

    # Another process: with the new key (and the first one) it folds across the rotation;
    # with the old key it refuses, naming the key history.
    again = open_app(backend, new)
    again.first_key = old
    assert again.state(PID).seq > rec.seq
    again.execute(PID, c.RaiseConcern(actor="lane", text="from another process"))
    assert not verify_log(again.store, PID, old.public_key_bytes()).ok
    again.store.close()
    stale = open_app(backend, old)
    with pytest.raises(IntegrityError, match="key history"):
        stale.execute(PID, c.RaiseConcern(actor="lane", text="with the retired key"))
    stale.store.close()


def test_two_rotations_walk_three_keys(backend: str) -> None:
    keys = [SigningKey.generate() for _ in range(3)]
    app = seed_demo(backend, keys[0], checkpoint_every=10)
    app.rotate_key(keys[1])
    app.execute(PID, c.RaiseConcern(actor="lane", text="between"))
    app.rotate_key(keys[2])
    report = verify_log(app.store, PID, keys[2].public_key_bytes())
    assert report.ok, report.problem
    assert [k for _, k in report.keys] == [k.public_key_bytes() for k in keys]
    assert app.audit() == []
    app.store.close()


def _forge(backend: str, old: SigningKey, new: SigningKey, change: str) -> str:
    """Append a rotation, altered by `change`, under a head signed by `new`; what verify
    with `new` says."""
    app = seed_demo(backend, old)
    known = app.committed.verified(PID)
    seq, root = known.seq + 1, known.frontier.root()
    thief = SigningKey.generate()
    rotation = KeyRotation.sign(PID, seq, root, old, new)
    if change == "only the new key signs":
        rotation = dataclasses.replace(rotation, old_signature=new.sign(rotation.message()))
    elif change == "another key signs for the old one":
        rotation = KeyRotation.sign(PID, seq, root, thief, new)
    elif change == "wrong root":
        rotation = KeyRotation.sign(PID, seq, leaf_hash(b"elsewhere"), old, new)
    elif change == "wrong seq":
        rotation = KeyRotation.sign(PID, seq + 1, root, old, new)
    event = ev.SigningKeyRotated(
        old_key=rotation.old_key.hex(),
        new_key=rotation.new_key.hex(),
        root=rotation.root.hex(),
        old_signature=rotation.old_signature.hex(),
        new_signature=rotation.new_signature.hex(),
    )
    rec = ev.Recorded(seq, f"{uuid.uuid4().hex}.0", known.head.checkpoint.at, None, event)
    body = envelope.encode(PID, rec)
    frontier = known.frontier.copy()
    frontier.append(leaf_hash(body))
    row = StoredEvent(
        PID, seq, rec.event_id, rec.type, rec.at, None, body, leaf_hash(body), frontier.root()
    )
    with app.store.writing(PID) as tx:
        tx.append([row], signed_head(new, PID, frontier, rec.at))
    report = verify_log(app.store, PID, new.public_key_bytes())
    app.store.close()
    assert not report.ok
    assert report.first_bad_seq == seq
    return report.problem


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("only the new key signs", "the old key's"),
        ("another key signs for the old one", "the key in force"),
        ("wrong root", "another root"),
        ("wrong seq", "signature fails over this rotation's production, seq"),
    ],
)
def test_a_forged_rotation_is_refused_by_verify(backend: str, change: str, said: str) -> None:
    old, new = SigningKey.generate(), SigningKey.generate()
    problem = _forge(backend, old, new, change)
    assert "key rotation" in problem, problem
    assert said in problem, problem


def test_an_honest_rotation_appended_the_same_way_verifies(backend: str) -> None:
    """The forging above changes only what each case names: unchanged, it verifies."""
    old, new = SigningKey.generate(), SigningKey.generate()
    with pytest.raises(AssertionError):
        _forge(backend, old, new, "nothing")


def test_rotating_to_the_key_in_force_is_refused(backend: str) -> None:
    key = SigningKey.generate()
    app = seed_demo(backend, key)
    with pytest.raises(Exception, match="key in force"):
        app.rotate_key(key)
    app.store.close()
