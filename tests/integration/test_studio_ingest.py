"""The studio checks every push before it stores anything (studio/ingest.py): a push the
set's log really is, whole or in batches, is stored and cosigned once; a tampered event,
a broken chain, a bad signature, a checkpoint that does not fit the copy, another
production's credential are each refused with nothing stored. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from coldcheck import tlog_proofs
from coldcheck.domain import commands as c
from coldcheck.domain.errors import Conflict
from coldcheck.ledger import SignedCheckpoint, SigningKey, checkpoint_note, open_note
from coldcheck.service import ColdCheck
from coldcheck.store import SqlStore
from coldcheck.store.studio import StudioStore
from coldcheck.studio import protocol, push
from coldcheck.studio.ingest import Refusal, Studio
from support.service_db import PID, Databases


@pytest.fixture
def studio(databases: Databases) -> Iterator[Studio]:
    store = SqlStore(databases.create())
    store.migrate()
    yield Studio(StudioStore(store), SigningKey.generate())
    store.close()


@pytest.fixture
def token(studio: Studio) -> str:
    return studio.make_credential(PID)


def whole(app: ColdCheck, held: int = 0, upto: int | None = None) -> protocol.Push:
    """The push a set sends of its log after `held` (up to `upto`: a batch)."""
    head = app.signed_head(PID)
    events = push.batch(app, PID, held, upto or head.size, 1 << 30)
    return push.build(app, PID, held, head, events)


def held(studio: Studio) -> tuple[int, int]:
    """(the size the studio holds, the events it stored) of the production."""
    (replica,) = studio.rows.replicas()
    return replica.seq, studio.rows.count_events(PID)


def refused(studio: Studio, token: str, p: protocol.Push) -> Refusal:
    with pytest.raises(Refusal) as caught:
        studio.receive(PID, token, protocol.encode(p))
    return caught.value


def test_a_push_is_stored_and_cosigned_once(planned: ColdCheck, studio: Studio, token: str) -> None:
    p = whole(planned)
    line = studio.receive(PID, token, protocol.encode(p))
    open_note(p.note + line, [studio.verifier])  # the studio's own cosignature
    assert held(studio) == (p.head.size, p.head.size)
    # Sent again (a set killed before it heard the answer): the same answer, nothing more.
    assert studio.receive(PID, token, protocol.encode(p)) == line
    assert held(studio) == (p.head.size, p.head.size)


def test_batches_continue_from_the_held_size(
    planned: ColdCheck, studio: Studio, token: str
) -> None:
    size = planned.signed_head(PID).size
    first = whole(planned, 0, size // 2)
    studio.receive(PID, token, protocol.encode(first))
    assert held(studio) == (size // 2, size // 2)
    stale = refused(studio, token, whole(planned, 0))  # from 0 again: told where to start
    assert (stale.status, stale.size, stale.alarm) == (409, size // 2, None)
    studio.receive(PID, token, protocol.encode(whole(planned, size // 2)))
    assert held(studio) == (size, size)
    assert studio.rows.alarms() == []


def test_a_sync_in_many_batches_is_stored_whole_with_one_tree_for_its_proofs(
    planned: ColdCheck, studio: Studio, token: str
) -> None:
    head = planned.signed_head(PID)
    tree = tlog_proofs.tree(planned, PID)
    size, pushes = 0, 0
    while size < head.size:  # batches of two or three events, each proven from the last
        events = push.batch(planned, PID, size, head.size, 1500)
        once = push.build(planned, PID, size, head, events, tree)
        assert once.proof == push.build(planned, PID, size, head, events).proof
        studio.receive(PID, token, protocol.encode(once))
        size, pushes = once.head.size, pushes + 1
    assert pushes > 10
    assert held(studio) == (head.size, head.size)
    assert studio.rows.alarms() == []


def test_a_tampered_event_is_refused(planned: ColdCheck, studio: Studio, token: str) -> None:
    p = whole(planned)
    events = list(p.events)
    body = events[5].body.replace(b'"seq":6', b'"seq":6 ')
    events[5] = dataclasses.replace(events[5], body=body.replace(b"armorer", b"armourer"))
    got = refused(studio, token, dataclasses.replace(p, events=tuple(events)))
    assert got.status == 422
    assert "#6" in got.detail
    assert held(studio) == (0, 0)


def test_a_broken_chain_is_refused(planned: ColdCheck, studio: Studio, token: str) -> None:
    p = whole(planned)
    events = p.events[:7] + p.events[8:]
    got = refused(studio, token, dataclasses.replace(p, events=events))
    assert got.status == 422
    assert "#8 is missing" in got.detail
    assert held(studio) == (0, 0)


def test_a_bad_signature_is_refused(planned: ColdCheck, studio: Studio, token: str) -> None:
    p = whole(planned)
    flipped = bytes([p.head.signature[0] ^ 1]) + p.head.signature[1:]
    got = refused(
        studio, token, dataclasses.replace(p, head=dataclasses.replace(p.head, signature=flipped))
    )
    assert got.status == 403
    other = SigningKey.generate()  # a note signed by a key that is not the log's
    forged = checkpoint_note(other, p.origin, p.head)
    assert refused(studio, token, dataclasses.replace(p, note=forged)).status == 403
    assert held(studio) == (0, 0)


def test_another_key_than_the_pinned_one_is_refused(
    planned: ColdCheck, studio: Studio, token: str
) -> None:
    size = planned.signed_head(PID).size
    studio.receive(PID, token, protocol.encode(whole(planned, 0, 3)))
    p = whole(planned, 3)
    other = SigningKey.generate()
    head = SignedCheckpoint.sign(other, PID, size, p.head.root, p.head.at)
    forged = dataclasses.replace(
        p,
        public_key=other.public_key_bytes(),
        head=head,
        note=checkpoint_note(other, p.origin, head),
    )
    assert refused(studio, token, forged).status == 403
    assert held(studio) == (3, 3)


def test_a_checkpoint_inconsistent_with_the_held_one_is_an_alarm(
    planned: ColdCheck, studio: Studio, token: str
) -> None:
    studio.receive(PID, token, protocol.encode(whole(planned, 0, 10)))
    p = whole(planned, 10)
    bad = refused(studio, token, dataclasses.replace(p, proof=(b"\x00" * 32, *p.proof[1:])))
    assert (bad.status, bad.alarm) == (422, "inconsistent")
    # The same size with another root, signed by the production's own key: a fork.
    key = planned.key
    fork = SignedCheckpoint.sign(key, PID, 10, b"\x01" * 32, p.head.at)
    forked = dataclasses.replace(
        p, head=fork, note=checkpoint_note(key, p.origin, fork), events=(), proof=()
    )
    assert (refused(studio, token, forked).alarm) == "fork"
    # Fewer events than the studio holds: a set cut back.
    short = push.build(planned, PID, 10, planned.signed_head(PID), list(p.events[:0]))
    small = SignedCheckpoint.sign(key, PID, 9, p.events[0].root, p.head.at)  # any root
    smaller = dataclasses.replace(short, head=small, note=checkpoint_note(key, p.origin, small))
    assert refused(studio, token, smaller).alarm == "smaller"
    assert [a.kind for a in studio.rows.alarms(PID)] == ["inconsistent", "fork", "smaller"]
    assert held(studio) == (10, 10)


def test_only_the_productions_own_credential_pushes(
    planned: ColdCheck, studio: Studio, token: str
) -> None:
    other = studio.make_credential("other-production")
    body = protocol.encode(whole(planned))
    with pytest.raises(Refusal) as caught:
        studio.receive(PID, other, body)
    assert caught.value.status == 403
    for wrong in (None, "", "ccs_not-a-credential", token + "x"):
        with pytest.raises(Refusal) as caught:
            studio.receive(PID, wrong, body)
        assert caught.value.status == 401
    assert studio.rows.count_events(PID) == 0
    assert studio.rows.count_events("other-production") == 0
    # A new credential replaces the old one.
    studio.make_credential(PID)
    with pytest.raises(Refusal):
        studio.receive(PID, token, body)


def test_a_rotation_is_followed_and_re_pins_the_key(
    planned: ColdCheck, studio: Studio, token: str
) -> None:
    """A push carrying a rotation, signed by the old and the new key, is taken: the
    production is pinned to the new key; a push from the old key is refused after it."""
    old = planned.key
    studio.receive(PID, token, protocol.encode(whole(planned)))
    before = planned.signed_head(PID).size
    new = SigningKey.generate()
    planned.rotate_key(new)
    planned.execute(PID, c.RaiseConcern(actor="lane", text="after the rotation"))
    studio.receive(PID, token, protocol.encode(whole(planned, before)))
    (replica,) = studio.rows.replicas()
    assert replica.public_key == new.public_key_bytes()
    assert held(studio)[0] == planned.signed_head(PID).size
    # The old key (a thief holding it, say) can no longer push without a rotation.
    size = planned.signed_head(PID).size
    p = whole(planned, size)
    head = SignedCheckpoint.sign(old, PID, size, p.head.root, p.head.at)
    stale = dataclasses.replace(
        p, public_key=old.public_key_bytes(), head=head, note=checkpoint_note(old, p.origin, head)
    )
    assert refused(studio, token, stale).status == 403


def test_a_first_push_of_a_rotated_log_walks_its_history(
    planned: ColdCheck, studio: Studio, token: str
) -> None:
    planned.rotate_key(SigningKey.generate())
    studio.receive(PID, token, protocol.encode(whole(planned)))
    assert held(studio)[0] == planned.signed_head(PID).size


def test_a_row_stored_twice_is_a_conflict_and_the_push_stores_nothing(
    planned: ColdCheck, studio: Studio, token: str
) -> None:
    """The rows go in by COPY on PostgreSQL (the driver's own errors, mapped by the store)
    and by executemany on SQLite: a row already there is a Conflict either way, and the
    whole push's transaction is undone."""
    size = planned.signed_head(PID).size
    first = whole(planned, 0, size // 2)
    studio.receive(PID, token, protocol.encode(first))
    (replica,) = studio.rows.replicas()
    with pytest.raises(Conflict), studio.rows.holding(PID) as tx:
        # The stored batch again with the rest after it: the primary key refuses the first.
        tx.store([*first.events, *whole(planned, size // 2).events], [], replica)
    assert held(studio) == (size // 2, size // 2)
